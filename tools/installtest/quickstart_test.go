package main

import (
	"net"
	"testing"
)

func TestParseListeners(t *testing.T) {
	tcp := []byte(`  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1001 1 0000000000000000 100 0 0 10 0
   1: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1002 1 0000000000000000 100 0 0 10 0
   2: 0100007F:1F90 0100007F:D2F0 01 00000000:00000000 00:00000000 00000000     0        0 1003 1 0000000000000000 20 4 30 10 -1
   3: 0100007F:1F91 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1004 1 0000000000000000 100 0 0 10 0
`)
	got, err := parseListeners(tcp, "8080")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || !got[0].Equal(net.IPv4(127, 0, 0, 1)) || !got[1].Equal(net.IPv4zero) {
		t.Errorf("tcp: %v, want [127.0.0.1 0.0.0.0] (LISTEN on 8080 only)", got)
	}
	tcp6 := []byte(`  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000001000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 2001 1 0000000000000000 100 0 0 10 0
   1: 00000000000000000000000000000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 2002 1 0000000000000000 100 0 0 10 0
   2: 0000000000000000FFFF00000100007F:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 2003 1 0000000000000000 100 0 0 10 0
`)
	got, err = parseListeners(tcp6, "8080")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || !got[0].Equal(net.IPv6loopback) || !got[1].Equal(net.IPv6zero) || !got[2].Equal(net.IPv4(127, 0, 0, 1)) {
		t.Errorf("tcp6: %v, want [::1 :: ::ffff:127.0.0.1]", got)
	}
	if got[1].IsLoopback() || !got[2].IsLoopback() {
		t.Error("IsLoopback disagrees")
	}
	if _, err := parseListeners([]byte("   0: 7F:1F90 00:0000 0A\n"), "8080"); err == nil {
		t.Error("a malformed address parsed")
	}
}

// TestListenersSeesARealListener reads this machine's /proc for a listener
// this test holds.
func TestListenersSeesARealListener(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	addrs, err := listeners(port)
	if err != nil {
		t.Skipf("no /proc/net/tcp here: %v", err)
	}
	if len(addrs) != 1 || !addrs[0].IsLoopback() {
		t.Errorf("listeners(%s) = %v, want [127.0.0.1]", port, addrs)
	}
}
