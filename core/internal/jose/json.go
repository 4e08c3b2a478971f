package jose

import (
	"bytes"
	"errors"
	"math"
	"time"
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
// valid JSON: fastjson checks the structure, validStrings what fastjson
// lets through inside strings (unknown escapes such as \q, which it keeps
// as text, and raw control characters).
func DecodeObject(b []byte, field func(key string, v *Value) error) error {
	if !utf8.Valid(b) || !validStrings(b) {
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

// Time returns the date as a time.Time, or the zero time when there is
// none.
func (d Date) Time() time.Time {
	if d.Err != nil {
		return time.Time{}
	}
	return time.Unix(d.Unix, 0)
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

// validStrings checks, in one pass much cheaper than a second full JSON
// parse, what fastjson lets through: every string has only valid escapes
// (\" \\ \/ \b \f \n \r \t and \u with four hex digits) and no raw control
// characters; every number has JSON's grammar (no 01, 1., .5, +1, 1e); the
// only bare words are true, false and null (no nan or inf).
func validStrings(b []byte) bool {
	in := false
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch {
		case !in && c == '"':
			in = true
		case !in:
			n, ok := validBare(b[i:])
			if !ok {
				return false
			}
			i += n - 1
		case c == '"':
			in = false
		case c < 0x20:
			return false
		case c == '\\':
			if i+1 >= len(b) {
				return false
			}
			i++
			switch b[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if i+4 >= len(b) || !isHex4(b[i+1:i+5]) {
					return false
				}
				i += 4
			default:
				return false
			}
		}
	}
	return !in
}

func isHex4(b []byte) bool {
	for _, c := range b {
		if !isHexDigit(c) {
			return false
		}
	}
	return true
}

func isHexDigit(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// validBare checks the token outside strings that starts b: structure and
// whitespace pass one byte at a time; a number or a literal must be whole.
// It returns how many bytes it covers.
func validBare(b []byte) (int, bool) {
	switch c := b[0]; {
	case c == '-' || '0' <= c && c <= '9':
		n := jsonNumber(b)
		return n, n > 0
	case 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z':
		for _, lit := range [...]string{"true", "false", "null"} {
			if len(b) >= len(lit) && string(b[:len(lit)]) == lit {
				return len(lit), true
			}
		}
		return 0, false
	case c == '+' || c == '.':
		return 0, false
	}
	return 1, true
}

// jsonNumber returns the length of the JSON number at the start of b, or 0
// when b does not start with one: -? (0 | [1-9][0-9]*) (.[0-9]+)? ([eE][+-]?[0-9]+)?
func jsonNumber(b []byte) int {
	i := 0
	digits := func() int {
		start := i
		for i < len(b) && '0' <= b[i] && b[i] <= '9' {
			i++
		}
		return i - start
	}
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case digits() == 0:
		return 0
	}
	if i < len(b) && b[i] == '.' {
		i++
		if digits() == 0 {
			return 0
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if digits() == 0 {
			return 0
		}
	}
	if i < len(b) && ('0' <= b[i] && b[i] <= '9' || b[i] == '.') {
		return 0 // 01, 1.2.3
	}
	return i
}
