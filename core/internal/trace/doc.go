// Package trace carries the per-check record of one verification from core
// to the explain command (core/cmd/cognito-auth).
package trace
