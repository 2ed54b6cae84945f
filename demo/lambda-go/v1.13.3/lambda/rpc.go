package lambda

import (
	"context"
	"encoding/json"
	"errors"
	"log"
	"net"
	"net/rpc"
	"os"
	"time"

	"github.com/aws/aws-lambda-go/lambda/messages"
	"github.com/aws/aws-lambda-go/lambdacontext"
)

func startFunctionRPC(port string, handler Handler) error {
	lis, err := net.Listen("tcp", "localhost:"+port)
	if err != nil {
		log.Fatal(err)
	}
	if err := rpc.Register(&Function{handler: handler}); err != nil {
		log.Fatal("failed to register handler function")
	}
	rpc.Accept(lis)
	return errors.New("accept should not have returned")
}

// Function is the RPC service the go1.x runtime calls: Function.Ping and Function.Invoke.
type Function struct{ handler Handler }

func (fn *Function) Ping(req *messages.PingRequest, response *messages.PingResponse) error {
	*response = messages.PingResponse{}
	return nil
}

func (fn *Function) Invoke(req *messages.InvokeRequest, response *messages.InvokeResponse) error {
	defer func() {
		if err := recover(); err != nil {
			response.Error = lambdaPanicResponse(err)
		}
	}()
	deadline := time.Unix(req.Deadline.Seconds, req.Deadline.Nanos).UTC()
	ctx, cancel := context.WithDeadline(context.Background(), deadline)
	defer cancel()
	lc := &lambdacontext.LambdaContext{
		AwsRequestID:       req.RequestId,
		InvokedFunctionArn: req.InvokedFunctionArn,
		Identity: lambdacontext.CognitoIdentity{
			CognitoIdentityID:     req.CognitoIdentityId,
			CognitoIdentityPoolID: req.CognitoIdentityPoolId,
		},
	}
	if len(req.ClientContext) > 0 {
		_ = json.Unmarshal(req.ClientContext, &lc.ClientContext)
	}
	ctx = lambdacontext.NewContext(ctx, lc)
	os.Setenv("_X_AMZN_TRACE_ID", req.XAmznTraceId)
	payload, err := fn.handler.Invoke(ctx, req.Payload)
	if err != nil {
		response.Error = lambdaErrorResponse(err)
		return nil
	}
	response.Payload = payload
	return nil
}
