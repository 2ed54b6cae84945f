// Package lambdacontext carries the invocation's metadata in a context.Context.
package lambdacontext

import (
	"context"
	"os"
	"strconv"
)

var (
	FunctionName       = os.Getenv("AWS_LAMBDA_FUNCTION_NAME")
	FunctionVersion    = os.Getenv("AWS_LAMBDA_FUNCTION_VERSION")
	LogGroupName       = os.Getenv("AWS_LAMBDA_LOG_GROUP_NAME")
	LogStreamName      = os.Getenv("AWS_LAMBDA_LOG_STREAM_NAME")
	MemoryLimitInMB, _ = strconv.Atoi(os.Getenv("AWS_LAMBDA_FUNCTION_MEMORY_SIZE"))
)

type CognitoIdentity struct {
	CognitoIdentityID     string `json:"cognitoIdentityId"`
	CognitoIdentityPoolID string `json:"cognitoIdentityPoolId"`
}

type ClientContext struct {
	Client ClientApplication `json:"client"`
	Env    map[string]string `json:"env"`
	Custom map[string]string `json:"custom"`
}

type ClientApplication struct {
	InstallationID string `json:"installation_id"`
	AppTitle       string `json:"app_title"`
	AppVersionCode string `json:"app_version_code"`
	AppPackageName string `json:"app_package_name"`
}

type LambdaContext struct {
	AwsRequestID       string          `json:"awsRequestId"`
	InvokedFunctionArn string          `json:"invokedFunctionArn"`
	Identity           CognitoIdentity `json:"identity"`
	ClientContext      ClientContext   `json:"clientContext"`
}

type key struct{}

func NewContext(parent context.Context, lc *LambdaContext) context.Context {
	return context.WithValue(parent, key{}, lc)
}

func FromContext(ctx context.Context) (*LambdaContext, bool) {
	lc, ok := ctx.Value(key{}).(*LambdaContext)
	return lc, ok
}
