// Package lambda starts a Go function on the go1.x runtime. Like aws-lambda-go before v1.18, it only
// serves go1.x's RPC protocol: it cannot run on provided.* and must be rebuilt with a newer library.
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
	startFunctions = []*startFunction{{env: "_LAMBDA_SERVER_PORT", f: startFunctionRPC}}
	logFatalf      = log.Fatalf
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
