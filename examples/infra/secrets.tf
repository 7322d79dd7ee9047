resource "aws_kms_key" "secrets" {
  description         = "Encrypts the platform's secrets"
  enable_key_rotation = true
}

resource "aws_secretsmanager_secret" "api_keys" {
  name        = "${var.cluster_name}-api-keys"
  description = "API keys for external services"
  kms_key_id  = aws_kms_key.secrets.arn
}

resource "aws_secretsmanager_secret_version" "api_keys" {
  secret_id = aws_secretsmanager_secret.api_keys.id
  secret_string = jsonencode({
    OPENAI_API_KEY = var.openai_api_key
  })
}

resource "aws_secretsmanager_secret_rotation" "api_keys" {
  secret_id           = aws_secretsmanager_secret.api_keys.id
  rotation_lambda_arn = aws_lambda_function.rotate_secrets.arn

  rotation_rules {
    automatically_after_days = 30
  }
}

resource "aws_secretsmanager_secret" "webhook_signing" {
  name       = "${var.cluster_name}-webhook-signing"
  kms_key_id = aws_kms_key.secrets.arn
}

resource "aws_lambda_function" "rotate_secrets" {
  function_name = "${var.cluster_name}-rotate-secrets"
  role          = aws_iam_role.rotation.arn
  runtime       = "python3.12"
  handler       = "rotate.handler"
  filename      = "rotate.zip"
}

resource "aws_iam_role" "rotation" {
  name = "${var.cluster_name}-rotation"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "lambda.amazonaws.com" }
    }]
  })
}

resource "aws_iam_policy" "secrets_access" {
  name        = "${var.cluster_name}-secrets-access"
  description = "Lets the API read its keys"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"]
      Resource = aws_secretsmanager_secret.api_keys.arn
    }]
  })
}
