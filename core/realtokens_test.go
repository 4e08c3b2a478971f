package core_test

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cognitoauth/cognito-auth-go/core"
	ct "github.com/cognitoauth/cognito-auth-go/core/cognitotest"
)

// realToken is one line of testdata/alb-real-tokens.tsv.
type realToken struct {
	name, code      string
	header, payload []byte // decoded, exactly as the ALB sent them
	note            string
}

func readRealTokens(t *testing.T) []realToken {
	t.Helper()
	f, err := os.Open("testdata/alb-real-tokens.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	var out []realToken
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "#") || sc.Text() == "" {
			continue
		}
		col := strings.Split(sc.Text(), "\t")
		if len(col) != 5 {
			t.Fatalf("bad line %q", sc.Text())
		}
		h, err1 := base64.URLEncoding.DecodeString(col[2])
		p, err2 := base64.URLEncoding.DecodeString(col[3])
		if err1 != nil || err2 != nil {
			t.Fatalf("%s: %v %v", col[0], err1, err2)
		}
		out = append(out, realToken{name: col[0], code: col[1], header: h, payload: p, note: col[4]})
	}
	return out
}

var expDigits = regexp.MustCompile(`"exp":\d{10}`)

// shiftExp replaces only the digits of every "exp" with a time an hour
// from now (the same number of digits), leaving every other byte as it was.
func shiftExp(b []byte) []byte {
	return expDigits.ReplaceAll(b, []byte(`"exp":`+strconv.FormatInt(time.Now().Add(time.Hour).Unix(), 10)))
}

// signALB signs header and payload as the ALB does: padded base64url, ES256
// over those bytes, a padded 64-byte r||s signature.
func signALB(t *testing.T, key *ecdsa.PrivateKey, header, payload []byte) string {
	t.Helper()
	enc := base64.URLEncoding
	signing := enc.EncodeToString(header) + "." + enc.EncodeToString(payload)
	digest := sha256.Sum256([]byte(signing))
	r, s, err := ecdsa.Sign(rand.Reader, key, digest[:])
	if err != nil {
		t.Fatal(err)
	}
	sig := make([]byte, 64)
	r.FillBytes(sig[:32])
	s.FillBytes(sig[32:])
	return signing + "." + enc.EncodeToString(sig)
}

// TestRealWorldALBTokens: tokens captured from real ALBs keep their header
// and payload bytes (field order, typ, email_verified as a string, payload
// exp and iss, federated users, an ALB in front of a non-Cognito provider);
// only the exp digits move. Each passes, or fails for its documented reason.
func TestRealWorldALBTokens(t *testing.T) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKIXPublicKey(&key.PublicKey)
	pemKey := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
	keySrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write(pemKey) }))
	t.Cleanup(keySrv.Close)

	for _, tok := range readRealTokens(t) {
		for _, allow := range []bool{false, true} {
			name := tok.name
			if allow {
				name += ", unverified emails allowed"
			}
			t.Run(name, func(t *testing.T) {
				var hdr struct{ Kid, Iss, Client, Signer string }
				var claims struct{ Sub string }
				if err := json.Unmarshal(tok.header, &hdr); err != nil {
					t.Fatal(err)
				}
				if err := json.Unmarshal(tok.payload, &claims); err != nil {
					t.Fatal(err)
				}
				pool := hdr.Iss[strings.LastIndexByte(hdr.Iss, '/')+1:]
				cognito := strings.HasPrefix(hdr.Iss, "https://cognito-idp.")
				if !cognito {
					pool = "eu-west-1_NotTheirs1" // an app configured for a Cognito pool
				}
				region, _, _ := strings.Cut(pool, "_")
				iss := ct.Start(t, ct.WithRegion(region), ct.WithUserPoolID(pool), ct.WithClientID(hdr.Client), ct.WithALBARN(hdr.Signer))
				opts := append(iss.Options(), core.WithALBKeysURL(keySrv.URL), core.WithLogger(testLogger(&syncBuffer{})))
				if allow {
					opts = append(opts, core.WithAllowUnverifiedEmail())
				}
				a, err := core.New(opts...)
				if err != nil {
					t.Fatal(err)
				}
				defer a.Close()
				access := iss.Mint(ct.User{Sub: claims.Sub}).AccessToken
				h := http.Header{
					core.HeaderData:        {signALB(t, key, shiftExp(tok.header), shiftExp(tok.payload))},
					core.HeaderAccessToken: {access},
					core.HeaderIdentity:    {claims.Sub},
				}
				want := tok.code
				if allow && want == string(core.CodeEmailUnverified) {
					want = ""
				}
				u, err := authenticate(a, h)
				if got := string(core.CodeOf(err)); got != want {
					t.Fatalf("%s: got code %q (%v), want %q", tok.note, got, err, want)
				}
				if err == nil && (u.Sub != claims.Sub || u.UserPoolID != pool) {
					t.Fatalf("user %+v", u)
				}
				// The same bytes unpadded are refused: the signature covers
				// the padded text.
				if err == nil {
					h.Set(core.HeaderData, strings.ReplaceAll(h.Get(core.HeaderData), "=", ""))
					if _, err := authenticate(a, h); core.CodeOf(err) != core.CodeInvalidSignature {
						t.Fatalf("unpadded: %v", err)
					}
				}
			})
		}
	}
}
