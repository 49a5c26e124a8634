package web

import (
	"bufio"
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"ringfence"
)

// chanEvents is an event source fed by a channel.
type chanEvents struct{ ch chan ringfence.Event }

func (e chanEvents) Head(context.Context) (int64, error) { return 0, nil }

func (e chanEvents) Subscribe(ctx context.Context, _ int64, fn func(ringfence.Event) error) error {
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case ev := <-e.ch:
			if err := fn(ev); err != nil {
				return err
			}
		}
	}
}

func flagEvent(n string) ringfence.Event {
	return ringfence.Event{Type: ringfence.EventFlag, Flag: &ringfence.Flag{Number: n, Kind: ringfence.KindTelemarketing, Score: 0.99, FlaggedAt: time.Now()}}
}

// TestFlagStreamEndsWithTheSession: a live flag stream sends flags while
// its session lasts, and none once the visitor signs out (or the key is
// revoked): the stream checks the session as it goes, not only when it
// opens.
func TestFlagStreamEndsWithTheSession(t *testing.T) {
	for _, end := range []string{"sign out", "revoke key"} {
		t.Run(end, func(t *testing.T) {
			events := chanEvents{ch: make(chan ringfence.Event)}
			auth := fakeAuth{revoked: map[string]bool{}}
			c, err := New(Config{API: &recordingAPI{body: `{}`}, Auth: auth, Events: events})
			if err != nil {
				t.Fatal(err)
			}
			ck := signIn(t, c, "operator")
			srv := httptest.NewServer(c)
			defer srv.Close()

			req, _ := http.NewRequest("GET", srv.URL+"/flags/stream", nil)
			req.AddCookie(ck)
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("stream: %d", resp.StatusCode)
			}
			lines := make(chan string)
			go func() {
				defer close(lines)
				sc := bufio.NewScanner(resp.Body)
				for sc.Scan() {
					lines <- sc.Text()
				}
			}()
			next := func(prefix string) string {
				for l := range lines {
					if strings.HasPrefix(l, prefix) {
						return l
					}
				}
				return ""
			}
			events.ch <- flagEvent("+8617000000001")
			if l := next("data:"); !strings.Contains(l, "17000000001") {
				t.Fatalf("the first flag did not arrive: %q", l)
			}

			switch end {
			case "sign out":
				w := httptest.NewRecorder()
				r := httptest.NewRequest("POST", "/signout", strings.NewReader(url.Values{"csrf": {csrfOf(t, c, ck)}}.Encode()))
				r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				r.AddCookie(ck)
				c.ServeHTTP(w, r)
				if w.Code != http.StatusSeeOther {
					t.Fatalf("sign out: %d %s", w.Code, w.Body)
				}
			case "revoke key":
				auth.revoked["key-operator"] = true
			}
			select {
			case events.ch <- flagEvent("+8617000000002"):
			case <-time.After(5 * time.Second):
				t.Fatal("the stream stopped reading events")
			}
			if l := next("data:"); l != "" {
				t.Errorf("a flag reached the stream after %s: %q", end, l)
			}
		})
	}
}
