package core_test

import (
	"net/http"
	"net/http/httptest"
	"path"
	"strings"
	"sync"
	"testing"

	"github.com/cognitoauth/cognito-auth-go/core"
	ct "github.com/cognitoauth/cognito-auth-go/core/cognitotest"
)

// awsKeyHosts answers requests for AWS's ALB key endpoints in-process with
// the issuer's real keys (the test has no route to AWS) and records the URL
// each was sent to; loopback requests (the issuer's JWKS) go out for real.
type awsKeyHosts struct {
	keys http.Handler
	mu   sync.Mutex
	urls []string
}

func (a *awsKeyHosts) RoundTrip(r *http.Request) (*http.Response, error) {
	if strings.HasPrefix(r.URL.Host, "127.0.0.1") {
		return http.DefaultTransport.RoundTrip(r)
	}
	a.mu.Lock()
	a.urls = append(a.urls, r.URL.String())
	a.mu.Unlock()
	rec := httptest.NewRecorder()
	in := r.Clone(r.Context())
	in.URL.Path = "/alb-keys/" + path.Base(r.URL.Path)
	a.keys.ServeHTTP(rec, in)
	return rec.Result(), nil
}

func (a *awsKeyHosts) asked() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]string(nil), a.urls...)
}

const arnTail = ":123456789012:loadbalancer/app/my-app/50dc6c495c0c9188"

// TestALBKeyEndpointFromTheARN: each configured ALB's keys are fetched from
// the endpoint AWS documents for the region in its ARN — several regions
// at once, whatever COGNITO_AUTH_REGION or AWS_REGION say — with the
// documented strings for the commercial partition and both AWS GovCloud
// (US) regions. (Before: the URL came from COGNITO_AUTH_REGION/AWS_REGION,
// default eu-west-2, so an ALB in us-east-1 with no region set refused
// every user, and us-gov-east-1 used the us-gov-west-1 host.)
func TestALBKeyEndpointFromTheARN(t *testing.T) {
	albs := []struct{ arn, want string }{
		{"arn:aws:elasticloadbalancing:us-east-1" + arnTail, "https://public-keys.auth.elb.us-east-1.amazonaws.com/"},
		{"arn:aws:elasticloadbalancing:ap-southeast-2" + arnTail, "https://public-keys.auth.elb.ap-southeast-2.amazonaws.com/"},
		{"arn:aws-us-gov:elasticloadbalancing:us-gov-west-1" + arnTail, "https://s3-us-gov-west-1.amazonaws.com/aws-elb-public-keys-prod-us-gov-west-1/"},
		{"arn:aws-us-gov:elasticloadbalancing:us-gov-east-1" + arnTail, "https://s3-us-gov-east-1.amazonaws.com/aws-elb-public-keys-prod-us-gov-east-1/"},
	}
	iss := ct.Start(t)
	hosts := &awsKeyHosts{keys: iss.KeysHandler()}
	var arns []string
	for _, a := range albs {
		arns = append(arns, a.arn)
	}
	a, logs := newAuth(t, iss, core.WithEnvironment(envMap(map[string]string{core.EnvAWSRegion: "eu-west-2"})),
		core.WithALBARNs(arns...), core.WithALBKeysURL(""), core.WithHTTPClient(&http.Client{Transport: hosts}))
	srv := protected(t, a)
	for i, alb := range albs {
		kid, err := iss.RotateALBKey() // a key of its own per ALB
		if err != nil {
			t.Fatal(err)
		}
		status, code, _ := get(t, srv, iss.Mint(staff, ct.WithSigner(alb.arn)).Header())
		if status != http.StatusOK {
			t.Fatalf("%s: %d %s\n%s", alb.arn, status, code, logs)
		}
		urls := hosts.asked()
		if len(urls) != i+1 || urls[i] != alb.want+kid {
			t.Fatalf("%s: key fetched from %q, want %s%s", alb.arn, urls, alb.want, kid)
		}
	}
}

// TestALBRegionConfiguration: a COGNITO_AUTH_REGION that differs from an
// ALB ARN's region is a configuration error naming both; an ALB in a region
// AWS documents no key endpoint for (China) needs COGNITO_AUTH_ALB_KEYS_URL;
// an ARN whose region does not belong to its partition is not an ALB ARN.
func TestALBRegionConfiguration(t *testing.T) {
	useast := "arn:aws:elasticloadbalancing:us-east-1" + arnTail
	china := "arn:aws-cn:elasticloadbalancing:cn-north-1" + arnTail
	for _, tc := range []struct {
		name string
		env  map[string]string
		want []string // in the error; none: no error
	}{
		{"ARN alone names the region", map[string]string{core.EnvALBARN: useast}, nil},
		{"AWS_REGION elsewhere", map[string]string{core.EnvALBARN: useast, core.EnvAWSRegion: "eu-west-1"}, nil},
		{"same region", map[string]string{core.EnvALBARN: useast, core.EnvRegion: "us-east-1"}, nil},
		{
			"region mismatch",
			map[string]string{core.EnvALBARN: useast, core.EnvRegion: "eu-west-2"},
			[]string{useast, "us-east-1", "eu-west-2", core.EnvRegion},
		},
		{
			"two regions, one named",
			map[string]string{core.EnvALBARN: useast + "," + testARN, core.EnvRegion: "eu-west-2"},
			[]string{useast, "us-east-1"},
		},
		{
			"China without a keys URL",
			map[string]string{core.EnvALBARN: china},
			[]string{china, "cn-north-1", "documents no ALB public-key endpoint", core.EnvALBKeysURL},
		},
		{"China with a keys URL", map[string]string{core.EnvALBARN: china, core.EnvALBKeysURL: "https://keys.example.cn"}, nil},
		{
			"region outside its partition",
			map[string]string{core.EnvALBARN: "arn:aws:elasticloadbalancing:cn-north-1" + arnTail},
			[]string{"is not an application load balancer ARN"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := map[string]string{core.EnvUserPoolID: testPool}
			for k, v := range tc.env {
				env[k] = v
			}
			a, err := core.New(core.WithEnvironment(envMap(env)))
			if err == nil {
				defer a.Close()
			}
			if len(tc.want) == 0 {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("accepted")
			}
			if core.CodeOf(err) != core.CodeInvalidConfig {
				t.Fatalf("code %q", core.CodeOf(err))
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error does not name %q:\n%v", w, err)
				}
			}
		})
	}
}
