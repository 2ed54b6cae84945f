// payments-webhook: go1.x, aws-lambda-go v1.41. Its source is "lost" to the tool (not under a --source folder),
// so a migration must repackage the deployed binary, which it can: the binary speaks the Runtime API.
package main

import (
	"context"
	"fmt"

	"github.com/aws/aws-lambda-go/lambda"
)

type event struct {
	Type   string `json:"type"`
	Amount int    `json:"amount"`
}

func handler(ctx context.Context, e event) (string, error) {
	if e.Type == "" {
		return "", fmt.Errorf("missing event type")
	}
	return fmt.Sprintf("accepted %s of %d", e.Type, e.Amount), nil
}

func main() {
	lambda.Start(handler)
}
