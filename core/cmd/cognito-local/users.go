package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"regexp"

	"github.com/cognitoauth/cognito-auth-go/core"
	ct "github.com/cognitoauth/cognito-auth-go/core/cognitotest"
	"github.com/cognitoauth/cognito-auth-go/core/internal/devuser"
	"github.com/cognitoauth/cognito-auth-go/core/internal/strictjson"
)

// defaultUsers are offered when no users file is given.
var defaultUsers = []ct.User{
	{Sub: "11111111-1111-4111-8111-111111111111", Email: "alice@example.com", Name: "Alice Analyst", Groups: []string{"staff"}},
	{Sub: "22222222-2222-4222-8222-222222222222", Email: "root@example.com", Name: "Rory Admin", Groups: []string{"staff", "admins"}},
	{Sub: "33333333-3333-4333-8333-333333333333", Email: "eve@example.com", Name: "Eve Outsider", Groups: []string{"guests"}},
}

// loadUsers reads users in the dev-mock-user.json format: one object, an
// array of objects, or {"users": [...]}. Unknown keys are an error; keys
// starting with "_" are comments.
//
// In proxy mode a user may also name its "pool" (a user pool id): its tokens
// are then issued by that pool, and the app is told to accept every pool
// named (COGNITO_AUTH_USER_POOL_ID). pools[i] is user i's pool, "" for the
// default one.
func loadUsers(path string) (users []ct.User, pools []string, err error) {
	if path == "" {
		return defaultUsers, make([]string, len(defaultUsers)), nil
	}
	data, err := os.ReadFile(path) //nolint:gosec // the path is the operator's flag
	if err != nil {
		return nil, nil, err
	}
	data = bytes.TrimSpace(data)
	var raws []json.RawMessage
	switch {
	case len(data) > 0 && data[0] == '[':
		if err := json.Unmarshal(data, &raws); err != nil {
			return nil, nil, err
		}
	default:
		var wrapper struct {
			Users []json.RawMessage `json:"users"`
		}
		if json.Unmarshal(data, &wrapper) == nil && wrapper.Users != nil {
			raws = wrapper.Users
		} else {
			raws = []json.RawMessage{data}
		}
	}
	if len(raws) == 0 {
		return nil, nil, errors.New("no users in the file")
	}
	users = make([]ct.User, 0, len(raws))
	for i, raw := range raws {
		var f struct {
			devuser.File
			Pool string `json:"pool"`
		}
		if err := strictjson.Decode(raw, &f); err != nil {
			return nil, nil, fmt.Errorf("user %d: %w", i+1, err)
		}
		if f.Email == "" {
			return nil, nil, fmt.Errorf("user %d: email is required", i+1)
		}
		if f.Pool != "" && !rePoolID.MatchString(f.Pool) {
			return nil, nil, fmt.Errorf("user %d: pool %q is not a user pool id like eu-west-2_AbCdEf123", i+1, f.Pool)
		}
		pools = append(pools, f.Pool)
		u := ct.User{
			Sub: f.Sub, Username: f.Username, Email: f.Email, Name: f.Name, GivenName: f.GivenName,
			FamilyName: f.FamilyName, Groups: f.Groups, EmailUnverified: f.EmailVerified != nil && !*f.EmailVerified,
		}
		if u.Sub == "" {
			u.Sub = core.MockUser(f.Email).Sub
		}
		users = append(users, u)
	}
	return users, pools, nil
}

var rePoolID = regexp.MustCompile(`^[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-[0-9]{1,2}_[0-9A-Za-z]{1,55}$`)
