# A Go function on {{runtime}}: the zip holds an executable named bootstrap built by build/build.sh.
# Rendered by go-lambda-migrate: its patches take their lines from here.
data "archive_file" "{{id}}" {
  type        = "zip"
  source_file = "${path.module}/build/{{name}}/bootstrap"
  output_path = "${path.module}/build/{{name}}.zip"
}

resource "aws_lambda_function" "{{id}}" {
  function_name    = "{{name}}"
  role             = var.lambda_role_arn
  filename         = data.archive_file.{{id}}.output_path
  source_code_hash = data.archive_file.{{id}}.output_base64sha256
  runtime          = "{{runtime}}"
  handler          = "bootstrap"
  architectures    = ["{{arch}}"]
}
