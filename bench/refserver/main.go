// Command refserver is the benchmarks' reference daemon: the least a Go
// program can be while answering HTTP on a unix socket. It reads whatever
// is sent and answers every request with the bytes of one file, so that
// comparing it with snapd separates what snapd's own work costs (in time
// and memory) from what Go's runtime, net/http and the socket cost anyway.
//
// Usage: refserver SOCKET BODY-FILE. It stops on SIGTERM or SIGINT.
package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: refserver SOCKET BODY-FILE")
		os.Exit(2)
	}
	body, err := os.ReadFile(os.Args[2])
	if err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
	os.Remove(os.Args[1])
	ln, err := net.Listen("unix", os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Uploads are read to the end, as snapd must, so that posting to
		// this server measures moving the bytes through the socket.
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.Write(body)
	})}
	go func() {
		sigs := make(chan os.Signal, 1)
		signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT)
		<-sigs
		srv.Close()
	}()
	if err := srv.Serve(ln); err != nil && err != http.ErrServerClosed {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
	os.Remove(os.Args[1])
}
