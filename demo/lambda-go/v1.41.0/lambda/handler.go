package lambda

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"

	"github.com/aws/aws-lambda-go/lambda/messages"
)

// Handler is what Start runs for each event.
type Handler interface {
	Invoke(ctx context.Context, payload []byte) ([]byte, error)
}

type handlerFunc func(ctx context.Context, payload []byte) ([]byte, error)

func (h handlerFunc) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	return h(ctx, payload)
}

var (
	contextType = reflect.TypeOf((*context.Context)(nil)).Elem()
	errorType   = reflect.TypeOf((*error)(nil)).Elem()
)

// NewHandler wraps func([ctx], [TIn]) ([TOut], [error]) as a Handler, as aws-lambda-go does.
func NewHandler(fn interface{}) Handler {
	v := reflect.ValueOf(fn)
	t := v.Type()
	if t.Kind() != reflect.Func {
		return errorHandler(fmt.Errorf("handler kind %s is not func", t.Kind()))
	}
	takesContext := t.NumIn() > 0 && t.In(0).Implements(contextType)
	if t.NumIn() > 2 || (t.NumIn() == 2 && !takesContext) {
		return errorHandler(fmt.Errorf("handlers may not take more than two arguments, but handler takes %d", t.NumIn()))
	}
	if t.NumOut() > 2 || (t.NumOut() > 0 && !t.Out(t.NumOut()-1).Implements(errorType)) {
		return errorHandler(fmt.Errorf("handler returns a single value, but it does not implement error"))
	}
	return handlerFunc(func(ctx context.Context, payload []byte) ([]byte, error) {
		var args []reflect.Value
		if takesContext {
			args = append(args, reflect.ValueOf(ctx))
		}
		if (t.NumIn() == 1 && !takesContext) || t.NumIn() == 2 {
			eventType := t.In(t.NumIn() - 1)
			event := reflect.New(eventType)
			if err := json.Unmarshal(payload, event.Interface()); err != nil {
				return nil, err
			}
			args = append(args, event.Elem())
		}
		out := v.Call(args)
		if len(out) > 0 {
			if errVal, ok := out[len(out)-1].Interface().(error); ok && errVal != nil {
				return nil, errVal
			}
		}
		if len(out) < 2 {
			return []byte("null"), nil
		}
		return json.Marshal(out[0].Interface())
	})
}

func errorHandler(err error) Handler {
	return handlerFunc(func(context.Context, []byte) ([]byte, error) { return nil, err })
}

func errorTypeName(err error) string {
	t := reflect.TypeOf(err)
	if t.Kind() == reflect.Ptr {
		return t.Elem().Name()
	}
	return t.Name()
}

func lambdaErrorResponse(err error) *messages.InvokeResponse_Error {
	if ive, ok := err.(messages.InvokeResponse_Error); ok {
		return &ive
	}
	return &messages.InvokeResponse_Error{Message: err.Error(), Type: errorTypeName(err)}
}

// lambdaPanicResponse reports a panic as the real library does: the panic value's type names the error
// (a panic("...") is of type "string").
func lambdaPanicResponse(p interface{}) *messages.InvokeResponse_Error {
	if ive, ok := p.(messages.InvokeResponse_Error); ok {
		return &ive
	}
	t := reflect.TypeOf(p)
	name := ""
	if t != nil {
		if t.Kind() == reflect.Ptr {
			t = t.Elem()
		}
		name = t.Name()
	}
	return &messages.InvokeResponse_Error{Message: fmt.Sprintf("%v", p), Type: name, ShouldExit: true}
}
