package http

import (
	"bytes"
	"encoding"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"time"

	"ringfence"
)

// strictJSON checks what encoding/json lets through silently: object keys
// must match a field's json name exactly (encoding/json also takes "Number"
// or "NUMBER" for "number"), and no object may give a key twice (encoding/
// json keeps the last). It walks body's tokens alongside t, the type the
// body decodes into, through nested structs, slices, arrays and maps, and
// also refuses a time.Time before ringfence.EarliestTime. body must be one
// valid JSON value (decodeJSON checks that first); the error is invalid
// and names the key by its path ("entries[0].Until").
func strictJSON(body []byte, t reflect.Type) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	return strictValue(dec, t, "")
}

var (
	timeType        = reflect.TypeFor[time.Time]()
	jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// opaque reports whether values of t decode themselves, so their keys are
// not the fields': such values are only checked for duplicate keys.
func opaque(t reflect.Type) bool {
	if t == timeType {
		return false
	}
	p := reflect.PointerTo(t)
	return t.Implements(jsonUnmarshaler) || p.Implements(jsonUnmarshaler) ||
		t.Kind() != reflect.String && (t.Implements(textUnmarshaler) || p.Implements(textUnmarshaler))
}

func strictValue(dec *json.Decoder, t reflect.Type, path string) error {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t != nil && (t.Kind() == reflect.Interface || opaque(t)) {
		t = nil // any value; keys unchecked, duplicates still refused
	}
	tok, err := dec.Token()
	if err != nil {
		return ringfence.Errorf(ringfence.EINVALID, "body: %v", err)
	}
	switch tok {
	case json.Delim('{'):
		var fields map[string]reflect.Type
		var elem reflect.Type
		checkKeys := false
		if t != nil {
			switch t.Kind() {
			case reflect.Struct:
				fields, checkKeys = jsonFields(t), true
			case reflect.Map:
				elem = t.Elem()
			}
		}
		seen := map[string]bool{}
		for dec.More() {
			kt, err := dec.Token()
			if err != nil {
				return ringfence.Errorf(ringfence.EINVALID, "body: %v", err)
			}
			key, _ := kt.(string)
			at := join(path, key)
			if seen[key] {
				return ringfence.Errorf(ringfence.EINVALID, "%s: given twice; give each key once", at)
			}
			seen[key] = true
			vt := elem
			if checkKeys {
				ft, ok := fields[key]
				if !ok {
					for name := range fields {
						if strings.EqualFold(name, key) {
							return ringfence.Errorf(ringfence.EINVALID, "%s: unknown field; keys are case-sensitive: write %q", at, name)
						}
					}
					return ringfence.Errorf(ringfence.EINVALID, "%s: unknown field", at)
				}
				vt = ft
			}
			if err := strictValue(dec, vt, at); err != nil {
				return err
			}
		}
		_, err := dec.Token() // '}'
		if err != nil {
			return ringfence.Errorf(ringfence.EINVALID, "body: %v", err)
		}
	case json.Delim('['):
		var elem reflect.Type
		if t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
			elem = t.Elem()
		}
		for i := 0; dec.More(); i++ {
			if err := strictValue(dec, elem, fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
		if _, err := dec.Token(); err != nil { // ']'
			return ringfence.Errorf(ringfence.EINVALID, "body: %v", err)
		}
	default:
		if s, ok := tok.(string); ok && t == timeType {
			if tm, err := time.Parse(time.RFC3339, s); err == nil {
				if path == "" {
					path = "body"
				}
				return ringfence.NotBefore(path, tm)
			}
		}
	}
	return nil
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

var fieldCache sync.Map // reflect.Type → map[string]reflect.Type

// jsonFields returns the JSON names of struct t's fields, as encoding/json
// matches them, and their types; fields of embedded structs are promoted
// unless a shallower field has the name.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	if m, ok := fieldCache.Load(t); ok {
		return m.(map[string]reflect.Type)
	}
	m := map[string]reflect.Type{}
	depth := map[string]int{}
	var walk func(t reflect.Type, d int, visited map[reflect.Type]bool)
	walk = func(t reflect.Type, d int, visited map[reflect.Type]bool) {
		if visited[t] {
			return
		}
		visited[t] = true
		for i := range t.NumField() {
			f := t.Field(i)
			tag := f.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, _, _ := strings.Cut(tag, ",")
			if f.Anonymous && name == "" {
				ft := f.Type
				if ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				if ft.Kind() == reflect.Struct {
					walk(ft, d+1, visited)
					continue
				}
			}
			if !f.IsExported() {
				continue
			}
			if name == "" {
				name = f.Name
			}
			if old, ok := depth[name]; ok && old <= d {
				continue
			}
			m[name], depth[name] = f.Type, d
		}
	}
	walk(t, 0, map[reflect.Type]bool{})
	fieldCache.Store(t, m)
	return m
}
