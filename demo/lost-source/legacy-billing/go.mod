module github.com/example/billing/legacy

go 1.18

require github.com/aws/aws-lambda-go v1.13.3

replace github.com/aws/aws-lambda-go => ../../lambda-go/v1.13.3
