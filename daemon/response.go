package daemon

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/snappy-pm/snappy/daemon/snapmgr"
	"github.com/snappy-pm/snappy/daemon/state"
)

// envelope is snapd's response shape, which clients parse before anything
// else.
type envelope struct {
	Type       string   `json:"type"`
	StatusCode int      `json:"status-code"`
	Status     string   `json:"status"`
	Result     any      `json:"result"`
	Change     string   `json:"change,omitempty"`
	Sources    []string `json:"sources,omitempty"`
}

// errorResult is the result of an error envelope.
type errorResult struct {
	Message string `json:"message"`
	Kind    string `json:"kind,omitempty"`
	Value   any    `json:"value,omitempty"`
}

func writeJSON(w http.ResponseWriter, e envelope) {
	buf, err := json.Marshal(e)
	if err != nil {
		buf, _ = json.Marshal(envelope{Type: "error", StatusCode: 500, Status: http.StatusText(500),
			Result: errorResult{Message: "cannot encode response: " + err.Error()}})
		e.StatusCode = 500
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(e.StatusCode)
	w.Write(buf)
}

func syncResponse(w http.ResponseWriter, result any) {
	writeJSON(w, envelope{Type: "sync", StatusCode: 200, Status: "OK", Result: result})
}

func asyncResponse(w http.ResponseWriter, changeID string) {
	writeJSON(w, envelope{Type: "async", StatusCode: 202, Status: "Accepted", Change: changeID})
}

func errorResponse(w http.ResponseWriter, code int, kind, msg string, value any) {
	writeJSON(w, envelope{Type: "error", StatusCode: code, Status: http.StatusText(code),
		Result: errorResult{Message: msg, Kind: kind, Value: value}})
}

func badRequest(w http.ResponseWriter, msg string) { errorResponse(w, 400, "", msg, nil) }

// errorFor maps the errors of the layers below to snapd's statuses and kinds.
func errorFor(w http.ResponseWriter, err error) {
	var conflict *state.ConflictError
	var merr *snapmgr.Error
	switch {
	case errors.As(err, &conflict):
		errorResponse(w, 409, "snap-change-conflict", err.Error(),
			map[string]string{"snap-name": conflict.Snap, "change-kind": conflict.ChangeKind})
	case errors.As(err, &merr):
		code := 400
		if merr.Kind == snapmgr.KindNotFound {
			code = 404
		}
		var value any
		if merr.Value != "" {
			value = merr.Value
		}
		errorResponse(w, code, merr.Kind, merr.Message, value)
	case errors.Is(err, state.ErrNotFound):
		errorResponse(w, 404, "", err.Error(), nil)
	default:
		errorResponse(w, 500, "", err.Error(), nil)
	}
}
