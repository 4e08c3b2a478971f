// Package awsurl builds and checks the AWS addresses core works with:
// Cognito issuers, hosted-UI domains, the ALB key endpoints, and the key
// URLs configuration may give.
package awsurl

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strings"
)

// Cognito issuer hosts.
const (
	issuerOriginalHost = "https://cognito-idp."
	issuerUpdatedHost  = "https://issuer-cognito-idp."
)

var reRegion = regexp.MustCompile(`^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]{1,2}$`)

// IsRegion reports an AWS region name (eu-west-2, us-gov-east-1, cn-north-1).
func IsRegion(s string) bool { return reRegion.MatchString(s) }

// awsDomain is the DNS suffix of AWS endpoints in region's partition.
func awsDomain(region string) string {
	if strings.HasPrefix(region, "cn-") {
		return ".amazonaws.com.cn"
	}
	return ".amazonaws.com"
}

// OriginalIssuer returns the ORIGINAL-format issuer of pool as served from
// region: https://cognito-idp.REGION.amazonaws.com/POOL.
func OriginalIssuer(region, pool string) string {
	return issuerOriginalHost + region + awsDomain(region) + "/" + pool
}

// UpdatedIssuer returns the UPDATED-format issuer of pool, whose region is
// the pool's primary region: https://issuer-cognito-idp.REGION.amazonaws.com/POOL.
func UpdatedIssuer(pool string) string {
	region, _, _ := strings.Cut(pool, "_")
	return issuerUpdatedHost + region + awsDomain(region) + "/" + pool
}

// DomainRegion is the region a Cognito domain prefix is in: the first user
// pool's (the part of its id before "_"), else region.
func DomainRegion(pools []string, region string) string {
	if len(pools) > 0 {
		if r, _, ok := strings.Cut(strings.TrimSpace(pools[0]), "_"); ok {
			return r
		}
	}
	return region
}

// HostedUIBaseURL turns a hosted UI domain setting into a base URL: a
// Cognito prefix becomes https://PREFIX.auth.REGION.amazoncognito.com, a
// custom domain https://DOMAIN, and an absolute URL is kept (http only on a
// loopback host, for local stand-ins).
func HostedUIBaseURL(domain, region string) (string, error) {
	domain = strings.TrimRight(strings.TrimSpace(domain), "/")
	switch {
	case domain == "":
		return "", errors.New("hosted UI domain is empty")
	case strings.Contains(domain, "://"):
		if err := CheckKeyURL(domain); err != nil {
			return "", err
		}
		return domain, nil
	case strings.Contains(domain, "."):
		if !ValidDomain(domain) {
			return "", fmt.Errorf("%q is not a domain name", domain)
		}
		return "https://" + domain, nil
	}
	for i := 0; i < len(domain); i++ {
		if c := domain[i]; (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' {
			return "", fmt.Errorf("%q is not a Cognito domain prefix", domain)
		}
	}
	if !IsRegion(region) {
		return "", fmt.Errorf("a Cognito domain prefix needs a region, got %q", region)
	}
	return "https://" + domain + ".auth." + region + ".amazoncognito.com", nil
}

// ALBKeysURL returns the endpoint AWS documents for the public keys of the
// ALBs in region, or "" where it documents none (the China and ISO
// regions). Per "User claims encoding and signature verification" in
// https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-authenticate-users.html:
// https://public-keys.auth.elb.REGION.amazonaws.com/KID, and for AWS
// GovCloud (US) https://s3-us-gov-west-1.amazonaws.com/aws-elb-public-keys-prod-us-gov-west-1/KID
// and https://s3-us-gov-east-1.amazonaws.com/aws-elb-public-keys-prod-us-gov-east-1/KID.
func ALBKeysURL(region string) string {
	switch {
	case region == "us-gov-west-1", region == "us-gov-east-1":
		return "https://s3-" + region + ".amazonaws.com/aws-elb-public-keys-prod-" + region
	case strings.HasPrefix(region, "cn-"), strings.Contains(region, "-iso"), strings.HasPrefix(region, "us-gov-"):
		return ""
	}
	return "https://public-keys.auth.elb." + region + ".amazonaws.com"
}

// CheckKeyURL accepts https URLs, and http only on a loopback host (local
// test servers). No credentials, query or fragment.
func CheckKeyURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("%q is not a URL", raw)
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" || u.Host == "" {
		return fmt.Errorf("%q must be a plain absolute URL without credentials, query or fragment", raw)
	}
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		if isLoopback(u.Hostname()) {
			return nil
		}
		return fmt.Errorf("%q must use https (http is allowed only on a loopback host)", raw)
	}
	return fmt.Errorf("%q must use https", raw)
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// ValidDomain reports a DNS name of two or more labels of letters, digits
// and inner hyphens.
func ValidDomain(d string) bool {
	if len(d) == 0 || len(d) > 253 {
		return false
	}
	labels := strings.Split(d, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for i := 0; i < len(l); i++ {
			if !isAlnum(l[i]) && l[i] != '-' {
				return false
			}
		}
	}
	return true
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}
