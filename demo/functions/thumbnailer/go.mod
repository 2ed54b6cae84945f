module github.com/example/media/thumbnailer

go 1.18

require github.com/aws/aws-lambda-go v1.41.0

replace github.com/aws/aws-lambda-go => ../../lambda-go/v1.41.0
