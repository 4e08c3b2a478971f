package examples_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/cognitoauth/cognito-auth-go/core"
	ct "github.com/cognitoauth/cognito-auth-go/core/cognitotest"
)

// runtimeAPI is a local Lambda Runtime API: the function process polls it
// for events and posts results, exactly as on AWS.
type runtimeAPI struct {
	*httptest.Server
	events  chan invocation
	mu      sync.Mutex
	waiting map[string]chan result
	seq     int
}

type invocation struct {
	id      string
	payload []byte
}

type result struct {
	body  []byte
	error bool
}

func newRuntimeAPI(t *testing.T) *runtimeAPI {
	rt := &runtimeAPI{events: make(chan invocation), waiting: map[string]chan result{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /2018-06-01/runtime/invocation/next", func(w http.ResponseWriter, r *http.Request) {
		select {
		case inv := <-rt.events:
			w.Header().Set("Lambda-Runtime-Aws-Request-Id", inv.id)
			w.Header().Set("Lambda-Runtime-Deadline-Ms", strconv.FormatInt(time.Now().Add(30*time.Second).UnixMilli(), 10))
			w.Header().Set("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:eu-west-2:123456789012:function:example")
			w.Header().Set("Lambda-Runtime-Trace-Id", "Root=1-00000000-000000000000000000000000")
			_, _ = w.Write(inv.payload)
		case <-r.Context().Done():
		}
	})
	deliver := func(isErr bool) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			rt.mu.Lock()
			ch := rt.waiting[r.PathValue("id")]
			rt.mu.Unlock()
			if ch == nil {
				http.Error(w, "unknown request id", http.StatusBadRequest)
				return
			}
			ch <- result{body: body, error: isErr}
			w.WriteHeader(http.StatusAccepted)
		}
	}
	mux.HandleFunc("POST /2018-06-01/runtime/invocation/{id}/response", deliver(false))
	mux.HandleFunc("POST /2018-06-01/runtime/invocation/{id}/error", deliver(true))
	mux.HandleFunc("POST /2018-06-01/runtime/init/error", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		t.Errorf("function failed to initialise: %s", body)
		w.WriteHeader(http.StatusAccepted)
	})
	rt.Server = httptest.NewServer(mux)
	t.Cleanup(rt.Close)
	return rt
}

// invoke sends one event to the function and waits for its answer.
func (rt *runtimeAPI) invoke(t *testing.T, e events.ALBTargetGroupRequest) events.ALBTargetGroupResponse {
	t.Helper()
	payload, _ := json.Marshal(e)
	rt.mu.Lock()
	rt.seq++
	id := fmt.Sprintf("req-%d", rt.seq)
	ch := make(chan result, 1)
	rt.waiting[id] = ch
	rt.mu.Unlock()
	select {
	case rt.events <- invocation{id: id, payload: payload}:
	case <-time.After(20 * time.Second):
		t.Fatal("the function never asked for the next event")
	}
	select {
	case res := <-ch:
		if res.error {
			t.Fatalf("function error: %s", res.body)
		}
		var resp events.ALBTargetGroupResponse
		if err := json.Unmarshal(res.body, &resp); err != nil {
			t.Fatalf("response %s: %v", res.body, err)
		}
		return resp
	case <-time.After(20 * time.Second):
		t.Fatal("no response from the function")
	}
	return events.ALBTargetGroupResponse{}
}

// albEvent builds an event as the ALB sends it, in either header shape.
func albEvent(path string, multi bool, h http.Header) events.ALBTargetGroupRequest {
	base := http.Header{
		"Host": {"app.example.com"}, "User-Agent": {"test"}, "X-Amzn-Trace-Id": {"Root=1-abc"},
		"X-Forwarded-For": {"203.0.113.7"}, "X-Forwarded-Port": {"443"}, "X-Forwarded-Proto": {"https"},
	}
	for k, v := range h {
		base[k] = v
	}
	e := events.ALBTargetGroupRequest{
		HTTPMethod: http.MethodGet, Path: path,
		RequestContext: events.ALBTargetGroupRequestContext{ELB: events.ELBContext{
			TargetGroupArn: "arn:aws:elasticloadbalancing:eu-west-2:123456789012:targetgroup/example/0123456789abcdef",
		}},
	}
	if multi {
		e.MultiValueHeaders = map[string][]string{}
		e.MultiValueQueryStringParameters = map[string][]string{}
		for k, v := range base {
			e.MultiValueHeaders[strings.ToLower(k)] = v
		}
	} else {
		e.Headers = map[string]string{}
		e.QueryStringParameters = map[string]string{}
		for k, v := range base {
			e.Headers[strings.ToLower(k)] = v[len(v)-1]
		}
	}
	return e
}

func header(resp events.ALBTargetGroupResponse, name string) string {
	if v := resp.Headers[name]; v != "" {
		return v
	}
	if v := resp.MultiValueHeaders[name]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// TestLambdaExampleUnderRuntimeAPI starts the example Lambda as a real
// process against a local Runtime API and drives real invocations.
func TestLambdaExampleUnderRuntimeAPI(t *testing.T) {
	dir, err := binaries()
	if err != nil {
		t.Fatal(err)
	}
	iss := ct.Start(t)
	rt := newRuntimeAPI(t)
	out := &syncWriter{}
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, filepath.Join(dir, "lambda"))
	cmd.Env = append(os.Environ(), "AWS_LAMBDA_RUNTIME_API="+strings.TrimPrefix(rt.URL, "http://"),
		"AWS_LAMBDA_FUNCTION_NAME=example", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE=128", "AWS_LAMBDA_FUNCTION_VERSION=$LATEST")
	for k, v := range iss.Env() {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); _ = cmd.Wait() })

	staff := iss.Mint(ct.User{Email: "alice@example.com", Groups: []string{"staff"}}).Header()
	admin := iss.Mint(ct.User{Email: "root@example.com", Groups: []string{"admins"}}).Header()
	api := http.Header{"Accept": {"application/json"}}
	withAccept := func(h http.Header, accept string) http.Header { h = h.Clone(); h.Set("Accept", accept); return h }
	dup := staff.Clone()
	dup.Add(core.HeaderData, admin.Get(core.HeaderData))

	for _, multi := range []bool{false, true} {
		shape := map[bool]string{false: "single-value", true: "multi-value"}[multi]
		for _, tc := range []struct {
			name   string
			path   string
			h      http.Header
			status int
			body   string
			check  func(events.ALBTargetGroupResponse) string
		}{
			{"home", "/", staff, 200, "alice@example.com", nil},
			{"api/me", "/api/me", withAccept(staff, "application/json"), 200, `"email":"alice@example.com"`, nil},
			{"missing headers, API", "/api/me", api, 401, `"error":"unauthorized"`, func(r events.ALBTargetGroupResponse) string {
				if !strings.HasPrefix(header(r, "Www-Authenticate"), "Bearer") {
					return "no WWW-Authenticate"
				}
				return ""
			}},
			{"missing headers, browser", "/", http.Header{"Accept": {"text/html"}}, 401, "<html", nil},
			{"admin as staff", "/admin", withAccept(staff, "application/json"), 403, `"error":"forbidden"`, nil},
			{"admin as admin", "/admin", admin, 200, "Admin area", nil},
			{"health bypass", "/health", http.Header{}, 200, "ok", nil},
			{"tampered", "/api/me", withAccept(iss.Mint(ct.User{}, ct.TamperedAccess()).Header(), "application/json"), 401, "invalid_token", nil},
		} {
			t.Run(shape+"/"+tc.name, func(t *testing.T) {
				resp := rt.invoke(t, albEvent(tc.path, multi, tc.h))
				if resp.StatusCode != tc.status || !strings.Contains(resp.Body, tc.body) {
					t.Fatalf("%d %q, want %d containing %q\n%s", resp.StatusCode, resp.Body, tc.status, tc.body, out)
				}
				if multi != (resp.MultiValueHeaders != nil) || multi == (resp.Headers != nil) {
					t.Fatalf("response header shape does not match the request's: %+v", resp)
				}
				if want := strconv.Itoa(tc.status) + " "; !strings.HasPrefix(resp.StatusDescription, want) {
					t.Fatalf("statusDescription %q", resp.StatusDescription)
				}
				if tc.check != nil {
					if msg := tc.check(resp); msg != "" {
						t.Fatal(msg)
					}
				}
			})
		}
	}
	t.Run("multi-value/duplicate data header", func(t *testing.T) {
		if resp := rt.invoke(t, albEvent("/api/me", true, withAccept(dup, "application/json"))); resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("duplicate header: %d %s", resp.StatusCode, resp.Body)
		}
	})
}
