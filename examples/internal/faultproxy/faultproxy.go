// Package faultproxy is a fault-injecting reverse proxy for tests: it
// listens on 127.0.0.1 in front of one target URL and, switched at run time,
// passes requests through, answers them with an error status, holds them,
// resets their TCP connection or delays them. It is safe for concurrent use.
//
//	p, err := faultproxy.New("http://127.0.0.1:8081")
//	defer p.Close()
//	p.Set(faultproxy.Status(503)) // every request now gets a 503
//	p.Set(faultproxy.Hang())      // held until the client gives up or the mode changes
//	p.Set(faultproxy.Pass())      // back to normal; held requests go through
package faultproxy

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"sort"
	"sync"
	"time"
)

// Kind is what the proxy does with a request.
type Kind int

// The kinds of behaviour.
const (
	KindPass   Kind = iota // forward to the target
	KindStatus             // answer Mode.Status without contacting the target
	KindHang               // hold the request until the client gives up or the mode changes
	KindReset              // close the TCP connection with an RST, no answer
	KindSlow               // wait Mode.Delay, then forward
)

// Mode is the proxy's current behaviour. Build one with Pass, Status, Hang,
// Reset or Slow.
type Mode struct {
	Kind   Kind
	Status int           // KindStatus: the status answered
	Delay  time.Duration // KindSlow: the delay before forwarding
}

// Pass forwards every request to the target.
func Pass() Mode { return Mode{Kind: KindPass} }

// Status answers every request with code (e.g. 500, 502, 503).
func Status(code int) Mode { return Mode{Kind: KindStatus, Status: code} }

// Hang holds every request until its client gives up or the mode changes;
// a held request is then handled as the new mode says.
func Hang() Mode { return Mode{Kind: KindHang} }

// Reset closes every request's connection with a TCP RST, answering nothing.
func Reset() Mode { return Mode{Kind: KindReset} }

// Slow waits d (or until the client gives up), then forwards the request.
func Slow(d time.Duration) Mode { return Mode{Kind: KindSlow, Delay: d} }

// String names the mode as the counts do: "pass", "status 503", "hang",
// "reset", "slow 2s".
func (m Mode) String() string {
	switch m.Kind {
	case KindPass:
		return "pass"
	case KindStatus:
		return fmt.Sprintf("status %d", m.Status)
	case KindHang:
		return "hang"
	case KindReset:
		return "reset"
	case KindSlow:
		return "slow " + m.Delay.String()
	}
	return fmt.Sprintf("kind %d", int(m.Kind))
}

// Proxy is a running fault-injecting reverse proxy.
type Proxy struct {
	srv    *http.Server
	ln     net.Listener
	rp     *httputil.ReverseProxy
	tr     *http.Transport
	closed chan struct{}
	once   sync.Once

	mu      sync.Mutex
	mode    Mode
	changed chan struct{} // closed and replaced on every Set: wakes held requests
	counts  map[string]int64
}

// New starts a proxy on a free 127.0.0.1 port in front of target (a base
// URL such as http://127.0.0.1:8081; the request path is appended to it). It
// starts in Pass mode.
func New(target string) (*Proxy, error) {
	u, err := url.Parse(target)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("faultproxy: target %q is not an http(s) URL", target)
	}
	ln, err := (&net.ListenConfig{}).Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &Proxy{
		ln: ln, closed: make(chan struct{}), changed: make(chan struct{}),
		counts: map[string]int64{},
		tr:     &http.Transport{Proxy: nil, MaxIdleConnsPerHost: 16, IdleConnTimeout: 30 * time.Second},
	}
	p.rp = &httputil.ReverseProxy{
		Rewrite:   func(r *httputil.ProxyRequest) { r.SetURL(u); r.Out.Host = u.Host },
		Transport: p.tr,
		ErrorHandler: func(w http.ResponseWriter, _ *http.Request, err error) {
			http.Error(w, "faultproxy: target unreachable: "+err.Error(), http.StatusBadGateway)
		},
	}
	p.srv = &http.Server{Handler: http.HandlerFunc(p.serve), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = p.srv.Serve(ln) }()
	return p, nil
}

// URL is the proxy's base URL (http://127.0.0.1:PORT).
func (p *Proxy) URL() string { return "http://" + p.ln.Addr().String() }

// Set switches the mode; requests being held by Hang are handled by the new
// mode.
func (p *Proxy) Set(m Mode) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.mode = m
	close(p.changed)
	p.changed = make(chan struct{})
}

// Mode returns the current mode.
func (p *Proxy) Mode() Mode {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.mode
}

// Count returns how many requests arrived while m was the mode.
func (p *Proxy) Count(m Mode) int64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.counts[m.String()]
}

// Counts returns the requests that arrived under each mode, by Mode.String.
func (p *Proxy) Counts() map[string]int64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make(map[string]int64, len(p.counts))
	for k, v := range p.counts {
		out[k] = v
	}
	return out
}

// Total returns how many requests arrived, whatever the mode.
func (p *Proxy) Total() int64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	var n int64
	for _, v := range p.counts {
		n += v
	}
	return n
}

// String lists the counts, e.g. "pass=3 status 500=7".
func (p *Proxy) String() string {
	c := p.Counts()
	keys := make([]string, 0, len(c))
	for k := range c {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	s := ""
	for i, k := range keys {
		if i > 0 {
			s += " "
		}
		s += fmt.Sprintf("%s=%d", k, c[k])
	}
	return s
}

// Close stops the proxy, releasing held requests.
func (p *Proxy) Close() {
	p.once.Do(func() {
		close(p.closed)
		_ = p.srv.Close()
		p.tr.CloseIdleConnections()
	})
}

// current returns the mode and the channel closed when it next changes.
func (p *Proxy) current() (Mode, <-chan struct{}) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.mode, p.changed
}

func (p *Proxy) count(m Mode) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.counts[m.String()]++
}

func (p *Proxy) serve(w http.ResponseWriter, r *http.Request) {
	m, changed := p.current()
	p.count(m)
	for {
		switch m.Kind {
		case KindStatus:
			http.Error(w, "faultproxy: injected "+m.String(), m.Status)
			return
		case KindReset:
			reset(w)
			return
		case KindSlow:
			if !p.sleep(r.Context(), m.Delay) {
				panic(http.ErrAbortHandler) // the client gave up or the proxy closed: no answer
			}
			p.rp.ServeHTTP(w, r)
			return
		case KindHang:
			if !p.wait(r.Context(), changed) {
				panic(http.ErrAbortHandler) // the client gave up or the proxy closed: no answer
			}
			m, changed = p.current() // released by a mode change: obey the new mode
			continue
		default:
			p.rp.ServeHTTP(w, r)
			return
		}
	}
}

// wait blocks until ready fires (true), or the client gives up or the proxy
// closes (false).
func (p *Proxy) wait(ctx context.Context, ready <-chan struct{}) bool {
	select {
	case <-ready:
		return true
	case <-ctx.Done():
	case <-p.closed:
	}
	return false
}

// sleep waits d (true), or until the client gives up or the proxy closes
// (false).
func (p *Proxy) sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
	case <-p.closed:
	}
	return false
}

// reset hijacks the connection and closes it with SO_LINGER 0, so the
// client sees an RST and no answer.
func reset(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler) // no hijacking (HTTP/2): abort the stream instead
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}
