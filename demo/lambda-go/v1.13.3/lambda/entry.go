// Package lambda starts a Go function on the go1.x runtime. Like aws-lambda-go before v1.18, it only
// serves go1.x's RPC protocol: it cannot run on provided.* and must be rebuilt with a newer library.
package lambda

import (
	"log"
	"os"
)

// Start runs handler, a func([ctx], [TIn]) ([TOut], [error]), until the process is stopped.
func Start(handler interface{}) { StartHandler(NewHandler(handler)) }

// StartHandler serves handler over net/rpc on localhost:$_LAMBDA_SERVER_PORT, as the real v1.13.3 does.
// With the variable unset (any runtime but go1.x) it listens on a port of the kernel's choosing and waits
// there for ever: it neither exits nor says anything, so on provided.* the function never asks for an
// event and Lambda ends the init phase at its timeout.
func StartHandler(handler Handler) {
	err := startFunctionRPC(os.Getenv("_LAMBDA_SERVER_PORT"), handler)
	log.Fatal(err)
}
