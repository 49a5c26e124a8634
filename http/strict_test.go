package http

import (
	"bytes"
	"encoding/json"
	"io"
	"reflect"
	"strings"
	"testing"
)

type fuzzInner struct {
	A string `json:"a"`
	B *int   `json:"b"`
}

type fuzzEmbedded struct {
	E string `json:"e"`
}

type fuzzDoc struct {
	fuzzEmbedded
	Name  string               `json:"name"`
	N     float64              `json:"n"`
	Inner fuzzInner            `json:"inner"`
	Ptr   *fuzzInner           `json:"ptr"`
	List  []fuzzInner          `json:"list"`
	ByKey map[string]fuzzInner `json:"by_key"`
	Any   any                  `json:"any"`
	Tags  []string             `json:"tags"`
	NoTag int
	Skip  int `json:"-"`
}

// FuzzStrictJSON: decodeJSON never panics, and accepts exactly what
// encoding/json with DisallowUnknownFields accepts (one value, nothing
// after it) minus bodies with a key given twice in one object or a key
// that matches a field only in another case. The oracle for those two is
// independent of strictJSON: duplicates collapse in a generic decode, and
// a case variant is missing from the typed value encoded again.
func FuzzStrictJSON(f *testing.F) {
	for _, s := range []string{
		`{"name":"x","n":1,"inner":{"a":"y","b":2},"list":[{"a":"z"}],"by_key":{"k":{"a":"v"}},"any":{"x":[1,{"y":2}]},"tags":["t"],"NoTag":3,"e":"e"}`,
		`{"Name":"x"}`, `{"name":"x","name":"y"}`, `{"inner":{"A":"y"}}`, `{"list":[{"a":"1","a":"2"}]}`,
		`{"by_key":{"k":{},"k":{}}}`, `{"any":{"q":1,"q":2}}`, `{"notag":1}`, `{"E":"x"}`, `{"-":1}`, `{"Skip":1}`,
		`{"ptr":null}`, `{"ptr":{"B":1}}`, `[]`, `null`, `{}{}`, `{"name":1}`, `{"ſ":1}`, `{"name":"\u00e9"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var strict fuzzDoc
		err := decodeJSON(body, &strict)

		var plain fuzzDoc
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.DisallowUnknownFields()
		jsonOK := dec.Decode(&plain) == nil
		if jsonOK {
			_, terr := dec.Token()
			jsonOK = terr == io.EOF
		}
		if !jsonOK {
			if err == nil {
				t.Fatalf("strict accepts what encoding/json refuses: %q", body)
			}
			return
		}
		dup, variant := oracle(t, body, plain)
		if want := !dup && !variant; (err == nil) != want {
			t.Fatalf("%q: strict error %v; duplicate %v, case variant %v", body, err, dup, variant)
		}
		if err == nil && !reflect.DeepEqual(strict, plain) {
			t.Fatalf("%q: strict decoded %+v, encoding/json %+v", body, strict, plain)
		}
		if err != nil && !strings.Contains(err.Error(), "given twice") && !strings.Contains(err.Error(), "case-sensitive") {
			t.Fatalf("%q: refused for another reason: %v", body, err)
		}
	})
}

// oracle reports whether body (accepted by encoding/json into doc) has a
// duplicate key or a key that matched a field only in another case.
func oracle(t *testing.T, body []byte, doc fuzzDoc) (dup, variant bool) {
	var generic any
	if err := json.Unmarshal(body, &generic); err != nil {
		t.Fatalf("generic decode of %q: %v", body, err)
	}
	// Keys in the body, by tokens, against keys kept by a generic decode.
	dec := json.NewDecoder(bytes.NewReader(body))
	keys, inObject := 0, []bool{}
	expectKey := []bool{}
	for {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		n := len(inObject)
		switch tok {
		case json.Delim('{'):
			inObject, expectKey = append(inObject, true), append(expectKey, true)
			continue
		case json.Delim('['):
			inObject, expectKey = append(inObject, false), append(expectKey, false)
			continue
		case json.Delim('}'), json.Delim(']'):
			inObject, expectKey = inObject[:n-1], expectKey[:n-1]
			if n-1 > 0 && inObject[n-2] {
				expectKey[n-2] = true
			}
			continue
		}
		if n > 0 && inObject[n-1] {
			if expectKey[n-1] {
				keys++
				expectKey[n-1] = false
			} else {
				expectKey[n-1] = true
			}
		}
	}
	dup = keys != countKeys(generic)
	// The typed value encoded again carries each field under its exact
	// name: a key of the body missing there matched another case.
	again, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	var typed any
	json.Unmarshal(again, &typed)
	variant = missing(generic, typed)
	return dup, variant
}

func countKeys(v any) int {
	switch v := v.(type) {
	case map[string]any:
		n := len(v)
		for _, x := range v {
			n += countKeys(x)
		}
		return n
	case []any:
		n := 0
		for _, x := range v {
			n += countKeys(x)
		}
		return n
	}
	return 0
}

// missing reports whether an object key of body is absent at the same
// place in typed.
func missing(body, typed any) bool {
	switch b := body.(type) {
	case map[string]any:
		tm, ok := typed.(map[string]any)
		if !ok {
			return len(b) > 0
		}
		for k, x := range b {
			y, ok := tm[k]
			if !ok || missing(x, y) {
				return true
			}
		}
	case []any:
		ta, _ := typed.([]any)
		for i, x := range b {
			if i >= len(ta) || missing(x, ta[i]) {
				return true
			}
		}
	}
	return false
}
