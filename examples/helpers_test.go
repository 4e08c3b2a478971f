package examples_test

import (
	"fmt"
	"os"
	"testing"
)

// binDir holds the binaries the end-to-end test builds; TestMain removes it.
var binDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "cognito-auth-examples-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binDir = dir
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

func tempDir() (string, error) { return binDir, nil }
