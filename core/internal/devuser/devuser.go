// Package devuser is the JSON shape of a mock user in dev-mock-user.json,
// shared by dev mode and cognito-local's -users file.
package devuser

// File is one mock user. Keys starting with "_" are comments; unknown keys
// are an error (the caller decodes with strictjson).
type File struct {
	Email         string   `json:"email"`
	Sub           string   `json:"sub"`
	Username      string   `json:"username"`
	Name          string   `json:"name"`
	GivenName     string   `json:"given_name"`
	FamilyName    string   `json:"family_name"`
	Groups        []string `json:"groups"`
	EmailVerified *bool    `json:"email_verified"`
}
