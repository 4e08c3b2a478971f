package main

import (
	"archive/zip"
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"strings"
	"testing"
)

// moduleZip makes a module zip of core@v0.1.0 holding files.
func moduleZip(t *testing.T, files map[string][]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, data := range files {
		w, err := zw.Create(modulePrefix + "core@v0.1.0/" + name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(data); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestCheckZipContents(t *testing.T) {
	sources := map[string][]byte{
		"go.mod":                  []byte("module " + modulePrefix + "core\n\ngo 1.25.0\n"),
		"LICENSE":                 []byte("MIT License\n"),
		"core.go":                 []byte("package core\n"),
		"testdata/tokens.tsv":     []byte("a\tb\n"),
		"testdata/fuzz/FuzzX/abc": []byte("go test fuzz v1\n[]byte(\"\\x00\")\n"),
	}
	with := func(name string, data []byte) map[string][]byte {
		files := map[string][]byte{name: data}
		for k, v := range sources {
			files[k] = v
		}
		return files
	}
	elf := append([]byte("\x7fELF\x02\x01\x01"), make([]byte, 4096)...)
	pe := make([]byte, 512)
	copy(pe, "MZ")
	pe[0x3c] = 0x80
	copy(pe[0x80:], "PE\x00\x00")
	png := append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), make([]byte, 64)...)
	for _, tc := range []struct {
		name    string
		files   map[string][]byte
		budget  int64
		wantErr []string // substrings of the error; none: accepted
	}{
		{"sources", sources, zipBudget, nil},
		{"a PNG image", with("docs/logo.png", png), zipBudget, nil},
		{
			"a committed Go binary", with("cmd/cognito-auth/cognito-auth", elf), zipBudget,
			[]string{"core zip holds cmd/cognito-auth/cognito-auth (4103 bytes), an ELF executable"},
		},
		{"an ELF file under an image's name", with("docs/logo.png", elf), zipBudget, []string{"docs/logo.png", "ELF"}},
		{"a Mach-O binary", with("tool", append([]byte("\xcf\xfa\xed\xfe"), make([]byte, 100)...)), zipBudget, []string{"tool (104 bytes)", "Mach-O"}},
		{"a Windows executable", with("tool.exe", pe), zipBudget, []string{"tool.exe (512 bytes)", "PE"}},
		{"an object archive", with("x_amd64.syso", []byte("!<arch>\nfoo/ 0 0 0 644 4 `\nabcd")), zipBudget, []string{"x_amd64.syso", "ar archive"}},
		{"unknown binary data", with("testdata/blob.bin", []byte("abc\x00def")), zipBudget, []string{"testdata/blob.bin (7 bytes), a binary file"}},
		{"a PNG without PNG bytes", with("docs/logo.png", []byte("abc\x00def")), zipBudget, []string{"docs/logo.png (7 bytes), a binary file"}},
		{"over a small budget", sources, 100, []string{"core zip is", "over the 100-byte budget", "largest files: "}},
		{
			"an oversized text file", with("testdata/huge.txt", randomText(t, 2*zipBudget)), zipBudget,
			[]string{"core zip is", "over the 655360-byte budget", "testdata/huge.txt (1747628 bytes"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := checkZipContents("core", moduleZip(t, tc.files), tc.budget)
			if len(tc.wantErr) == 0 {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("accepted, want an error containing %q", tc.wantErr)
			}
			for _, w := range tc.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

// randomText is n random bytes as base64: text that does not compress much.
func randomText(t *testing.T, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return []byte(base64.StdEncoding.EncodeToString(b))
}
