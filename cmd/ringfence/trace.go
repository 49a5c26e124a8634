package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"ringfence"
	"ringfence/engine"
	"ringfence/evidence"
	"ringfence/ledger"
	"ringfence/trace"
)

// tracePool is the alias pool as trace uses it: canary numbers that ring
// into ringfence, per-recipient aliases and the null aliases.
type tracePool struct {
	Numbers     trace.NumberSource
	Aliases     trace.AliasBinder
	NullAliases func() ([]string, error)
	Close       func()
}

// openTracePool opens the alias pool of a data directory for trace, with
// bindings recorded in l. A pool with no issuable numbers leaves canaries to
// the reserved range.
func (c *cli) openTracePool(dataDir string, l *ledger.Log) (*tracePool, error) {
	e, closeDB, err := c.openEngineToWrite(dataDir)
	if err != nil {
		return nil, err
	}
	e.SetDisclosures(engine.LedgerDisclosures(l))
	p := &tracePool{
		Aliases:     engine.TracePool{E: e, Actor: cliActor},
		NullAliases: func() ([]string, error) { return e.NullAliases(), nil },
		Close:       closeDB,
	}
	if e.IssuableAliases() > 0 {
		p.Numbers = engine.TracePool{E: e, Actor: cliActor}
	}
	return p, nil
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
	fs := newFlagSet("trace export", "--org O --recipient R --in customers.csv --out for-R.csv [--phone-column C] [--alias]", c.stderr)
	data := c.dataDir(fs)
	org := fs.String("org", "", "the organisation disclosing the list")
	recipient := fs.String("recipient", "", "who receives this copy")
	in := fs.String("in", "", "customer list (CSV in UTF-8 or GBK/GB18030)")
	out := fs.String("out", "", "salted copy to write (in the input's encoding)")
	phoneCol := fs.String("phone-column", "", "phone column by header name or 1-based number (default: recognised)")
	alias := fs.Bool("alias", false, "replace every real phone number by a per-recipient alias from the pool")
	canaries := fs.Int("canaries", 0, "number of canary records (default: varies per export, 0.1-0.3% of rows plus a few)")
	var prefixes stringList
	fs.Var(&prefixes, "canary-prefix", "without an alias pool: E.164 block canary numbers are drawn from (repeatable; default "+strings.Join(trace.DefaultCanaryPrefixes, ", ")+")")
	if _, code, ok := c.parse(fs, args); !ok {
		return code
	}
	if *org == "" || *recipient == "" || *in == "" || *out == "" {
		return c.usageError(fs, "--org, --recipient, --in and --out are required")
	}
	l, err := openLedger(*data)
	if err != nil {
		return c.fail("trace export", err)
	}
	defer l.Close()
	opt := trace.SaltOptions{
		Disclosure:  trace.Disclosure{Org: *org, Recipient: *recipient},
		Key:         l.FingerprintKey(),
		PhoneColumn: *phoneCol,
		Canaries:    *canaries,
	}
	{
		pool, err := c.openTracePool(*data, l)
		if err != nil {
			return c.fail("trace export", err)
		}
		defer pool.Close()
		opt.Numbers = pool.Numbers
		if *alias {
			opt.Aliases = pool.Aliases
		}
	}
	if *alias && opt.Aliases == nil {
		return c.fail("trace export", ringfence.Errorf(ringfence.EINVALID, "--alias needs the alias pool, which is not available here"))
	}
	if opt.Numbers == nil {
		opt.Numbers = l.ReservedRange(prefixes)
	}

	src, err := os.Open(*in)
	if err != nil {
		return c.fail("trace export", err)
	}
	defer src.Close()
	// Write to a temporary file; the copy appears under its name only once
	// the ledger holds its entry.
	var suffix [6]byte
	rand.Read(suffix[:])
	tmp := *out + ".tmp-" + hex.EncodeToString(suffix[:])
	dst, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return c.fail("trace export", err)
	}
	defer os.Remove(tmp)
	ctx := c.context()
	res, err := trace.Salt(ctx, bufio.NewReaderSize(newCtxReader(ctx, src), 1<<16), dst, opt)
	if err == nil {
		err = dst.Sync()
	}
	if cerr := dst.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return c.fail("trace export", fmt.Errorf("%s: %w", *in, err))
	}
	idx, err := l.AppendExport(ctx, res.Export, res.Prints)
	if err != nil {
		return c.fail("trace export", err)
	}
	if err := os.Rename(tmp, *out); err != nil {
		return c.fail("trace export", fmt.Errorf("export %s is recorded (ledger entry %d) but %s could not be written: %w", res.Export.ExportID, idx, *out, err))
	}
	if _, err := l.Checkpoint(); err != nil {
		return c.fail("trace export", err)
	}
	fmt.Fprintf(c.stdout, "export %s: %d rows (%d canaries) for %s, ledger entry %d\n", res.Export.ExportID, res.Export.Rows, len(res.Export.Canaries), *recipient, idx)
	if res.Unaliased > 0 {
		fmt.Fprintf(c.stderr, "ringfence trace export: %d phone cells could not be parsed and were left empty rather than disclosed\n", res.Unaliased)
	}
	return exitOK
}

// attributeOutput is the JSON of trace attribute.
func (c *cli) traceAttribute(args []string) int {
	fs := newFlagSet("trace attribute", "FOUND.csv [--json] [--evidence bundle.zip] [--top N] [--null-aliases FILE]", c.stderr)
	data := c.dataDir(fs)
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
	l, err := openLedger(*data)
	if err != nil {
		return c.fail("trace attribute", err)
	}
	defer l.Close()
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
	f, err := os.Open(pos[0])
	if err != nil {
		return c.fail("trace attribute", err)
	}
	defer f.Close()
	o, found, err := ledger.Attribute(c.context(), l, newCtxReader(c.context(), f), trace.AttributeOptions{Top: *top, NullAliases: nulls})
	if err != nil {
		return c.fail("trace attribute", fmt.Errorf("%s: %w", pos[0], err))
	}
	if *evFile != "" {
		if len(o.Candidates) == 0 {
			return c.fail("trace attribute", ringfence.Errorf(ringfence.ENOTFOUND, "no disclosure matches %s: no evidence bundle written (case %s)", pos[0], o.Case))
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
	for i, cand := range o.Candidates {
		what := "export " + cand.ExportID
		if cand.Kind == "alias" {
			what = "alias numbers"
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
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}

func (c *cli) runLedger(args []string) int {
	fs := newFlagSet("ledger", "verify|pubkey|checkpoint", c.stderr)
	data := c.dataDir(fs)
	asJSON := fs.Bool("json", false, "verify: print JSON")
	pos, code, ok := c.parse(fs, args)
	if !ok {
		return code
	}
	if len(pos) != 1 {
		return c.usageError(fs, "want verify, pubkey or checkpoint")
	}
	if code, ok := c.onlyFlags(fs, "ledger "+pos[0], map[string][]string{"verify": {"json"}}[pos[0]]...); !ok {
		return code
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
		rep, err := l.Verify(context.Background())
		if err != nil {
			return c.fail("ledger verify", err)
		}
		if *asJSON {
			c.printJSON(rep)
			return exitOK
		}
		fmt.Fprintf(c.stdout, "ledger %s verifies: %d entries", l.Dir(), rep.Entries)
		for _, t := range []string{ledger.TypeExport, ledger.TypeAliasBinding, ledger.TypeAliasRelease, ledger.TypeLeakEvent, ledger.TypeAttribution} {
			if n := rep.Types[t]; n > 0 {
				fmt.Fprintf(c.stdout, ", %d %s", n, t)
			}
		}
		fmt.Fprintf(c.stdout, "; %d signed checkpoints", rep.Checkpoints)
		if rep.Latest != nil {
			fmt.Fprintf(c.stdout, " (latest: %d entries, %s, root %s)", rep.Latest.Size, rep.Latest.Time.Format(time.RFC3339), rep.Latest.Root)
		}
		fmt.Fprintf(c.stdout, "; %d print lists and %d case files match their entries\n", rep.PrintLists, rep.Cases)
		for _, o := range rep.Orphans {
			fmt.Fprintf(c.stderr, "ringfence ledger: %s is committed by no entry (left by an interrupted export)\n", o)
		}
	}
	return exitOK
}

func (c *cli) runEvidence(args []string) int {
	fs := newFlagSet("evidence", "export --case ID --out bundle.zip | verify bundle.zip [--key KEY|@FILE]", c.stderr)
	data := c.dataDir(fs)
	caseID := fs.String("case", "", "export: case id (leak-N for the alias leak at ledger entry N, or an attribution case)")
	out := fs.String("out", "", "export: bundle file to write")
	key := fs.String("key", "", "verify: the ledger's verifier key, or @FILE holding it (default: the key in the bundle)")
	asJSON := fs.Bool("json", false, "verify: print JSON")
	pos, code, ok := c.parse(fs, args)
	if !ok {
		return code
	}
	if len(pos) == 0 {
		return c.usageError(fs, "want export or verify")
	}
	if code, ok := c.onlyFlags(fs, "evidence "+pos[0], map[string][]string{"export": {"case", "out"}, "verify": {"key", "json"}}[pos[0]]...); !ok {
		return code
	}
	switch {
	case pos[0] == "export" && len(pos) == 1:
		if *caseID == "" || *out == "" {
			return c.usageError(fs, "export needs --case and --out")
		}
		l, err := openLedger(*data)
		if err != nil {
			return c.fail("evidence export", err)
		}
		defer l.Close()
		b, err := evidence.Export(l, *caseID)
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
		k := *key
		if name, ok := strings.CutPrefix(k, "@"); ok {
			kb, err := os.ReadFile(name)
			if err != nil {
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
		if res.KeyFromBundle {
			fmt.Fprintln(c.stderr, "ringfence evidence: checked with the key inside the bundle; compare it with the ledger's published key (ringfence ledger pubkey) or pass --key")
		}
	default:
		return c.usageError(fs, "want export --case ID --out FILE, or verify BUNDLE")
	}
	return exitOK
}
