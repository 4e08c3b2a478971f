package core

// Tests of unexported decisions that no exported call shows on its own.

import (
	"errors"
	"os"
	"testing"
)

func TestOutcomeOf(t *testing.T) {
	tests := []struct {
		err  error
		want Outcome
	}{
		{nil, OutcomeAllowed},
		{NewError(ErrForbidden, CodeForbidden, ""), OutcomeForbidden},
		{NewError(ErrExpiredToken, CodeTokenExpired, ""), OutcomeUnauthenticated},
		{NewError(ErrUnavailable, CodeKeyUnavailable, ""), OutcomeUnavailable},
		{NewError(ErrConfig, CodeInvalidConfig, ""), OutcomeError},
		{errors.New("other"), OutcomeError},
	}
	for _, tc := range tests {
		if got := outcomeOf(tc.err); got != tc.want {
			t.Errorf("outcomeOf(%v) = %s, want %s", tc.err, got, tc.want)
		}
	}
}

// TestDevUserExample: the example dev-mock-user file in testdata parses, and
// a typo in a key is an error.
func TestDevUserExample(t *testing.T) {
	data, _ := os.ReadFile("testdata/dev-mock-user.example.json")
	if u, err := parseDevUser(data); err != nil || u.Email != "developer@example.com" || len(u.Groups) != 2 {
		t.Fatalf("dev mock user example: %v %v", u, err)
	}
	if _, err := parseDevUser([]byte(`{"emial": "typo@example.com"}`)); err == nil {
		t.Fatal("a mistyped key was accepted")
	}
}
