// Package bench compares cognito-auth-go with the Go libraries people use to
// verify Cognito and ALB tokens, on the same tokens in the same run. It is a
// separate module so that none of the alternatives reach users.
//
//	go test -run '^$' -bench . ./bench
//
// See scripts/perf.sh, which also runs the load test and writes
// docs/performance.md.
package bench
