// Package events holds the event shapes the demo functions use.
package events

type APIGatewayProxyRequestContext struct {
	AccountID  string `json:"accountId"`
	Stage      string `json:"stage"`
	RequestID  string `json:"requestId"`
	HTTPMethod string `json:"httpMethod"`
	Path       string `json:"path"`
}

type APIGatewayProxyRequest struct {
	Resource              string                        `json:"resource"`
	Path                  string                        `json:"path"`
	HTTPMethod            string                        `json:"httpMethod"`
	Headers               map[string]string             `json:"headers"`
	QueryStringParameters map[string]string             `json:"queryStringParameters"`
	PathParameters        map[string]string             `json:"pathParameters"`
	RequestContext        APIGatewayProxyRequestContext `json:"requestContext"`
	Body                  string                        `json:"body"`
	IsBase64Encoded       bool                          `json:"isBase64Encoded,omitempty"`
}

type APIGatewayProxyResponse struct {
	StatusCode      int               `json:"statusCode"`
	Headers         map[string]string `json:"headers"`
	Body            string            `json:"body"`
	IsBase64Encoded bool              `json:"isBase64Encoded,omitempty"`
}
