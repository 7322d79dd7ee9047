resource "aws_s3_bucket" "backups" {
  bucket = "backups"
}

resource "aws_s3_bucket" "logs" {
  bucket = "logs"
}
