# A known-public grant: every hostile case puts this file beside the hostile
# one and expects its finding to survive.
resource "aws_s3_bucket_policy" "neighbour" {
  bucket = "hostile-neighbour"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = "*"
      Action    = "s3:GetObject"
      Resource  = "arn:aws:s3:::hostile-neighbour/*"
    }]
  })
}
