//go:build unix

package main

import (
	"os"
	"os/exec"
	"syscall"
)

// startInGroup makes cmd the leader of a new process group.
func startInGroup(cmd *exec.Cmd) { cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} }

// stopGroup sends SIGTERM to p's whole process group.
func stopGroup(p *os.Process) error { return syscall.Kill(-p.Pid, syscall.SIGTERM) }
