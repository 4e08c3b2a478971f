package examples_test

import (
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/cognitoauth/cognito-auth-go/examples/internal/faultproxy"
)

// TestWeather is the production-weather suite: the example apps run as real
// processes and face what production brings — deploys with empty caches
// under parallel load, key rotations, key and token endpoint outages, slow
// key servers, restarts and several replicas sharing Redis. None of it may
// ever look like a bad sign-in to a valid user: a 401, 403 or sign-in
// redirect is always a failure, a 503 is allowed only while a dependency is
// down (and must carry Retry-After), and every request sent once it is back
// (after a 1.5 s backoff) must be 200. Key fetches and token calls stay
// bounded. Each scenario logs its per-phase table.
//
// The short scenarios run one after another; the long ones (outages, slow
// key servers, hosted-UI refreshes, two replicas), which mostly wait, then
// run side by side (see concurrently), each with its own issuer, proxies and
// app processes.
func TestWeather(t *testing.T) {
	began := time.Now()
	dir, err := binaries()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("example binaries ready after %v", time.Since(began).Round(100*time.Millisecond))
	w := weather{dir: dir}
	t.Run("cold_start", w.coldStart)
	t.Run("alb_rotation", w.albRotation)
	t.Run("jwks_rotation", w.jwksRotation)
	t.Run("restart_keeps_session", w.restartKeepsSession)
	concurrently(t, []subtest{
		{"outage", w.outages},
		{"slow_key_server", w.slowKeyServer},
		{"hostedui_refresh", w.hostedUIRefresh},
		{"two_replicas", w.twoReplicas},
	})
}

// weather runs the scenarios against the binaries in dir.
type weather struct{ dir string }

const (
	// backoff is how long after a dependency recovers the app may still
	// answer 503; every request sent later must be 200.
	backoff = 1500 * time.Millisecond
	// think is the pause between one user's page loads under steady load.
	think = 300 * time.Millisecond
)

// coldStart: a deploy, and at once 10 users × 6 parallel requests on empty
// caches. All 200; the ALB key is fetched once, the JWKS a bounded number
// of times.
func (w weather) coldStart(t *testing.T) {
	ks := newKeyServers(t)
	log := newWeatherLog("cold_start (nethttp, ALB mode, 10 users × 6 at once)", ks.counters()...)
	log.phase("start")
	app := startApp(t, w.dir, "nethttp", ks.env())
	c := &crowd{t: t, base: app.URL(), log: log}
	users := newALBUsers(t, ks.iss, 1, 10)
	log.phase("burst")
	c.burst(users)
	log.phase("after")
	c.burst(users)
	log.report(t, []bound{
		atMost("alb", "*", 1, "one ALB kid, fetched once for everyone"),
		atMost("jwks", "*", 2, "the start-up load and at most one more"),
	}, app)
}

// albRotation: steady load while the ALB starts signing with a new key; the
// users' next data tokens carry the new kid. All 200, one fetch for it.
func (w weather) albRotation(t *testing.T) {
	ks := newKeyServers(t)
	log := newWeatherLog("alb_rotation (gin, ALB mode, 10 users steady)", ks.counters()...)
	log.phase("start")
	app := startApp(t, w.dir, "gin", ks.env())
	c := &crowd{t: t, base: app.URL(), log: log}
	users := newALBUsers(t, ks.iss, 1, 10)
	log.phase("before")
	load := c.steady(users, think)
	time.Sleep(time.Second)
	if _, err := ks.iss.RotateALBKey(); err != nil {
		t.Fatal(err)
	}
	log.phase("after")
	remintAll(users)
	time.Sleep(1500 * time.Millisecond)
	load.wait()
	log.report(t, []bound{
		atMost("alb", "after", 1, "one fetch for the new kid"),
		atMost("alb", "*", 2, "one fetch per kid"),
		atMost("jwks", "*", 2, "the start-up load and at most one more"),
	}, app)
}

// jwksRotation: steady load while Cognito starts signing access tokens
// with a new RSA key (published in the JWKS). All 200.
func (w weather) jwksRotation(t *testing.T) {
	ks := newKeyServers(t)
	log := newWeatherLog("jwks_rotation (nethttp, ALB mode, 10 users steady)", ks.counters()...)
	log.phase("start")
	app := startApp(t, w.dir, "nethttp", ks.env())
	c := &crowd{t: t, base: app.URL(), log: log}
	users := newALBUsers(t, ks.iss, 1, 10)
	log.phase("before")
	load := c.steady(users, think)
	time.Sleep(time.Second)
	if _, err := ks.iss.RotateRSAKey(); err != nil {
		t.Fatal(err)
	}
	log.phase("after")
	remintAll(users)
	time.Sleep(1500 * time.Millisecond)
	load.wait()
	log.report(t, []bound{
		atMost("jwks", "after", 1, "one refresh for the new kid"),
		atMost("jwks", "*", 3, "the start-up load, the new kid's refresh and one more"),
		atMost("alb", "*", 1, "the ALB key did not change"),
	}, app)
}

// outageCase is one key endpoint outage.
type outageCase struct {
	endpoint  string // "alb" or "jwks"
	mode      faultproxy.Mode
	cold      bool // the app (re)starts during the outage; otherwise the key rotates during it
	framework string
}

// duration is how long the endpoint stays down: longer than the app's 5 s
// fetch timeout for a hang, so held fetches really time out.
func (o outageCase) duration() time.Duration {
	if o.mode.Kind == faultproxy.KindHang {
		return 6 * time.Second
	}
	return 3 * time.Second
}

func (o outageCase) name() string {
	when := "rotation"
	if o.cold {
		when = "cold"
	}
	mode := o.mode.String()
	if o.mode.Kind == faultproxy.KindStatus {
		mode = fmt.Sprint(o.mode.Status)
	}
	return o.endpoint + "_" + mode + "_" + when
}

// outages: each key endpoint down (500, hang, reset) during a rotation and
// right after a restart, then back. Ten users keep loading pages through the
// outage; after it an eleventh user comes first (the fetch budget must not
// have been drained), then everyone. The cases run in parallel.
func (w weather) outages(t *testing.T) {
	var cases []outageCase
	for _, ep := range []string{"alb", "jwks"} {
		for _, m := range []faultproxy.Mode{faultproxy.Status(500), faultproxy.Hang(), faultproxy.Reset()} {
			for _, cold := range []bool{false, true} {
				fw := "nethttp"
				if m.Kind == faultproxy.KindReset {
					fw = "gin"
				}
				cases = append(cases, outageCase{endpoint: ep, mode: m, cold: cold, framework: fw})
			}
		}
	}
	var tests []subtest
	for _, oc := range cases {
		tests = append(tests, subtest{oc.name(), func(t *testing.T) { w.outage(t, oc) }})
	}
	concurrently(t, tests)
}

func (w weather) outage(t *testing.T, oc outageCase) {
	ks := newKeyServers(t)
	down, other := ks.alb, "jwks"
	if oc.endpoint == "jwks" {
		down, other = ks.jwks, "alb"
	}
	log := newWeatherLog(fmt.Sprintf("outage/%s (%s, %s down %v)", oc.name(), oc.framework, oc.endpoint, oc.duration()), ks.counters()...)
	users := newALBUsers(t, ks.iss, 1, 10)
	log.phase("start")
	var app *appProcess
	if !oc.cold {
		app = startApp(t, w.dir, oc.framework, ks.env())
		c := &crowd{t: t, base: app.URL(), log: log}
		log.phase("before")
		load := c.steady(users, think)
		time.Sleep(time.Second)
		load.wait()
	}
	log.phase("during")
	down.Set(oc.mode)
	began := time.Now()
	if oc.cold {
		app = startApp(t, w.dir, oc.framework, ks.env())
	} else {
		rotate(t, ks, oc.endpoint)
		remintAll(users)
	}
	c := &crowd{t: t, base: app.URL(), log: log}
	load := c.steady(users, think)
	time.Sleep(time.Until(began.Add(oc.duration())))
	load.stop()
	down.Set(faultproxy.Pass())
	load.wait()
	log.phase("grace")
	time.Sleep(backoff)
	log.phase("after")
	eleventh := newALBUsers(t, ks.iss, 11, 1)
	c.burst(eleventh)
	c.burst(append(users, eleventh...))
	secs := int64(math.Ceil(oc.duration().Seconds()))
	log.report(t, []bound{
		atMost(oc.endpoint, "during", secs+3, "about one attempt a second while down, plus a few"),
		atMost(oc.endpoint, "after", 2, "one fetch once it is back, and one spare"),
		atMost(other, "*", 2, "the endpoint that stayed up: its key once, and one spare"),
	}, app)
	t.Logf("%s proxy: %s", oc.endpoint, down)
}

// rotate makes the issuer sign with a new key at endpoint ("alb" or "jwks").
func rotate(t *testing.T, ks *keyServers, endpoint string) {
	t.Helper()
	var err error
	if endpoint == "alb" {
		_, err = ks.iss.RotateALBKey()
	} else {
		_, err = ks.iss.RotateRSAKey()
	}
	if err != nil {
		t.Fatal(err)
	}
}

// slowKeyServer: a key endpoint answering after 2 s (below the 5 s fetch
// timeout) while 20 users × 6 arrive at once on an empty cache: all 200,
// one fetch. The ALB endpoint is slow for a fresh kid; the JWKS is slow
// from the start (the app's first load is the slow one).
func (w weather) slowKeyServer(t *testing.T) {
	var tests []subtest
	for _, endpoint := range []string{"alb", "jwks"} {
		tests = append(tests, subtest{endpoint, func(t *testing.T) {
			ks := newKeyServers(t)
			slow, other := ks.alb, "jwks"
			if endpoint == "jwks" {
				slow, other = ks.jwks, "alb"
			}
			log := newWeatherLog("slow_key_server/"+endpoint+" (nethttp, 2 s delay, 20 users × 6 at once)", ks.counters()...)
			log.phase("start")
			slow.Set(faultproxy.Slow(2 * time.Second))
			app := startApp(t, w.dir, "nethttp", ks.env())
			c := &crowd{t: t, base: app.URL(), log: log}
			users := newALBUsers(t, ks.iss, 1, 20)
			log.phase("burst")
			c.burst(users)
			log.phase("after")
			c.burst(users)
			log.report(t, []bound{
				atMost(endpoint, "*", 1, "one slow fetch, shared by every waiting request"),
				atMost(other, "*", 2, "the other endpoint: once, and one spare"),
			}, app)
		}})
	}
	concurrently(t, tests)
}
