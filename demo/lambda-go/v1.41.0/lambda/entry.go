// Package lambda starts a Go function on AWS Lambda: go1.x's RPC server or the Runtime API client.
package lambda

import (
	"log"
	"os"
)

type startFunction struct {
	env string
	f   func(envValue string, handler Handler) error
}

var (
	runtimeAPIStartFunction = &startFunction{env: "AWS_LAMBDA_RUNTIME_API", f: startRuntimeAPILoop}
	startFunctions          = []*startFunction{runtimeAPIStartFunction}
	logFatalf               = log.Fatalf
)

// Start runs handler, a func([ctx], [TIn]) ([TOut], [error]), until the process is stopped.
func Start(handler interface{}) { StartHandler(NewHandler(handler)) }

// StartHandler runs a Handler.
func StartHandler(handler Handler) {
	var keys []string
	for _, start := range startFunctions {
		config := os.Getenv(start.env)
		if config != "" {
			err := start.f(config, handler)
			logFatalf("%v", err)
		}
		keys = append(keys, start.env)
	}
	logFatalf("expected AWS Lambda environment variables %s are not defined", keys)
}
