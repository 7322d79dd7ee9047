resource "aws_s3_bucket" "backup" {
  bucket = "${var.cluster_name}-backup"

  tags = {
    Name        = "${var.cluster_name}-backup"
    Environment = var.environment
  }
}

resource "aws_s3_bucket_versioning" "backup" {
  bucket = aws_s3_bucket.backup.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "backup" {
  bucket = aws_s3_bucket.backup.id

  rule {
    id     = "archive-old-backups"
    status = "Enabled"

    transition {
      days          = 30
      storage_class = "STANDARD_IA"
    }

    transition {
      days          = 90
      storage_class = "GLACIER"
    }

    expiration {
      days = 365
    }
  }
}

resource "aws_s3_bucket" "artifacts" {
  bucket = "${var.cluster_name}-artifacts"
}
