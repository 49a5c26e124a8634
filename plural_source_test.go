package ringfence

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestNoParenthesisedPlurals holds counts to Plural: no string in the code
// (de-identification's word lists aside) says "number(s)".
func TestNoParenthesisedPlurals(t *testing.T) {
	re := regexp.MustCompile(`[a-z]\(s\)`)
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path == "deid" || (path != "." && strings.HasPrefix(d.Name(), ".")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
				for _, m := range re.FindAllStringIndex(lit.Value, -1) {
					if strings.HasPrefix(lit.Value[max(m[0]-3, 0):], "http(s)") {
						continue
					}
					t.Errorf("%s: %s: a count with \"(s)\": use Plural", path, lit.Value)
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
