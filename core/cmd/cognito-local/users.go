package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"github.com/cognitoauth/cognito-auth-go/core"
	ct "github.com/cognitoauth/cognito-auth-go/core/cognitotest"
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
func loadUsers(path string) ([]ct.User, error) {
	if path == "" {
		return defaultUsers, nil
	}
	data, err := os.ReadFile(path) //nolint:gosec // the path is the operator's flag
	if err != nil {
		return nil, err
	}
	data = bytes.TrimSpace(data)
	var raws []json.RawMessage
	switch {
	case len(data) > 0 && data[0] == '[':
		if err := json.Unmarshal(data, &raws); err != nil {
			return nil, err
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
		return nil, errors.New("no users in the file")
	}
	users := make([]ct.User, 0, len(raws))
	for i, raw := range raws {
		var f core.DevUserFile
		if err := core.DecodeStrictJSON(raw, &f); err != nil {
			return nil, fmt.Errorf("user %d: %w", i+1, err)
		}
		if f.Email == "" {
			return nil, fmt.Errorf("user %d: email is required", i+1)
		}
		u := ct.User{Sub: f.Sub, Username: f.Username, Email: f.Email, Name: f.Name, GivenName: f.GivenName,
			FamilyName: f.FamilyName, Groups: f.Groups, EmailUnverified: f.EmailVerified != nil && !*f.EmailVerified}
		if u.Sub == "" {
			u.Sub = core.MockUser(f.Email).Sub
		}
		users = append(users, u)
	}
	return users, nil
}
