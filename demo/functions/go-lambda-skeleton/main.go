// The classic go1.x skeleton: answers an API Gateway proxy event with the request and the Lambda context.
package main

import (
	"context"
	"encoding/json"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"
)

type echo struct {
	Request       events.APIGatewayProxyRequest `json:"request"`
	Context       *lambdacontext.LambdaContext  `json:"context"`
	FunctionName  string                        `json:"functionName"`
	MemoryLimitMB int                           `json:"memoryLimitInMB"`
}

func handler(ctx context.Context, req events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
	lc, _ := lambdacontext.FromContext(ctx)
	body, err := json.Marshal(echo{Request: req, Context: lc, FunctionName: lambdacontext.FunctionName, MemoryLimitMB: lambdacontext.MemoryLimitInMB})
	if err != nil {
		return events.APIGatewayProxyResponse{}, err
	}
	return events.APIGatewayProxyResponse{
		StatusCode: 200,
		Headers:    map[string]string{"Content-Type": "application/json"},
		Body:       string(body),
	}, nil
}

func main() {
	lambda.Start(handler)
}
