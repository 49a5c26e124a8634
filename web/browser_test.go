package web

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"golang.org/x/text/encoding/simplifiedchinese"
)

var updateScreenshots = flag.Bool("update-screenshots", false, "write a screenshot of every console page, in Chinese and English, to docs/screenshots/")

// hostile is a note a user might write to attack other users' pages.
const hostile = `<img src=x onerror=alert(1)>`

// maxPageWeight is the most a page's first load may transfer before charts.
const maxPageWeight = 150 << 10

// server is a real ringfence serve --demo on 127.0.0.1, port 0.
type server struct {
	base string
	keys map[string]string // role → secret
	dir  string
}

func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "headless-shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("chromium is not installed (CI must have it: apt-get install -y chromium)")
	}
	t.Skip("chromium is not installed; the browser tests need it (apt-get install -y chromium)")
	return ""
}

// startServer builds ringfence and runs serve --demo in a temporary data
// directory until the test ends.
func startServer(t *testing.T) *server {
	t.Helper()
	dir := t.TempDir()
	bin := filepath.Join(dir, "ringfence")
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the browser tests build ringfence with go: %v", err)
	}
	if out, err := exec.Command(gobin, "build", "-o", bin, "ringfence/cmd/ringfence").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	data := filepath.Join(dir, "data")
	cmd := exec.Command(bin, "serve", "--demo", "--data", data, "--http", "127.0.0.1:0")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serve exited with %v", err)
			}
		case <-time.After(15 * time.Second):
			cmd.Process.Kill()
			t.Error("serve did not stop within 15 s of an interrupt")
		}
	})
	addr := make(chan string, 1)
	go func() {
		re := regexp.MustCompile(`msg="ringfence serving" http=(http://\S+)`)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				addr <- m[1]
			}
		}
	}()
	s := &server{keys: map[string]string{}, dir: dir}
	select {
	case s.base = <-addr:
	case <-time.After(90 * time.Second):
		t.Fatal("serve --demo did not start within 90 s")
	}
	keys, err := os.ReadFile(filepath.Join(data, "demo-keys.txt"))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(keys), "\n") {
		if f := strings.Fields(line); len(f) >= 2 {
			s.keys[f[0]] = f[1]
		}
	}
	return s
}

// api calls the API as role and decodes the answer into out (if not nil).
func (s *server) api(t *testing.T, role, method, path, ctype string, body []byte, out any) {
	t.Helper()
	req, err := http.NewRequest(method, s.base+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+s.keys[role])
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode >= 300 {
		t.Fatalf("%s %s as %s: %d %s", method, path, role, res.StatusCode, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
	}
}

func jsonBody(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}

// cdrs are call records: one robocaller dialling in sequence, and twenty
// callers hammering callee within minutes.
func cdrs(caller, callee string, at time.Time) []byte {
	var b strings.Builder
	b.WriteString("caller,callee,start_time,duration_s,answered\n")
	for i := range 300 {
		ans := i%5 == 0
		d := 0
		if ans {
			d = 20
		}
		fmt.Fprintf(&b, "%s,1860000%04d,%s,%d,%v\n", caller, i, at.Add(time.Duration(30*i)*time.Second).UTC().Format(time.RFC3339), d, ans)
	}
	for i := range 40 {
		fmt.Fprintf(&b, "1370000%04d,%s,%s,0,false\n", i, callee, at.Add(time.Hour+time.Duration(10*i)*time.Second).UTC().Format(time.RFC3339))
	}
	return []byte(b.String())
}

// tab is one browser tab signed in as one role, watching for console
// errors, dialogs, downloads and the bytes each page load transfers.
type tab struct {
	t      *testing.T
	ctx    context.Context
	base   string
	mu     sync.Mutex
	errs   []string
	dlg    []string
	urls   map[network.RequestID]string
	size   map[string]float64 // URL → bytes transferred since the last visit
	done   chan string        // GUIDs of completed downloads
	dl     string             // download directory
	role   string
	mobile bool
}

func newTab(t *testing.T, parent context.Context, base, role string, mobile bool) *tab {
	// A browser context of its own: no cookie of another role's tab.
	ctx, cancel := chromedp.NewContext(parent, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	ctx, cancel = context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(cancel)
	tb := &tab{t: t, ctx: ctx, base: base, urls: map[network.RequestID]string{}, size: map[string]float64{},
		done: make(chan string, 4), dl: t.TempDir(), role: role, mobile: mobile}
	err := chromedp.Listen(ctx, func(ev any) {
		switch e := ev.(type) {
		case *page.EventJavascriptDialogOpening:
			tb.mu.Lock()
			tb.dlg = append(tb.dlg, e.Message)
			tb.mu.Unlock()
		case *network.EventResponseReceived:
			tb.mu.Lock()
			tb.urls[e.RequestID] = e.Response.URL
			tb.mu.Unlock()
		case *network.EventLoadingFinished:
			tb.mu.Lock()
			if u, ok := tb.urls[e.RequestID]; ok {
				tb.size[u] += e.EncodedDataLength
			}
			tb.mu.Unlock()
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	err = chromedp.ListenBrowser(ctx, func(ev any) {
		if e, ok := ev.(*browser.EventDownloadProgress); ok && e.State == browser.DownloadProgressStateCompleted {
			select {
			case tb.done <- e.GUID:
			default:
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		for m, err := range chromedp.Console(ctx) {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.Type == chromedp.ConsoleException {
				tb.mu.Lock()
				tb.errs = append(tb.errs, m.Text)
				tb.mu.Unlock()
			}
		}
	}()
	width, height := int64(1200), int64(900)
	if mobile {
		width, height = 360, 780
	}
	tb.do(
		chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
				return err
			}
			if _, err := chromedp.Call(ctx, network.SetCacheDisabled, network.SetCacheDisabledParams{CacheDisabled: true}); err != nil {
				return err
			}
			if _, err := chromedp.Call(ctx, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{Headers: network.Headers{"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"}}); err != nil {
				return err
			}
			ev := true
			_, err := chromedp.CallBrowser(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
				Behavior: browser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: tb.dl, EventsEnabled: &ev,
				BrowserContextID: chromedp.FromContext(ctx).BrowserContextID})
			return err
		}),
		chromedp.EmulateViewport(width, height),
	)
	return tb
}

func (tb *tab) do(steps ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	if err := chromedp.Do(tb.ctx, steps...); err != nil {
		tb.t.Fatal(err)
	}
}

func (tb *tab) eval(js string, out any) {
	tb.t.Helper()
	v, err := chromedp.Run(tb.ctx, chromedp.Evaluate[json.RawMessage](js, chromedp.EvalAwaitPromise))
	if err != nil {
		tb.t.Fatalf("%s: %v", js, err)
	}
	if err := json.Unmarshal(v, out); err != nil {
		tb.t.Fatalf("%s: %v", js, err)
	}
}

func (tb *tab) text(sel string) string {
	tb.t.Helper()
	s, err := chromedp.Run(tb.ctx, chromedp.TextContent(chromedp.CSS(sel)))
	if err != nil {
		tb.t.Fatalf("%s: %v", sel, err)
	}
	return strings.TrimSpace(s)
}

// visit opens path as a first load (the cache is off), logs the bytes it
// transferred, and fails over maxPageWeight before charts.
func (tb *tab) visit(path, waitFor string) {
	tb.t.Helper()
	tb.mu.Lock()
	clear(tb.size)
	tb.mu.Unlock()
	tb.do(chromedp.Navigate(tb.base+path), chromedp.WaitVisible(chromedp.CSS(waitFor)))
	tb.weigh(path)
	tb.labelled(path)
	tb.shot(path)
}

// labelled fails on a control that has no label a screen reader can read.
func (tb *tab) labelled(path string) {
	tb.t.Helper()
	var bare []string
	tb.eval(`Array.from(document.querySelectorAll("input:not([type=hidden]), select, textarea, button")).filter(e =>
		e.tagName === "BUTTON" ? !(e.textContent.trim() || e.getAttribute("aria-label")) :
		!((e.labels && e.labels.length) || e.getAttribute("aria-label"))).map(e => e.outerHTML.slice(0, 100))`, &bare)
	for _, b := range bare {
		tb.t.Errorf("%s: a control without a label: %s", path, b)
	}
}

func (tb *tab) weigh(path string) {
	tb.t.Helper()
	// Resources still loading (a chart library) finish before the
	// document's load event, which Navigate waits for.
	tb.mu.Lock()
	defer tb.mu.Unlock()
	var total, charts float64
	for u, n := range tb.size {
		total += n
		if strings.Contains(u, "echarts") {
			charts += n
		}
	}
	tb.t.Logf("page weight %-10s %-22s %6.1f KB before charts, %6.1f KB with charts", tb.role, path, (total-charts)/1024, total/1024)
	if total-charts > maxPageWeight {
		tb.t.Errorf("%s: first load transfers %.0f bytes before charts, more than %d", path, total-charts, maxPageWeight)
	}
}

var shotName = regexp.MustCompile(`[^a-z0-9]+`)

// shot writes screenshots of the page open now in both languages when
// -update-screenshots is given.
// shotMaxHeight is the tallest screenshot, in CSS pixels.
const shotMaxHeight = 1600

func (tb *tab) shot(path string) {
	tb.t.Helper()
	if !*updateScreenshots {
		return
	}
	name := tb.role + "-" + strings.Trim(shotName.ReplaceAllString(strings.SplitN(path, "?", 2)[0], "-"), "-")
	if path == "/" {
		name = "signin"
	}
	dir := filepath.Join("..", "docs", "screenshots")
	os.MkdirAll(dir, 0o755)
	for _, lang := range []string{"zh-CN", "en"} {
		tb.do(chromedp.Navigate(tb.base + "/lang?to=" + lang + "&back=" + urlPath(path)))
		tb.do(chromedp.Sleep(300 * time.Millisecond)) // charts draw after load
		// The whole page, cut at shotMaxHeight so that long lists (the
		// demo's flags) keep the files small.
		var size struct{ W, H float64 }
		tb.eval(`({W: document.documentElement.scrollWidth, H: document.documentElement.scrollHeight})`, &size)
		b, err := chromedp.Run(tb.ctx, func(ctx context.Context, t *chromedp.Target) ([]byte, error) {
			q, yes := int64(70), true
			r, err := cdp.Call(ctx, t, page.CaptureScreenshot, page.CaptureScreenshotParams{
				CaptureBeyondViewport: &yes, FromSurface: &yes, Format: page.CaptureScreenshotFormatJpeg, Quality: &q,
				Clip: &page.Viewport{Width: size.W, Height: min(size.H, shotMaxHeight), Scale: 1},
			})
			if err != nil {
				return nil, err
			}
			return r.Data, nil
		})
		if err != nil {
			tb.t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name+"."+lang+".jpg"), b, 0o644); err != nil {
			tb.t.Fatal(err)
		}
	}
	tb.do(chromedp.Navigate(tb.base + "/lang?to=zh-CN&back=" + urlPath(path)))
}

func urlPath(p string) string {
	return strings.NewReplacer("&", "%26", "?", "%3F", "=", "%3D").Replace(p)
}

// noFit fails when the page scrolls sideways on a phone.
func (tb *tab) fits(path string) {
	tb.t.Helper()
	if !tb.mobile {
		return
	}
	var w int
	tb.eval(`document.documentElement.scrollWidth`, &w)
	if w > 360 {
		tb.t.Errorf("%s is %d px wide on a 360 px screen", path, w)
	}
}

// clean fails on console errors or dialogs seen so far.
func (tb *tab) clean() {
	tb.t.Helper()
	tb.mu.Lock()
	defer tb.mu.Unlock()
	for _, e := range tb.errs {
		tb.t.Errorf("console error: %s", e)
	}
	for _, d := range tb.dlg {
		tb.t.Errorf("a dialog opened: %q", d)
	}
}

// download waits for the download a step starts and returns its bytes.
func (tb *tab) download(step chromedp.Action[chromedp.Void]) []byte {
	tb.t.Helper()
	tb.do(step)
	select {
	case guid := <-tb.done:
		b, err := os.ReadFile(filepath.Join(tb.dl, guid))
		if err != nil {
			tb.t.Fatal(err)
		}
		return b
	case <-time.After(20 * time.Second):
		tb.t.Fatal("no download within 20 s")
	}
	return nil
}

func (tb *tab) signIn(key, landing string) {
	tb.t.Helper()
	tb.visit("/", "#key")
	if h := tb.text("h1"); h != "登录" {
		tb.t.Errorf("the sign-in page says %q, want 登录 (Chinese by default)", h)
	}
	tb.do(chromedp.SendKeys(chromedp.CSS("#key"), key), chromedp.Click(chromedp.CSS("#signin")), chromedp.WaitVisible(chromedp.CSS(landing)))
}

func (tb *tab) signOut() {
	tb.t.Helper()
	tb.do(chromedp.Click(chromedp.CSS("#signout")), chromedp.WaitVisible(chromedp.CSS("#key")))
	// The session is gone: a page sends the visitor back to sign in.
	tb.do(chromedp.Navigate(tb.base+"/lookup"), chromedp.WaitVisible(chromedp.CSS("#key")))
	tb.clean()
}

func TestBrowser(t *testing.T) {
	chrome := chromiumPath(t)
	start := time.Now()
	srv := startServer(t)
	t.Logf("serve --demo ready in %v", time.Since(start).Round(100*time.Millisecond))

	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chrome), chromedp.NoSandbox, chromedp.DisableGPU)
	alloc, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	bctx, cancel := chromedp.NewContext(alloc)
	defer cancel()
	ctx, cancel := context.WithTimeout(bctx, 3*time.Minute)
	defer cancel()
	if err := chromedp.Do(ctx); err != nil { // start the browser
		t.Fatal(err)
	}

	// Besides the demo's own flags, appeals, aliases and export: more
	// pool numbers, a robocaller's call records, an appeal with a hostile
	// reason.
	var pool []string
	for i := range 40 {
		pool = append(pool, fmt.Sprintf("+861709000%04d", i))
	}
	srv.api(t, "operator", "POST", "/v1/alias-pool", "application/json", jsonBody(map[string]any{"numbers": pool, "quarantine": "0s", "null_share": 0.1}), nil)
	srv.api(t, "carrier", "POST", "/v1/cdrs", "text/csv", cdrs("13912345678", "13800000111", time.Now().Add(-3*time.Hour)), nil)
	var appeal struct{ ID int64 }
	srv.api(t, "reporter", "POST", "/v1/appeals", "application/json", jsonBody(map[string]string{
		"number": "16512340000", "business": "某某公司", "contact": "020-12345678", "reason": hostile}), &appeal)

	var salted []byte
	t.Run("subscriber", func(t *testing.T) {
		tb := newTab(t, ctx, srv.base, "subscriber", true)
		tb.signIn(srv.keys["subscriber"], "#number")
		// The demo's data: two aliases, one called by a stranger, and
		// calls screened over the last days, with reasons in Chinese.
		tb.visit("/aliases", ".alias")
		if got := tb.text("main"); !strings.Contains(got, "陌生来电（泄露）") || !strings.Contains(got, "某电商平台") {
			t.Errorf("the demo's aliases and leak are not shown: %.300q", got)
		}
		var leaks int
		tb.eval(`document.querySelectorAll('a[href^="/evidence/leak-"]').length`, &leaks)
		if leaks < 1 {
			t.Errorf("the demo's leak has no evidence download")
		}
		tb.visit("/calls", "#calls")
		var rows int
		tb.eval(`document.querySelectorAll("#calls tbody tr").length`, &rows)
		calls := tb.text("#calls tbody")
		if rows < 10 || !strings.Contains(calls, "拦截") || !strings.Contains(calls, "众包举报") {
			t.Errorf("the demo's screened calls: %d rows, %.300q", rows, calls)
		}
		if m := english.FindString(calls); m != "" {
			t.Errorf("the Chinese calls page keeps the English %q", m)
		}
		// The demo's quiet hours block every stranger at night: turn
		// them off so that the rule below is what changes the verdict.
		tb.visit("/rules", "#pattern")
		tb.fits("/rules")
		tb.do(chromedp.SetValue(chromedp.CSS("#quiet_from"), ""), chromedp.SetValue(chromedp.CSS("#quiet_to"), ""),
			chromedp.Click(chromedp.CSS("#save-settings")), chromedp.WaitVisible(chromedp.CSS(".flash")))
		var quiet string
		tb.eval(`document.querySelector("#quiet_from").value`, &quiet)
		if quiet != "" {
			t.Fatalf("quiet hours still start at %q", quiet)
		}
		// Look the number up by keyboard alone: Tab reaches the skip
		// link first, Enter in the field submits (htmx swaps the
		// result in).
		tb.visit("/lookup", "#number")
		tb.do(chromedp.KeyEvent("\t"))
		var focused string
		tb.eval(`document.activeElement.className`, &focused)
		if focused != "skip" {
			t.Errorf("the first Tab focuses %q, want the skip link", focused)
		}
		var htmx string
		tb.eval(`typeof htmx`, &htmx)
		if htmx != "object" {
			t.Errorf("htmx did not load (typeof htmx: %s)", htmx)
		}
		tb.do(chromedp.SendKeys(chromedp.CSS("#number"), "17012345000\r"), chromedp.WaitVisible(chromedp.CSS("#verdict-action")))
		tb.fits("/lookup")
		if before := tb.text("#verdict-action"); before != "放行" {
			t.Fatalf("17012345000 (a courier) is %q before any rule, want 放行", before)
		}
		// Block it by a rule; its verdict changes.
		tb.visit("/rules", "#pattern")
		tb.do(chromedp.SendKeys(chromedp.CSS("#pattern"), "17012345000"), chromedp.SetValue(chromedp.CSS("#action"), "block"),
			chromedp.SendKeys(chromedp.CSS("#note"), hostile), chromedp.Click(chromedp.CSS("#add-entry")), chromedp.WaitVisible(chromedp.CSS(".flash")))
		if got := tb.text("#entries"); !strings.Contains(got, "+8617012345000") || !strings.Contains(got, hostile) {
			t.Errorf("the new rule is not listed with its note as text: %q", got)
		}
		tb.visit("/lookup?number=17012345000", "#verdict-action")
		if after := tb.text("#verdict-action"); after != "拦截" {
			t.Errorf("after a block rule 17012345000 is %q, want 拦截", after)
		}
		if r := tb.text("#reasons"); !strings.Contains(r, "17012345000") {
			t.Errorf("the reasons do not name the rule: %q", r)
		}
		// An alias for a merchant, a stranger's call to it, the evidence.
		tb.visit("/aliases", "#merchant")
		tb.do(chromedp.SendKeys(chromedp.CSS("#merchant"), "广州某4S店"), chromedp.SendKeys(chromedp.CSS("#merchant_numbers"), "020-88888888"),
			chromedp.Click(chromedp.CSS("#new-alias")), chromedp.WaitVisible(chromedp.CSS(".flash")))
		var aliases struct {
			Aliases []struct{ Alias, Merchant string } `json:"aliases"`
		}
		srv.api(t, "subscriber", "GET", "/v1/aliases", "", nil, &aliases)
		i := slices.IndexFunc(aliases.Aliases, func(a struct{ Alias, Merchant string }) bool { return a.Merchant == "广州某4S店" })
		if i < 0 {
			t.Fatalf("the new alias is not listed: %+v", aliases)
		}
		var routed struct {
			Results []struct {
				Leak  bool
				Error string
			}
		}
		srv.api(t, "carrier", "POST", "/v1/calls", "application/json", jsonBody(map[string]any{"calls": []map[string]any{{
			"caller": "13333333333", "callee": aliases.Aliases[i].Alias, "at": time.Now().Format(time.RFC3339Nano), "duration_s": 30, "answered": true}}}), &routed)
		if len(routed.Results) != 1 || !routed.Results[0].Leak {
			t.Fatalf("a stranger's call to the alias: %+v", routed)
		}
		tb.visit("/aliases", ".alias")
		tb.fits("/aliases")
		var zip string
		tb.eval(`fetch(document.querySelector('a[href^="/evidence/leak-"]').href).then(r => r.status + ":" + r.headers.get("Content-Type") + ":" + r.headers.get("Content-Disposition"))`, &zip)
		if !strings.HasPrefix(zip, "200:application/zip:attachment") {
			t.Errorf("the leak's evidence download: %s", zip)
		}
		tb.visit("/calls", "#calls")
		tb.fits("/calls")
		tb.visit("/verify", "#bundle")
		tb.signOut()
	})

	t.Run("operator", func(t *testing.T) {
		tb := newTab(t, ctx, srv.base, "operator", false)
		tb.signIn(srv.keys["operator"], "#flags")
		tb.visit("/flags", "#chart-flags svg")
		var drawn string
		tb.eval(`document.querySelector("#chart-flags").getAttribute("data-drawn")`, &drawn)
		if drawn == "" || drawn == "0" {
			t.Errorf("the flags chart drew %q flags", drawn)
		}
		tb.eval(`document.querySelector("#chart-verdicts").getAttribute("data-drawn")`, &drawn)
		if drawn == "" {
			t.Errorf("the verdicts chart was not drawn")
		}
		flagRows := tb.text("#flags tbody")
		if !strings.Contains(flagRows, "+8613912345678") {
			t.Errorf("the robocaller's flag is not listed: %.300q", flagRows)
		}
		// The demo's flags, from a simulated day, with reasons in Chinese.
		var nflags int
		tb.eval(`document.querySelectorAll("#flags tbody tr").length`, &nflags)
		if nflags < 10 || !strings.Contains(flagRows, "检测到") {
			t.Errorf("the demo's flags: %d rows, %.300q", nflags, flagRows)
		}
		if m := english.FindString(flagRows); m != "" {
			t.Errorf("the Chinese flags page keeps the English %q", m)
		}
		// A flag raised now arrives live.
		tb.do(chromedp.WaitVisible(chromedp.CSS("#live.on")))
		srv.api(t, "carrier", "POST", "/v1/cdrs", "text/csv", cdrs("13912340000", "13800000222", time.Now().Add(-2*time.Hour)), nil)
		tb.do(chromedp.WaitVisible(chromedp.CSS("#flags tbody tr.new")))
		if got := tb.text("#flags tbody tr.new"); !strings.Contains(got, "+86") {
			t.Errorf("the live row: %q", got)
		}
		// The appeal: its hostile reason is text; accepting lifts the label.
		tb.visit("/lookup?number=16512340000", "#verdict-action")
		if v := tb.text("#verdict-action"); v == "放行" {
			t.Fatalf("16512340000 is %q before the appeal; the demo labels it", v)
		}
		tb.visit("/appeals", fmt.Sprintf("#appeal-%d", appeal.ID))
		var pending int
		tb.eval(`document.querySelectorAll("section.appeal").length`, &pending)
		if pending < 3 {
			t.Errorf("%d appeals pending; want the demo's and the test's", pending)
		}
		if got := tb.text(fmt.Sprintf("#appeal-%d .note", appeal.ID)); got != hostile {
			t.Errorf("the appeal's reason shows as %q, want the text %q", got, hostile)
		}
		var imgs int
		tb.eval(`document.querySelectorAll("main img").length`, &imgs)
		if imgs != 0 {
			t.Errorf("the hostile note made %d img elements", imgs)
		}
		tb.do(chromedp.SendKeys(chromedp.CSS(fmt.Sprintf("#note-%d", appeal.ID)), hostile),
			chromedp.Click(chromedp.CSS(fmt.Sprintf("#accept-%d", appeal.ID))), chromedp.WaitVisible(chromedp.CSS(".flash")))
		if got := tb.text("#decided"); !strings.Contains(got, hostile) || !strings.Contains(got, "已接受") {
			t.Errorf("the decided appeal: %q", got)
		}
		tb.visit("/lookup?number=16512340000", "#verdict-action")
		if v := tb.text("#verdict-action"); v != "放行" {
			t.Errorf("after the accepted appeal 16512340000 is %q, want 放行", v)
		}
		if r := tb.text("#reasons"); !strings.Contains(r, "申诉") {
			t.Errorf("the reasons do not name the appeal: %q", r)
		}
		tb.visit("/registry", "#registry")
		if got := tb.text("#registry"); !strings.Contains(got, "中国工商银行") {
			t.Errorf("the registry lacks the demo's bank: %q", got)
		}
		tb.visit("/pool", "#pool")
		tb.signOut()
	})

	t.Run("org", func(t *testing.T) {
		tb := newTab(t, ctx, srv.base, "org", false)
		tb.signIn(srv.keys["org"], "#list")
		tb.visit("/exports", "#exports")
		if got := tb.text("#exports"); !strings.Contains(got, "某保险代理公司") {
			t.Errorf("the demo's export is not listed: %.300q", got)
		}
		var in strings.Builder
		in.WriteString("姓名,手机,备注\n")
		for i := range 30 {
			fmt.Fprintf(&in, "客户%02d,1380013%04d,%s\n", i, i, hostile)
		}
		list := filepath.Join(t.TempDir(), "customers.csv")
		os.WriteFile(list, []byte(in.String()), 0o600)
		tb.do(chromedp.SetUploadFiles(chromedp.CSS("#list"), []string{list}), chromedp.SendKeys(chromedp.CSS("#recipient"), "保险公司B"),
			chromedp.SendKeys(chromedp.CSS("#canaries"), "5"))
		salted = tb.download(chromedp.Click(chromedp.CSS("#export")))
		rows, err := csv.NewReader(bytes.NewReader(salted)).ReadAll()
		if err != nil {
			t.Fatalf("the salted copy: %v", err)
		}
		canaries := 0
		for _, r := range rows[1:] {
			if !strings.HasPrefix(r[0], "客户") {
				canaries++
			}
		}
		if len(rows) != 1+30+5 || canaries != 5 {
			t.Errorf("the salted copy has %d rows, %d canaries; want 36 and 5", len(rows), canaries)
		}
		tb.visit("/exports", "#exports")
		if got := tb.text("#exports"); !strings.Contains(got, "保险公司B") {
			t.Errorf("the export is not listed: %q", got)
		}
		tb.visit("/deid", "#file")
		tb.do(chromedp.SetUploadFiles(chromedp.CSS("#file"), []string{list}))
		out := tb.download(chromedp.Click(chromedp.CSS("#deid")))
		if bytes.Contains(out, []byte("13800130007")) || !bytes.Contains(out, []byte("*")) {
			t.Errorf("the de-identified copy: %.200s", out)
		}
		tb.signOut()
	})

	t.Run("regulator", func(t *testing.T) {
		tb := newTab(t, ctx, srv.base, "regulator", false)
		tb.signIn(srv.keys["regulator"], "#chart-cat")
		tb.visit("/monthly", "#chart-cat svg")
		var drawn string
		tb.eval(`document.querySelector("#chart-cat").getAttribute("data-drawn")`, &drawn)
		if drawn == "" || drawn == "0" || tb.text("#total") == "0" {
			t.Errorf("the category chart drew %q reports (total %s)", drawn, tb.text("#total"))
		}
		if got := tb.text("#bycat"); !strings.Contains(got, "贷款理财") {
			t.Errorf("categories are not shown with their Chinese labels: %.200q", got)
		}
		var csvText string
		tb.eval(`fetch(document.querySelector("#csv").href).then(r => r.text())`, &csvText)
		if !strings.Contains(csvText, "category,loan,贷款理财,") {
			t.Errorf("the CSV: %.300q", csvText)
		}
		// The salted list found in the wild points at its recipient.
		if salted != nil {
			found := filepath.Join(t.TempDir(), "found.csv")
			os.WriteFile(found, salted, 0o600)
			tb.visit("/attribution", "#list")
			tb.do(chromedp.SetUploadFiles(chromedp.CSS("#list"), []string{found}), chromedp.Click(chromedp.CSS("#attribute")), chromedp.WaitVisible(chromedp.CSS("#attribution-result")))
			if m := english.FindString(tb.text("#attribution-result")); m != "" {
				t.Errorf("the Chinese attribution result keeps the English %q", m)
			}
			if got := tb.text("#candidates li"); !strings.Contains(got, "保险公司B") {
				t.Errorf("the best candidate: %q", got)
			}
			// The same list in GBK, as Chinese spreadsheets save it.
			gbk, err := simplifiedchinese.GBK.NewEncoder().Bytes(salted)
			if err != nil {
				t.Fatal(err)
			}
			foundGBK := filepath.Join(t.TempDir(), "found-gbk.csv")
			os.WriteFile(foundGBK, gbk, 0o600)
			tb.visit("/attribution", "#list")
			tb.do(chromedp.SetUploadFiles(chromedp.CSS("#list"), []string{foundGBK}), chromedp.Click(chromedp.CSS("#attribute")), chromedp.WaitVisible(chromedp.CSS("#attribution-result")))
			if got := tb.text("#candidates li"); !strings.Contains(got, "保险公司B") {
				t.Errorf("the best candidate of the GBK list: %q", got)
			}
			var caseID string
			tb.eval(`document.querySelector("#evidence").getAttribute("href").slice("/evidence/".length)`, &caseID)
			bundle := tb.download(chromedp.Click(chromedp.CSS("#evidence")))
			path := filepath.Join(t.TempDir(), caseID+".zip")
			os.WriteFile(path, bundle, 0o600)
			tb.visit("/verify", "#bundle")
			tb.do(chromedp.SetUploadFiles(chromedp.CSS("#bundle"), []string{path}), chromedp.Click(chromedp.CSS("#verify")), chromedp.WaitVisible(chromedp.CSS("#verify-result")))
			if got := tb.text("#verify-result .badge"); got != "核验通过" {
				t.Errorf("the bundle verifies as %q", got)
			}
			if facts := tb.text("#verify-facts"); !strings.Contains(facts, "证明的账本条目") || english.FindString(facts) != "" {
				t.Errorf("what the verification proved: %q", facts)
			}
		}
		tb.signOut()
	})

	// Every page of every role is usable on a phone: none scrolls
	// sideways at 360 px, none logs an error.
	t.Run("360 px", func(t *testing.T) {
		for _, role := range []struct{ name, landing string }{
			{"operator", "#flags"}, {"regulator", "#chart-cat"}, {"org", "#list"},
		} {
			tb := newTab(t, ctx, srv.base, role.name, true)
			tb.signIn(srv.keys[role.name], role.landing)
			var pages []string
			tb.eval(`Array.from(document.querySelectorAll("nav.menu a[href^='/']")).map(a => a.getAttribute("href"))`, &pages)
			if len(pages) < 3 {
				t.Errorf("%s: only %d pages in the menu", role.name, len(pages))
			}
			for _, p := range pages {
				tb.do(chromedp.Navigate(tb.base+p), chromedp.WaitVisible(chromedp.CSS("main")))
				tb.fits(role.name + " " + p)
			}
			tb.clean()
			tb.signOut()
		}
	})
	t.Logf("browser tests took %v", time.Since(start).Round(100*time.Millisecond))
}
