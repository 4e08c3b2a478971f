package jose

import (
	"encoding/base64"
	"errors"
	"strings"
)

// Errors returned by Split. They carry no token contents.
var (
	ErrTooLarge    = errors.New("token exceeds the size limit")
	ErrSegments    = errors.New("token must have exactly three non-empty segments")
	ErrAlphabet    = errors.New("token segment has a character outside base64url")
	ErrPadding     = errors.New("token segment has invalid padding")
	ErrBase64      = errors.New("token segment is not valid base64url")
	ErrSigLength   = errors.New("signature has the wrong length")
	ErrSignature   = errors.New("signature does not verify")
	ErrKeyMismatch = errors.New("key type does not match the algorithm")
)

// Compact is a split and decoded compact JWS. SigningInput aliases the raw
// token text: it is the exact "seg0.seg1" that was signed.
type Compact struct {
	SigningInput string
	Header       []byte
	Payload      []byte
	Signature    []byte
}

// Split checks raw against the strict compact form and decodes its segments.
// Each segment must be non-empty, use only the base64url alphabet and may end
// in '=' padding; padded segments must be a multiple of four long and decode
// canonically (no stray bits).
func Split(raw string, maxLen int) (Compact, error) {
	if len(raw) > maxLen {
		return Compact{}, ErrTooLarge
	}
	first := strings.IndexByte(raw, '.')
	if first <= 0 {
		return Compact{}, ErrSegments
	}
	second := strings.IndexByte(raw[first+1:], '.')
	if second <= 0 {
		return Compact{}, ErrSegments
	}
	second += first + 1
	if second == len(raw)-1 || strings.IndexByte(raw[second+1:], '.') >= 0 {
		return Compact{}, ErrSegments
	}
	hdr, err := decodeSegment(raw[:first])
	if err != nil {
		return Compact{}, err
	}
	payload, err := decodeSegment(raw[first+1 : second])
	if err != nil {
		return Compact{}, err
	}
	sig, err := decodeSegment(raw[second+1:])
	if err != nil {
		return Compact{}, err
	}
	return Compact{SigningInput: raw[:second], Header: hdr, Payload: payload, Signature: sig}, nil
}

var (
	padded   = base64.URLEncoding.Strict()
	unpadded = base64.RawURLEncoding.Strict()
)

func decodeSegment(seg string) ([]byte, error) {
	body := strings.TrimRight(seg, "=")
	pad := len(seg) - len(body)
	if body == "" {
		return nil, ErrSegments
	}
	for i := 0; i < len(body); i++ {
		if !isURLAlphabet(body[i]) {
			return nil, ErrAlphabet
		}
	}
	enc := unpadded
	switch {
	case pad > 2:
		return nil, ErrPadding
	case pad > 0:
		if len(seg)%4 != 0 {
			return nil, ErrPadding
		}
		enc = padded
	case len(seg)%4 == 1:
		return nil, ErrBase64
	}
	out, err := enc.DecodeString(seg)
	if err != nil {
		return nil, ErrBase64
	}
	return out, nil
}

// urlAlphabet marks the base64url characters. The explicit check matters:
// Go's base64 decoder silently skips '\r' and '\n'.
var urlAlphabet = func() (t [256]bool) {
	for _, c := range []byte("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") {
		t[c] = true
	}
	return t
}()

func isURLAlphabet(c byte) bool { return urlAlphabet[c] }
