package http

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"ringfence"
	"ringfence/screen"
)

// fakeScreening is a Service that knows one key and screens by a fixed
// table; every other method is the nil embedded interface's and panics if
// the API reaches it. It stands in for the engine: the API needs only the
// narrow interfaces of service.go.
type fakeScreening struct {
	Service
	verdicts map[string]ringfence.Action // by the caller as given
	checked  []ringfence.CheckRequest
}

const fakeSecret = "rf_fake"

func (f *fakeScreening) Authenticate(_ context.Context, secret string) (ringfence.Key, error) {
	if secret != fakeSecret {
		return ringfence.Key{}, ringfence.Errorf(ringfence.EUNAUTHORIZED, "invalid API key")
	}
	return ringfence.Key{ID: "key_fake", Role: ringfence.RoleCarrier}, nil
}

func (f *fakeScreening) Check(v *screen.Verdict, c ringfence.CheckRequest) error {
	f.checked = append(f.checked, c)
	a, ok := f.verdicts[c.Caller]
	if !ok {
		return ringfence.Errorf(ringfence.EINVALID, "caller: %q is not a number", c.Caller)
	}
	v.Number, v.Action, v.Reasons = c.Caller, a, v.Reasons[:0]
	return nil
}

func TestServerOverFakeService(t *testing.T) {
	f := &fakeScreening{verdicts: map[string]ringfence.Action{"95511": ringfence.Allow, "17100001234": ringfence.Block}}
	s := NewServer(f, slog.New(slog.DiscardHandler), Limits{})
	tests := []struct {
		path   string
		secret string
		status int
		action ringfence.Action
	}{
		{"/v1/numbers/17100001234", fakeSecret, http.StatusOK, ringfence.Block},
		{"/v1/numbers/95511", fakeSecret, http.StatusOK, ringfence.Allow},
		{"/v1/numbers/nonsense", fakeSecret, http.StatusBadRequest, ""},
		{"/v1/numbers/95511", "rf_other", http.StatusUnauthorized, ""},
	}
	for _, tt := range tests {
		req := httptest.NewRequest("GET", tt.path, nil)
		req.Header.Set("Authorization", "Bearer "+tt.secret)
		w := httptest.NewRecorder()
		s.ServeHTTP(w, req)
		if w.Code != tt.status {
			t.Fatalf("GET %s: %d %s, want %d", tt.path, w.Code, w.Body, tt.status)
		}
		if tt.action == "" {
			continue
		}
		var v screen.Verdict
		if err := json.Unmarshal(w.Body.Bytes(), &v); err != nil || v.Action != tt.action {
			t.Fatalf("GET %s: %s (%v), want action %s", tt.path, w.Body, err, tt.action)
		}
	}
	if len(f.checked) != 3 || f.checked[0].Caller != "17100001234" {
		t.Fatalf("the service was asked %+v", f.checked)
	}
}
