package client

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// Error is an error response of the API: the daemon understood the request
// and refused it.
type Error struct {
	// Kind is snapd's machine-readable error kind ("snap-not-found", ...);
	// empty for errors that have none.
	Kind    string
	Message string
	// Value is the kind-specific detail, as decoded from JSON.
	Value      any
	StatusCode int
}

func (e *Error) Error() string { return e.Message }

func decodeError(env *envelope, httpStatus int) error {
	var body struct {
		Message string `json:"message"`
		Kind    string `json:"kind"`
		Value   any    `json:"value"`
	}
	status := env.StatusCode
	if status == 0 {
		status = httpStatus
	}
	// A body without a message still tells the user something went wrong.
	if err := json.Unmarshal(env.Result, &body); err != nil || body.Message == "" {
		body.Message = fmt.Sprintf("snapd returned %d %s without an explanation", status, http.StatusText(status))
	}
	return &Error{Kind: body.Kind, Message: body.Message, Value: body.Value, StatusCode: status}
}

// ConnectError is returned when the daemon's socket cannot be reached.
type ConnectError struct {
	Socket string
	Err    error
	hint   string
}

func (e *ConnectError) Error() string {
	if e.hint != "" {
		return fmt.Sprintf("cannot connect to snapd at %s: %s", e.Socket, e.hint)
	}
	return fmt.Sprintf("cannot connect to snapd at %s: %v", e.Socket, e.Err)
}

func (e *ConnectError) Unwrap() error { return e.Err }
