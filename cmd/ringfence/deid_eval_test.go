package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestDeidEvalCorpusCategories evaluates a character-offset labelled corpus
// whose entities carry "category" and reports per-kind removal and the share
// of characters changed outside the labels.
func TestDeidEvalCorpusCategories(t *testing.T) {
	f := filepath.Join(t.TempDir(), "real.jsonl")
	data := `{"text":"商务合作：13910819844E-mail:a@b.cn，QQ772845851","entities":[{"category":"phone","start":5,"end":16},{"category":"email","start":23,"end":29},{"category":"qq","start":32,"end":41}]}
{"text":"订单号202311151381234567已发货","entities":[]}
`
	if err := os.WriteFile(f, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	_, out, errs := deidCLI(t, nil, "", "eval", "--corpus", f)
	for _, s := range []string{"removed", "mobile", "qq", "email", "characters changed outside labelled spans: 0 of"} {
		if !bytes.Contains(out, []byte(s)) {
			t.Errorf("eval output lacks %q:\n%s%s", s, out, errs)
		}
	}
	at := bytes.Index(out, []byte(" removed "))
	if at < 0 {
		return
	}
	for _, line := range bytes.Split(out[at:], []byte("\n")) {
		f := bytes.Fields(line)
		if len(f) == 7 && (string(f[0]) == "mobile" || string(f[0]) == "qq" || string(f[0]) == "email") && string(f[1]) != string(f[2]) {
			t.Errorf("not every labelled %s removed: %s", f[0], line)
		}
	}
}
