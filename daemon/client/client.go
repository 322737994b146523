// Package client talks to the daemon's snapd-compatible /v2 REST API over its
// unix socket. It is what the snap command uses. It speaks the wire format
// of snapd 2.57, as recorded in shared/snapd-api.
package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"syscall"
)

// Client is safe for concurrent use.
type Client struct {
	socket    string
	http      *http.Client
	userAgent string
}

// New returns a client for the daemon listening on socket (see
// paths.Paths.Socket). No connection is made until the first request.
func New(socket string) *Client {
	dialer := &net.Dialer{}
	tr := &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			return dialer.DialContext(ctx, "unix", socket)
		},
		// The socket is local: there is never a proxy in between.
		Proxy: nil,
	}
	return &Client{socket: socket, http: &http.Client{Transport: tr}, userAgent: "snappy"}
}

// SetUserAgent sets the User-Agent sent with every request; the daemon logs it.
func (c *Client) SetUserAgent(ua string) { c.userAgent = ua }

// Socket is the path the client connects to.
func (c *Client) Socket() string { return c.socket }

// envelope is the JSON wrapper around every response, sync, async or error.
type envelope struct {
	Type       string          `json:"type"`
	StatusCode int             `json:"status-code"`
	Status     string          `json:"status"`
	Result     json.RawMessage `json:"result"`
	Change     string          `json:"change"`
}

// request is one API call; query and body may be empty.
type request struct {
	method      string
	path        string
	query       url.Values
	body        io.Reader
	contentType string
}

func (c *Client) raw(ctx context.Context, r request) (*envelope, error) {
	u := url.URL{Scheme: "http", Host: "localhost", Path: r.path, RawQuery: r.query.Encode()}
	req, err := http.NewRequestWithContext(ctx, r.method, u.String(), r.body)
	if err != nil {
		return nil, fmt.Errorf("cannot build request for %s: %w", r.path, err)
	}
	req.Header.Set("User-Agent", c.userAgent)
	if r.contentType != "" {
		req.Header.Set("Content-Type", r.contentType)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, c.connectError(err)
	}
	defer resp.Body.Close()
	var env envelope
	if err := json.NewDecoder(resp.Body).Decode(&env); err != nil {
		return nil, fmt.Errorf("cannot decode response to %s %s (HTTP %d) from snapd at %s: %w",
			r.method, r.path, resp.StatusCode, c.socket, err)
	}
	if env.Type == "error" || resp.StatusCode >= 400 {
		return nil, decodeError(&env, resp.StatusCode)
	}
	return &env, nil
}

// connectError turns a transport failure into something a user can act on.
func (c *Client) connectError(err error) error {
	var opErr *net.OpError
	if !errors.As(err, &opErr) || opErr.Op != "dial" {
		return fmt.Errorf("cannot communicate with snapd at %s: %w", c.socket, err)
	}
	if errors.Is(err, syscall.ENOENT) || errors.Is(err, syscall.ECONNREFUSED) {
		return &ConnectError{Socket: c.socket, Err: err, hint: "is snapd running?"}
	}
	return &ConnectError{Socket: c.socket, Err: err}
}

// doSync runs a request that answers with a sync result and decodes it into v.
func (c *Client) doSync(ctx context.Context, r request, v any) error {
	env, err := c.raw(ctx, r)
	if err != nil {
		return err
	}
	if env.Type != "sync" {
		return fmt.Errorf("snapd answered %s %s with a %q response where a sync one was expected", r.method, r.path, env.Type)
	}
	if v == nil {
		return nil
	}
	if err := json.Unmarshal(env.Result, v); err != nil {
		return fmt.Errorf("cannot decode the result of %s %s: %w", r.method, r.path, err)
	}
	return nil
}

// doAsync runs a request that starts a change and returns the change's id.
func (c *Client) doAsync(ctx context.Context, r request) (string, error) {
	env, err := c.raw(ctx, r)
	if err != nil {
		return "", err
	}
	if env.Type != "async" || env.Change == "" {
		return "", fmt.Errorf("snapd answered %s %s without starting a change (type %q)", r.method, r.path, env.Type)
	}
	return env.Change, nil
}

// jsonBody encodes an action document for a POST.
func jsonBody(v any) (io.Reader, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("cannot encode request: %w", err)
	}
	return bytes.NewReader(data), nil
}
