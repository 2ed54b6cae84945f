// legacy-billing: go1.x built with aws-lambda-go v1.13.3, which only speaks go1.x's RPC protocol. Without its
// source it cannot be migrated: the binary would exit on provided.* ("expected AWS Lambda environment variables").
package main

import (
	"context"

	"github.com/aws/aws-lambda-go/lambda"
)

type invoice struct {
	Customer string `json:"customer"`
	Cents    int    `json:"cents"`
}

func handler(ctx context.Context, in invoice) (map[string]interface{}, error) {
	return map[string]interface{}{"customer": in.Customer, "taxCents": in.Cents / 5, "billed": true}, nil
}

func main() {
	lambda.Start(handler)
}
