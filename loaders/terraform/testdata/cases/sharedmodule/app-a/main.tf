# Two root modules call the same module with the same instance address:
# they are two different resources (two states) and both must be reported.
module "queue" {
  source = "../shared"
  reader = "444455556666"
}
