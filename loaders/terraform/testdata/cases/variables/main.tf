variable "from_default" {
  default = "111111111111"
}
variable "from_env" {
  default = "default-loses"
}
variable "from_tfvars" {}
variable "from_tfvars_json" {}
variable "from_auto" {}
variable "from_varfile" {}
variable "from_flag" {}
variable "list_from_flag" {
  type = list(string)
}
variable "object_with_defaults" {
  type = object({
    account = string
    role    = optional(string, "reader")
  })
  default = { account = "999999999999" }
}

resource "aws_iam_role" "r" {
  name = "r"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect = "Allow"
      Action = "sts:AssumeRole"
      Principal = {
        AWS = concat([
          "arn:aws:iam::${var.from_default}:root",
          "arn:aws:iam::${var.from_env}:root",
          var.from_tfvars,
          var.from_tfvars_json,
          var.from_auto,
          var.from_varfile,
          var.from_flag,
          "arn:aws:iam::${var.object_with_defaults.account}:role/${var.object_with_defaults.role}",
        ], var.list_from_flag)
      }
    }]
  })
}
