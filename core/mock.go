package core

import (
	"crypto/sha256"
	"fmt"
	"strings"
	"time"

	"github.com/cognitoauth/cognito-auth-go/core/internal/devuser"
	"github.com/cognitoauth/cognito-auth-go/core/internal/strictjson"
)

// Default mock user values (the original package's defaults).
const (
	defaultMockEmail = "dev@example.com"
	mockIssuer       = "https://cognito-idp.mock.amazonaws.com/mock-pool"
)

// MockUser returns a user for tests and development, like the original's
// User.create_mock. The sub is derived from the email so it is stable.
// IsMock reports true for it. It never passes through verification: use it
// with cognitotest.ContextWithUser in handler tests, or through dev mode.
func MockUser(email string, groups ...string) *User {
	if email == "" {
		email = defaultMockEmail
	}
	sub := mockSub(email)
	return &User{
		Sub:           sub,
		Username:      sub,
		Email:         email,
		Groups:        append([]string{}, groups...),
		EmailVerified: true,
		ExpiresAt:     time.Now().Add(time.Hour),
		AuthTime:      time.Now(),
		Issuer:        mockIssuer,
		mock:          true,
	}
}

func mockSub(email string) string {
	h := sha256.Sum256([]byte(strings.ToLower(email)))
	return fmt.Sprintf("%x-%x-%x-%x-%x", h[0:4], h[4:6], h[6:8], h[8:10], h[10:16])
}

// devUser converts a dev-mock-user.json entry to a mock user, filling
// defaults.
func devUser(f *devuser.File) *User {
	u := MockUser(f.Email, f.Groups...)
	if f.Sub != "" {
		u.Sub = f.Sub
		u.Username = f.Sub
	}
	if f.Username != "" {
		u.Username = f.Username
	}
	u.Name, u.GivenName, u.FamilyName = f.Name, f.GivenName, f.FamilyName
	if f.EmailVerified != nil {
		u.EmailVerified = *f.EmailVerified
	}
	return u
}

// parseDevUser parses dev-mock-user.json contents.
func parseDevUser(data []byte) (*User, error) {
	var f devuser.File
	if err := strictjson.Decode(data, &f); err != nil {
		return nil, err
	}
	if f.Email != "" && !strings.Contains(f.Email, "@") {
		return nil, fmt.Errorf("email %q is not an email address", f.Email)
	}
	return devUser(&f), nil
}
