package main

import (
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
)

// parseInterspersed parses args with fs, letting flags come before or after
// positional arguments, and returns the positional arguments in order. A
// lone "--" ends flag parsing.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		// fs stopped at the first non-flag, or after "--".
		consumed := len(args) - len(rest)
		if consumed > 0 && args[consumed-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// newFlagSet returns a FlagSet that reports errors to stderr without exiting.
func newFlagSet(name, usage string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		io.WriteString(fs.Output(), "usage: ringfence "+name+" "+usage+"\n")
		if hasFlags(fs) {
			io.WriteString(fs.Output(), "flags:\n")
			fs.PrintDefaults()
		}
	}
	return fs
}

// shortUsage prints the synopsis of a flag set's usage, without its flags,
// and where to find them: what follows a usage error.
func shortUsage(fs *flag.FlagSet, full func()) {
	out := fs.Output()
	var b strings.Builder
	fs.SetOutput(&b)
	full()
	fs.SetOutput(out)
	text, _, hasFlags := strings.Cut(b.String(), "flags:\n")
	if synopsis, _, described := strings.Cut(text, "\n\n"); described {
		text, hasFlags = synopsis+"\n", true
	}
	io.WriteString(out, text)
	if hasFlags {
		fmt.Fprintf(out, "('ringfence %s --help' lists the flags)\n", strings.Fields(fs.Name())[0])
	}
}

// asksHelp says whether args ask for help before any "--".
func asksHelp(args []string) bool {
	for _, a := range args {
		switch a {
		case "--":
			return false
		case "-h", "-help", "--help":
			return true
		}
	}
	return false
}

func hasFlags(fs *flag.FlagSet) bool {
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	return n > 0
}

// stringList is a repeatable string flag.
type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

// onlyFlags refuses a flag given on the command line that verb does not
// take (--data it always takes): an ignored flag would look obeyed. ok is
// false, with the exit code, when one was given.
func (c *cli) onlyFlags(fs *flag.FlagSet, verb string, takes ...string) (code int, ok bool) {
	var bad []string
	fs.Visit(func(f *flag.Flag) {
		// --data, --store and --log name where the state is, for any verb
		// that has them (storeFlag adds --store and --log together).
		if f.Name != "data" && f.Name != "store" && f.Name != "log" && !slices.Contains(takes, f.Name) {
			bad = append(bad, "--"+f.Name)
		}
	})
	if len(bad) == 0 {
		return exitOK, true
	}
	what := "only --data"
	if len(takes) > 0 {
		what = "--" + strings.Join(takes, ", --") + " and --data"
	}
	return c.usageError(fs, "%s does not apply to %q (it takes %s)", strings.Join(bad, ", "), "ringfence "+verb, what), false
}
