package loaders

// KindModuleInput stands for what a Terraform module call creates when the
// module cannot be read (not downloaded, no files): the call's arguments
// that are policy documents are analysed as its grants (loaders/terraform,
// docs/terraform.md "Modules that cannot be read"). The kind of a
// well-known module (terraform-aws-modules/s3-bucket is an s3:bucket) is
// used instead when the loader knows it.
const KindModuleInput = "module:input"
