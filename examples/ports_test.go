package examples_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

// holdPort listens on a free loopback port for the rest of the test and
// returns it: a real listener, as another program holding the port would.
func holdPort(t *testing.T) string {
	t.Helper()
	ln, err := (&net.ListenConfig{}).Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ln.Close() })
	return strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
}

// runScript runs a script of the repository from its root with env added
// (and the settings it names removed from the test's own environment), and
// returns its output and exit code.
func runScript(t *testing.T, env []string, script string, args ...string) (string, int, time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", append([]string{script}, args...)...)
	cmd.Dir = ".."
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "APP_PORT", "LISTEN", "API_PORT", "README_PORTS", "STAGES":
		default:
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, env...)
	start := time.Now()
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return string(out), 0, time.Since(start)
	case errors.As(err, &exit):
		return string(out), exit.ExitCode(), time.Since(start)
	}
	t.Fatalf("%s: %v\n%s", script, err, out)
	return "", 0, 0
}

// TestDemoRefusesATakenPort: with a real listener on a port the demo
// needs, ./scripts/demo.sh fails at once — before building anything —
// naming the port, this process as its holder, and the setting to change.
func TestDemoRefusesATakenPort(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, setting string
		args          []string
		env           func(held, free string) []string
	}{
		{"the app's port", "APP_PORT=", []string{"gin"}, func(held, free string) []string {
			return []string{"APP_PORT=" + held, "LISTEN=127.0.0.1:" + free}
		}},
		{"cognito-local's address", "LISTEN=127.0.0.1:", []string{"nethttp", "hosted-ui"}, func(held, free string) []string {
			return []string{"LISTEN=127.0.0.1:" + held, "APP_PORT=" + free}
		}},
		{"the API Gateway stand-in's port", "API_PORT=", []string{"serverless"}, func(held, free string) []string {
			return []string{"API_PORT=" + held, "LISTEN=127.0.0.1:" + free}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			held := holdPort(t)
			free := freePort(t)
			out, code, took := runScript(t, tc.env(held, free), "scripts/demo.sh", tc.args...)
			if code != 1 {
				t.Fatalf("exit %d, want 1:\n%s", code, out)
			}
			for _, want := range []string{
				"demo.sh: port " + held + " (",
				"is in use by:",
				fmt.Sprintf("(pid %d)", os.Getpid()), // the holder, named
				"nothing was built or started",
				"choose another port: " + tc.setting,
				"scripts/demo.sh " + strings.Join(tc.args, " "),
			} {
				if !strings.Contains(out, want) {
					t.Errorf("output lacks %q:\n%s", want, out)
				}
			}
			if strings.Contains(out, "Building") || took > 20*time.Second {
				t.Errorf("it went on (%s) before refusing:\n%s", took, out)
			}
		})
	}
}

// TestTestCommandRefusesATakenPort: ./scripts/test.sh checks the ports the
// README walks need before it starts a stage, and names their holder.
func TestTestCommandRefusesATakenPort(t *testing.T) {
	t.Parallel()
	held := holdPort(t)
	for _, stages := range []string{"", "STAGES=race"} { // every stage, as the README runs it; one that runs the examples
		env := []string{"README_PORTS=" + freePort(t) + " " + held}
		if stages != "" {
			env = append(env, stages)
		}
		out, code, _ := runScript(t, env, "scripts/test.sh")
		if code != 1 {
			t.Fatalf("%v: exit %d, want 1:\n%s", env, code, out)
		}
		for _, want := range []string{
			"test.sh: port " + held + " (the README walks run ./scripts/demo.sh, which needs it) is in use by:",
			fmt.Sprintf("(pid %d)", os.Getpid()),
			"stop that process first",
		} {
			if !strings.Contains(out, want) {
				t.Errorf("%v: output lacks %q:\n%s", env, want, out)
			}
		}
		if strings.Contains(out, "==> ") {
			t.Errorf("%v: a stage started:\n%s", env, out)
		}
	}
}
