package main

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"golang.org/x/term"

	"ringfence"
	"ringfence/engine"
	"ringfence/feed"
	"ringfence/number"
	"ringfence/reputation"
	"ringfence/screen"
	"ringfence/sqlite"
)

// cliActor is who the audit log names for actions taken on the command line,
// by whoever can read and write the data directory.
const cliActor = "cli"

// dataDir adds the --data flag: default $RINGFENCE_DATA, else ./ringfence-data.
func (c *cli) dataDir(fs *flag.FlagSet) *string {
	def := c.getenv("RINGFENCE_DATA")
	if def == "" {
		def = "ringfence-data"
	}
	return fs.String("data", def, "data directory (env RINGFENCE_DATA)")
}

// openEngine opens the store in dir and builds the engine over it; there
// must be a data directory.
func (c *cli) openEngine(dir string) (*engine.Engine, func(), error) {
	if err := requireData(dir); err != nil {
		return nil, nil, err
	}
	return c.createEngine(dir)
}

// createEngine is openEngine for the commands that may create the data
// directory (serve, keys create).
func (c *cli) createEngine(dir string) (*engine.Engine, func(), error) {
	db, err := sqlite.Open(dir)
	if err != nil {
		return nil, nil, err
	}
	e, err := engine.Open(context.Background(), db, reputation.DefaultConfig())
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	return e, func() { db.Close() }, nil
}

func (c *cli) printJSON(v any) {
	enc := json.NewEncoder(c.stdout)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}

func (c *cli) runNumber(args []string) int {
	fs := newFlagSet("number", "NUMBER [--json]", c.stderr)
	c.dataDir(fs) // accepted for uniformity; numbers need no data
	asJSON := fs.Bool("json", false, "print JSON")
	pos, code, ok := c.parse(fs, args)
	if !ok {
		return code
	}
	if len(pos) != 1 {
		return c.usageError(fs, "want one NUMBER")
	}
	info, err := number.Parse(pos[0])
	if err != nil {
		return c.fail("number", err)
	}
	if *asJSON {
		c.printJSON(info)
		return exitOK
	}
	fmt.Fprintf(c.stdout, "%s\t%s\n", info.E164, describe(info))
	return exitOK
}

// describe renders number facts for people.
func describe(info number.Info) string {
	parts := []string{string(info.Type)}
	if info.Carrier != "" {
		parts = append(parts, info.Carrier)
	}
	if info.VirtualOperator {
		parts = append(parts, "virtual operator")
	}
	if place := strings.TrimSpace(info.Province + " " + info.City); place != "" && info.Province != info.City {
		parts = append(parts, place)
	} else if info.City != "" {
		parts = append(parts, info.City)
	}
	return strings.Join(parts, " · ")
}

func (c *cli) runCheck(args []string) int {
	fs := newFlagSet("check", "NUMBER [--callee ID] [--json] [--data DIR | --store postgres://...]", c.stderr)
	data := c.dataDir(fs)
	store := storeFlag(fs)
	callee := fs.String("callee", "", "the called subscriber (applies their rules)")
	at := fs.String("at", "", "time of the call, RFC 3339 (default now)")
	asJSON := fs.Bool("json", false, "print the verdict JSON (as the API does)")
	pos, code, ok := c.parse(fs, args)
	if !ok {
		return code
	}
	if len(pos) != 1 {
		return c.usageError(fs, "want one NUMBER")
	}
	call := ringfence.CheckRequest{Caller: pos[0], Callee: *callee}
	if *at != "" {
		t, err := time.Parse(time.RFC3339, *at)
		if err != nil {
			return c.usageError(fs, "--at %q is not RFC 3339", *at)
		}
		call.At = t
	}
	e, closeDB, usage, err := c.openFor(fs, *data, *store, false)
	if usage != nil {
		return c.usageError(fs, "%v", usage)
	} else if err != nil {
		return c.fail("check", err)
	}
	defer closeDB()
	var v screen.Verdict
	if err := e.Check(&v, call); err != nil {
		return c.fail("check", err)
	}
	if *asJSON {
		c.printJSON(&v)
		return exitOK
	}
	cat := ""
	if v.Category != "" {
		cat = fmt.Sprintf("  %s (%s)", v.Category, v.Category.Label())
	}
	fmt.Fprintf(c.stdout, "%s  %s%s  score %.2f\n", v.E164, strings.ToUpper(string(v.Action)), cat, v.Score)
	for _, r := range v.Reasons {
		fmt.Fprintf(c.stdout, "  - %s\n", r)
	}
	fmt.Fprintf(c.stdout, "  number: %s\n", describe(v.NumberInfo))
	return exitOK
}

func (c *cli) runReport(args []string) int {
	fs := newFlagSet("report", "NUMBER --category C --reporter R [--note TEXT] [--data DIR | --store postgres://...]", c.stderr)
	data := c.dataDir(fs)
	store := storeFlag(fs)
	cat := fs.String("category", "", "category key: "+categoryKeys())
	reporter := fs.String("reporter", "", "who reports (their id or phone number)")
	note := fs.String("note", "", "optional note")
	pos, code, ok := c.parse(fs, args)
	if !ok {
		return code
	}
	if len(pos) != 1 || *cat == "" || *reporter == "" {
		return c.usageError(fs, "want NUMBER, --category and --reporter")
	}
	e, closeDB, usage, err := c.openFor(fs, *data, *store, true)
	if usage != nil {
		return c.usageError(fs, "%v", usage)
	} else if err != nil {
		return c.fail("report", err)
	}
	defer closeDB()
	r, err := e.Report(context.Background(), ringfence.Report{Number: pos[0], Category: ringfence.Category(*cat), Reporter: *reporter, Note: *note})
	if err != nil {
		return c.fail("report", err)
	}
	crowd := e.Crowd(r.Number, e.Now())
	fmt.Fprintf(c.stdout, "reported %s as %s (weight %.2f); crowd now: %s %s, weight %.1f\n",
		r.Number, r.Category, r.Weight, crowd.Category, plural(crowd.Reporters, "reporter"), crowd.Weight)
	return exitOK
}

// plural renders n things: "1 reporter", "2 reporters".
func plural(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return strconv.Itoa(n) + " " + thing + "s"
}

func categoryKeys() string {
	var ks []string
	for _, c := range ringfence.Categories() {
		ks = append(ks, string(c.Key))
	}
	return strings.Join(ks, ", ")
}

// importBatch is how many reports go in one transaction on a store that
// cannot import a file in one (both of ringfence's stores can).
const importBatch = engine.ImportBatch

func (c *cli) runImport(args []string) int {
	fs := newFlagSet("import", "reports FILE [--format native|ftc] [--data DIR | --store postgres://...]", c.stderr)
	data := c.dataDir(fs)
	store := storeFlag(fs)
	format := fs.String("format", "native", "file format: native or ftc")
	showErrors := fs.Int("errors", 10, "how many rejected lines to show")
	pos, code, ok := c.parse(fs, args)
	if !ok {
		return code
	}
	if len(pos) != 2 || pos[0] != "reports" {
		return c.usageError(fs, "want: import reports FILE")
	}
	f, err := feed.ParseFormat(*format)
	if err != nil {
		return c.usageError(fs, "%v", err)
	}
	if *store != "" {
		if err := checkStore(fs, *store); err != nil {
			return c.usageError(fs, "%v", err)
		}
	}
	name := pos[1]
	var in io.Reader = c.stdin
	var size int64
	if name != "-" {
		file, err := os.Open(name)
		if err != nil {
			return c.fail("import", err)
		}
		defer file.Close()
		if st, err := file.Stat(); err == nil {
			size = st.Size()
		}
		in = file
	}
	ctx := c.context()
	// Large reads: each read through newCtxReader runs in a goroutine of
	// its own (so that Ctrl-C need not wait for a stalled pipe).
	counted := &countingReader{r: bufio.NewReaderSize(newCtxReader(ctx, in), 1<<20), h: sha256.New()}
	var e *engine.Engine
	var closeDB func()
	if *store != "" {
		e, closeDB, err = openClusterEngine(ctx, *store)
	} else {
		e, closeDB, err = c.createEngineToWrite(*data)
	}
	if err != nil {
		return c.fail("import", err)
	}
	defer closeDB()
	res, err := importReports(ctx, e, name, counted, f, func(n int) {
		c.progress(name, n, counted.n, size)
	})
	c.progress(name, -1, 0, 0)
	if ctx.Err() != nil {
		if res.Atomic {
			fmt.Fprintf(c.stderr, "ringfence import: %s: interrupted; nothing was imported (a file goes in whole or not at all)\n", name)
		} else {
			// Batches committed before the signal stay (importing them
			// again changes nothing: a reporter's latest report on a
			// number wins); the batch in progress was rolled back.
			fmt.Fprintf(c.stderr, "ringfence import: %s: interrupted after %d reports were committed; the rest was not imported\n", name, res.Imported)
		}
		return exitInterrupted
	}
	if err != nil {
		if res.Atomic {
			fmt.Fprintf(c.stderr, "ringfence import: %s: %s; nothing was imported\n", name, errorText(err))
		} else {
			fmt.Fprintf(c.stderr, "ringfence import: %s: %s\n", name, errorText(err))
		}
	}
	fmt.Fprintf(c.stdout, "imported %d, rejected %d\n", res.Imported, len(res.rejected)+res.moreRejected)
	for i, r := range res.rejected {
		if i >= *showErrors {
			break
		}
		fmt.Fprintf(c.stdout, "  %s:%s\n", name, strings.TrimPrefix(r, "line "))
	}
	if err != nil {
		return exitFail
	}
	if rejected := len(res.rejected) + res.moreRejected; res.Imported == 0 && rejected > 0 {
		// Rows went in around bad ones; when none did, the file is not
		// what this reads, and saying "done" would hide it.
		fmt.Fprintf(c.stderr, "ringfence import: %s: none of its %d rows could be imported\n", name, rejected)
		return exitFail
	}
	return exitOK
}

type importResult struct {
	engine.Import
	rejected     []string // the first rejected rows' reasons
	moreRejected int
}

// importReports streams a report file into e (engine.ImportReports): the
// whole file in one transaction. Every row read is either imported or rejected with its line,
// field and reason; a report counts as imported only once committed.
func importReports(ctx context.Context, e *engine.Engine, name string, r *countingReader, f feed.Format, progress func(int)) (importResult, error) {
	var res importResult
	rd, err := feed.NewReader(r, f)
	if err != nil {
		return res, err
	}
	reject := func(msg string) {
		if len(res.rejected) < 1000 {
			res.rejected = append(res.rejected, msg)
		} else {
			res.moreRejected++
		}
	}
	rows := 0
	next := func() (ringfence.Report, error) {
		for {
			rep, err := rd.Next()
			var re *ringfence.RowError
			if errors.As(err, &re) {
				reject(re.Error())
				continue
			} else if err != nil {
				return rep, err
			}
			if rows++; rows%importProgressEvery == 0 {
				progress(rows)
			}
			return rep, nil
		}
	}
	digest := func() string { return hex.EncodeToString(r.h.Sum(nil)) }
	res.Import, err = e.ImportReports(ctx, cliActor, filepath.Base(name), next, func(_ ringfence.Report, err error) {
		reject(fmt.Sprintf("line %d: %s", rd.Line(), ringfence.ErrorMessage(err)))
	}, digest)
	return res, err
}

// importProgressEvery is how often, in rows, the progress bar is drawn.
const importProgressEvery = 1000

// countingReader counts the bytes read (for the progress bar) and hashes
// them (for the import's audit entry).
type countingReader struct {
	r io.Reader
	n int64
	h hash.Hash
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	c.h.Write(p[:n])
	return n, err
}

// progress draws a progress bar on stderr when it is a terminal; rows < 0
// clears it.
func (c *cli) progress(name string, rows int, done, size int64) {
	f, ok := c.stderr.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return
	}
	if rows < 0 {
		fmt.Fprint(f, "\r\033[K")
		return
	}
	if size <= 0 {
		fmt.Fprintf(f, "\r%s: %d rows", name, rows)
		return
	}
	pct := min(float64(done)/float64(size), 1)
	const width = 30
	bar := strings.Repeat("█", int(pct*width)) + strings.Repeat("░", width-int(pct*width))
	fmt.Fprintf(f, "\r%s %s %3.0f%% %d rows", name, bar, pct*100, rows)
}

func (c *cli) runKeys(args []string) int {
	fs := newFlagSet("keys", "create --role ROLE [--subscriber ID] [--org NAME] | list | revoke ID [--data DIR | --store postgres://...]", c.stderr)
	data := c.dataDir(fs)
	role := fs.String("role", "", "subscriber, reporter, carrier, operator, regulator or org")
	sub := fs.String("subscriber", "", "for a subscriber key: the subscriber's own number")
	org := fs.String("org", "", "for an org key: the organisation's name")
	store := storeFlag(fs)
	pos, code, ok := c.parse(fs, args)
	if !ok {
		return code
	}
	if len(pos) == 0 || !(pos[0] == "create" && len(pos) == 1 || pos[0] == "list" && len(pos) == 1 || pos[0] == "revoke" && len(pos) == 2) {
		return c.usageError(fs, "want create, list or revoke ID")
	}
	takes := map[string][]string{"create": {"role", "subscriber", "org"}}[pos[0]]
	if code, ok := c.onlyFlags(fs, "keys "+pos[0], append(takes, "store")...); !ok {
		return code
	}
	open := c.openEngine
	switch pos[0] {
	case "create":
		// A key is how a data directory is first set up for the API.
		open = c.createEngine
	case "revoke":
		open = c.openEngineToWrite
	}
	if *store != "" {
		if err := checkStore(fs, *store); err != nil {
			return c.usageError(fs, "%v", err)
		}
		open = func(string) (*engine.Engine, func(), error) { return openClusterEngine(context.Background(), *store) }
	}
	e, closeDB, err := open(*data)
	if err != nil {
		return c.fail("keys", err)
	}
	defer closeDB()
	if pos[0] == "revoke" {
		if err := e.RevokeKey(context.Background(), cliActor, pos[1]); err != nil {
			return c.fail("keys", err)
		}
		fmt.Fprintf(c.stdout, "revoked %s\n", pos[1])
		return exitOK
	}
	if pos[0] == "list" {
		ks, err := e.Store().Keys(context.Background())
		if err != nil {
			return c.fail("keys", err)
		}
		for _, k := range ks {
			fmt.Fprintf(c.stdout, "%s\t%s\t%s\t%s\n", k.ID, k.Role, k.Subscriber+k.Org, k.CreatedAt.Format(time.RFC3339))
		}
		return exitOK
	}
	if *role == "" {
		return c.usageError(fs, "--role is required")
	}
	secret, k, err := e.CreateKey(context.Background(), cliActor, ringfence.Role(*role), *sub, *org)
	if err != nil {
		return c.fail("keys", err)
	}
	fmt.Fprintln(c.stdout, secret)
	fmt.Fprintf(c.stderr, "created %s key %s (keep the secret: it is not stored)\n", k.Role, k.ID)
	return exitOK
}

func (c *cli) runRules(args []string) int {
	fs := newFlagSet("rules", `SUBSCRIBER allow|block|label|remove NUMBER_OR_PREFIX
       ringfence rules SUBSCRIBER pass NUMBER_OR_PREFIX --until RFC3339
       ringfence rules SUBSCRIBER show [--json]
       ringfence rules SUBSCRIBER set [--contacts-only off|label|block] [--quiet HH:MM-HH:MM|off] [--quiet-action label|block]
                                      [--min-weight W] [--block-category C[=label|block]]... [--allow-category C]...
(a prefix ends in *, e.g. 170*; every form takes --data DIR or --store postgres://... [--log nats://...])`, c.stderr)
	data := c.dataDir(fs)
	store := storeFlag(fs)
	until := fs.String("until", "", "pass: valid until this time (RFC 3339)")
	note := fs.String("note", "", "a note kept with the rule")
	asJSON := fs.Bool("json", false, "show: print JSON")
	contacts := fs.String("contacts-only", "", "set: off, label or block callers outside the allow list")
	quiet := fs.String("quiet", "", "set: quiet hours HH:MM-HH:MM (China time) or off")
	quietAction := fs.String("quiet-action", "block", "set: label or block during quiet hours")
	minWeight := fs.Float64("min-weight", -1, "set: crowd weight needed to label for this subscriber (0 = default)")
	var blockCats, allowCats stringList
	fs.Var(&blockCats, "block-category", "set: category to block (C or C=label)")
	fs.Var(&allowCats, "allow-category", "set: stop blocking a category")
	pos, code, ok := c.parse(fs, args)
	if !ok {
		return code
	}
	if len(pos) < 2 {
		return c.usageError(fs, "want SUBSCRIBER and an action")
	}
	sub, verb := pos[0], pos[1]
	takes, known := map[string][]string{
		"show": {"json"}, "allow": {"note", "json"}, "block": {"note", "json"}, "label": {"note", "json"},
		"remove": {"json"}, "pass": {"until", "note", "json"},
		"set": {"contacts-only", "quiet", "quiet-action", "min-weight", "block-category", "allow-category", "json"},
	}[verb]
	if !known {
		return c.usageError(fs, "unknown action %q", verb)
	}
	if code, ok := c.onlyFlags(fs, "rules SUBSCRIBER "+verb, takes...); !ok {
		return code
	}
	e, closeDB, usage, err := c.openFor(fs, *data, *store, verb != "show")
	if usage != nil {
		return c.usageError(fs, "%v", usage)
	} else if err != nil {
		return c.fail("rules", err)
	}
	defer closeDB()
	ctx := context.Background()
	var r *screen.Rules
	switch verb {
	case "show":
		if len(pos) != 2 {
			return c.usageError(fs, "show takes no more arguments")
		}
		r, err = e.Rules(sub)
	case "allow", "block", "label", "remove", "pass":
		if len(pos) != 3 {
			return c.usageError(fs, "%s wants one NUMBER_OR_PREFIX", verb)
		}
		switch verb {
		case "remove":
			r, err = e.RemoveEntry(ctx, cliActor, sub, pos[2])
		case "pass":
			t, perr := time.Parse(time.RFC3339, *until)
			if perr != nil {
				return c.usageError(fs, "pass needs --until RFC3339 (got %q)", *until)
			}
			r, err = e.Pass(ctx, cliActor, sub, pos[2], t, *note)
		default:
			r, err = e.SetEntry(ctx, cliActor, sub, screen.Entry{Pattern: pos[2], Kind: verb, Note: *note})
		}
	case "set":
		r, err = e.UpdateRules(ctx, cliActor, sub, func(r *screen.Rules) error {
			return applySettings(r, *contacts, *quiet, *quietAction, *minWeight, blockCats, allowCats)
		})
	default:
		return c.usageError(fs, "unknown action %q", verb)
	}
	if err != nil {
		return c.fail("rules", err)
	}
	if *asJSON {
		c.printJSON(r)
		return exitOK
	}
	printRules(c.stdout, r)
	return exitOK
}

func applySettings(r *screen.Rules, contacts, quiet, quietAction string, minWeight float64, block, allow []string) error {
	switch contacts {
	case "":
	case "off":
		r.ContactsOnly = ""
	default:
		r.ContactsOnly = ringfence.Action(contacts)
	}
	switch quiet {
	case "":
	case "off":
		r.Quiet = nil
	default:
		from, to, ok := strings.Cut(quiet, "-")
		if !ok {
			return ringfence.Errorf(ringfence.EINVALID, "--quiet: %q is not HH:MM-HH:MM", quiet)
		}
		r.Quiet = &screen.QuietHours{From: from, To: to, Action: ringfence.Action(quietAction)}
	}
	if minWeight >= 0 {
		r.MinReportWeight = minWeight
	}
	for _, b := range block {
		cat, act, _ := strings.Cut(b, "=")
		if act == "" {
			act = string(ringfence.Block)
		}
		r.BlockedCategories[ringfence.Category(cat)] = ringfence.Action(act)
	}
	for _, a := range allow {
		delete(r.BlockedCategories, ringfence.Category(a))
	}
	return nil
}

func printRules(w io.Writer, r *screen.Rules) {
	fmt.Fprintf(w, "rules of %s\n", r.Subscriber)
	if len(r.Entries) == 0 {
		fmt.Fprintln(w, "  no number rules")
	}
	for _, e := range r.Entries {
		line := fmt.Sprintf("  %-6s %s", e.Kind, e.Pattern)
		if !e.Until.IsZero() {
			line += " until " + e.Until.Format(time.RFC3339)
		}
		if e.Note != "" {
			line += "  # " + e.Note
		}
		fmt.Fprintln(w, line)
	}
	for cat, a := range r.BlockedCategories {
		fmt.Fprintf(w, "  category %s (%s): %s\n", cat, cat.Label(), a)
	}
	if r.ContactsOnly != "" {
		fmt.Fprintf(w, "  contacts only: %s others\n", r.ContactsOnly)
	}
	if q := r.Quiet; q != nil {
		fmt.Fprintf(w, "  quiet hours %s–%s: %s others\n", q.From, q.To, q.Action)
	}
	if r.MinReportWeight > 0 {
		fmt.Fprintf(w, "  label at crowd weight %s\n", strconv.FormatFloat(r.MinReportWeight, 'f', -1, 64))
	}
}

func (c *cli) runRegistry(args []string) int {
	fs := newFlagSet("registry", "add NUMBER_OR_PREFIX --name NAME | list | remove ID [--data DIR | --store postgres://...]", c.stderr)
	data := c.dataDir(fs)
	store := storeFlag(fs)
	name := fs.String("name", "", "add: the business's name")
	pos, code, ok := c.parse(fs, args)
	if !ok {
		return code
	}
	if len(pos) == 0 {
		return c.usageError(fs, "want add, list or remove")
	}
	if code, ok := c.onlyFlags(fs, "registry "+pos[0], map[string][]string{"add": {"name"}}[pos[0]]...); !ok {
		return code
	}
	e, closeDB, usage, err := c.openFor(fs, *data, *store, pos[0] != "list")
	if usage != nil {
		return c.usageError(fs, "%v", usage)
	} else if err != nil {
		return c.fail("registry", err)
	}
	defer closeDB()
	ctx := context.Background()
	switch {
	case pos[0] == "add" && len(pos) == 2:
		b, err := e.AddBusiness(ctx, cliActor, pos[1], *name)
		if err != nil {
			return c.fail("registry", err)
		}
		fmt.Fprintf(c.stdout, "registered %d: %s %s\n", b.ID, b.Pattern, b.Name)
	case pos[0] == "list" && len(pos) == 1:
		bs, err := e.Businesses(ctx)
		if err != nil {
			return c.fail("registry", err)
		}
		for _, b := range bs {
			fmt.Fprintf(c.stdout, "%d\t%s\t%s\n", b.ID, b.Pattern, b.Name)
		}
	case pos[0] == "remove" && len(pos) == 2:
		id, err := strconv.ParseInt(pos[1], 10, 64)
		if err != nil {
			return c.usageError(fs, "ID %q is not a number", pos[1])
		}
		if err := e.RemoveBusiness(ctx, cliActor, id); err != nil {
			return c.fail("registry", err)
		}
		fmt.Fprintf(c.stdout, "removed %d\n", id)
	default:
		return c.usageError(fs, "want add NUMBER_OR_PREFIX, list, or remove ID")
	}
	return exitOK
}

func (c *cli) runAppeals(args []string) int {
	fs := newFlagSet("appeals", "file NUMBER --business B --reason R | list [--status S] | accept ID | reject ID [--note N] [--data DIR | --store postgres://...]", c.stderr)
	data := c.dataDir(fs)
	store := storeFlag(fs)
	business := fs.String("business", "", "file: the business appealing")
	reason := fs.String("reason", "", "file: why the label is wrong")
	contact := fs.String("contact", "", "file: contact for the decision")
	status := fs.String("status", "", "list: pending, accepted or rejected")
	note := fs.String("note", "", "accept/reject: the decision's explanation")
	pos, code, ok := c.parse(fs, args)
	if !ok {
		return code
	}
	if len(pos) == 0 {
		return c.usageError(fs, "want file, list, accept or reject")
	}
	takes := map[string][]string{"file": {"business", "reason", "contact"}, "list": {"status"}, "accept": {"note"}, "reject": {"note"}}[pos[0]]
	if code, ok := c.onlyFlags(fs, "appeals "+pos[0], takes...); !ok {
		return code
	}
	e, closeDB, usage, err := c.openFor(fs, *data, *store, pos[0] != "list")
	if usage != nil {
		return c.usageError(fs, "%v", usage)
	} else if err != nil {
		return c.fail("appeals", err)
	}
	defer closeDB()
	ctx := context.Background()
	switch {
	case pos[0] == "file" && len(pos) == 2:
		a, err := e.FileAppeal(ctx, cliActor, ringfence.Appeal{Number: pos[1], Business: *business, Reason: *reason, Contact: *contact})
		if err != nil {
			return c.fail("appeals", err)
		}
		fmt.Fprintf(c.stdout, "appeal %d filed for %s\n", a.ID, a.Number)
	case pos[0] == "list" && len(pos) == 1:
		as, err := e.Appeals(ctx, *status)
		if err != nil {
			return c.fail("appeals", err)
		}
		for _, a := range as {
			fmt.Fprintf(c.stdout, "%d\t%s\t%s\t%s\t%s\n", a.ID, a.Status, a.Number, a.Business, a.Reason)
		}
	case (pos[0] == "accept" || pos[0] == "reject") && len(pos) == 2:
		id, err := strconv.ParseInt(pos[1], 10, 64)
		if err != nil {
			return c.usageError(fs, "ID %q is not a number", pos[1])
		}
		a, err := e.DecideAppeal(ctx, cliActor, id, pos[0] == "accept", *note)
		if err != nil {
			return c.fail("appeals", err)
		}
		fmt.Fprintf(c.stdout, "appeal %d %s (%s)\n", a.ID, a.Status, a.Number)
	default:
		return c.usageError(fs, "want file NUMBER, list, accept ID or reject ID")
	}
	return exitOK
}

func (c *cli) runStats(args []string) int {
	fs := newFlagSet("stats", "monthly --month YYYY-MM [--data DIR | --store postgres://...]", c.stderr)
	data := c.dataDir(fs)
	store := storeFlag(fs)
	month := fs.String("month", time.Now().UTC().Format("2006-01"), "month YYYY-MM")
	pos, code, ok := c.parse(fs, args)
	if !ok {
		return code
	}
	if len(pos) != 1 || pos[0] != "monthly" {
		return c.usageError(fs, "want monthly")
	}
	m, err := engine.ParseMonth(*month)
	if err != nil {
		return c.usageError(fs, "%v", ringfence.ErrorMessage(err))
	}
	e, closeDB, usage, err := c.openFor(fs, *data, *store, false)
	if usage != nil {
		return c.usageError(fs, "%v", usage)
	} else if err != nil {
		return c.fail("stats", err)
	}
	defer closeDB()
	s, err := e.MonthlyStats(context.Background(), m)
	if err != nil {
		return c.fail("stats", err)
	}
	c.printJSON(s)
	return exitOK
}
