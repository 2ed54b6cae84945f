// orders-api: looks up an order by id. Built with aws-lambda-go v1.41: speaks go1.x's RPC and the Runtime API.
package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-lambda-go/lambda"
)

type request struct {
	OrderID string `json:"orderId"`
}

type order struct {
	OrderID string   `json:"orderId"`
	Status  string   `json:"status"`
	Items   []string `json:"items"`
	TotalCt int      `json:"totalCents"`
}

var ErrMissingID = errors.New("orderId is required")

func handler(ctx context.Context, req request) (order, error) {
	if req.OrderID == "" {
		return order{}, ErrMissingID
	}
	n := 0
	for _, c := range req.OrderID {
		n += int(c)
	}
	return order{OrderID: req.OrderID, Status: "shipped", Items: []string{fmt.Sprintf("sku-%d", n%97)}, TotalCt: n * 7}, nil
}

func main() {
	lambda.Start(handler)
}
