//go:build !unix

package main

import (
	"os"
	"os/exec"
)

// startInGroup leaves cmd in cognito-local's group (no process groups here).
func startInGroup(*exec.Cmd) {}

// stopGroup stops the app's process.
func stopGroup(p *os.Process) error { return p.Kill() }
