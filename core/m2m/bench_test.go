package m2m_test

import (
	"testing"
	"time"
)

// BenchmarkTokenSourceShared: Token from parallel goroutines sharing one
// cached token (no token request after the first).
func BenchmarkTokenSourceShared(b *testing.B) {
	s := startStandIn(b, time.Hour)
	ts := s.source(b)
	if _, err := ts.Token(); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := ts.Token(); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.StopTimer()
	if n := s.ui.MachineTokenCalls(); n != 1 {
		b.Fatalf("%d token requests, want 1", n)
	}
}
