package core

import (
	"errors"
	"fmt"
	"strings"

	"github.com/cognitoauth/cognito-auth-go/core/internal/awsurl"
	"github.com/cognitoauth/cognito-auth-go/core/internal/strictjson"
)

// Policy is an authorisation policy document, in the JSON format of the
// Python cognito_auth package plus allowed_domains, admin_groups and
// admin_users:
//
//	{
//	  "_comment": "keys starting with _ are comments",
//	  "allowed_groups": ["developers", "admins"],
//	  "allowed_users": ["special-user@example.com"],
//	  "allowed_domains": ["example.com"],
//	  "require_all": false,
//	  "admin_groups": ["platform-admins"],
//	  "admin_users": ["owner@example.com"]
//	}
//
// With require_all false a user passing any allowed_* rule gets in; with it
// true they must pass every rule that is set. App admins (admin_groups,
// admin_users) pass every rule.
type Policy struct {
	AllowedGroups  []string `json:"allowed_groups"`
	AllowedUsers   []string `json:"allowed_users"`
	AllowedDomains []string `json:"allowed_domains"`
	RequireAll     bool     `json:"require_all"`
	AdminGroups    []string `json:"admin_groups"`
	AdminUsers     []string `json:"admin_users"`
}

// ErrEmptyPolicy is returned for a policy document that names no rule.
var ErrEmptyPolicy = errors.New("policy must set at least one of allowed_groups, allowed_users, allowed_domains, admin_groups, admin_users")

// ParsePolicy decodes and validates a policy document. Unknown keys are an
// error naming the key (a typo in an access rule must not pass silently);
// keys starting with "_" are comments. A document with no rules is an error.
func ParsePolicy(data []byte) (*Policy, error) {
	var p Policy
	if err := strictjson.Decode(data, &p); err != nil {
		return nil, fmt.Errorf("policy: %w", err)
	}
	if p.empty() {
		return nil, fmt.Errorf("policy: %w", ErrEmptyPolicy)
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return &p, nil
}

func (p *Policy) empty() bool {
	return len(p.AllowedGroups) == 0 && len(p.AllowedUsers) == 0 && len(p.AllowedDomains) == 0 &&
		len(p.AdminGroups) == 0 && len(p.AdminUsers) == 0
}

// Validate checks every email, domain and group name, reporting all problems.
func (p *Policy) Validate() error {
	var errs []error
	for _, list := range [][]string{p.AllowedGroups, p.AdminGroups} {
		for _, g := range list {
			if g == "" || len(g) > maxGroupBytes {
				errs = append(errs, fmt.Errorf("policy: group name %q is empty or too long", g))
			}
		}
	}
	if _, err := emailSet("allowed_users", p.AllowedUsers); err != nil {
		errs = append(errs, err)
	}
	if _, err := emailSet("admin_users", p.AdminUsers); err != nil {
		errs = append(errs, err)
	}
	if _, err := domainSet(p.AllowedDomains); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// emailSet validates and lower-cases addresses. An invalid one is named by
// its list and position, never by its text: errors reach logs and
// observers, which must not carry email addresses.
func emailSet(list string, emails []string) (map[string]struct{}, error) {
	set := make(map[string]struct{}, len(emails))
	var errs []error
	for i, e := range emails {
		if !validEmail(e) {
			errs = append(errs, fmt.Errorf("policy: %s[%d] is not a valid ASCII email address", list, i))
			continue
		}
		set[strings.ToLower(e)] = struct{}{}
	}
	return set, errors.Join(errs...)
}

// domainSet validates and lower-cases domains.
func domainSet(domains []string) (map[string]struct{}, error) {
	set := make(map[string]struct{}, len(domains))
	var errs []error
	for _, d := range domains {
		d = strings.TrimPrefix(d, "@")
		if !validDomain(d) {
			errs = append(errs, fmt.Errorf("policy: %q is not a valid ASCII domain", d))
			continue
		}
		set[strings.ToLower(d)] = struct{}{}
	}
	return set, errors.Join(errs...)
}

// validEmail accepts local@domain with an RFC 5322 dot-atom local part and a
// valid domain, ASCII only.
func validEmail(s string) bool {
	if len(s) > maxEmailLen {
		return false
	}
	at := strings.LastIndexByte(s, '@')
	if at < 1 || at > 64 {
		return false
	}
	local := s[:at]
	if local[0] == '.' || local[len(local)-1] == '.' || strings.Contains(local, "..") {
		return false
	}
	for i := 0; i < len(local); i++ {
		c := local[i]
		if !isAlnum(c) && strings.IndexByte(".!#$%&'*+/=?^_`{|}~-", c) < 0 {
			return false
		}
	}
	return validDomain(s[at+1:])
}

// validDomain accepts dot-separated LDH labels with at least two labels and
// no trailing dot.
func validDomain(d string) bool { return awsurl.ValidDomain(d) }

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}
