package main

import (
	"errors"
	"flag"
	"io"
	"strings"
	"testing"
)

// TestUsageErrors: bad command lines are refused with a message saying
// what to fix (main exits 2 on them; -h exits 0), before anything starts.
func TestUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, "function's command is missing"},
		{[]string{"-payload", "3.0", "--", "true"}, "use 1.0 (REST API) or 2.0 (HTTP API)"},
		{[]string{"-stage", "", "--", "true"}, "a REST API always has a stage"},
		{[]string{"-nope"}, "flag provided but not defined"},
	} {
		err := run(tc.args, io.Discard)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: %v; want %q", tc.args, err, tc.want)
		}
	}
	if err := run([]string{"-h"}, io.Discard); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("-h: %v", err)
	}
}
