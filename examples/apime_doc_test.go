package examples_test

import (
	"encoding/json"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/cognitoauth/cognito-auth-go/core"
	"github.com/cognitoauth/cognito-auth-go/examples/internal/demo"
)

// TestAPIMeFieldsDocumented: the README's demo section and the development
// page document every field of the example apps' /api/me, and no other.
func TestAPIMeFieldsDocumented(t *testing.T) {
	b, err := json.Marshal(demo.NewMe(core.MockUser("alice@example.com", "staff")))
	if err != nil {
		t.Fatal(err)
	}
	var body map[string]any
	if err := json.Unmarshal(b, &body); err != nil {
		t.Fatal(err)
	}
	var fields []string
	for k := range body {
		fields = append(fields, k)
	}
	sort.Strings(fields)

	row := regexp.MustCompile("(?m)^\\| `([a-z_]+)` \\| [^|]*\\S")
	for _, doc := range []struct{ path, after string }{
		{"../README.md", "`/api/me` answers the verified user as JSON"},
		{"../docs/development.md", "### The example apps' `/api/me`"},
	} {
		text, err := os.ReadFile(doc.path)
		if err != nil {
			t.Fatal(err)
		}
		_, table, ok := strings.Cut(string(text), doc.after)
		if !ok {
			t.Fatalf("%s no longer says %q", doc.path, doc.after)
		}
		if i := strings.Index(table, "\n\n|"); i >= 0 { // the table after the sentence, up to the next paragraph
			table = table[i+2:]
		}
		if end := strings.Index(table, "\n\n"); end >= 0 {
			table = table[:end]
		}
		var documented []string
		for _, m := range row.FindAllStringSubmatch(table, -1) {
			documented = append(documented, m[1])
		}
		sort.Strings(documented)
		if !slices.Equal(documented, fields) {
			t.Errorf("%s documents the /api/me fields %v; the apps send %v", doc.path, documented, fields)
		}
	}
}
