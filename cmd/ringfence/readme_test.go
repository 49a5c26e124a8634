package main

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestReadmeExamples runs every example under the README's "Capabilities"
// heading, as a new user would type them from the repository's root, in a
// fresh directory holding only the demo dataset: each command must succeed,
// and where the README shows a command's output ("$ command" followed by
// output lines) the output must be exactly that. Commands that need a
// server (curl, sipp) run after the others against the README's own
// "ringfence serve" line, on free local ports.
func TestReadmeExamples(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("bash not installed")
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	steps := readmeSteps(t, string(readme))
	if len(steps) < 30 {
		t.Fatalf("only %d README steps found", len(steps))
	}

	work := t.TempDir()
	bin := t.TempDir()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	wrapper := fmt.Sprintf("#!/bin/sh\nRINGFENCE_TEST_MAIN=1 exec %q \"$@\"\n", self)
	if err := os.WriteFile(filepath.Join(bin, "ringfence"), []byte(wrapper), 0o755); err != nil {
		t.Fatal(err)
	}
	// The README's commands name files relative to the repository's root.
	for _, name := range []string{"examples", "sip"} {
		if err := os.Symlink(filepath.Join(root, name), filepath.Join(work, name)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := os.Stat(ftcFile); err == nil {
		abs, _ := filepath.Abs(ftcFile)
		if err := os.Symlink(abs, filepath.Join(work, filepath.Base(ftcFile))); err != nil {
			t.Fatal(err)
		}
	} else if os.Getenv("CI") != "" {
		t.Fatalf("the FTC file the README imports is missing: %v", err)
	}
	env := append(os.Environ(), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"), "RINGFENCE_DATA=", "LANG=C.UTF-8")
	if out, err := runIn(work, env, "ringfence demo"); err != nil {
		t.Fatalf("ringfence demo: %v\n%s", err, out)
	}
	env = append(env, demoKeyEnv(t, filepath.Join(work, "ringfence-data", demoKeysFile))...)

	var offline, online []readmeStep
	var serve string
	for _, s := range steps {
		switch {
		case strings.HasPrefix(s.cmd, "go "), strings.HasPrefix(s.cmd, "bench/"):
			// Set-up and benchmarks are run elsewhere.
		case strings.HasPrefix(s.cmd, "ringfence serve"):
			if serve != "" {
				t.Fatalf("README line %d: a second serve command; the test starts one server", s.line)
			}
			serve = s.cmd
		case strings.HasPrefix(s.cmd, "sipp ") && !haveSipp():
			t.Logf("README line %d: sipp is not installed (Debian package sip-tester); not run", s.line)
		case strings.HasPrefix(s.cmd, "curl "), strings.HasPrefix(s.cmd, "sipp "):
			online = append(online, s)
		default:
			offline = append(offline, s)
		}
	}
	runSteps(t, work, env, offline, nil)

	if serve == "" {
		t.Fatal("README has no ringfence serve example")
	}
	httpAddr, sipPort := freeTCP(t), freeUDPAndTCPPort(t)
	subst := strings.NewReplacer("127.0.0.1:8080", httpAddr, "127.0.0.1:5060", "127.0.0.1:"+sipPort)
	cmd := exec.Command("bash", "-c", "exec "+subst.Replace(serve)+" --http "+httpAddr)
	cmd.Dir, cmd.Env = work, env
	logName := filepath.Join(t.TempDir(), "serve.log")
	serveLog, err := os.Create(logName)
	if err != nil {
		t.Fatal(err)
	}
	defer serveLog.Close()
	cmd.Stdout, cmd.Stderr = serveLog, serveLog
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	waitHealthy(t, "http://"+httpAddr+"/healthz", logName)
	runSteps(t, work, env, online, subst)
}

// haveSipp says whether SIPp is installed; CI installs it and must run it.
func haveSipp() bool {
	_, err := exec.LookPath("sipp")
	return err == nil || os.Getenv("CI") != ""
}

// readmeStep is one command of the README with the output shown for it.
type readmeStep struct {
	line   int      // line of the README
	cmd    string   // the command, without its prompt or trailing comment
	want   []string // output lines shown after a "$ " command
	prompt bool     // shown with "$ ": its output (possibly none) is checked
}

// readmeSteps reads the shell blocks between "## Capabilities" and the
// next second-level heading.
func readmeSteps(t *testing.T, readme string) []readmeStep {
	var steps []readmeStep
	in, block := false, false
	sc := bufio.NewScanner(strings.NewReader(readme))
	for n := 1; sc.Scan(); n++ {
		l := sc.Text()
		switch {
		case strings.HasPrefix(l, "## "):
			in = l == "## Capabilities"
			continue
		case !in:
			continue
		case strings.HasPrefix(l, "```"):
			block = !block && strings.TrimPrefix(l, "```") == "sh"
			continue
		case !block || strings.TrimSpace(l) == "":
			continue
		}
		prompt := strings.HasPrefix(l, "$ ")
		switch {
		case prompt:
			steps = append(steps, readmeStep{line: n, cmd: stripComment(l[2:]), prompt: true})
		case strings.HasPrefix(strings.TrimSpace(l), "#"):
			// A comment, or output shown for a command run without "$".
		case len(steps) > 0 && steps[len(steps)-1].prompt && !looksLikeCommand(l):
			steps[len(steps)-1].want = append(steps[len(steps)-1].want, strings.TrimRight(l, " "))
		default:
			steps = append(steps, readmeStep{line: n, cmd: stripComment(l)})
		}
	}
	return steps
}

var commandStart = regexp.MustCompile(`^(ringfence|curl|sipp|go|bench/|[A-Za-z_]+=|head|cp|cat|printf|echo) ?`)

func looksLikeCommand(l string) bool { return commandStart.MatchString(l) }

// stripComment drops a trailing "  # comment" outside quotes.
func stripComment(l string) string {
	var q rune
	for i, r := range l {
		switch {
		case q != 0:
			if r == q {
				q = 0
			}
		case r == '"' || r == '\'':
			q = r
		case r == '#' && i > 0 && (l[i-1] == ' ' || l[i-1] == '\t'):
			return strings.TrimSpace(l[:i])
		}
	}
	return strings.TrimSpace(l)
}

// runSteps runs the steps in one bash process, so shell variables set by
// one step are seen by the next, and checks each step's exit code and, for
// "$ " steps, its output.
func runSteps(t *testing.T, dir string, env []string, steps []readmeStep, subst *strings.Replacer) {
	t.Helper()
	var script strings.Builder
	script.WriteString("set -o pipefail\ncurl() { command curl -fsS \"$@\"; }\n")
	for i, s := range steps {
		cmd := s.cmd
		if subst != nil {
			cmd = subst.Replace(cmd)
		}
		// eval: a step that does not parse fails alone.
		quoted := "'" + strings.ReplaceAll(cmd, "'", `'\''`) + "'"
		fmt.Fprintf(&script, "printf '\\n@@step %d@@\\n'\neval %s\nprintf '\\n@@rc %d %%d@@\\n' $?\n", i, quoted, i)
	}
	c := exec.Command("bash", "-c", script.String())
	c.Dir, c.Env = dir, env
	var stderr bytes.Buffer
	c.Stderr = &stderr
	out, err := c.Output()
	if err != nil {
		t.Fatalf("README script: %v\n%s", err, stderr.String())
	}
	got := splitSteps(string(out))
	for i, s := range steps {
		r, ok := got[i]
		if !ok {
			t.Errorf("README line %d: %s: did not run", s.line, s.cmd)
			continue
		}
		if r.rc != 0 {
			t.Errorf("README line %d: %s: exit %d\n%s", s.line, s.cmd, r.rc, r.out)
			continue
		}
		if s.prompt && len(s.want) > 0 {
			if want := strings.Join(s.want, "\n"); r.out != want {
				t.Errorf("README line %d: %s\n--- README shows\n%s\n--- got\n%s", s.line, s.cmd, want, r.out)
			}
		}
	}
	if t.Failed() {
		t.Logf("stderr of the README script:\n%s", stderr.String())
	}
}

type stepResult struct {
	out string
	rc  int
}

var stepMark = regexp.MustCompile(`(?m)^@@(step|rc) (\d+)(?: (\d+))?@@$`)

func splitSteps(out string) map[int]stepResult {
	res := map[int]stepResult{}
	marks := stepMark.FindAllStringSubmatchIndex(out, -1)
	for k, m := range marks {
		if out[m[2]:m[3]] != "step" || k+1 >= len(marks) {
			continue
		}
		next := marks[k+1]
		if out[next[2]:next[3]] != "rc" {
			continue
		}
		var i, rc int
		fmt.Sscan(out[m[4]:m[5]], &i)
		fmt.Sscan(out[next[6]:next[7]], &rc)
		body := strings.TrimSuffix(strings.TrimPrefix(out[m[1]:next[0]], "\n"), "\n")
		lines := strings.Split(strings.TrimRight(body, "\n"), "\n")
		for j := range lines {
			lines[j] = strings.TrimRight(lines[j], " ")
		}
		res[i] = stepResult{out: strings.Join(lines, "\n"), rc: rc}
	}
	return res
}

// demoKeyEnv turns the demo's keys into the variables the README's curl
// lines use: KEY (the carrier's, which may apply a subscriber's rules) and
// ROLE_KEY for every role.
func demoKeyEnv(t *testing.T, file string) []string {
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var env []string
	for _, l := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
		f := strings.Fields(l)
		if len(f) < 2 {
			t.Fatalf("demo key line %q", l)
		}
		env = append(env, strings.ToUpper(f[0])+"_KEY="+f[1])
		if f[0] == "carrier" {
			env = append(env, "KEY="+f[1])
		}
	}
	return env
}

func runIn(dir string, env []string, line string) ([]byte, error) {
	c := exec.Command("bash", "-c", line)
	c.Dir, c.Env = dir, env
	return c.CombinedOutput()
}

func freeTCP(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// freeUDPAndTCPPort finds a port free for both UDP and TCP on 127.0.0.1.
func freeUDPAndTCPPort(t *testing.T) string {
	for range 50 {
		u, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		_, port, _ := net.SplitHostPort(u.LocalAddr().String())
		l, err := net.Listen("tcp", "127.0.0.1:"+port)
		u.Close()
		if err == nil {
			l.Close()
			return port
		}
	}
	t.Fatal("no port free for both UDP and TCP")
	return ""
}

func waitHealthy(t *testing.T, url, logName string) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get(url); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	log, _ := os.ReadFile(logName)
	t.Fatalf("server never became healthy:\n%s", log)
}
