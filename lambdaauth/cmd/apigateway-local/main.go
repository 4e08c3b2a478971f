// Command apigateway-local runs a Lambda function locally behind an API
// Gateway stand-in: HTTP requests to -listen under /STAGE become REST API
// (payload 1.0) or HTTP API (payload 2.0) events, delivered to the function
// process through a local Lambda Runtime API, as in AWS.
//
//	go run ./lambdaauth/cmd/apigateway-local -payload 1.0 -stage Prod -- ./serverless
//
// The function process is started with AWS_LAMBDA_RUNTIME_API set and the
// rest of this command's environment; it stops when this command does.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
	"time"

	"github.com/cognitoauth/cognito-auth-go/lambdaauth/lambdalocal"
)

func main() {
	if err := run(os.Args[1:], os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		log.Printf("apigateway-local: %v", err)
		os.Exit(2)
	}
}

func run(args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("apigateway-local", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", "127.0.0.1:3000", "address the API Gateway stand-in listens on")
	payload := fs.String("payload", lambdalocal.PayloadREST, "event format: 1.0 (REST API) or 2.0 (HTTP API)")
	stage := fs.String("stage", "Prod", "stage name, the first path segment (empty: an HTTP API's $default stage)")
	fs.Usage = func() {
		_, _ = fmt.Fprintln(stderr, "usage: apigateway-local [flags] -- FUNCTION [ARGS...]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	switch {
	case fs.NArg() == 0:
		fs.Usage()
		return errors.New("the function's command is missing (after --)")
	case *payload != lambdalocal.PayloadREST && *payload != lambdalocal.PayloadHTTPAPI:
		return fmt.Errorf("-payload %q: use 1.0 (REST API) or 2.0 (HTTP API)", *payload)
	case *stage == "" && *payload == lambdalocal.PayloadREST:
		return errors.New("a REST API always has a stage: set -stage")
	}
	rt, err := lambdalocal.NewRuntime("127.0.0.1:0")
	if err != nil {
		return err
	}
	defer func() { _ = rt.Close() }()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	fn := exec.CommandContext(ctx, fs.Arg(0), fs.Args()[1:]...) //nolint:gosec // G204: running the function the user named is this command's job
	fn.Env = append(os.Environ(), "AWS_LAMBDA_RUNTIME_API="+rt.Addr(), "AWS_LAMBDA_FUNCTION_NAME=local",
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE=128", "AWS_LAMBDA_FUNCTION_VERSION=$LATEST")
	fn.Stdout, fn.Stderr = os.Stdout, os.Stderr
	fn.Cancel = func() error { return fn.Process.Signal(syscall.SIGTERM) }
	fn.WaitDelay = 5 * time.Second
	if err := fn.Start(); err != nil {
		return fmt.Errorf("starting the function: %w", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- fn.Wait() }()

	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", *listen)
	if err != nil {
		stop()
		return errors.Join(err, <-exited)
	}
	gw := &lambdalocal.Gateway{Payload: *payload, Stage: *stage, Invoke: rt.Invoke}
	srv := &http.Server{Handler: gw, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	log.Printf("apigateway-local: payload %s, http://%s/%s → %s", *payload, ln.Addr(), *stage, fs.Arg(0))

	select {
	case <-ctx.Done():
	case err := <-exited:
		_ = srv.Close()
		return fmt.Errorf("the function exited: %w", err)
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = srv.Shutdown(shutdown)
	if err := <-exited; err != nil {
		log.Printf("apigateway-local: the function stopped: %v", err)
	}
	return nil
}
