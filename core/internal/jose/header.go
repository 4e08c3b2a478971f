package jose

import (
	"errors"
)

// ErrHeaderJSON reports a protected header that is not a JSON object of the
// expected shape.
var ErrHeaderJSON = errors.New("protected header is not valid JSON")

// Header is the subset of a JWS protected header that core inspects, plus
// the first parameter present that must never be honoured.
type Header struct {
	Alg, Kid, Typ       string
	Signer, Iss, Client string
	Exp, Nbf            Date
	// Forbidden names the first of jku, x5u, jwk, x5c, crit, b64, enc, zip
	// present, or "".
	Forbidden string
}

// ParseHeader decodes a protected header: one JSON object, no repeated keys,
// string parameters as strings.
func ParseHeader(b []byte) (Header, error) {
	h := Header{Exp: MissingDate, Nbf: MissingDate}
	err := DecodeObject(b, func(k string, v *Value) error {
		var err error
		switch k {
		case "alg":
			h.Alg, err = String(v)
		case "kid":
			h.Kid, err = String(v)
		case "typ":
			h.Typ, err = String(v)
		case "signer":
			h.Signer, err = String(v)
		case "iss":
			h.Iss, err = String(v)
		case "client":
			h.Client, err = String(v)
		case "exp":
			h.Exp = NumericDate(v)
		case "nbf":
			h.Nbf = NumericDate(v)
		case "jku", "x5u", "jwk", "x5c", "crit", "b64", "enc", "zip":
			if h.Forbidden == "" {
				h.Forbidden = k
			}
		}
		return err
	})
	if err != nil {
		return Header{}, ErrHeaderJSON
	}
	return h, nil
}
