package jose

import (
	"errors"
	"strings"
	"testing"
)

func TestSplit(t *testing.T) {
	cases := []struct {
		in   string
		want error
	}{
		{"eyJhIjoxfQ.eyJiIjoyfQ.c2ln", nil},
		{"eyJhIjoxfQ==.eyJiIjoyfQ==.c2lnbg==", nil},
		{"eyJhIjoxfQ.eyJiIjoyfQ", ErrSegments},
		{"eyJhIjoxfQ.eyJiIjoyfQ.c2ln.eA", ErrSegments},
		{".eyJiIjoyfQ.c2ln", ErrSegments},
		{"eyJhIjoxfQ..c2ln", ErrSegments},
		{"eyJhIjoxfQ.eyJiIjoyfQ.", ErrSegments},
		{"eyJhIjoxfQ.eyJiIjoyfQ.===", ErrSegments},
		{"eyJhIjoxfQ.eyJi+joyfQ.c2ln", ErrAlphabet},
		{"eyJhIjoxfQ.eyJi/joyfQ.c2ln", ErrAlphabet},
		{"eyJhIjoxfQ.eyJiIjoyfQ.c2ln\x00", ErrAlphabet},
		{"eyJhIjoxfQ.eyJiIjoyfQ.c2l=n", ErrAlphabet},
		{"eyJhIjoxfQ.eyJiIjoyfQ.c2lnbg===", ErrPadding},
		{"eyJhIjoxfQ.eyJiIjoyfQ.c2lnb=", ErrPadding},
		{"eyJhIjoxfQ.eyJiIjoyfQ.c2lnb", ErrBase64},
		{"eyJhIjoxfR.eyJiIjoyfQ.c2ln", ErrBase64}, // non-canonical trailing bits
	}
	for _, tc := range cases {
		_, err := Split(tc.in, 1<<10)
		if !errors.Is(err, tc.want) {
			t.Errorf("Split(%q) = %v, want %v", tc.in, err, tc.want)
		}
	}
	if _, err := Split(strings.Repeat("a", 2000), 1<<10); !errors.Is(err, ErrTooLarge) {
		t.Fatal("size cap")
	}
	c, err := Split("eyJhIjoxfQ==.eyJiIjoyfQ==.c2lnbg==", 1<<10)
	if err != nil || c.SigningInput != "eyJhIjoxfQ==.eyJiIjoyfQ==" || string(c.Header) != `{"a":1}` || string(c.Signature) != "sign" {
		t.Fatalf("%+v %v", c, err)
	}
}

func TestNumericDate(t *testing.T) {
	for in, want := range map[string]error{
		"1700000000": nil, "1700000000.5": nil, `"1700000000"`: ErrDateType, "null": ErrDateType,
		"true": ErrDateType, "-1": ErrDateType, "1e300": ErrDateType, "{}": ErrDateType, "[1]": ErrDateType,
	} {
		var got Date
		if err := DecodeObject([]byte(`{"exp":`+in+`}`), func(_ string, v *Value) error { got = NumericDate(v); return nil }); err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		if !errors.Is(got.Err, want) {
			t.Errorf("NumericDate(%s) = %v, want %v", in, got.Err, want)
		}
	}
}

func TestDecodeObjectRejectsRepeatedKeys(t *testing.T) {
	for _, in := range []string{`{"alg":"none","alg":"ES256"}`, `{"a":1,"b":2,"a":3}`, `[]`, `"x"`, `{"a":1} {}`, `{`} {
		if err := DecodeObject([]byte(in), func(string, *Value) error { return nil }); !errors.Is(err, ErrJSON) {
			t.Errorf("%s: %v", in, err)
		}
	}
	if _, err := ParseHeader([]byte(`{"alg":"ES256","kid":"a","alg":"none"}`)); err == nil {
		t.Fatal("header with a repeated alg parsed")
	}
}

func FuzzSplit(f *testing.F) {
	f.Add("eyJhIjoxfQ==.eyJiIjoyfQ==.c2lnbg==")
	f.Add("a.b.c")
	f.Add("...")
	f.Add("=.=.=")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := Split(s, 16<<10)
		if err != nil {
			return
		}
		if !strings.HasPrefix(s, c.SigningInput+".") || strings.Count(s, ".") != 2 {
			t.Fatalf("signing input %q not the raw prefix of %q", c.SigningInput, s)
		}
		if _, err := ParseHeader(c.Header); err == nil && len(c.Header) == 0 {
			t.Fatal("empty header parsed")
		}
	})
}

// TestNewlinesAreRejected: encoding/base64 skips CR and LF while decoding,
// so only the alphabet check keeps them out of a token.
func TestNewlinesAreRejected(t *testing.T) {
	for _, tok := range []string{"eyJhIjoxfQ.eyJi\nIjoyfQ.c2ln", "eyJhIjoxfQ.eyJiIjoyfQ.c2\rln"} {
		if _, err := Split(tok, 1<<10); !errors.Is(err, ErrAlphabet) {
			t.Errorf("%q: %v", tok, err)
		}
	}
}

func TestValidStrings(t *testing.T) {
	for in, want := range map[string]bool{
		`{"a":"b"}`: true, `{"a":"\"\\\/\b\f\n\r\t\u00e9"}`: true, `{"a":1,"b":[true,null]}`: true,
		`{"a":"\q"}`: false, `{"a":"\u12"}`: false, `{"a":"\u12g4"}`: false, "{\"a\":\"x\ty\"}": false,
		"{\"a\":\"x\x01\"}": false, `{"a":"unterminated}`: false, `{"a\x":1}`: false,
		`{"a":-1.5e+10,"b":0,"c":0.25,"d":1E3}`: true, `{"exp":1703027067}`: true,
		`{"a":nan}`: false, `{"a":NaN}`: false, `{"a":inf}`: false, `{"a":01}`: false, `{"a":1.}`: false,
		`{"a":.5}`: false, `{"a":1e}`: false, `{"a":+1}`: false, `{"a":1.2.3}`: false, `{"a":truex}`: false,
	} {
		if got := validStrings([]byte(in)); got != want {
			t.Errorf("validStrings(%q) = %v, want %v", in, got, want)
		}
	}
}
