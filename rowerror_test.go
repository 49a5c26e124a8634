package ringfence_test

import (
	"encoding/json"
	"errors"
	"testing"

	"ringfence"
)

// A RowError is the one bad-row error of every reader; its JSON form is
// what the API returns per rejected row.
func TestRowErrorJSON(t *testing.T) {
	tests := []struct {
		err  *ringfence.RowError
		want string
	}{
		{&ringfence.RowError{Line: 2, Field: "caller", Err: errors.New(`"abc" is not a phone number`)},
			`{"line":2,"field":"caller","error":"\"abc\" is not a phone number"}`},
		{&ringfence.RowError{Line: 7, Err: errors.New("3 fields, want 5")},
			`{"line":7,"error":"3 fields, want 5"}`},
	}
	for _, tt := range tests {
		b, err := json.Marshal(tt.err)
		if err != nil || string(b) != tt.want {
			t.Errorf("Marshal(%v) = %s, %v; want %s", tt.err, b, err, tt.want)
		}
	}
}
