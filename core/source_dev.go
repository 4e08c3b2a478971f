package core

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"
)

// devSource lets in requests without any credentials as the mock user
// (COGNITO_AUTH_DEV_MODE). It is always the last source.
type devSource struct {
	user *User
	now  func() time.Time
}

// Authenticate returns a copy of the mock user as just signed in: its
// credential lasts an hour from now, and RequireRecentSignIn passes.
func (s devSource) Authenticate(context.Context, Request) (*User, error) {
	u := s.user.Clone()
	now := s.now()
	u.ExpiresAt, u.AuthTime = now.Add(time.Hour), now
	return u, nil
}

// newDevSource loads the mock user and warns loudly that dev mode is on.
func newDevSource(cfg *config) (devSource, error) {
	u, err := loadDevUser(cfg)
	if err != nil {
		return devSource{}, err
	}
	warnDevMode(cfg, u)
	return devSource{user: u, now: cfg.now}, nil
}

func warnDevMode(cfg *config, u *User) {
	l := cfg.logger
	l.Warn("cognito-auth: ************************************************************")
	l.Warn("cognito-auth: DEV MODE IS ON: requests without authentication headers are let in as a mock user. NEVER enable this in production.",
		slog.String("mock_email", u.Email), slog.Any("mock_groups", u.Groups))
	if len(cfg.productionSigns) > 0 {
		l.Warn("cognito-auth: dev mode was FORCED although this process looks like production",
			slog.String("signs", strings.Join(cfg.productionSigns, ", ")))
	}
	l.Warn("cognito-auth: ************************************************************")
}

func loadDevUser(cfg *config) (*User, error) {
	if cfg.devUser != nil {
		u := cfg.devUser.Clone()
		u.mock = true
		return u, nil
	}
	path, explicit := cfg.devConfigPath, cfg.devConfigPath != ""
	if !explicit {
		path = defaultDevConfigPath
	}
	data, err := os.ReadFile(path) //nolint:gosec // G304: the path is operator configuration, not request input
	switch {
	case errors.Is(err, os.ErrNotExist) && !explicit:
		return MockUser(""), nil
	case err != nil:
		return nil, newError(ErrConfig, CodeInvalidConfig, fmt.Sprintf("dev config %s: %v", path, err))
	}
	u, err := parseDevUser(data)
	if err != nil {
		return nil, newError(ErrConfig, CodeInvalidConfig, fmt.Sprintf("dev config %s: %v", path, err))
	}
	return u, nil
}
