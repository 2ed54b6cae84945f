// thumbnailer: already migrated, provided.al2023 on arm64. Nothing to do for the tool.
package main

import (
	"context"
	"strings"

	"github.com/aws/aws-lambda-go/lambda"
)

type request struct {
	Key string `json:"key"`
}

func handler(ctx context.Context, req request) (map[string]string, error) {
	return map[string]string{"thumbnail": "thumbs/" + strings.TrimPrefix(req.Key, "uploads/")}, nil
}

func main() {
	lambda.Start(handler)
}
