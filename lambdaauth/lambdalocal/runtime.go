package lambdalocal

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// ErrFunction is returned by Invoke when the function reported an error
// (its handler returned one, or it panicked).
var ErrFunction = errors.New("lambdalocal: the function returned an error")

// maxPayload is Lambda's synchronous invocation payload limit.
const maxPayload = 6 << 20

// Runtime is a local Lambda Runtime API: the function process (started with
// AWS_LAMBDA_RUNTIME_API set to Addr) polls it for the next event and posts
// the result, exactly as in an AWS execution environment. Invoke hands it
// one event at a time per waiting function process.
type Runtime struct {
	srv     *http.Server
	ln      net.Listener
	events  chan invocation
	mu      sync.Mutex
	waiting map[string]chan result
	seq     int
	initErr chan []byte
}

type invocation struct {
	id      string
	payload []byte
}

type result struct {
	body []byte
	err  bool
}

// NewRuntime starts a Runtime API on addr (such as "127.0.0.1:0").
func NewRuntime(addr string) (*Runtime, error) {
	ln, err := (&net.ListenConfig{}).Listen(context.Background(), "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("lambdalocal: listening for the Runtime API: %w", err)
	}
	rt := &Runtime{ln: ln, events: make(chan invocation), waiting: map[string]chan result{}, initErr: make(chan []byte, 1)}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /2018-06-01/runtime/invocation/next", rt.next)
	mux.HandleFunc("POST /2018-06-01/runtime/invocation/{id}/response", rt.deliver(false))
	mux.HandleFunc("POST /2018-06-01/runtime/invocation/{id}/error", rt.deliver(true))
	mux.HandleFunc("POST /2018-06-01/runtime/init/error", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(io.LimitReader(r.Body, maxPayload))
		select {
		case rt.initErr <- body:
		default:
		}
		w.WriteHeader(http.StatusAccepted)
	})
	rt.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = rt.srv.Serve(ln) }()
	return rt, nil
}

// Addr is the host:port for AWS_LAMBDA_RUNTIME_API.
func (rt *Runtime) Addr() string { return rt.ln.Addr().String() }

// Close stops the Runtime API.
func (rt *Runtime) Close() error { return rt.srv.Close() }

func (rt *Runtime) next(w http.ResponseWriter, r *http.Request) {
	select {
	case inv := <-rt.events:
		w.Header().Set("Lambda-Runtime-Aws-Request-Id", inv.id)
		w.Header().Set("Lambda-Runtime-Deadline-Ms", strconv.FormatInt(time.Now().Add(30*time.Second).UnixMilli(), 10))
		w.Header().Set("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:eu-west-2:123456789012:function:local")
		w.Header().Set("Lambda-Runtime-Trace-Id", "Root=1-00000000-000000000000000000000000")
		_, _ = w.Write(inv.payload)
	case <-r.Context().Done():
	}
}

func (rt *Runtime) deliver(isErr bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, maxPayload+1))
		if err != nil || len(body) > maxPayload {
			http.Error(w, "payload too large", http.StatusRequestEntityTooLarge)
			return
		}
		rt.mu.Lock()
		ch := rt.waiting[r.PathValue("id")]
		delete(rt.waiting, r.PathValue("id"))
		rt.mu.Unlock()
		if ch == nil {
			http.Error(w, "unknown request id", http.StatusBadRequest)
			return
		}
		ch <- result{body: body, err: isErr}
		w.WriteHeader(http.StatusAccepted)
	}
}

// Invoke sends one event to a waiting function process and returns its
// answer, or ErrFunction (wrapping the function's error document), or the
// context's error when no process takes or answers the event in time.
func (rt *Runtime) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	rt.mu.Lock()
	rt.seq++
	id := fmt.Sprintf("local-%d", rt.seq)
	ch := make(chan result, 1)
	rt.waiting[id] = ch
	rt.mu.Unlock()
	forget := func() { rt.mu.Lock(); delete(rt.waiting, id); rt.mu.Unlock() }
	select {
	case rt.events <- invocation{id: id, payload: payload}:
	case b := <-rt.initErr:
		forget()
		return nil, fmt.Errorf("lambdalocal: the function failed to start: %s", b)
	case <-ctx.Done():
		forget()
		return nil, fmt.Errorf("lambdalocal: no function process asked for the event: %w", ctx.Err())
	}
	select {
	case res := <-ch:
		if res.err {
			return nil, fmt.Errorf("%w: %s", ErrFunction, res.body)
		}
		return res.body, nil
	case <-ctx.Done():
		forget()
		return nil, fmt.Errorf("lambdalocal: the function did not answer: %w", ctx.Err())
	}
}
