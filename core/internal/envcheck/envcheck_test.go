package envcheck

import (
	"slices"
	"strings"
	"testing"
)

func TestClosest(t *testing.T) {
	for name, want := range map[string]string{
		"COGNITO_AUTH_USERPOOL_ID":                   "COGNITO_AUTH_USER_POOL_ID",
		"COGNITO_AUTH_USER_POOL_IDS":                 "COGNITO_AUTH_USER_POOL_ID",
		"cognito_auth_user_pool_id":                  "COGNITO_AUTH_USER_POOL_ID", // the case only
		"COGNITO_AUTH_POOL_USER_ID":                  "COGNITO_AUTH_USER_POOL_ID", // the words in another order
		"COGNITO_AUTH_ALB_ARNS":                      "COGNITO_AUTH_ALB_ARN",
		"COGNITO_AUTH_CLIENTID":                      "COGNITO_AUTH_CLIENT_ID",
		"COGNITO_AUTH_CLIENT_IDS":                    "COGNITO_AUTH_CLIENT_ID",
		"COGNITO_AUTH_MACHINE_CLIENT_ID":             "COGNITO_AUTH_MACHINE_CLIENT_IDS",
		"COGNITO_AUTH_M2M_CLIENTID":                  "COGNITO_AUTH_M2M_CLIENT_ID",
		"COGNITO_AUTH_SESION_SECRET":                 "COGNITO_AUTH_SESSION_SECRET",
		"COGNITO_AUTH_REGOIN":                        "COGNITO_AUTH_REGION",
		"COGNITO_AUTH_DEVMODE":                       "COGNITO_AUTH_DEV_MODE",
		"COGNITO_AUTH_STRICT":                        "",
		"COGNITO_AUTH_FOO":                           "",
		"COGNITO_AUTH_":                              "",
		"COGNITO_AUTH_" + strings.Repeat("X", 10000): "",
	} {
		if got := Closest(name); got != want {
			t.Errorf("Closest(%.40q) = %q, want %q", name, got, want)
		}
	}
}

func TestUnknown(t *testing.T) {
	names := []string{
		"PATH=/usr/bin", "COGNITO_AUTH_USER_POOL_ID=eu-west-2_x", "COGNITO_AUTH_USERPOOL_ID=eu-west-2_x",
		"COGNITO_AUTH_USERPOOL_ID=again", "cognito_auth_region=eu-west-1", "COGNITO_AUTH_REDIS_URL=redis://",
		"COGNITO_AUTH_FOO", "COGNITO_AUTHX", "AWS_REGION=eu-west-2", "", "=", "COGNITO_AUTH_DOMAIN",
	}
	got := Unknown(names, []string{"COGNITO_AUTH_REDIS_URL"})
	want := []Finding{
		{"COGNITO_AUTH_FOO", ""},
		{"COGNITO_AUTH_USERPOOL_ID", "COGNITO_AUTH_USER_POOL_ID"},
		{"cognito_auth_region", "COGNITO_AUTH_REGION"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("Unknown = %v, want %v", got, want)
	}
	if s := NearMiss(got, "COGNITO_AUTH_USER_POOL_ID", "COGNITO_AUTH_ALB_ARN"); s != "; COGNITO_AUTH_USERPOOL_ID is set: did you mean COGNITO_AUTH_USER_POOL_ID?" {
		t.Errorf("NearMiss = %q", s)
	}
	if s := NearMiss(got, "COGNITO_AUTH_ALB_ARN"); s != "" {
		t.Errorf("NearMiss of nothing near = %q", s)
	}
	if s := got[0].DidYouMean(); s != "no package of cognito-auth-go reads it" {
		t.Errorf("DidYouMean without a close name = %q", s)
	}
}

// TestKnownIsSortedByOwner: the list is kept in order, without repeats.
func TestKnownIsSortedByOwner(t *testing.T) {
	seen := map[string]bool{}
	for i, v := range Known {
		if seen[v.Name] || !strings.HasPrefix(v.Name, Prefix) {
			t.Errorf("%s: repeated, or not a %s variable", v.Name, Prefix)
		}
		seen[v.Name] = true
		if i > 0 && Known[i-1].Owner == v.Owner && Known[i-1].Name > v.Name {
			t.Errorf("%s is out of order after %s", v.Name, Known[i-1].Name)
		}
	}
}

func FuzzClosest(f *testing.F) {
	f.Add("COGNITO_AUTH_USERPOOL_ID")
	f.Add("COGNITO_AUTH_\xff\x00")
	f.Fuzz(func(t *testing.T, s string) {
		if c := Closest(s); c != "" && !IsKnown(c) {
			t.Fatalf("Closest(%q) = %q, not a known name", s, c)
		}
		_ = Unknown([]string{s, s + "=x"}, nil)
	})
}
