package awsurl

import "testing"

// TestDomainRegion: a domain prefix lives in the first pool's region, else
// in the configured one.
func TestDomainRegion(t *testing.T) {
	for _, tc := range []struct {
		pools        []string
		region, want string
	}{
		{[]string{"eu-west-2_AbCdEf123", "us-east-1_Other1234"}, "us-east-1", "eu-west-2"},
		{[]string{" eu-west-1_AbCdEf123"}, "", "eu-west-1"},
		{nil, "us-east-1", "us-east-1"},
		{[]string{""}, "ap-south-1", "ap-south-1"},
		{[]string{"nounderscore"}, "", ""},
	} {
		if got := DomainRegion(tc.pools, tc.region); got != tc.want {
			t.Errorf("DomainRegion(%q, %q) = %q, want %q", tc.pools, tc.region, got, tc.want)
		}
	}
}
