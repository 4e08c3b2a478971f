package redisstore_test

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/cognitoauth/cognito-auth-go/core/cognitotest"
	"github.com/cognitoauth/cognito-auth-go/core/hostedui"
	"github.com/cognitoauth/cognito-auth-go/redisstore"
)

// TestSwapIsACompareAndSwap: Swap writes only over the value it was given,
// atomically in the server: of 50 concurrent read-increment-swap loops on
// one key, every increment lands exactly once.
func TestSwapIsACompareAndSwap(t *testing.T) {
	r := startRedis(t, "")
	rdb := redis.NewClient(&redis.Options{Addr: r.addr()})
	t.Cleanup(func() { _ = rdb.Close() })
	s := redisstore.New(rdb)
	ctx := t.Context()
	if err := s.Swap(ctx, "none", []byte("a"), []byte("b"), time.Minute); !errors.Is(err, hostedui.ErrNotFound) {
		t.Fatalf("swap of a missing session: %v", err)
	}
	if err := s.Set(ctx, "n", []byte("0"), time.Minute); err != nil {
		t.Fatal(err)
	}
	if err := s.Swap(ctx, "n", []byte("stale"), []byte("x"), time.Minute); !errors.Is(err, hostedui.ErrConflict) {
		t.Fatalf("swap from a stale value: %v", err)
	}
	var wg sync.WaitGroup
	var conflicts atomic.Int64
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				old, err := s.Get(ctx, "n")
				if err != nil {
					t.Error(err)
					return
				}
				n, _ := strconv.Atoi(string(old))
				err = s.Swap(ctx, "n", old, []byte(strconv.Itoa(n+1)), time.Minute)
				if err == nil {
					return
				}
				if !errors.Is(err, hostedui.ErrConflict) {
					t.Error(err)
					return
				}
				conflicts.Add(1)
			}
		}()
	}
	wg.Wait()
	if got, _ := s.Get(ctx, "n"); string(got) != "50" {
		t.Fatalf("after 50 increments: %s (%d conflicts retried)", got, conflicts.Load())
	}
	if ttl := rdb.PTTL(ctx, redisstore.DefaultPrefix+"n").Val(); ttl <= 0 || ttl > time.Minute {
		t.Fatalf("Swap did not set the expiry: %v", ttl)
	}
}

// TestTwoInstancesRenewASessionOnce: two app instances share the Redis
// store; Cognito rotates refresh tokens with no grace period (a refresh
// token works once). A page whose twelve requests land on both instances
// after the access token expired is let in completely, twice in a row,
// with exactly one refresh per expiry: the instance that loses the race
// waits for the winner's tokens instead of spending the refresh token
// again. (Before: each instance refreshed on its own, and the loser's
// invalid_grant signed the user out.)
func TestTwoInstancesRenewASessionOnce(t *testing.T) {
	_, _, _, ui, a, b := setup(t, cognitotest.WithTokenTTL(4*time.Second), cognitotest.WithRefreshRotation(0))
	c := login(t, a.srv.URL, ui)
	cookies := c.cookies(a.srv.URL)
	for expiry := 1; expiry <= 2; expiry++ {
		time.Sleep(3200 * time.Millisecond)
		var wg sync.WaitGroup
		answers := make(chan string, 12)
		for i := range 12 {
			inst := a
			if i%2 == 1 {
				inst = b
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				status, code := with(t, inst.srv.URL, cookies)
				answers <- fmt.Sprint(status, " ", code)
			}()
		}
		wg.Wait()
		close(answers)
		for ans := range answers {
			if ans != "200 " {
				t.Errorf("expiry %d: a request answered %s", expiry, ans)
			}
		}
		if n := ui.RefreshCalls(); n != int64(expiry) {
			t.Fatalf("after expiry %d: %d refreshes at the token endpoint", expiry, n)
		}
	}
	if n := ui.LiveRefreshTokens(); n != 1 {
		t.Fatalf("%d live refresh tokens; want the one the session holds", n)
	}
	if status, code := with(t, b.srv.URL, cookies); status != http.StatusOK {
		t.Fatalf("after the renewals: %d %s", status, code)
	}
}
