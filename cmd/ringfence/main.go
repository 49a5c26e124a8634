// Command ringfence screens calls, detects harassing callers, traces leaked
// customer lists and de-identifies personal data. Run "ringfence help".
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"ringfence"
)

// Exit codes.
const (
	exitOK    = 0
	exitFail  = 1 // bad input or failure
	exitUsage = 2
)

// cli carries the process's streams so commands can be run from tests.
type cli struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
}

func main() {
	c := &cli{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv}
	os.Exit(c.run(os.Args[1:]))
}

const topUsage = `ringfence stops harassment calls and finds out who leaked the number.

usage: ringfence COMMAND [ARGS] [FLAGS]

commands:
  serve                   run the HTTP API (and SIP front) on --data
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

Flags may come before or after arguments. Every command takes --data DIR
(default ./ringfence-data, or $RINGFENCE_DATA). Run "ringfence COMMAND -h" for its flags.
`

func (c *cli) run(args []string) int {
	if len(args) == 0 {
		fmt.Fprint(c.stderr, topUsage)
		return exitUsage
	}
	cmd, rest := args[0], args[1:]
	if f, ok := c.commands()[cmd]; ok {
		return f(rest)
	}
	switch cmd {
	case "help", "-h", "--help":
		fmt.Fprint(c.stdout, topUsage)
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

// parse parses flags interspersed with positional args. It returns ok=false
// and the exit code to use when parsing failed or help was asked for.
func (c *cli) parse(fs *flag.FlagSet, args []string) (pos []string, code int, ok bool) {
	pos, err := parseInterspersed(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		return nil, exitOK, false
	} else if err != nil {
		return nil, exitUsage, false
	}
	return pos, exitOK, true
}

// usageError prints msg and the flag set's usage, and returns exitUsage.
func (c *cli) usageError(fs *flag.FlagSet, format string, args ...any) int {
	fmt.Fprintf(c.stderr, "ringfence %s: %s\n", fs.Name(), fmt.Sprintf(format, args...))
	fs.Usage()
	return exitUsage
}

// fail prints err and returns exitFail.
func (c *cli) fail(name string, err error) int {
	fmt.Fprintf(c.stderr, "ringfence %s: %s\n", name, errorText(err))
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
