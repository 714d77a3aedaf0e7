resource "aws_s3_bucket_policy" "cut" {
  bucket = "b"
  policy = jsonencode({
    Statement = [{
      Effect = "Allow"
      Princ