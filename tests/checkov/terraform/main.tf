variable "key_name" {
  default = "alias/queues"
}

resource "aws_s3_bucket" "inline_versioned" {
  bucket = "a"
  versioning {
    enabled = true
  }
  tags = { owner = "team-a" }
}

resource "aws_s3_bucket" "versioned" {
  bucket = "b"
}

resource "aws_s3_bucket_versioning" "versioned" {
  bucket = aws_s3_bucket.versioned.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket" "suspended" {
  bucket = "c"
  tags   = { owner = "team-c" }
}

resource "aws_s3_bucket_versioning" "suspended" {
  bucket = aws_s3_bucket.suspended.id
  versioning_configuration {
    status = "Suspended"
  }
}

resource "aws_s3_bucket" "plain" {
  bucket = "d"
}

resource "aws_secretsmanager_secret" "rotated" {
  name = "rotated"
}

resource "aws_secretsmanager_secret_rotation" "rotated" {
  secret_id = aws_secretsmanager_secret.rotated.id
  rotation_rules {
    automatically_after_days = 30
  }
}

resource "aws_secretsmanager_secret" "static" {
  name = "static"
}

resource "aws_security_group" "open" {
  ingress {
    cidr_blocks = ["10.0.0.0/8"]
  }
  ingress {
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_security_group" "closed" {
  ingress {
    cidr_blocks = ["10.0.0.0/8"]
  }
}

resource "aws_iam_policy" "deny_first" {
  policy = jsonencode({
    Statement = [{ Effect = "Deny", Action = "*", Resource = "*" }]
  })
}

resource "aws_iam_policy" "allow_first" {
  policy = <<-EOT
    {"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}
  EOT
}

resource "aws_sqs_queue" "with_key" {
  name              = "q1"
  kms_master_key_id = var.key_name
}

resource "aws_sqs_queue" "without_key" {
  name = "q2"
}

resource "aws_kms_alias" "queues" {
  name = var.key_name
}
