// Command ringfence screens calls, detects harassing callers, traces leaked
// customer lists and de-identifies personal data. Run "ringfence help".
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"syscall"

	"ringfence"
)

// Exit codes.
const (
	exitOK    = 0
	exitFail  = 1 // bad input or failure
	exitUsage = 2
	// exitInterrupted is a command's exit when SIGINT or SIGTERM cancels
	// it (128 + SIGINT, as shells report a Ctrl-C).
	exitInterrupted = 130
)

// cli carries the process's streams so commands can be run from tests.
type cli struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
	// ctx is cancelled by SIGINT or SIGTERM; nil runs uncancelled.
	ctx context.Context
}

func main() { os.Exit(runMain()) }

// runMain runs the process's command line. SIGINT (Ctrl-C) and SIGTERM
// cancel the command, which stops cleanly: transactions in progress roll
// back, partial output files are removed, and it exits 130. A second
// signal ends the process at once.
func runMain() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		stop()
	}()
	c := &cli{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv, ctx: ctx}
	return c.run(os.Args[1:])
}

// context is the command's context: cancelled by SIGINT or SIGTERM.
func (c *cli) context() context.Context {
	if c.ctx == nil {
		return context.Background()
	}
	return c.ctx
}

const topUsage = `ringfence stops harassment calls and finds out who leaked the number.

usage: ringfence COMMAND [ARGS] [FLAGS]

commands:
  serve                   run the HTTP API (and SIP front) on --data, or as a cluster node (--store, --log)
  number NUMBER           parse and classify a phone number
  check NUMBER            verdict for a caller (--callee ID applies that subscriber's rules)
  report NUMBER           file a crowd report (--category C --reporter R)
  import reports FILE     import crowd reports (--format native|ftc)
  rules SUBSCRIBER ...    personal rules: allow|block|label NUMBER_OR_PREFIX, show, ...
  registry ...            verified businesses: add NUMBER_OR_PREFIX --name NAME, list
  appeals ...             business appeals: file, list, accept, reject
  keys create             create an API key (--role ROLE [--subscriber ID] [--org NAME])
  demo                    load the demo dataset into --data
  stats monthly           12321-style monthly report (--month YYYY-MM)
  cdr scan|eval           detect harassing callers in call records
  simulate cdr            generate a synthetic call-record population
  simulate policy         replay recorded calls against today's rules and reputation
  alias ...               alias numbers per merchant: pool add, new, list, show, call
  trace export|attribute  salt a customer list with canaries; rank the sources of a found list
  ledger verify|pubkey    check the disclosure ledger; print its verifier key
  evidence export|verify  build or check a signed evidence bundle
  deid                    de-identify personal data in files
  version                 print the version of ringfence and of Go it was built with

Flags may come before or after arguments. Every command takes --data DIR
(default ./ringfence-data, or $RINGFENCE_DATA); only serve, demo, keys create
and import create it. check, report, import, rules, registry, appeals, keys,
stats, alias, trace, ledger, evidence and simulate policy take --store
postgres://... instead: a cluster's store, whose running nodes see the
change at once. Run "ringfence COMMAND -h" for its flags. Ctrl-C stops a
command cleanly (exit 130).
`

func (c *cli) run(args []string) int {
	if len(args) == 0 {
		fmt.Fprint(c.stderr, topUsage)
		return exitUsage
	}
	cmd, rest := args[0], args[1:]
	if _, ok := c.commands()[cmd]; ok && len(rest) > 0 && isHelp(rest[0]) {
		return c.help(cmd)
	}
	if f, ok := c.commands()[cmd]; ok {
		return f(rest)
	}
	switch cmd {
	case "help", "-h", "--help":
		fmt.Fprint(c.stdout, topUsage)
		return exitOK
	case "version", "--version":
		if len(rest) > 0 {
			fmt.Fprintf(c.stderr, "ringfence %s: unexpected argument %q\nusage: ringfence version\n", cmd, rest[0])
			return exitUsage
		}
		fmt.Fprintln(c.stdout, version())
		return exitOK
	}
	fmt.Fprintf(c.stderr, "ringfence: unknown command %q\n\n%s", cmd, topUsage)
	return exitUsage
}

// commands maps each top-level verb to its runner.
func (c *cli) commands() map[string]func([]string) int {
	return map[string]func([]string) int{
		"number":   c.runNumber,
		"check":    c.runCheck,
		"report":   c.runReport,
		"import":   c.runImport,
		"rules":    c.runRules,
		"registry": c.runRegistry,
		"appeals":  c.runAppeals,
		"keys":     c.runKeys,
		"stats":    c.runStats,
		"serve":    c.runServe,
		"demo":     c.runDemo,
		"alias":    c.runAlias,
		"cdr":      c.runCDR,
		"simulate": c.runSimulate,
		"deid":     c.runDeid,
		"trace":    c.runTrace,
		"ledger":   c.runLedger,
		"evidence": c.runEvidence,
	}
}

func isHelp(s string) bool { return s == "help" || s == "-h" || s == "--help" }

// dispatchUsage is the help of the verbs that dispatch to subcommands, each
// with flags of its own.
var dispatchUsage = map[string]string{
	"trace": `usage: ringfence trace export --org O --recipient R --in customers.csv --out for-R.csv [--phone-column C] [--alias] [--canaries N]
       ringfence trace attribute FOUND.csv [--json] [--evidence bundle.zip] [--top N] [--null-aliases FILE]

Salt a customer list with canary records before it is disclosed, recording
the export in the disclosure ledger; rank the recorded disclosures that a
found list most likely came from. Run "ringfence trace export -h" for flags.
`,
	"cdr":      "usage: ringfence cdr " + cdrUsage + "\n",
	"simulate": "usage: ringfence simulate " + simulateUsage + "\n",
}

// help prints a verb's help on stdout and exits 0: -h, --help and help
// after any verb.
func (c *cli) help(cmd string) int {
	if u, ok := dispatchUsage[cmd]; ok {
		fmt.Fprint(c.stdout, u)
		return exitOK
	}
	// The verb's flag set prints its usage for -h; asked for, it goes to
	// stdout.
	h := *c
	h.stderr = c.stdout
	return h.commands()[cmd]([]string{"-h"})
}

// version names the build: the module version (or VCS revision) and the
// Go toolchain.
func version() string {
	v, rev, dirty := "(devel)", "", false
	if bi, ok := debug.ReadBuildInfo(); ok {
		if bi.Main.Version != "" {
			v = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				dirty = s.Value == "true"
			}
		}
	}
	if rev != "" {
		if len(rev) > 12 {
			rev = rev[:12]
		}
		v += " " + rev
		if dirty {
			v += "+dirty"
		}
	}
	return fmt.Sprintf("ringfence %s %s %s/%s", v, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}

// parse parses flags interspersed with positional args. It returns ok=false
// and the exit code to use when parsing failed or help was asked for.
func (c *cli) parse(fs *flag.FlagSet, args []string) (pos []string, code int, ok bool) {
	var err error
	if asksHelp(args) {
		// --help gets the synopsis and the flags.
		if pos, err = parseInterspersed(fs, args); errors.Is(err, flag.ErrHelp) {
			return nil, exitOK, false
		}
	} else {
		// A mistake gets one line naming it, then the synopsis: the flag
		// package's own report is replaced.
		out, usage := fs.Output(), fs.Usage
		fs.SetOutput(io.Discard)
		fs.Usage = func() {}
		pos, err = parseInterspersed(fs, args)
		fs.SetOutput(out)
		fs.Usage = usage
	}
	if err != nil {
		return nil, c.usageError(fs, "%v", err), false
	}
	if fs.Lookup("log") != nil && fs.Lookup("store") != nil {
		if err := checkCLILog(fs); err != nil {
			return nil, c.usageError(fs, "%v", err), false
		}
	}
	return pos, exitOK, true
}

// parseNoArgs is parse for verbs that take flags only.
func (c *cli) parseNoArgs(fs *flag.FlagSet, args []string) (code int, ok bool) {
	pos, code, ok := c.parse(fs, args)
	if ok && len(pos) > 0 {
		return c.usageError(fs, "unexpected argument %q", pos[0]), false
	}
	return code, ok
}

// usageError prints msg and the flag set's usage, and returns exitUsage.
func (c *cli) usageError(fs *flag.FlagSet, format string, args ...any) int {
	fmt.Fprintf(c.stderr, "ringfence %s: %s\n", fs.Name(), fmt.Sprintf(format, args...))
	shortUsage(fs, fs.Usage)
	return exitUsage
}

// fail prints err and returns exitFail, or exitInterrupted when a signal
// cancelled the command.
func (c *cli) fail(name string, err error) int {
	var nd *noDataError
	switch {
	case errors.As(err, &nd):
		fmt.Fprintf(c.stderr, "ringfence: %s\n", nd.Error())
	case c.context().Err() != nil:
		// Whatever the error says, a signal caused it.
		fmt.Fprintf(c.stderr, "ringfence %s: interrupted; nothing in progress was kept\n", name)
		return exitInterrupted
	default:
		fmt.Fprintf(c.stderr, "ringfence %s: %s\n", name, errorText(err))
	}
	return exitFail
}

// errorText shows application errors in full and other errors with their
// wrapped context, since the CLI's user is the operator of the data.
func errorText(err error) string {
	if ringfence.ErrorCode(err) == ringfence.EINTERNAL {
		return err.Error()
	}
	return ringfence.ErrorMessage(err)
}
