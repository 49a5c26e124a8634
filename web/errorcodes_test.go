package web

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"
	"strings"
	"testing"
)

// TestEveryErrorCodeIsNamed reads the root package's error codes from its
// source, so a code added there without a name in both catalogues fails
// here rather than reaching a user as a bare code.
func TestEveryErrorCodeIsNamed(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "../error.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, s := range g.Specs {
			v := s.(*ast.ValueSpec)
			for i, n := range v.Names {
				if !strings.HasPrefix(n.Name, "E") || i >= len(v.Values) {
					continue
				}
				if lit, ok := v.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
					c, _ := strconv.Unquote(lit.Value)
					codes = append(codes, c)
				}
			}
		}
	}
	if len(codes) < 9 {
		t.Fatalf("found %d error codes in ../error.go: %v", len(codes), codes)
	}
	cat, err := loadCatalogues()
	if err != nil {
		t.Fatal(err)
	}
	for lang, m := range cat {
		for _, c := range codes {
			if m["error.code."+c] == "" {
				t.Errorf("%s catalogue has no error.code.%s", lang, c)
			}
		}
	}
}
