package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
)

// Exit statuses.
const (
	exitAllowed = 0
	exitRefused = 1
	exitUsage   = 2
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.LookupEnv, os.Environ))
}

const usage = `usage: cognito-auth explain [flags] [captured-request-file]

Explains how the app would answer a captured request: every verification
check in order, the authorisation policy rule by rule, and the answer.
Reads the request from the file, or stdin when none (or "-") is given.
Run "cognito-auth explain -h" for the flags.
`

// run is the whole command; it returns the exit status. lookup reads the
// environment and names lists it.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer, lookup func(string) (string, bool), names func() []string) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	switch args[0] {
	case "explain":
		return explainCommand(args[1:], stdin, stdout, stderr, lookup, names)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return exitAllowed
	}
	fmt.Fprintf(stderr, "cognito-auth: unknown command %q\n%s", args[0], usage)
	return exitUsage
}

func explainCommand(args []string, stdin io.Reader, stdout, stderr io.Writer, lookup func(string) (string, bool), names func() []string) int {
	opts, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return exitAllowed
	}
	if err != nil {
		fmt.Fprintln(stderr, "cognito-auth explain:", err)
		return exitUsage
	}
	in := stdin
	if opts.file != "" && opts.file != "-" {
		f, err := os.Open(opts.file)
		if err != nil {
			fmt.Fprintln(stderr, "cognito-auth explain:", err)
			return exitUsage
		}
		defer func() { _ = f.Close() }()
		in = f
	}
	c, err := parseCapture(in)
	if err != nil {
		fmt.Fprintln(stderr, "cognito-auth explain:", err)
		return exitUsage
	}
	return explain(c, opts, lookup, names, stdout, stderr)
}
