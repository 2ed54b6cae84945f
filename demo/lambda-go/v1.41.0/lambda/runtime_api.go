package lambda

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"time"

	"github.com/aws/aws-lambda-go/lambdacontext"
)

const apiVersion = "2018-06-01"

func startRuntimeAPILoop(api string, handler Handler) error {
	base := "http://" + api + "/" + apiVersion + "/runtime/invocation/"
	client := &http.Client{Timeout: 0}
	for {
		res, err := client.Get(base + "next")
		if err != nil {
			return fmt.Errorf("failed to GET %snext: %v", base, err)
		}
		body, err := io.ReadAll(res.Body)
		res.Body.Close()
		if err != nil {
			return err
		}
		if res.StatusCode != http.StatusOK {
			return fmt.Errorf("failed to GET %snext: got unexpected status code: %d", base, res.StatusCode)
		}
		id := res.Header.Get("Lambda-Runtime-Aws-Request-Id")
		deadlineMs, _ := strconv.ParseInt(res.Header.Get("Lambda-Runtime-Deadline-Ms"), 10, 64)
		ctx, cancel := context.WithDeadline(context.Background(), time.UnixMilli(deadlineMs))
		lc := &lambdacontext.LambdaContext{
			AwsRequestID:       id,
			InvokedFunctionArn: res.Header.Get("Lambda-Runtime-Invoked-Function-Arn"),
		}
		if cc := res.Header.Get("Lambda-Runtime-Client-Context"); cc != "" {
			_ = json.Unmarshal([]byte(cc), &lc.ClientContext)
		}
		if ci := res.Header.Get("Lambda-Runtime-Cognito-Identity"); ci != "" {
			_ = json.Unmarshal([]byte(ci), &lc.Identity)
		}
		os.Setenv("_X_AMZN_TRACE_ID", res.Header.Get("Lambda-Runtime-Trace-Id"))
		payload, invokeErr := safeInvoke(lambdacontext.NewContext(ctx, lc), handler, body)
		cancel()
		if invokeErr != nil {
			e := lambdaErrorResponse(invokeErr)
			doc, _ := json.Marshal(e)
			req, _ := http.NewRequest(http.MethodPost, base+id+"/error", bytes.NewReader(doc))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Lambda-Runtime-Function-Error-Type", e.Type)
			if err := post(client, req); err != nil {
				return err
			}
			if e.ShouldExit {
				return fmt.Errorf("calling the handler function resulted in a panic, the process should exit")
			}
			continue
		}
		req, _ := http.NewRequest(http.MethodPost, base+id+"/response", bytes.NewReader(payload))
		req.Header.Set("Content-Type", "application/json")
		if err := post(client, req); err != nil {
			return err
		}
	}
}

func safeInvoke(ctx context.Context, handler Handler, payload []byte) (out []byte, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = *lambdaPanicResponse(p)
		}
	}()
	return handler.Invoke(ctx, payload)
}

func post(client *http.Client, req *http.Request) error {
	res, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("failed to POST to %s: %v", req.URL, err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusAccepted {
		return fmt.Errorf("failed to POST to %s: got unexpected status code: %d", req.URL, res.StatusCode)
	}
	return nil
}
