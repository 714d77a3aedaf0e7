resource "aws_s3_bucket_policy" "broken" {
  bucket = "b"
  policy = = "x"
}
