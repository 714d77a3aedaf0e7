module "site" {
  source = "./modules/site"
  name   = "example-site"
}

# perimeter:ignore PERIM001 the docs site is public by design
module "docs" {
  source = "./modules/site"
  name   = "example-docs"
}
