package ringfence_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestLayering checks the import contracts of the layout: the adapters
// depend on interfaces, not on the engine or a store, and the core does no
// I/O of its own (no HTTP, SQL, SIP or NATS).
func TestLayering(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	tests := []struct {
		pkgs      []string
		forbidden []string // import path prefixes
	}{
		{[]string{"./http", "./sip", "./web"}, []string{"ringfence/engine", "ringfence/sqlite", "ringfence/postgres", "ringfence/natslog"}},
		// The engine works over the root contracts: no store, no ledger
		// files, no adapter.
		{[]string{"./engine"}, []string{"database/sql", "modernc.org/", "ringfence/sqlite", "ringfence/ledger", "ringfence/http", "ringfence/sip", "net/http",
			"github.com/jackc/", "ringfence/postgres", "github.com/nats-io/", "ringfence/natslog"}},
		{[]string{".", "./number", "./reputation", "./screen", "./detect", "./alias", "./trace", "./deid", "./simulate", "./simulate/grid", "./simulate/alt", "./corroborate"},
			[]string{"net/http", "database/sql", "modernc.org/", "github.com/emiago/sipgo", "github.com/nats-io/", "ringfence/engine", "ringfence/sqlite", "ringfence/http", "ringfence/sip",
				"github.com/jackc/", "ringfence/postgres", "ringfence/natslog"}},
	}
	for _, tt := range tests {
		out, err := exec.Command("go", append([]string{"list", "-deps"}, tt.pkgs...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("go list -deps %s: %v\n%s", tt.pkgs, err, out)
		}
		for _, dep := range strings.Fields(string(out)) {
			for _, f := range tt.forbidden {
				if dep == strings.TrimSuffix(f, "/") || strings.HasPrefix(dep, f) && strings.HasSuffix(f, "/") || strings.HasPrefix(dep, f+"/") {
					t.Errorf("%s depend on %s", strings.Join(tt.pkgs, " "), dep)
				}
			}
		}
	}
}
