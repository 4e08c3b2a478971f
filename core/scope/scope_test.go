package scope_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/cognitoauth/cognito-auth-go/core"
	"github.com/cognitoauth/cognito-auth-go/core/scope"
)

type spend struct {
	Dept   string
	Amount int
}

var rows = []spend{
	{"Cabinet Office", 10}, {"HM Treasury", 20}, {"Cabinet Office", 30}, {"Home Office", 40}, {"HM Treasury", 50},
}

func dataset() *scope.Scoped[string, spend] {
	return scope.New(rows, func(s spend) string { return s.Dept }, scope.Mapping[string]{
		Domains: map[string][]string{"CabinetOffice.gov.uk": {"Cabinet Office"}, "hmt.gov.uk": {"HM Treasury"}},
		Groups:  map[string][]string{"home-analysts": {"Home Office"}, "treasury-readers": {"HM Treasury", "HM Treasury"}},
	})
}

func amounts(v scope.View[string, spend]) []int {
	var out []int
	for r := range v.All() {
		out = append(out, r.Amount)
	}
	return out
}

func TestScopedViews(t *testing.T) {
	d := dataset()
	cases := []struct {
		name string
		user *core.User
		want []int
	}{
		{"domain (case-insensitive)", core.MockUser("a@cabinetoffice.gov.uk"), []int{10, 30}},
		{"group", core.MockUser("a@other.example", "home-analysts"), []int{40}},
		{"domain plus group", core.MockUser("a@cabinetoffice.gov.uk", "home-analysts"), []int{10, 30, 40}},
		{"overlapping group", core.MockUser("a@hmt.gov.uk", "treasury-readers"), []int{20, 50}},
		{"admins group sees all", core.MockUser("a@other.example", "admins"), []int{10, 30, 20, 50, 40}},
		{"unmapped sees nothing", core.MockUser("a@other.example", "staff"), nil},
		{"nil user sees nothing", nil, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v := d.For(tc.user)
			if got := amounts(v); !slices.Equal(got, tc.want) {
				t.Fatalf("rows %v, want %v", got, tc.want)
			}
			if v.HasAccess() != (len(tc.want) > 0) || v.Len() != len(tc.want) {
				t.Fatalf("HasAccess %v Len %d", v.HasAccess(), v.Len())
			}
		})
	}
}

func TestUnverifiedEmailGetsNoDomainRows(t *testing.T) {
	u := core.MockUser("a@cabinetoffice.gov.uk")
	u.EmailVerified = false
	if dataset().For(u).HasAccess() {
		t.Fatal("unverified email domain was trusted")
	}
}

func TestAppAdminSeesAll(t *testing.T) {
	a, err := core.New(core.WithEnvironment(func(string) (string, bool) { return "", false }), core.WithDevMode(true),
		core.WithDevUser(core.MockUser("boss@example.com")), core.WithPolicy(core.Policy{AdminUsers: []string{"boss@example.com"}}))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	u := core.MockUser("boss@example.com")
	if err := a.Authorise(context.Background(), u); err != nil || !u.IsAppAdmin() {
		t.Fatalf("%v %v", u, err)
	}
	if got := dataset().For(u).Len(); got != len(rows) {
		t.Fatalf("app admin sees %d rows", got)
	}
}

func TestViewSharesRowsAndGuardsSegments(t *testing.T) {
	d := dataset()
	v := d.For(core.MockUser("a@hmt.gov.uk"))
	seg, ok := v.Segment("HM Treasury")
	if !ok || len(seg) != 2 {
		t.Fatal("segment")
	}
	if _, ok := v.Segment("Cabinet Office"); ok {
		t.Fatal("a segment outside the view was returned")
	}
	// Appending to a segment must not overwrite another segment's rows.
	_ = append(seg, spend{"Evil", 999})
	if got := amounts(d.For(core.MockUser("x@y.z", "admins"))); slices.Contains(got, 999) {
		t.Fatal("append leaked into the dataset")
	}
	for k, rs := range v.Segments() {
		if k != "HM Treasury" || len(rs) != 2 {
			t.Fatal("Segments")
		}
	}
}

func BenchmarkFor(b *testing.B) {
	d := dataset()
	u := core.MockUser("a@cabinetoffice.gov.uk")
	b.ReportAllocs()
	for b.Loop() {
		if d.For(u).Len() != 2 {
			b.Fatal("wrong")
		}
	}
}

func ExampleScoped_For() {
	type row struct {
		Dept  string
		Spend int
	}
	data := scope.New([]row{{"Cabinet Office", 10}, {"HM Treasury", 20}}, func(r row) string { return r.Dept },
		scope.Mapping[string]{Domains: map[string][]string{"cabinetoffice.gov.uk": {"Cabinet Office"}}})

	view := data.For(core.MockUser("analyst@cabinetoffice.gov.uk"))
	for r := range view.All() {
		fmt.Println(r.Dept, r.Spend)
	}
	fmt.Println(view.Keys())
	// Output:
	// Cabinet Office 10
	// [Cabinet Office]
}
