package http_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"ringfence"
	"ringfence/engine"
	rfhttp "ringfence/http"
	"ringfence/reputation"
	"ringfence/sqlite"
)

// BenchmarkGetNumber is one GET /v1/numbers/{n} through the handler stack
// (auth, rate limit, verdict, JSON), without the network.
func BenchmarkGetNumber(b *testing.B) {
	db, err := sqlite.Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	e, err := engine.Open(context.Background(), db, reputation.DefaultConfig())
	if err != nil {
		b.Fatal(err)
	}
	key, _, _ := e.CreateKey(context.Background(), "bench", ringfence.RoleCarrier, "", "")
	srv := rfhttp.NewServer(e, slog.New(slog.NewTextHandler(io.Discard, nil)), rfhttp.DefaultLimits())
	req := httptest.NewRequest("GET", "/v1/numbers/13812345678", nil)
	req.Header.Set("Authorization", "Bearer "+key)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatal(w.Code)
		}
	}
}
