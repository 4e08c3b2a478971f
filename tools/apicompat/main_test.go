package main

import (
	"slices"
	"testing"
)

func TestBreakAllowed(t *testing.T) {
	for _, tc := range []struct {
		prev, next string
		want       bool
	}{
		{"v0.1.0", "v0.1.1", false}, // v0.x patch
		{"v0.1.3", "v0.1.4-rc.1", false},
		{"v0.1.0", "v0.2.0", true}, // v0.x minor
		{"v0.9.2", "v0.10.0", true},
		{"v0.9.0", "v1.0.0", true}, // a new major version
		{"v1.0.0", "v1.0.1", false},
		{"v1.0.0", "v1.1.0", false},
		{"v1.4.2", "v2.0.0", true},
	} {
		if got, why := breakAllowed(tc.prev, tc.next); got != tc.want {
			t.Errorf("breakAllowed(%s, %s) = %v (%s), want %v", tc.prev, tc.next, got, why, tc.want)
		}
	}
}

func TestPreviousTag(t *testing.T) {
	tags := []string{"core/v0.1.0", "core/v0.2.0", "core/v0.10.0", "core/v0.2.1-rc.1", "ginauth/v0.3.0", "core/vbad", "v0.5.0", "core/v1.0.0"}
	for _, tc := range []struct{ dir, version, want string }{
		{"core", "v0.2.1", "v0.2.1-rc.1"},
		{"core", "v0.2.0", "v0.1.0"},
		{"core", "v0.11.0", "v0.10.0"}, // semantic, not lexical, order
		{"core", "v1.0.1", "v1.0.0"},
		{"core", "v0.1.0", ""},
		{"ginauth", "v0.4.0", "v0.3.0"},
		{"echoauth", "v0.4.0", ""}, // a first release
	} {
		if got := previousTag(tags, tc.dir, tc.version); got != tc.want {
			t.Errorf("previousTag(%s, %s) = %q, want %q", tc.dir, tc.version, got, tc.want)
		}
	}
}

func TestWithoutMains(t *testing.T) {
	const mod = modulePrefix + "core"
	report := "- Gone: removed\n" +
		"- ./hostedui.Config.Secret: changed from string to []byte\n" +
		"- ./cmd/cognito-local.Exported: removed\n" +
		"- package " + mod + "/cmd/cognito-auth: removed\n" +
		"- ./cmd/cognito-localx.Kept: removed\n"
	got := withoutMains(report, mod, []string{mod + "/cmd/cognito-local", mod + "/cmd/cognito-auth"})
	want := []string{"Gone: removed", "./hostedui.Config.Secret: changed from string to []byte", "./cmd/cognito-localx.Kept: removed"}
	if !slices.Equal(got, want) {
		t.Fatalf("withoutMains = %q, want %q", got, want)
	}
}

func TestLocalModules(t *testing.T) {
	t.Chdir("../..")
	got, err := localModules("ginauth")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, []string{"core", "ginauth"}) {
		t.Fatalf("localModules(ginauth) = %q, want core and ginauth", got)
	}
}
