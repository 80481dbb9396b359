package install

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/neckwatch/neckwatch/internal/testenv"
)

// fake describes how the fake systemctl behaves. Zero values succeed.
type fake struct {
	showEnvExit  int    // exit status of show-environment (1 = no systemd)
	showEnvHang  bool   // show-environment never returns
	activeExit   int    // exit status of is-active graphical-session.target
	disableGone  bool   // disable fails as for a unit that does not exist
	failEnable   bool   // enable fails with an error on stderr
	failDisable  bool   // disable fails with an unrelated error
	path, logged string // filled by install
}

// install writes the fake systemctl script into a temp dir. It logs its
// arguments, one invocation per line, so tests can check what ran and in
// which order. Real systemd is host state the tests must not touch.
func (f *fake) install(t *testing.T) {
	t.Helper()
	dir := t.TempDir()
	f.path = filepath.Join(dir, "systemctl")
	f.logged = filepath.Join(dir, "calls.log")
	hang := ""
	if f.showEnvHang {
		hang = "exec sleep 3600" // longer than any test: only the probe's timeout ends it
	}
	script := fmt.Sprintf(`#!/bin/sh
echo "$*" >> '%s'
case "$*" in
"--user show-environment")
	%s
	[ %d -ne 0 ] && echo "Failed to connect to bus: No medium found" >&2
	exit %d ;;
"--user is-active graphical-session.target")
	exit %d ;;
"--user enable --now neckwatch.service")
	if [ %t = true ]; then echo "Failed to enable unit: boom" >&2; exit 1; fi ;;
"--user disable --now neckwatch.service")
	if [ %t = true ]; then echo "Failed to disable unit: Unit file neckwatch.service does not exist." >&2; exit 1; fi
	if [ %t = true ]; then echo "Failed to disable unit: Access denied" >&2; exit 1; fi ;;
esac
exit 0
`, f.logged, hang, f.showEnvExit, f.showEnvExit, f.activeExit, f.failEnable, f.disableGone, f.failDisable)
	if err := os.WriteFile(f.path, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
}

// calls returns the logged invocations and clears the log.
func (f *fake) calls(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile(f.logged)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	os.Remove(f.logged)
	return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
}

// setup returns Options with a fake binary (in a directory with a space in
// its name, to exercise quoting) and temp home and config directories.
func setup(t *testing.T, f *fake) Options {
	t.Helper()
	f.install(t)
	root := t.TempDir()
	binDir := filepath.Join(root, "my apps")
	if err := os.MkdirAll(binDir, 0o755); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(binDir, "neckwatch")
	if err := os.WriteFile(bin, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return Options{
		Binary:     bin,
		Args:       []string{"--profile", "my desk"},
		Home:       filepath.Join(root, "home"),
		ConfigHome: filepath.Join(root, "home", ".config"),
		Systemctl:  f.path,
	}
}

func unitPath(o Options) string    { return filepath.Join(o.ConfigHome, "systemd", "user", UnitName) }
func desktopPath(o Options) string { return filepath.Join(o.ConfigHome, "autostart", DesktopName) }

func readFile(t *testing.T, path string, mode os.FileMode) string {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != mode {
		t.Errorf("%s: mode %o, want %o", path, st.Mode().Perm(), mode)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func assertAbsent(t *testing.T, path string) {
	t.Helper()
	if _, err := os.Lstat(path); !os.IsNotExist(err) {
		t.Errorf("%s should not exist (err %v)", path, err)
	}
}

func assertCalls(t *testing.T, f *fake, want ...string) {
	t.Helper()
	if got := f.calls(t); !reflect.DeepEqual(got, want) {
		t.Errorf("systemctl calls:\n got %q\nwant %q", got, want)
	}
}

func TestInstallSystemd(t *testing.T) {
	f := &fake{}
	o := setup(t, f)
	res, err := Install(o)
	if err != nil {
		t.Fatal(err)
	}
	want := `# Written by ` + "`neckwatch install`; `neckwatch uninstall`" + ` removes it.
# Edits are lost on the next install.
[Unit]
Description=neckwatch webcam posture coach
Documentation=https://github.com/neckwatch/neckwatch
After=graphical-session.target
PartOf=graphical-session.target

[Service]
Type=simple
ExecStart="` + o.Binary + `" run --foreground --profile "my desk"
Restart=on-failure
RestartSec=10

[Install]
WantedBy=graphical-session.target
`
	if got := readFile(t, unitPath(o), 0o644); got != want {
		t.Errorf("unit file:\n%s\nwant:\n%s", got, want)
	}
	assertCalls(t, f,
		"--user show-environment",
		"--user is-active graphical-session.target",
		"--user daemon-reload",
		"--user enable --now neckwatch.service")
	if res.Method != MethodSystemd {
		t.Errorf("method %q", res.Method)
	}
	if !reflect.DeepEqual(res.Written, []string{unitPath(o)}) {
		t.Errorf("written %q", res.Written)
	}
	wantCmds := []string{"systemctl --user daemon-reload", "systemctl --user enable --now neckwatch.service"}
	if !reflect.DeepEqual(res.Commands, wantCmds) {
		t.Errorf("commands %q, want %q", res.Commands, wantCmds)
	}
	assertAbsent(t, desktopPath(o))
	if lines := res.Lines(); len(lines) < 3 || lines[0] != "wrote "+unitPath(o) {
		t.Errorf("lines %q", lines)
	}
}

func TestInstallIsIdempotentAndRestartsOnChange(t *testing.T) {
	f := &fake{}
	o := setup(t, f)
	if _, err := Install(o); err != nil {
		t.Fatal(err)
	}
	first := readFile(t, unitPath(o), 0o644)
	f.calls(t)

	// Same options: same file, no restart of the running service.
	if _, err := Install(o); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, unitPath(o), 0o644); got != first {
		t.Errorf("re-install changed the unit:\n%s", got)
	}
	assertCalls(t, f,
		"--user show-environment",
		"--user is-active graphical-session.target",
		"--user daemon-reload",
		"--user enable --now neckwatch.service")
	entries, err := os.ReadDir(filepath.Dir(unitPath(o)))
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Errorf("unit dir holds %d entries, want just the unit (no temp files)", len(entries))
	}

	// Changed arguments: the running service is restarted to pick them up.
	o.Args = []string{"--profile", "laptop"}
	res, err := Install(o)
	if err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, unitPath(o), 0o644); !strings.Contains(got, "ExecStart=\""+o.Binary+"\" run --foreground --profile laptop\n") {
		t.Errorf("unit not updated:\n%s", got)
	}
	assertCalls(t, f,
		"--user show-environment",
		"--user is-active graphical-session.target",
		"--user daemon-reload",
		"--user enable --now neckwatch.service",
		"--user try-restart neckwatch.service")
	if n := len(res.Commands); n != 3 {
		t.Errorf("commands %q", res.Commands)
	}
}

func TestInstallDefaultTargetWithoutGraphicalSession(t *testing.T) {
	f := &fake{activeExit: 3}
	o := setup(t, f)
	// A link left by an earlier install under the graphical target.
	wants := filepath.Join(o.ConfigHome, "systemd", "user", "graphical-session.target.wants")
	if err := os.MkdirAll(wants, 0o755); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(wants, UnitName)
	if err := os.Symlink(unitPath(o), link); err != nil {
		t.Fatal(err)
	}

	res, err := Install(o)
	if err != nil {
		t.Fatal(err)
	}
	got := readFile(t, unitPath(o), 0o644)
	if !strings.Contains(got, "WantedBy=default.target\n") || strings.Contains(got, "PartOf=") {
		t.Errorf("unit file:\n%s", got)
	}
	assertAbsent(t, link)
	if !reflect.DeepEqual(res.Removed, []string{link}) {
		t.Errorf("removed %q", res.Removed)
	}
}

func TestInstallAutostartFallback(t *testing.T) {
	f := &fake{showEnvExit: 1}
	o := setup(t, f)
	res, err := Install(o)
	if err != nil {
		t.Fatal(err)
	}
	want := `# Written by ` + "`neckwatch install`; `neckwatch uninstall`" + ` removes it.
[Desktop Entry]
Type=Application
Version=1.5
Name=neckwatch
Comment=Webcam posture coach: nudges you when your neck posture slips
Exec="` + o.Binary + `" run --profile "my desk"
Terminal=false
NoDisplay=true
X-GNOME-Autostart-enabled=true
`
	if got := readFile(t, desktopPath(o), 0o644); got != want {
		t.Errorf("desktop entry:\n%s\nwant:\n%s", got, want)
	}
	assertCalls(t, f, "--user show-environment")
	assertAbsent(t, unitPath(o))
	if res.Method != MethodAutostart || len(res.Commands) != 0 {
		t.Errorf("result %+v", res)
	}
	if !strings.Contains(res.Why, "no systemd user session") {
		t.Errorf("why %q should explain the fallback", res.Why)
	}

	// Idempotent here too.
	if _, err := Install(o); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, desktopPath(o), 0o644); got != want {
		t.Errorf("re-install changed the entry:\n%s", got)
	}
}

func TestInstallAutostartWhenSystemctlMissing(t *testing.T) {
	f := &fake{}
	o := setup(t, f)
	o.Systemctl = ""
	t.Setenv("PATH", t.TempDir()) // no systemctl anywhere
	res, err := Install(o)
	if err != nil {
		t.Fatal(err)
	}
	if res.Method != MethodAutostart {
		t.Errorf("method %q", res.Method)
	}
	if !strings.Contains(res.Why, "systemctl not found") {
		t.Errorf("why %q", res.Why)
	}
	readFile(t, desktopPath(o), 0o644)
}

func TestInstallFallsBackWhenProbeHangs(t *testing.T) {
	old := probeTimeout
	probeTimeout = 300 * time.Millisecond
	t.Cleanup(func() { probeTimeout = old })

	f := &fake{showEnvHang: true}
	o := setup(t, f)
	type result struct {
		res Result
		err error
	}
	done := make(chan result, 1)
	go func() { res, err := Install(o); done <- result{res, err} }()
	r := testenv.Await(t, done, "Install's return with a probe that never answers")
	res, err := r.res, r.err
	if err != nil {
		t.Fatal(err)
	}
	if res.Method != MethodAutostart {
		t.Errorf("method %q", res.Method)
	}
	if !strings.Contains(res.Why, "timed out") {
		t.Errorf("why %q should mention the timeout", res.Why)
	}
}

func TestSystemdInstallReplacesAutostartEntry(t *testing.T) {
	f := &fake{showEnvExit: 1}
	o := setup(t, f)
	if _, err := Install(o); err != nil {
		t.Fatal(err)
	}
	// systemd becomes available (e.g. installed again from a desktop session).
	f2 := &fake{}
	f2.install(t)
	o.Systemctl = f2.path
	res, err := Install(o)
	if err != nil {
		t.Fatal(err)
	}
	assertAbsent(t, desktopPath(o))
	if !reflect.DeepEqual(res.Removed, []string{desktopPath(o)}) {
		t.Errorf("removed %q", res.Removed)
	}
	readFile(t, unitPath(o), 0o644)
}

func TestInstallCommandErrorIncludesStderr(t *testing.T) {
	f := &fake{failEnable: true}
	o := setup(t, f)
	res, err := Install(o)
	if err == nil {
		t.Fatal("want an error")
	}
	for _, s := range []string{"systemctl --user enable --now neckwatch.service", "exit status 1", "Failed to enable unit: boom"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error %q lacks %q", err, s)
		}
	}
	if !reflect.DeepEqual(res.Written, []string{unitPath(o)}) {
		t.Errorf("result should still say what was written: %+v", res)
	}
}

func TestUninstallSystemd(t *testing.T) {
	f := &fake{}
	o := setup(t, f)
	if _, err := Install(o); err != nil {
		t.Fatal(err)
	}
	// What `systemctl enable` would have created.
	wants := filepath.Join(o.ConfigHome, "systemd", "user", "graphical-session.target.wants")
	if err := os.MkdirAll(wants, 0o755); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(wants, UnitName)
	if err := os.Symlink(unitPath(o), link); err != nil {
		t.Fatal(err)
	}
	f.calls(t)

	res, err := Uninstall(o)
	if err != nil {
		t.Fatal(err)
	}
	assertCalls(t, f,
		"--user show-environment",
		"--user disable --now neckwatch.service",
		"--user daemon-reload")
	assertAbsent(t, unitPath(o))
	// The fake disable does not touch files, so Uninstall's own cleanup
	// of the link is what is checked here.
	assertAbsent(t, link)
	if res.Method != MethodSystemd {
		t.Errorf("method %q", res.Method)
	}
	wantCmds := []string{"systemctl --user disable --now neckwatch.service", "systemctl --user daemon-reload"}
	if !reflect.DeepEqual(res.Commands, wantCmds) {
		t.Errorf("commands %q", res.Commands)
	}
	if !reflect.DeepEqual(res.Removed, []string{unitPath(o), link}) {
		t.Errorf("removed %q", res.Removed)
	}
}

func TestUninstallNothingInstalled(t *testing.T) {
	f := &fake{disableGone: true}
	o := setup(t, f)
	res, err := Uninstall(o)
	if err != nil {
		t.Fatalf("uninstall with nothing installed: %v", err)
	}
	assertCalls(t, f,
		"--user show-environment",
		"--user disable --now neckwatch.service")
	if len(res.Removed) != 0 || res.Method != "" {
		t.Errorf("result %+v", res)
	}
	if len(res.Notes) != 1 || !strings.Contains(res.Notes[0], "not installed") {
		t.Errorf("notes %q", res.Notes)
	}
}

func TestUninstallAutostartWithoutSystemd(t *testing.T) {
	f := &fake{showEnvExit: 1}
	o := setup(t, f)
	if _, err := Install(o); err != nil {
		t.Fatal(err)
	}
	f.calls(t)
	res, err := Uninstall(o)
	if err != nil {
		t.Fatal(err)
	}
	assertCalls(t, f, "--user show-environment")
	assertAbsent(t, desktopPath(o))
	if res.Method != MethodAutostart || !reflect.DeepEqual(res.Removed, []string{desktopPath(o)}) {
		t.Errorf("result %+v", res)
	}

	// Second uninstall: nothing left, still no error.
	res, err = Uninstall(o)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Notes) != 1 || !strings.Contains(res.Notes[0], "not installed") {
		t.Errorf("notes %q", res.Notes)
	}
}

func TestUninstallReportsRealDisableFailureButStillCleansUp(t *testing.T) {
	f := &fake{}
	o := setup(t, f)
	if _, err := Install(o); err != nil {
		t.Fatal(err)
	}
	f2 := &fake{failDisable: true}
	f2.install(t)
	o.Systemctl = f2.path
	_, err := Uninstall(o)
	if err == nil || !strings.Contains(err.Error(), "Access denied") {
		t.Fatalf("got %v, want the disable failure", err)
	}
	assertAbsent(t, unitPath(o))
}

func TestQuoting(t *testing.T) {
	cases := []struct{ in, systemd, desktop string }{
		{"plain", "plain", "plain"},
		{"--profile=desk", "--profile=desk", "--profile=desk"},
		{"my desk", `"my desk"`, `"my desk"`},
		{`say "hi"`, `"say \"hi\""`, `"say \\"hi\\""`},
		{`back\slash`, `"back\\slash"`, `"back\\\\slash"`},
		{"50%", `"50%%"`, "50%%"},
		{"$HOME", `"$$HOME"`, `"\\$HOME"`},
		{"it's", `"it's"`, `"it's"`},
		{";", `";"`, `";"`},
		{"", `""`, `""`},
	}
	for _, c := range cases {
		if got := systemdQuote(c.in); got != c.systemd {
			t.Errorf("systemdQuote(%q) = %s, want %s", c.in, got, c.systemd)
		}
		if got := desktopCommand([]string{c.in}); got != c.desktop {
			t.Errorf("desktop quoting of %q = %s, want %s", c.in, got, c.desktop)
		}
	}
}

func TestInstallRejectsBadInput(t *testing.T) {
	t.Setenv("GOTMPDIR", "") // so the go-build case below is under os.TempDir
	f := &fake{}
	o := setup(t, f)
	bad := []struct {
		name string
		edit func(*Options)
		want string
	}{
		{"relative binary", func(o *Options) { o.Binary = "bin/neckwatch" }, "not an absolute path"},
		{"missing binary", func(o *Options) { o.Binary = filepath.Join(t.TempDir(), "nope") }, "no such file"},
		{"go run binary", func(o *Options) { o.Binary = filepath.Join(os.TempDir(), "go-build123", "b001", "exe", "neckwatch") }, "go run"},
		{"control char", func(o *Options) { o.Args = []string{"a\nb"} }, "control character"},
	}
	for _, c := range bad {
		oo := o
		c.edit(&oo)
		_, err := Install(oo)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want error containing %q", c.name, err, c.want)
		}
	}
	if calls := f.calls(t); len(calls) != 0 {
		t.Errorf("bad input still ran systemctl: %q", calls)
	}
	assertAbsent(t, unitPath(o))
}

func TestDefaultsFromEnvironment(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", "")
	p, err := Options{Systemctl: "/x/systemctl"}.resolvePaths()
	if err != nil {
		t.Fatal(err)
	}
	if p.unit != filepath.Join(home, ".config", "systemd", "user", UnitName) {
		t.Errorf("unit path %q", p.unit)
	}
	if p.desktop != filepath.Join(home, ".config", "autostart", DesktopName) {
		t.Errorf("desktop path %q", p.desktop)
	}
	cfg := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", cfg)
	p, err = Options{Systemctl: "/x/systemctl"}.resolvePaths()
	if err != nil {
		t.Fatal(err)
	}
	if p.unit != filepath.Join(cfg, "systemd", "user", UnitName) {
		t.Errorf("unit path with XDG_CONFIG_HOME %q", p.unit)
	}
	// A relative XDG_CONFIG_HOME is invalid per the spec and ignored.
	t.Setenv("XDG_CONFIG_HOME", "relative/cfg")
	p, err = Options{Systemctl: "/x/systemctl"}.resolvePaths()
	if err != nil {
		t.Fatal(err)
	}
	if p.config != filepath.Join(home, ".config") {
		t.Errorf("config with relative XDG_CONFIG_HOME %q", p.config)
	}
}

// What install prints is the user's business only: no systemctl error text
// when it falls back, the reason first, the command the entry really runs
// as the one to start it now, and a second install says what it replaced
// (or that nothing changed).
func TestInstallMessages(t *testing.T) {
	for _, tc := range []struct {
		name   string
		f      fake
		cmdKey string // the line of the entry that holds the command
	}{
		{"autostart", fake{showEnvExit: 1}, "Exec="},
		{"systemd", fake{}, "ExecStart="},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := tc.f
			o := setup(t, &f)
			o.Args = []string{"--tray", "--source=/videos/my clip.mp4"}
			res, err := Install(o)
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.Join(res.Lines(), "\n")
			for _, noise := range []string{"exit status", "Failed to connect", "show-environment", "replac", "already"} {
				if strings.Contains(lines, noise) {
					t.Errorf("first install prints %q:\n%s", noise, lines)
				}
			}
			if tc.name == "autostart" {
				want := "start it now with `'" + o.Binary + "' run --tray '--source=/videos/my clip.mp4'`"
				if !strings.Contains(lines, want) {
					t.Errorf("install does not suggest the entry's own command %s:\n%s", want, lines)
				}
				if res.Lines()[0] != res.Why {
					t.Errorf("the fallback's reason is not said first:\n%s", lines)
				}
			}
			entry := unitPath(o)
			if tc.name == "autostart" {
				entry = desktopPath(o)
			}
			var firstCmd string
			for _, l := range strings.Split(readFile(t, entry, 0o644), "\n") {
				if c, ok := strings.CutPrefix(l, tc.cmdKey); ok {
					firstCmd = c
				}
			}

			res, err = Install(o)
			if err != nil {
				t.Fatal(err)
			}
			if lines := strings.Join(res.Lines(), "\n"); !strings.Contains(lines, "the login entry was already this one") {
				t.Errorf("same install again does not say so:\n%s", lines)
			}

			o.Args = []string{"--tray", "--profile", "desk"}
			res, err = Install(o)
			if err != nil {
				t.Fatal(err)
			}
			if lines := strings.Join(res.Lines(), "\n"); !strings.Contains(lines, "replacing the earlier login entry, which ran: "+firstCmd) {
				t.Errorf("a changed install does not say what it replaced (%s):\n%s", firstCmd, lines)
			}
		})
	}
}
