# Payments and images, deployed with Terraform (eu-west-1).
provider "aws" {
  region = "eu-west-1"
}

variable "lambda_role_arn" {
  type    = string
  default = "arn:aws:iam::123456789012:role/demo-lambda-execution"
}

data "archive_file" "payments_webhook" {
  type        = "zip"
  source_file = "${path.module}/bin/payments-webhook"
  output_path = "${path.module}/build/payments-webhook.zip"
}

resource "aws_lambda_function" "payments_webhook" {
  function_name    = "payments-webhook"
  role             = var.lambda_role_arn
  filename         = data.archive_file.payments_webhook.output_path
  source_code_hash = data.archive_file.payments_webhook.output_base64sha256
  runtime          = "go1.x"
  handler          = "payments-webhook"
  memory_size      = 128
  timeout          = 5
}

# Already on a custom runtime, but provided.al2 is deprecated too, and x86_64.
resource "aws_lambda_function" "image_resizer" {
  function_name = "image-resizer"
  role          = var.lambda_role_arn
  filename      = "${path.module}/build/image-resizer.zip"
  runtime       = "provided.al2"
  handler       = "bootstrap"
  architectures = ["x86_64"]
  memory_size   = 512
  timeout       = 30
}
