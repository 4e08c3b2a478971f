package jose

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"unicode/utf8"

	"github.com/valyala/fastjson"
)

// Value is a parsed JSON value, valid only inside a DecodeObject callback.
type Value = fastjson.Value

// ErrJSON reports input that is not one JSON object of valid UTF-8 with
// strictly valid syntax, or that repeats a key.
var ErrJSON = errors.New("not a valid UTF-8 JSON object with unique keys")

var parsers fastjson.ParserPool

// maxKeys bounds the members of a header or claims object.
const maxKeys = 256

// DecodeObject parses b as exactly one JSON object whose keys are all
// distinct, and calls field for each member in order. Rejecting repeated
// keys means no other JSON parser can read a different value for a claim
// than the one verified here. The bytes must be valid UTF-8 and strictly
// valid JSON (fastjson alone keeps unknown escapes such as \q as text).
func DecodeObject(b []byte, field func(key string, v *Value) error) error {
	if !utf8.Valid(b) || !json.Valid(b) {
		return ErrJSON
	}
	p := parsers.Get()
	defer parsers.Put(p)
	v, err := p.ParseBytes(b)
	if err != nil {
		return ErrJSON
	}
	o, err := v.Object()
	if err != nil || o.Len() > maxKeys {
		return ErrJSON
	}
	var keysBuf [32][]byte
	keys := keysBuf[:0]
	var ferr error
	o.Visit(func(k []byte, v *Value) {
		if ferr != nil {
			return
		}
		for _, seen := range keys {
			if bytes.Equal(seen, k) {
				ferr = ErrJSON
				return
			}
		}
		keys = append(keys, k)
		ferr = field(string(k), v)
	})
	return ferr
}

// ErrType reports a member of the wrong JSON type.
var ErrType = errors.New("claim has the wrong JSON type")

// String returns v as a string (a copy); null counts as absent ("").
func String(v *Value) (string, error) {
	switch v.Type() {
	case fastjson.TypeString:
		b, _ := v.StringBytes()
		return string(b), nil
	case fastjson.TypeNull:
		return "", nil
	}
	return "", ErrType
}

// IsTrue reports JSON true or the string "true".
func IsTrue(v *Value) bool {
	switch v.Type() {
	case fastjson.TypeTrue:
		return true
	case fastjson.TypeString:
		b, _ := v.StringBytes()
		return string(b) == "true"
	}
	return false
}

// Strings returns v as an array of strings. null counts as absent (nil, true).
func Strings(v *Value, maxItems, maxLen int) ([]string, bool) {
	switch v.Type() {
	case fastjson.TypeNull:
		return nil, true
	case fastjson.TypeArray:
	default:
		return nil, false
	}
	items, _ := v.Array()
	if len(items) > maxItems {
		return nil, false
	}
	out := make([]string, 0, len(items))
	for _, it := range items {
		b, err := it.StringBytes()
		if err != nil || len(b) == 0 || len(b) > maxLen {
			return nil, false
		}
		out = append(out, string(b))
	}
	return out, true
}

// Errors from NumericDate.
var (
	ErrDateMissing = errors.New("numeric date is missing")
	ErrDateType    = errors.New("numeric date is not a JSON number")
)

// Date is a parsed JWT NumericDate: whole seconds, or the reason there is
// none. Its zero value is not valid; start from MissingDate.
type Date struct {
	Unix int64
	Err  error
}

// MissingDate is the Date of an absent claim.
var MissingDate = Date{Err: ErrDateMissing}

// NumericDate parses a JWT NumericDate: a non-negative JSON number of
// seconds. A string, boolean, null or out-of-range value is ErrDateType.
func NumericDate(v *Value) Date {
	if v.Type() != fastjson.TypeNumber {
		return Date{Err: ErrDateType}
	}
	f, err := v.Float64()
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || f < 0 || f > 1e13 {
		return Date{Err: ErrDateType}
	}
	return Date{Unix: int64(f)}
}
