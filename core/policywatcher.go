package core

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// defaultPolicyReloadInterval is how often a PolicyWatcher re-reads its
// source in the background.
const defaultPolicyReloadInterval = 5 * time.Minute

// maxPolicyBytes caps a policy document.
const maxPolicyBytes = 4 << 20

// ErrInvalidPolicy marks a policy document that was fetched but is not valid
// (bad JSON, unknown key, invalid email, no rules).
var ErrInvalidPolicy = errors.New("invalid policy document")

// PolicySource fetches a policy document (JSON, see Policy).
type PolicySource interface {
	// Name describes the source for logs, e.g. "file auth-config.json".
	Name() string
	// Fetch returns the current document.
	Fetch(ctx context.Context) ([]byte, error)
}

// FilePolicySource reads the policy from a local JSON file
// (COGNITO_AUTH_CONFIG_PATH).
func FilePolicySource(path string) PolicySource { return filePolicy(path) }

type filePolicy string

func (f filePolicy) Name() string { return "file " + string(f) }

func (f filePolicy) Fetch(context.Context) ([]byte, error) {
	fh, err := os.Open(string(f))
	if err != nil {
		return nil, err
	}
	defer func() { _ = fh.Close() }()
	data, err := io.ReadAll(io.LimitReader(fh, maxPolicyBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxPolicyBytes {
		return nil, fmt.Errorf("policy file is larger than %d bytes", maxPolicyBytes)
	}
	return data, nil
}

// PolicyWatcherConfig configures a PolicyWatcher.
type PolicyWatcherConfig struct {
	// Interval between background re-reads (default 5 minutes; negative
	// turns background re-reading off, leaving Reload).
	Interval time.Duration
	// Logger for reload failures (default slog.Default()).
	Logger *slog.Logger
	// Rules are custom rules added to every policy loaded.
	Rules []Rule
	// OnChange, when set, is called after each successful load.
	OnChange func(*Policy)
	// Observer, when set, is told about every load (see Observer).
	Observer Observer
}

// PolicyWatcher keeps an Authoriser built from a PolicySource up to date: it
// loads the policy at start, re-reads it in the background and on demand
// (Reload), and swaps it in atomically, so a request sees either the old
// policy or the new one, never a mix. A failed re-read keeps the last good
// policy. Until a policy has loaded, Decide refuses everyone with an error
// (ErrUnavailable, code policy_not_loaded): there is no fallback policy.
type PolicyWatcher struct {
	src     PolicySource
	cfg     PolicyWatcherConfig
	current atomic.Pointer[Authoriser]

	mu       sync.Mutex
	lastErr  error
	loadedAt time.Time

	stop      context.CancelFunc
	wg        sync.WaitGroup
	closeOnce sync.Once
}

// NewPolicyWatcher loads the policy once (its error, if any, is returned and
// logged, and the watcher refuses everyone until a load succeeds) and starts
// background re-reads. Call Close to stop them.
func NewPolicyWatcher(ctx context.Context, src PolicySource, cfg PolicyWatcherConfig) (*PolicyWatcher, error) {
	if cfg.Interval == 0 {
		cfg.Interval = defaultPolicyReloadInterval
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	w := &PolicyWatcher{src: src, cfg: cfg}
	err := w.Reload(ctx)
	bg, stop := context.WithCancel(context.WithoutCancel(ctx))
	w.stop = stop
	if cfg.Interval > 0 {
		w.wg.Add(1)
		go w.loop(bg)
	}
	return w, err
}

func (w *PolicyWatcher) loop(ctx context.Context) {
	defer w.wg.Done()
	t := time.NewTicker(w.cfg.Interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			_ = w.Reload(ctx)
		}
	}
}

// Reload re-reads the source now. On failure the last good policy stays in
// force and the error is logged and returned.
func (w *PolicyWatcher) Reload(ctx context.Context) error {
	start := time.Now()
	err := w.reload(ctx)
	if o := w.cfg.Observer; o != nil {
		o.ObservePolicy(ctx, PolicyEvent{Source: w.src.Name(), Start: start, Duration: time.Since(start), Err: err})
	}
	return err
}

func (w *PolicyWatcher) reload(ctx context.Context) error {
	p, err := w.load(ctx)
	w.mu.Lock()
	defer w.mu.Unlock()
	if err != nil {
		w.lastErr = err
		if w.current.Load() == nil {
			w.cfg.Logger.LogAttrs(ctx, slog.LevelError, "cognito-auth: authorisation policy has never loaded; EVERY request is refused until it does",
				slog.String("source", w.src.Name()), slog.String("error", err.Error()))
		} else {
			w.cfg.Logger.LogAttrs(ctx, slog.LevelWarn, "cognito-auth: policy reload failed; keeping the last good policy",
				slog.String("source", w.src.Name()), slog.String("error", err.Error()))
		}
		return err
	}
	a, err := NewAuthoriser(*p, w.cfg.Rules...)
	if err != nil {
		w.lastErr = err
		return err
	}
	w.current.Store(a)
	w.lastErr = nil
	w.loadedAt = time.Now()
	if w.cfg.OnChange != nil {
		w.cfg.OnChange(p)
	}
	return nil
}

func (w *PolicyWatcher) load(ctx context.Context) (*Policy, error) {
	data, err := w.src.Fetch(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading policy from %s: %w", w.src.Name(), err)
	}
	p, err := ParsePolicy(data)
	if err != nil {
		return nil, fmt.Errorf("%w from %s: %w", ErrInvalidPolicy, w.src.Name(), err)
	}
	return p, nil
}

// Decide applies the current policy. Before any policy has loaded it
// refuses with an error matching ErrUnavailable.
func (w *PolicyWatcher) Decide(ctx context.Context, u *User) (Decision, error) {
	a := w.current.Load()
	if a == nil {
		return Decision{}, newError(ErrUnavailable, CodePolicyNotLoaded, "authorisation policy from "+w.src.Name()+" has not loaded")
	}
	return a.Decide(ctx, u)
}

// Authoriser returns the policy in force, or nil before the first load.
func (w *PolicyWatcher) Authoriser() *Authoriser { return w.current.Load() }

// Status reports when the policy last loaded (zero if never) and the error
// of the last attempt (nil if it succeeded).
func (w *PolicyWatcher) Status() (loadedAt time.Time, lastErr error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.loadedAt, w.lastErr
}

// Close stops background re-reads and waits for them to end.
func (w *PolicyWatcher) Close() error {
	w.closeOnce.Do(func() {
		w.stop()
		w.wg.Wait()
	})
	return nil
}
