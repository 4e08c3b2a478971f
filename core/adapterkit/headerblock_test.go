package adapterkit_test

import (
	"slices"
	"testing"

	"github.com/cognitoauth/cognito-auth-go/core/adapterkit"
)

func TestHeaderBlock(t *testing.T) {
	b := adapterkit.HeaderBlock("Host: x\r\nX-Amzn-Oidc-Data: a.b.c\r\nx-amzn-oidc-data:  d.e.f \r\n" +
		"Cookie: a=1; session=s1\r\nCookie: session=s2\r\nBroken line\r\n: no name\r\n")
	if got := b.Values("X-AMZN-OIDC-DATA"); !slices.Equal(got, []string{"a.b.c", "d.e.f"}) {
		t.Fatalf("values %q", got)
	}
	if got := b.Values("X-Amzn-Oidc-Dat"); got != nil {
		t.Fatalf("prefix matched: %q", got)
	}
	if v, ok := b.Cookie("session"); !ok || v != "s1" {
		t.Fatalf("cookie %q %v, want the first", v, ok)
	}
	if _, ok := b.Cookie("sess"); ok {
		t.Fatal("cookie prefix matched")
	}
	if got := adapterkit.HeaderBlock(nil).Values("Host"); got != nil {
		t.Fatalf("empty block: %q", got)
	}
}
