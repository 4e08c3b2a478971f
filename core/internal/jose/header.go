package jose

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"strconv"
)

// ErrHeaderJSON reports a protected header that is not a JSON object of the
// expected shape.
var ErrHeaderJSON = errors.New("protected header is not valid JSON")

// Header is the subset of a JWS protected header that core inspects, plus
// presence markers for parameters that must never be honoured.
type Header struct {
	Alg    string          `json:"alg"`
	Kid    string          `json:"kid"`
	Typ    string          `json:"typ"`
	Signer string          `json:"signer"`
	Iss    string          `json:"iss"`
	Client string          `json:"client"`
	Exp    json.RawMessage `json:"exp"`

	Jku  json.RawMessage `json:"jku"`
	X5u  json.RawMessage `json:"x5u"`
	Jwk  json.RawMessage `json:"jwk"`
	X5c  json.RawMessage `json:"x5c"`
	Crit json.RawMessage `json:"crit"`
	B64  json.RawMessage `json:"b64"`
	Enc  json.RawMessage `json:"enc"`
	Zip  json.RawMessage `json:"zip"`
}

// ParseHeader decodes a protected header. The input must be one JSON object.
func ParseHeader(b []byte) (Header, error) {
	var h Header
	if err := decodeObject(b, &h); err != nil {
		return Header{}, ErrHeaderJSON
	}
	return h, nil
}

// ForbiddenParam names the first header parameter that points at key material
// or changes processing (jku, x5u, jwk, x5c, crit, b64, enc, zip), or "".
func (h *Header) ForbiddenParam() string {
	switch {
	case h.Jku != nil:
		return "jku"
	case h.X5u != nil:
		return "x5u"
	case h.Jwk != nil:
		return "jwk"
	case h.X5c != nil:
		return "x5c"
	case h.Crit != nil:
		return "crit"
	case h.B64 != nil:
		return "b64"
	case h.Enc != nil:
		return "enc"
	case h.Zip != nil:
		return "zip"
	}
	return ""
}

// decodeObject unmarshals b, which must start with '{' (after white space),
// into v.
func decodeObject(b []byte, v any) error {
	t := bytes.TrimLeft(b, " \t\r\n")
	if len(t) == 0 || t[0] != '{' {
		return ErrHeaderJSON
	}
	return json.Unmarshal(b, v)
}

// DecodeClaims unmarshals a JSON object payload into v.
func DecodeClaims(b []byte, v any) error { return decodeObject(b, v) }

// Errors from NumericDate.
var (
	ErrDateMissing = errors.New("numeric date is missing")
	ErrDateType    = errors.New("numeric date is not a JSON number")
)

// NumericDate parses a JWT NumericDate (seconds since the epoch, a JSON
// number) and returns whole seconds. A string, boolean, null or out-of-range
// value is an error; an absent claim is ErrDateMissing.
func NumericDate(raw json.RawMessage) (int64, error) {
	if len(raw) == 0 {
		return 0, ErrDateMissing
	}
	c := raw[0]
	if c != '-' && (c < '0' || c > '9') {
		return 0, ErrDateType
	}
	f, err := strconv.ParseFloat(string(raw), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || f < 0 || f > 1e13 {
		return 0, ErrDateType
	}
	return int64(f), nil
}
