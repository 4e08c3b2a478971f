package main

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"
)

// zipBudget is the most a library module's zip (the file the Go module proxy
// serves and every user downloads) may weigh. Measured when it was set, with
// the build outputs gone from git: core 298,262 bytes (142 files), the
// largest; lambdaauth 49,140; every other module under 16,000. (With the two
// command binaries that were committed under core/cmd, core's zip was about
// 14.6 MB.) About twice core, rounded to 640 KiB: room for core to grow, and
// a committed binary (10 MB and more for a Go program) or a stray data file
// is far over it. Raise it deliberately, with the new measurements here.
const zipBudget = 640 << 10 // 655,360 bytes

// sniffLen is how much of each file is read to tell text from binary.
const sniffLen = 1024

// executableMagic are the first bytes of executable and object files, refused
// in a module zip whatever the file is called: a module ships sources, and a
// user builds them. "MZ" (PE, a Windows .exe or .dll) is only two bytes, so a
// PE file is recognised by its "PE\0\0" header as well (see isPE).
var executableMagic = []struct {
	kind  string
	magic string
}{
	{"an ELF executable or object file", "\x7fELF"},
	{"a Mach-O executable or object file (32-bit)", "\xfe\xed\xfa\xce"},
	{"a Mach-O executable or object file (32-bit)", "\xce\xfa\xed\xfe"},
	{"a Mach-O executable or object file (64-bit)", "\xfe\xed\xfa\xcf"},
	{"a Mach-O executable or object file (64-bit)", "\xcf\xfa\xed\xfe"},
	{"a Mach-O universal binary", "\xca\xfe\xba\xbe"},
	{"an ar archive (a Go .a or .syso object archive)", "!<arch>\n"},
	{"a WebAssembly module", "\x00asm"},
}

// allowedBinary are the only files with a NUL byte in their first KiB a
// module zip may hold: images, by extension and by their own magic bytes
// (so an executable cannot pass under an image's name). No module ships one
// today; documentation images live under docs/, outside every module.
// Everything else a module holds (Go, Markdown, JSON, TSV, go.sum, Go fuzz
// corpora, which are text) has no NUL byte.
var allowedBinary = map[string]string{
	".png":  "\x89PNG\r\n\x1a\n",
	".gif":  "GIF8",
	".jpg":  "\xff\xd8\xff",
	".jpeg": "\xff\xd8\xff",
	".webp": "RIFF",
}

// checkZipContents refuses a module zip that holds an executable or object
// file, a binary file of a type not in allowedBinary, or that weighs more
// than budget bytes. zipData is the zip; dir names the module in messages.
func checkZipContents(dir string, zipData []byte, budget int64) error {
	zr, err := zip.NewReader(bytes.NewReader(zipData), int64(len(zipData)))
	if err != nil {
		return fmt.Errorf("%s zip: %w", dir, err)
	}
	for _, f := range zr.File {
		if err := checkZipEntry(dir, f); err != nil {
			return err
		}
	}
	if size := int64(len(zipData)); size > budget {
		return fmt.Errorf("%s zip is %d bytes, over the %d-byte budget (zipBudget in tools/installtest/zipcheck.go); its largest files: %s",
			dir, size, budget, largestFiles(zr.File, 3))
	}
	return nil
}

// checkZipEntry refuses one file of a module zip if it is an executable or
// object file, or binary and not an allowed data type.
func checkZipEntry(dir string, f *zip.File) error {
	name := zipRel(f.Name)
	rc, err := f.Open()
	if err != nil {
		return fmt.Errorf("%s zip: %s: %w", dir, name, err)
	}
	head, err := io.ReadAll(io.LimitReader(rc, sniffLen))
	_ = rc.Close()
	if err != nil {
		return fmt.Errorf("%s zip: %s: %w", dir, name, err)
	}
	if kind := executableKind(head); kind != "" {
		return fmt.Errorf("%s zip holds %s (%d bytes), %s: build outputs are not committed (git rm --cached it and add it to .gitignore)",
			dir, name, f.UncompressedSize64, kind)
	}
	if bytes.IndexByte(head, 0) < 0 {
		return nil
	}
	ext := strings.ToLower(path.Ext(name))
	if magic, ok := allowedBinary[ext]; ok && bytes.HasPrefix(head, []byte(magic)) {
		return nil
	}
	return fmt.Errorf("%s zip holds %s (%d bytes), a binary file (a NUL byte in its first %d bytes) of no allowed type (allowedBinary in tools/installtest/zipcheck.go)",
		dir, name, f.UncompressedSize64, sniffLen)
}

// executableKind names the kind of executable or object file head starts,
// or is "".
func executableKind(head []byte) string {
	for _, m := range executableMagic {
		if bytes.HasPrefix(head, []byte(m.magic)) {
			return m.kind
		}
	}
	if isPE(head) {
		return "a PE (Windows) executable or DLL"
	}
	return ""
}

// isPE reports whether head is the start of a PE file: "MZ", and at the
// offset stored at 0x3c, "PE\0\0".
func isPE(head []byte) bool {
	if len(head) < 0x40 || !bytes.HasPrefix(head, []byte("MZ")) {
		return false
	}
	off := int(head[0x3c]) | int(head[0x3d])<<8 | int(head[0x3e])<<16 | int(head[0x3f])<<24
	return off >= 0 && off+4 <= len(head) && string(head[off:off+4]) == "PE\x00\x00"
}

// largestFiles lists the n largest files of a zip with their sizes.
func largestFiles(files []*zip.File, n int) string {
	sorted := append([]*zip.File(nil), files...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].CompressedSize64 > sorted[j].CompressedSize64 })
	if len(sorted) > n {
		sorted = sorted[:n]
	}
	parts := make([]string, len(sorted))
	for i, f := range sorted {
		parts[i] = fmt.Sprintf("%s (%d bytes, %d compressed)", zipRel(f.Name), f.UncompressedSize64, f.CompressedSize64)
	}
	return strings.Join(parts, ", ")
}

// zipRel is a module zip entry's name without its "module@version/" prefix.
func zipRel(name string) string {
	if i := strings.Index(name, "@"); i >= 0 {
		if j := strings.Index(name[i:], "/"); j >= 0 {
			return name[i+j+1:]
		}
	}
	return name
}
