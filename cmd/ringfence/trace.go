package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"golang.org/x/mod/sumdb/note"

	"ringfence"
	"ringfence/engine"
	"ringfence/evidence"
	"ringfence/ledger"
	"ringfence/sqlite"
	"ringfence/trace"
)

// tracePool is the alias pool as trace uses it: the engine that reserves
// canary numbers and per-recipient aliases, and the null aliases.
type tracePool struct {
	E           *engine.Engine
	NullAliases func() ([]string, error)
	Close       func()
}

// openTracePool opens the alias pool of a data directory for trace, with
// bindings recorded in l, after reconciling the store with the ledger.
func (c *cli) openTracePool(dataDir string, l *ledger.Log) (*tracePool, error) {
	e, closeDB, err := c.openEngineToWrite(dataDir)
	if err != nil {
		return nil, err
	}
	e.SetDisclosures(ledger.NewDisclosures(l))
	if err := c.reconcile(e); err != nil {
		closeDB()
		return nil, err
	}
	return &tracePool{
		E:           e,
		NullAliases: func() ([]string, error) { return e.NullAliases(), nil },
		Close:       closeDB,
	}, nil
}

// reconcile brings the store in line with the ledger (after a crash
// between the two) and says what it repaired.
func (c *cli) reconcile(e *engine.Engine) error {
	r, err := e.Reconcile(context.Background())
	if err != nil {
		return fmt.Errorf("reconcile the store with the ledger: %w", err)
	}
	if r != (engine.Reconciled{}) {
		fmt.Fprintf(c.stderr, "ringfence: store reconciled with the ledger: %d ledger indexes restored, %d entries appended, %d bindings of unfinished exports undone, %d bindings of an earlier ledger recorded again\n", r.Indexed, r.Appended, r.Released, r.Rebound)
	}
	return nil
}

// exportTmp is where exports spool lists and copies: inside the data
// directory, never the system's temporary directory.
func exportTmp(dataDir string) string { return filepath.Join(dataDir, "tmp") }

// cleanExportTmp makes the export spool directory (0700) and removes what
// an export killed before it finished left there. Call it only while
// holding the ledger, which every export holds.
func cleanExportTmp(dataDir string) error {
	dir := exportTmp(dataDir)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return err
	}
	stale, err := filepath.Glob(filepath.Join(dir, "export-*"))
	if err != nil {
		return err
	}
	for _, f := range stale {
		if err := os.Remove(f); err != nil && !os.IsNotExist(err) {
			return err
		}
	}
	return nil
}

// moveFile moves src to dst, copying when they are on different file
// systems or dst is not a regular file (a device, a pipe); a regular dst
// appears complete or not at all, and a symbolic link dst is followed to
// the file it names, as createOutput does.
func moveFile(src, dst string) error {
	path, direct, err := resolveOutput(dst)
	if err != nil {
		return err
	}
	if !direct {
		err := renameOnto(src, path)
		var le *os.LinkError
		if err == nil || !errors.As(err, &le) || !errors.Is(le.Err, syscall.EXDEV) {
			return err
		}
	}
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := createOutput(dst)
	if err != nil {
		return err
	}
	defer out.abort()
	if _, err := io.Copy(out, in); err != nil {
		return err
	}
	if err := out.Sync(); err != nil && !out.direct {
		return err
	}
	if err := out.commit(); err != nil {
		return err
	}
	return os.Remove(src)
}

// openLedger opens the disclosure ledger of a data directory, which must
// exist.
func openLedger(dataDir string) (*ledger.Log, error) {
	if err := requireData(dataDir); err != nil {
		return nil, err
	}
	return ledger.Open(filepath.Join(dataDir, "ledger"))
}

func (c *cli) runTrace(args []string) int {
	if len(args) == 0 {
		fmt.Fprint(c.stderr, "usage: ringfence trace export|attribute ...\n")
		return exitUsage
	}
	switch args[0] {
	case "export":
		return c.traceExport(args[1:])
	case "attribute":
		return c.traceAttribute(args[1:])
	}
	fmt.Fprintf(c.stderr, "ringfence trace: unknown subcommand %q (want export or attribute)\n", args[0])
	return exitUsage
}

func (c *cli) traceExport(args []string) int {
	fs := newFlagSet("trace export", "--org O --recipient R --in customers.csv|- --out for-R.csv [--phone-column C] [--alias] [--canaries N] [--csv-raw] [--data DIR | --store postgres://... [--log URLS] --ledger-key FILE --spool DIR]", c.stderr)
	data := c.dataDir(fs)
	store := storeFlag(fs)
	ledgerKey := ledgerKeyFlag(fs)
	spool := fs.String("spool", "", "with --store: directory (0700) where the list and the salted copy are spooled until the ledger records the export, as a node's --spool")
	org := fs.String("org", "", "the organisation disclosing the list")
	recipient := fs.String("recipient", "", "who receives this copy")
	in := fs.String("in", "", "customer list (CSV in UTF-8 or GBK/GB18030); - reads stdin")
	out := fs.String("out", "", "salted copy to write (in the input's encoding)")
	phoneCol := fs.String("phone-column", "", "phone column by header name or 1-based number (default: recognised)")
	aliasFlag := fs.Bool("alias", false, "replace every real phone number by a per-recipient alias from the pool")
	canaries := fs.Int("canaries", 0, "number of canary records (default: varies per export, 0.1-0.3% of rows plus a few)")
	csvRaw := fs.Bool("csv-raw", false, "write cells as they are; by default cells starting with = + - @ tab or CR get a leading ' so spreadsheets do not run them as formulas")
	var prefixes stringList
	fs.Var(&prefixes, "canary-prefix", "without an alias pool: E.164 block canary numbers are drawn from (repeatable; default "+strings.Join(trace.DefaultCanaryPrefixes, ", ")+")")
	if code, ok := c.parseNoArgs(fs, args); !ok {
		return code
	}
	if *org == "" || *recipient == "" || *in == "" || *out == "" {
		return c.usageError(fs, "--org, --recipient, --in and --out are required")
	}
	if *canaries < 0 {
		return c.usageError(fs, "--canaries %d is negative", *canaries)
	}
	if err := checkLedgerKey(*store, *ledgerKey); err != nil {
		return c.usageError(fs, "%v", err)
	}
	if (*spool != "") != (*store != "") {
		return c.usageError(fs, "--store and --spool go together: an export on a cluster spools in --spool, one on a data directory in --data")
	}
	var (
		e      *engine.Engine
		l      *ledger.Log
		tmpDir string
		err    error
	)
	if *store != "" {
		w, code, ok := c.openStoreWriter(fs, "trace export", *store, *ledgerKey)
		if !ok {
			return code
		}
		defer c.closeWriter(w, "trace export")
		e, l = w.e, w.l
		// Holding the lease: what an export killed before it finished
		// left in the spool goes.
		if tmpDir, err = spoolDir(*spool); err != nil {
			return c.fail("trace export", fmt.Errorf("--spool: %w", err))
		}
	} else {
		if l, err = openLedger(*data); err != nil {
			return c.fail("trace export", err)
		}
		defer l.Close()
		if err := cleanExportTmp(*data); err != nil {
			return c.fail("trace export", err)
		}
		pool, err := c.openTracePool(*data, l)
		if err != nil {
			return c.fail("trace export", err)
		}
		defer pool.Close()
		e, tmpDir = pool.E, exportTmp(*data)
	}
	issue := e.NewIssue(cliActor, *org)
	defer issue.Abort()
	opt := trace.SaltOptions{
		Disclosure:  trace.Disclosure{Org: *org, Recipient: *recipient},
		Key:         l.FingerprintKey(),
		PhoneColumn: *phoneCol,
		Canaries:    *canaries,
		RawCells:    *csvRaw,
	}
	free := e.IssuableAliases()
	switch {
	case free > 0 && *canaries > free:
		return c.fail("trace export", ringfence.Errorf(ringfence.ECONFLICT, "--canaries %d: only %s free (add numbers with 'alias pool add', or ask fewer)", *canaries, ringfence.Plural(free, "alias pool number")))
	case free > 0:
		opt.Numbers = issue
	default:
		if st := e.PoolStats(); st.Numbers > 0 {
			fmt.Fprintf(c.stderr, "ringfence trace export: no alias pool number is free (%d waiting, %d bound): canaries come from the reserved range and will not ring into ringfence\n", st.Waiting, st.Bound)
		}
		opt.Numbers = l.ReservedRange(prefixes)
	}
	if *aliasFlag {
		opt.Aliases = issue
	}

	ctx := c.context()
	name := *in
	var src *os.File
	if *in == "-" {
		// Salt reads the list in passes: spool stdin inside the data
		// directory (0600, removed when done or at the next start).
		name = "stdin"
		src, err = os.CreateTemp(tmpDir, "export-in-*")
		if err != nil {
			return c.fail("trace export", err)
		}
		defer os.Remove(src.Name())
		defer src.Close()
		if _, err := io.Copy(src, newCtxReader(ctx, c.stdin)); err != nil {
			return c.fail("trace export", fmt.Errorf("stdin: %w", err))
		}
		if _, err := src.Seek(0, io.SeekStart); err != nil {
			return c.fail("trace export", err)
		}
	} else {
		src, err = os.Open(*in)
		if err != nil {
			return c.fail("trace export", err)
		}
		defer src.Close()
	}
	// Write to a temporary file inside the data directory; the copy
	// appears under its name only once the ledger holds its entry.
	dst, err := os.CreateTemp(tmpDir, "export-out-*")
	if err != nil {
		return c.fail("trace export", err)
	}
	tmp := dst.Name()
	defer os.Remove(tmp)
	res, err := trace.Salt(ctx, src, dst, opt)
	if err == nil {
		err = dst.Sync()
	}
	if cerr := dst.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return c.fail("trace export", fmt.Errorf("%s: %w", name, err))
	}
	idx, err := issue.Commit(ctx, &res.Export, res.Prints)
	if err != nil {
		return c.fail("trace export", err)
	}
	if err := moveFile(tmp, *out); err != nil {
		return c.fail("trace export", fmt.Errorf("export %s is recorded (ledger entry %d) but %s could not be written: %w", res.Export.ExportID, idx, *out, err))
	}
	if _, err := l.Checkpoint(); err != nil {
		return c.fail("trace export", err)
	}
	fmt.Fprintf(c.stdout, "export %s: %s (%s) for %s, ledger entry %d\n", res.Export.ExportID, ringfence.Plural(res.Export.Rows, "row"), ringfence.Plural(len(res.Export.Canaries), "canary"), *recipient, idx)
	if res.Unaliased > 0 {
		fmt.Fprintf(c.stderr, "ringfence trace export: %d phone cells could not be parsed and were left empty rather than disclosed\n", res.Unaliased)
	}
	c.warnPool(e)
	return exitOK
}

// warnPool warns when the alias pool runs low.
func (c *cli) warnPool(e *engine.Engine) {
	if st := e.PoolStats(); st.Low {
		fmt.Fprintf(c.stderr, "ringfence: warning: the alias pool is low: %d of %d numbers free (%d waiting in quarantine); add numbers with 'ringfence alias pool add'\n", st.Free, st.Numbers-st.Null-st.Retired, st.Waiting)
	}
}

// attributeOutput is the JSON of trace attribute.
func (c *cli) traceAttribute(args []string) int {
	fs := newFlagSet("trace attribute", "FOUND.csv|- [--json] [--evidence bundle.zip] [--top N] [--null-aliases FILE] [--data DIR | --store postgres://... [--log URLS] --ledger-key FILE]", c.stderr)
	data := c.dataDir(fs)
	store := storeFlag(fs)
	ledgerKey := ledgerKeyFlag(fs)
	asJSON := fs.Bool("json", false, "print JSON")
	evFile := fs.String("evidence", "", "also write the evidence bundle of the best candidate to this file")
	top := fs.Int("top", 10, "candidates to report")
	nullFile := fs.String("null-aliases", "", "file of null aliases (never-disclosed pool numbers), one per line, for the null baseline")
	pos, code, ok := c.parse(fs, args)
	if !ok {
		return code
	}
	if len(pos) != 1 {
		return c.usageError(fs, "want one found list")
	}
	if err := checkLedgerKey(*store, *ledgerKey); err != nil {
		return c.usageError(fs, "%v", err)
	}
	var (
		l       *ledger.Log
		cluster *engine.Engine
		err     error
	)
	if *store != "" {
		w, code, ok := c.openStoreWriter(fs, "trace attribute", *store, *ledgerKey)
		if !ok {
			return code
		}
		defer c.closeWriter(w, "trace attribute")
		l, cluster = w.l, w.e
	} else {
		if l, err = openLedger(*data); err != nil {
			return c.fail("trace attribute", err)
		}
		defer l.Close()
	}
	var nulls []string
	if *nullFile != "" {
		b, err := os.ReadFile(*nullFile)
		if err != nil {
			return c.fail("trace attribute", err)
		}
		for _, line := range strings.Split(string(b), "\n") {
			line = strings.TrimSpace(line)
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			e, err := trace.NormalizePhone(line)
			if err != nil {
				return c.fail("trace attribute", fmt.Errorf("%s: %w", *nullFile, err))
			}
			nulls = append(nulls, e)
		}
	} else if cluster != nil {
		nulls = cluster.NullAliases()
	} else {
		pool, err := c.openTracePool(*data, l)
		if err != nil {
			return c.fail("trace attribute", err)
		}
		defer pool.Close()
		if pool.NullAliases != nil {
			if nulls, err = pool.NullAliases(); err != nil {
				return c.fail("trace attribute", err)
			}
		}
	}
	var f io.Reader = c.stdin
	if pos[0] == "-" {
		pos[0] = "stdin"
	} else {
		fh, err := os.Open(pos[0])
		if err != nil {
			return c.fail("trace attribute", err)
		}
		defer fh.Close()
		f = fh
	}
	o, found, err := ledger.Attribute(c.context(), l, newCtxReader(c.context(), f), trace.AttributeOptions{Top: *top, NullAliases: nulls})
	if err != nil {
		return c.fail("trace attribute", fmt.Errorf("%s: %w", pos[0], err))
	}
	if *evFile != "" {
		if len(o.Candidates) == 0 {
			return c.fail("trace attribute", ringfence.Errorf(ringfence.ENOTFOUND, "no disclosure matches %s: no evidence bundle written (case %s)", pos[0], o.Case))
		}
		if o.Undecided {
			return c.fail("trace attribute", ringfence.Errorf(ringfence.EINVALID, "%s: no evidence bundle written (case %s)", o.Verdict, o.Case))
		}
		b, err := evidence.Attribution(l, o.Case)
		if err == nil {
			err = writeFileAtomic(*evFile, b)
		}
		if err != nil {
			return c.fail("trace attribute", err)
		}
		o.Evidence = *evFile
	}
	if *asJSON {
		c.printJSON(o)
		return exitOK
	}
	fmt.Fprintf(c.stdout, "case %s (ledger entry %d): %d distinct records in %d rows of %s; %d exports compared\n",
		o.Case, o.Entry, o.Found.Records, found.Rows, pos[0], o.Exports)
	if len(o.Candidates) == 0 {
		fmt.Fprintln(c.stdout, "no recorded disclosure matches the found list")
	}
	if o.Undecided {
		fmt.Fprintln(c.stdout, o.Verdict)
	}
	for i, cand := range o.Candidates {
		what := "export " + cand.ExportID
		if cand.Kind == "alias" {
			what = "alias numbers"
		}
		if o.Undecided {
			// Not a ranking: list them.
			fmt.Fprintf(c.stdout, "  - %s (%s of %s, ledger entry %d): likelihood ratio %s\n", cand.Recipient, what, cand.Org, cand.Entry, trace.FormatLR(cand.Score))
			for _, e := range cand.Evidence {
				fmt.Fprintf(c.stdout, "      - %s\n", e)
			}
			continue
		}
		fmt.Fprintf(c.stdout, "%2d. %s (%s of %s, ledger entry %d): likelihood ratio %s\n", i+1, cand.Recipient, what, cand.Org, cand.Entry, trace.FormatLR(cand.Score))
		for _, e := range cand.Evidence {
			fmt.Fprintf(c.stdout, "      - %s\n", e)
		}
	}
	if o.Evidence != "" {
		fmt.Fprintf(c.stdout, "evidence bundle: %s\n", o.Evidence)
	}
	return exitOK
}

// writeFileAtomic writes data to path through a temporary file.
func writeFileAtomic(path string, data []byte) error {
	out, err := createOutput(path)
	if err != nil {
		return err
	}
	defer out.abort()
	if _, err := out.Write(data); err != nil {
		return err
	}
	return out.commit()
}

func (c *cli) runLedger(args []string) int {
	fs := newFlagSet("ledger", "verify|pubkey|checkpoint [--store postgres://... --ledger-key FILE]", c.stderr)
	data := c.dataDir(fs)
	store := storeFlag(fs)
	ledgerKey := fs.String("ledger-key", "", "a cluster's ledger key file, as its nodes are given it (verify and checkpoint also need --store)")
	asJSON := fs.Bool("json", false, "verify: print JSON")
	pos, code, ok := c.parse(fs, args)
	if !ok {
		return code
	}
	if len(pos) != 1 {
		return c.usageError(fs, "want verify, pubkey or checkpoint")
	}
	if pos[0] != "verify" && pos[0] != "checkpoint" && pos[0] != "pubkey" {
		return c.usageError(fs, "unknown subcommand %q", pos[0])
	}
	if code, ok := c.onlyFlags(fs, "ledger "+pos[0], map[string][]string{"verify": {"json", "ledger-key", "log"}, "checkpoint": {"ledger-key", "log"}, "pubkey": {"ledger-key"}}[pos[0]]...); !ok {
		return code
	}
	if *store != "" || *ledgerKey != "" {
		return c.clusterLedgerVerb(fs, pos[0], *store, *ledgerKey, *asJSON)
	}
	if err := requireData(*data); err != nil {
		return c.fail("ledger", err)
	}
	switch pos[0] {
	case "verify", "checkpoint":
	case "pubkey":
		// The verifier key is public: read it without taking the ledger,
		// so it works while the server holds it.
		b, err := os.ReadFile(filepath.Join(*data, "ledger", "verifier.key"))
		if err != nil {
			return c.fail("ledger", fmt.Errorf("no ledger in %s yet: %w", *data, err))
		}
		fmt.Fprint(c.stdout, string(b))
		return exitOK
	default:
		return c.usageError(fs, "unknown subcommand %q", pos[0])
	}
	l, err := openLedger(*data)
	if err != nil {
		return c.fail("ledger", err)
	}
	defer l.Close()
	switch pos[0] {
	case "checkpoint":
		cp, err := l.Checkpoint()
		if err != nil {
			return c.fail("ledger", err)
		}
		c.stdout.Write(cp.Note)
	case "verify":
		if r := l.Recovered(); r != "" {
			fmt.Fprintf(c.stderr, "ringfence ledger: on open: %s\n", r)
		}
		if _, err := l.Checkpoint(); err != nil {
			return c.fail("ledger verify", err)
		}
		return c.verifyLedger(l, l.Dir(), *asJSON)
	}
	return exitOK
}

// verifyLedger checks the whole of l and prints the report; where names
// the ledger (its directory, or the cluster's store).
func (c *cli) verifyLedger(l *ledger.Log, where string, asJSON bool) int {
	rep, err := l.Verify(context.Background())
	if err != nil {
		return c.fail("ledger verify", err)
	}
	if asJSON {
		c.printJSON(rep)
		return exitOK
	}
	fmt.Fprintf(c.stdout, "ledger %s verifies: %s", where, ringfence.Plural(rep.Entries, "entry"))
	for _, t := range []string{ledger.TypeExport, ledger.TypeAliasBinding, ledger.TypeAliasRelease, ledger.TypeLeakEvent, ledger.TypeAttribution} {
		if n := rep.Types[t]; n > 0 {
			fmt.Fprintf(c.stdout, ", %s", ledger.TypeCount(int(n), t))
		}
	}
	fmt.Fprintf(c.stdout, "; %s", ringfence.Plural(rep.Checkpoints, "signed checkpoint"))
	if rep.Latest != nil {
		fmt.Fprintf(c.stdout, " (latest: %d entries, %s, root %s)", rep.Latest.Size, rep.Latest.Time.Format(time.RFC3339), rep.Latest.Root)
	}
	fmt.Fprintf(c.stdout, "; %s and %s match their entries\n", ringfence.Plural(rep.PrintLists, "print list"), ringfence.Plural(rep.Cases, "case file"))
	for _, o := range rep.Orphans {
		fmt.Fprintf(c.stderr, "ringfence ledger: %s is committed by no entry (left by an interrupted export)\n", o)
	}
	return exitOK
}

// clusterLedgerVerb is ledger verify|checkpoint|pubkey on a cluster's
// ledger in PostgreSQL, read with the nodes' key file.
func (c *cli) clusterLedgerVerb(fs *flag.FlagSet, verb, store, keyFile string, asJSON bool) int {
	if keyFile == "" {
		return c.usageError(fs, "a cluster's ledger needs --ledger-key (the key file its nodes are given)")
	}
	if verb == "pubkey" {
		if store != "" {
			return c.usageError(fs, "pubkey reads the key file only: leave --store out")
		}
		b, err := os.ReadFile(keyFile)
		if err != nil {
			return c.fail("ledger", err)
		}
		k, err := ledger.ParseKeyFile(b)
		if err != nil {
			return c.fail("ledger", fmt.Errorf("ledger key file %s: %w", keyFile, err))
		}
		fmt.Fprintln(c.stdout, k.Verifier)
		return exitOK
	}
	if store == "" {
		return c.usageError(fs, "ledger %s with --ledger-key needs --store (the cluster's PostgreSQL)", verb)
	}
	if err := checkStore(fs, store); err != nil {
		return c.usageError(fs, "%v", err)
	}
	l, _, closeAll, err := openLedgerReader(c.context(), store, keyFile)
	if err != nil {
		return c.fail("ledger", err)
	}
	defer closeAll()
	if verb == "checkpoint" {
		cps := l.Checkpoints()
		if len(cps) == 0 {
			return c.fail("ledger", ringfence.Errorf(ringfence.ENOTFOUND, "the cluster's ledger has no signed checkpoint yet"))
		}
		c.stdout.Write(cps[len(cps)-1].Note)
		return exitOK
	}
	return c.verifyLedger(l, "in "+redactURL(store), asJSON)
}

func (c *cli) runEvidence(args []string) int {
	fs := newFlagSet("evidence", "export --case ID --out bundle.zip [--store postgres://... --ledger-key FILE] | verify bundle.zip [--key KEY|@FILE]", c.stderr)
	data := c.dataDir(fs)
	store := storeFlag(fs)
	ledgerKey := fs.String("ledger-key", "", "export with --store: the cluster's ledger key file (0600), as its nodes are given it")
	caseID := fs.String("case", "", "export: case id (leak-N for the alias leak at ledger entry N, or an attribution case)")
	out := fs.String("out", "", "export: bundle file to write")
	key := fs.String("key", "", "verify: the ledger's verifier key, or @FILE holding it (default: the key of the ledger in --data)")
	asJSON := fs.Bool("json", false, "verify: print JSON")
	pos, code, ok := c.parse(fs, args)
	if !ok {
		return code
	}
	if len(pos) == 0 {
		return c.usageError(fs, "want export or verify")
	}
	if code, ok := c.onlyFlags(fs, "evidence "+pos[0], map[string][]string{"export": {"case", "out", "ledger-key", "log"}, "verify": {"key", "json"}}[pos[0]]...); !ok {
		return code
	}
	switch {
	case pos[0] == "export" && len(pos) == 1:
		if *caseID == "" || *out == "" {
			return c.usageError(fs, "export needs --case and --out")
		}
		if *store != "" || *ledgerKey != "" {
			if *store == "" || *ledgerKey == "" {
				return c.usageError(fs, "export from a cluster needs both --store and --ledger-key")
			}
			if err := checkStore(fs, *store); err != nil {
				return c.usageError(fs, "%v", err)
			}
			b, err := clusterEvidence(c.context(), *store, *ledgerKey, *caseID)
			if err == nil {
				err = writeFileAtomic(*out, b)
			}
			if err != nil {
				return c.fail("evidence export", err)
			}
			fmt.Fprintf(c.stdout, "evidence bundle of case %s: %s (%d bytes)\n", *caseID, *out, len(b))
			return exitOK
		}
		l, err := openLedger(*data)
		if err != nil {
			return c.fail("evidence export", err)
		}
		defer l.Close()
		// The ledger holds leak callers only as fingerprints; the store
		// has them in clear for the statement.
		db, err := sqlite.Open(*data)
		if err != nil {
			return c.fail("evidence export", err)
		}
		defer db.Close()
		b, err := evidence.ExportWith(l, *caseID, func(i int64) (string, error) {
			ev, err := db.LeakByLedger(context.Background(), i)
			return ev.Caller, err
		})
		if err == nil {
			err = writeFileAtomic(*out, b)
		}
		if err != nil {
			return c.fail("evidence export", err)
		}
		fmt.Fprintf(c.stdout, "evidence bundle of case %s: %s (%d bytes)\n", *caseID, *out, len(b))
	case pos[0] == "verify" && len(pos) == 2:
		b, err := os.ReadFile(pos[1])
		if err != nil {
			return c.fail("evidence verify", err)
		}
		k, err := verifierKeyArg(*key)
		if err != nil {
			return c.fail("evidence verify", err)
		}
		if strings.TrimSpace(k) == "" {
			// Checked only against the key inside it, a bundle proves
			// nothing about where it came from: use this data
			// directory's ledger key, or refuse.
			kb, err := os.ReadFile(filepath.Join(*data, "ledger", "verifier.key"))
			if errors.Is(err, os.ErrNotExist) {
				return c.fail("evidence verify", errors.New("no ledger key to check the signature against: pass --key (the ledger's public key, `ringfence ledger pubkey`)"))
			} else if err != nil {
				return c.fail("evidence verify", err)
			}
			k = strings.TrimSpace(string(kb))
		}
		res, err := evidence.Verify(b, k)
		if err != nil {
			return c.fail("evidence verify", fmt.Errorf("%s does not verify: %w", pos[1], err))
		}
		if *asJSON {
			c.printJSON(res)
		} else {
			fmt.Fprintf(c.stdout, "%s verifies: case %s (%s), %d ledger entries proved in the tree of %d entries signed by %s at %s; likelihood ratio %s\n",
				pos[1], res.Case, res.Kind, len(res.Entries), res.TreeSize, res.Ledger, res.Checkpoint.Format(time.RFC3339), trace.FormatLR(res.Score))
		}
	default:
		return c.usageError(fs, "want export --case ID --out FILE, or verify BUNDLE")
	}
	return exitOK
}

// verifierKeyArg is the verifier key that evidence verify's --key names:
// the key itself, or @FILE (or a FILE that exists) holding it — a
// verifier.key, or a cluster's ledger key file, whose "verifier" line is
// the public key (its secret lines are not read further).
func verifierKeyArg(arg string) (string, error) {
	name, isFile := strings.CutPrefix(arg, "@")
	if !isFile && arg != "" {
		if _, err := note.NewVerifier(arg); err != nil {
			if _, serr := os.Stat(arg); serr == nil {
				isFile = true
			}
		}
	}
	if !isFile {
		return strings.TrimSpace(arg), nil
	}
	b, err := os.ReadFile(name)
	if err != nil {
		return "", err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "verifier "); ok {
			return strings.TrimSpace(v), nil
		}
	}
	return strings.TrimSpace(string(b)), nil
}
