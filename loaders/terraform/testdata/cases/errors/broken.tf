resource "aws_iam_role" "lost" {
  assume_role_policy = "{"
  name = 
}
