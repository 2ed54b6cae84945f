// image-resizer: computes target dimensions. Already on provided.al2 (x86_64), which is deprecated too.
package main

import (
	"context"

	"github.com/aws/aws-lambda-go/lambda"
)

type request struct {
	Width    int `json:"width"`
	Height   int `json:"height"`
	MaxWidth int `json:"maxWidth"`
}

type response struct {
	Width  int `json:"width"`
	Height int `json:"height"`
}

func handler(ctx context.Context, req request) (response, error) {
	if req.MaxWidth <= 0 || req.Width <= req.MaxWidth {
		return response{req.Width, req.Height}, nil
	}
	return response{req.MaxWidth, req.Height * req.MaxWidth / req.Width}, nil
}

func main() {
	lambda.Start(handler)
}
