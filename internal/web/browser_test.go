package web

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// newBrowser starts Debian's headless Chromium for a page test.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("chromium is not installed; .ci/run installs it")
		}
		t.Skip("chromium not installed (make browser installs it)")
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck, chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-quic", true), chromedp.WindowSize(1200, 900),
	}
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel2 := chromedp.NewContext(actx)
	t.Cleanup(cancel2)
	ctx, cancel3 := context.WithTimeout(ctx, 60*time.Second)
	t.Cleanup(cancel3)
	return ctx
}

// TestBrowserLogInSearchAndOpen walks an investigator through the pages in
// a real browser: the banner, log-in, the purpose of access, a phrase
// search with highlights, and a report.
func TestBrowserLogInSearchAndOpen(t *testing.T) {
	p := newTestPortal(t)
	p.addReports(
		report("CRIS/2024/R1", "The male put his hand over her mouth and pinned her against a wall."),
		report("R2", "Suspect posed as a minicab driver outside the club."),
	)
	ctx := newBrowser(t)
	step := func(steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatalf("browser: %v", err)
		}
	}
	get := func(a chromedp.Action[string]) string {
		t.Helper()
		v, err := chromedp.Run(ctx, a)
		if err != nil {
			t.Fatalf("browser: %v", err)
		}
		return v
	}
	step(chromedp.Navigate(p.URL+"/search"), // not logged in: sent to the log-in page
		chromedp.WaitVisible(`[data-testid=banner]`))
	banner := get(chromedp.Text(`[data-testid=banner]`))
	step(chromedp.SendKeys(`input[name=username]`, "ivy"),
		chromedp.SendKeys(`input[name=password]`, testPassword),
		chromedp.Click(`input[name=acknowledge]`),
		chromedp.Submit(`[data-testid=login-form]`),
		chromedp.WaitVisible(`[data-testid=purpose-input]`))
	purposeURL := get(chromedp.Location())
	step(chromedp.SendKeys(`[data-testid=purpose-input]`, "Op Lantern"),
		chromedp.Submit(`[data-testid=purpose-input]`),
		chromedp.WaitVisible(`[data-testid=q]`),
		chromedp.SendKeys(`[data-testid=q]`, `"hand over her mouth"`),
		chromedp.Submit(`[data-testid=q]`),
		chromedp.WaitVisible(`[data-testid=count]`))
	count := get(chromedp.Text(`[data-testid=count]`))
	hitHTML := get(chromedp.InnerHTML(`[data-testid=hits]`))
	step(chromedp.Click(`[data-testid=hit] a`), chromedp.WaitVisible(`[data-testid=narrative]`))
	narrative := get(chromedp.Text(`[data-testid=narrative]`))
	title := get(chromedp.Title())
	if !strings.Contains(banner, "monitored and audited") {
		t.Errorf("banner = %q", banner)
	}
	if !strings.Contains(purposeURL, "/purpose") {
		t.Errorf("after log-in the browser was at %s, want the purpose form", purposeURL)
	}
	if count != "1 reports match" || !strings.Contains(hitHTML, "<mark>mouth</mark>") || strings.Contains(hitHTML, "R2") {
		t.Errorf("results: %q %s", count, hitHTML)
	}
	if !strings.Contains(narrative, "pinned her against a wall") || !strings.HasPrefix(title, "CRIS/2024/R1") {
		t.Errorf("report page: %q %q", title, narrative)
	}
	if os.Getenv("PORTAL_SCREENSHOT") != "" {
		step(chromedp.Navigate(p.URL+"/search?q=minicab"), chromedp.WaitVisible(`[data-testid=hits]`))
		png, _ := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		os.WriteFile(os.Getenv("PORTAL_SCREENSHOT"), png, 0o644)
	}
}
