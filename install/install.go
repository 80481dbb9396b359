// Package install makes neckwatch start at login (`neckwatch install`) and
// undoes it (`neckwatch uninstall`).
//
// Where a systemd user session is usable, neckwatch becomes a user service
// (<config>/systemd/user/neckwatch.service), which restarts it on failure
// and keeps its logs in the journal. Otherwise an XDG autostart entry
// (<config>/autostart/neckwatch.desktop) is written, which every mainstream
// desktop honours at login.
//
// It must not import the daemon or the coach.
package install

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/neckwatch/neckwatch/internal/atomicfile"
)

// Names of what gets installed.
const (
	UnitName        = "neckwatch.service"
	DesktopName     = "neckwatch.desktop"
	graphicalTarget = "graphical-session.target"
	defaultTarget   = "default.target"
	docURL          = "https://github.com/neckwatch/neckwatch"
)

// Modes for written files and created directories. Login entries are not
// secret, and 0644 is what systemd and desktops expect to find.
const (
	fileMode = 0o644
	dirMode  = 0o755
)

// Options says what to install and where. Zero fields take defaults from
// the environment.
type Options struct {
	// Binary is the absolute path of the neckwatch binary. Empty means the
	// running executable.
	Binary string
	// Args are extra arguments for `neckwatch run`, e.g. --profile desk.
	Args []string
	// Home defaults to $HOME.
	Home string
	// ConfigHome defaults to $XDG_CONFIG_HOME, or <Home>/.config when that
	// is unset or not absolute.
	ConfigHome string
	// Systemctl is the systemctl binary; empty means "systemctl" looked up
	// in PATH. When it cannot be found systemd counts as unusable.
	Systemctl string
}

// Method is how neckwatch is started at login.
type Method string

const (
	MethodSystemd   Method = "systemd user service"
	MethodAutostart Method = "XDG autostart entry"
)

// Result reports what Install or Uninstall did, for the CLI to print.
type Result struct {
	// Method is what Install set up; for Uninstall, what was found and
	// removed (the unit if both were), or empty if nothing was.
	Method Method
	// Written lists files written.
	Written []string
	// Removed lists files and symlinks removed.
	Removed []string
	// Commands lists the commands that changed state, as shell-like text
	// (read-only probes are not listed).
	Commands []string
	// Why says why the method was chosen when it is not the first choice
	// (no systemd user session), in plain words.
	Why string
	// Replaced is the command the login entry ran before this install
	// replaced it with another; Unchanged says the entry was already this
	// one.
	Replaced  string
	Unchanged bool
	// Notes are remarks for the user: how to see logs, how to start it
	// now, what still needs doing.
	Notes []string
}

// Lines renders the result as human-readable lines.
func (r Result) Lines() []string {
	var out []string
	if r.Why != "" {
		out = append(out, r.Why)
	}
	switch {
	case r.Replaced != "":
		out = append(out, "replacing the earlier login entry, which ran: "+r.Replaced)
	case r.Unchanged:
		out = append(out, "the login entry was already this one")
	}
	for _, p := range r.Written {
		out = append(out, "wrote "+p)
	}
	for _, p := range r.Removed {
		out = append(out, "removed "+p)
	}
	for _, c := range r.Commands {
		out = append(out, "ran "+c)
	}
	return append(out, r.Notes...)
}

// paths are the resolved install locations.
type paths struct {
	home, config string
	unitDir      string
	unit         string
	desktop      string
	systemctl    string // "" when not found
}

func (o Options) resolvePaths() (paths, error) {
	var p paths
	p.home = o.Home
	if p.home == "" {
		p.home = os.Getenv("HOME")
	}
	if p.home == "" {
		h, err := os.UserHomeDir()
		if err != nil {
			return p, fmt.Errorf("find home directory: %w", err)
		}
		p.home = h
	}
	if !filepath.IsAbs(p.home) {
		return p, fmt.Errorf("home directory %q is not an absolute path", p.home)
	}
	p.config = o.ConfigHome
	if p.config == "" {
		// The base directory spec says relative values are invalid and
		// must be ignored.
		if x := os.Getenv("XDG_CONFIG_HOME"); filepath.IsAbs(x) {
			p.config = x
		} else {
			p.config = filepath.Join(p.home, ".config")
		}
	}
	if !filepath.IsAbs(p.config) {
		return p, fmt.Errorf("config directory %q is not an absolute path", p.config)
	}
	p.unitDir = filepath.Join(p.config, "systemd", "user")
	p.unit = filepath.Join(p.unitDir, UnitName)
	p.desktop = filepath.Join(p.config, "autostart", DesktopName)

	p.systemctl = o.Systemctl
	if p.systemctl == "" {
		if s, err := exec.LookPath("systemctl"); err == nil {
			p.systemctl = s
		}
	}
	return p, nil
}

// resolveBinary checks the binary that login entries will run. A wrong
// path here fails silently at every future login, so catch it now.
func (o Options) resolveBinary() (string, error) {
	bin := o.Binary
	if bin == "" {
		exe, err := os.Executable()
		if err != nil {
			return "", fmt.Errorf("find the neckwatch binary: %w", err)
		}
		bin = exe
	}
	if !filepath.IsAbs(bin) {
		return "", fmt.Errorf("neckwatch binary %q is not an absolute path", bin)
	}
	bin = filepath.Clean(bin)
	if isGoRunBinary(bin) {
		return "", fmt.Errorf("%s looks like a temporary `go run` binary that will vanish; build neckwatch and run install from the built binary", bin)
	}
	if err := checkArg(bin); err != nil {
		return "", err
	}
	// systemd does not expand variables in the program path, so "$$"
	// could not stand for "$" there.
	if strings.Contains(bin, "$") {
		return "", fmt.Errorf("neckwatch binary path %q contains '$', which a systemd unit cannot express; move the binary", bin)
	}
	st, err := os.Stat(bin)
	if err != nil {
		return "", fmt.Errorf("neckwatch binary: %w", err)
	}
	if !st.Mode().IsRegular() {
		return "", fmt.Errorf("neckwatch binary %s is not a regular file", bin)
	}
	if st.Mode().Perm()&0o111 == 0 {
		return "", fmt.Errorf("neckwatch binary %s is not executable", bin)
	}
	return bin, nil
}

// isGoRunBinary reports whether bin sits in a go-build* directory under
// the temp dir, where `go run` and `go test` put binaries they delete on
// exit.
func isGoRunBinary(bin string) bool {
	tmp := os.Getenv("GOTMPDIR")
	if tmp == "" {
		tmp = os.TempDir()
	}
	rel, err := filepath.Rel(tmp, bin)
	if err != nil || strings.HasPrefix(rel, "..") {
		return false
	}
	first, _, _ := strings.Cut(filepath.ToSlash(rel), "/")
	return strings.HasPrefix(first, "go-build")
}

// Install makes neckwatch start at login, as a systemd user service when
// possible and as an XDG autostart entry otherwise. Running it again
// rewrites the entry cleanly, so it doubles as "update my login entry".
// On error, the Result still lists what was done before the failure.
func Install(opts Options) (Result, error) {
	var res Result
	p, err := opts.resolvePaths()
	if err != nil {
		return res, err
	}
	bin, err := opts.resolveBinary()
	if err != nil {
		return res, err
	}
	for _, a := range opts.Args {
		if err := checkArg(a); err != nil {
			return res, err
		}
	}
	sc := systemctl{path: p.systemctl}
	if ok, why := sc.usable(); !ok {
		res.Why = why + "; using an XDG autostart entry instead"
		return res, installAutostart(&res, p, bin, opts.Args)
	}
	return res, installSystemd(&res, p, sc, bin, opts.Args)
}

func installSystemd(res *Result, p paths, sc systemctl, bin string, args []string) error {
	res.Method = MethodSystemd
	// graphical-session.target only starts on desktops that integrate with
	// systemd (GNOME, Plasma, ...); elsewhere it never becomes active and a
	// service wanted by it would never run. Being run from the desktop
	// session, the probe tells which case this is.
	target := defaultTarget
	if sc.probe("is-active", graphicalTarget) == nil {
		target = graphicalTarget
	} else {
		res.Notes = append(res.Notes, "graphical-session.target is not active in this session, so the service is wanted by default.target instead")
	}

	content := unitFile(bin, args, target)
	old, err := os.ReadFile(p.unit)
	existed := err == nil
	res.noteReplaced(old, existed, content, "ExecStart=")
	if err := atomicfile.Write(p.unit, content, fileMode, dirMode); err != nil {
		return fmt.Errorf("write systemd unit: %w", err)
	}
	res.Written = append(res.Written, p.unit)

	// A previous install may have chosen the other target; its enable
	// symlink would keep pulling the service in from there.
	for _, t := range []string{graphicalTarget, defaultTarget} {
		if t == target {
			continue
		}
		if err := removeSymlink(res, wantsLink(p, t)); err != nil {
			return err
		}
	}
	// Both entries would start two daemons at login; the second would only
	// complain that the first is running.
	if _, err := removeFile(res, p.desktop); err != nil {
		return err
	}

	if err := sc.run(res, "daemon-reload"); err != nil {
		return err
	}
	if err := sc.run(res, "enable", "--now", UnitName); err != nil {
		return err
	}
	// enable --now leaves an already running service alone; restart it so
	// a changed binary or arguments take effect now rather than at the
	// next login.
	if existed && string(old) != string(content) {
		if err := sc.run(res, "try-restart", UnitName); err != nil {
			return err
		}
	}
	res.Notes = append(res.Notes,
		"neckwatch is running and will start at every login",
		"logs: journalctl --user -u neckwatch; stop: systemctl --user stop neckwatch")
	return nil
}

func installAutostart(res *Result, p paths, bin string, args []string) error {
	res.Method = MethodAutostart
	content := desktopFile(bin, args)
	old, err := os.ReadFile(p.desktop)
	res.noteReplaced(old, err == nil, content, "Exec=")
	if err := atomicfile.Write(p.desktop, content, fileMode, dirMode); err != nil {
		return fmt.Errorf("write autostart entry: %w", err)
	}
	res.Written = append(res.Written, p.desktop)
	if _, err := os.Lstat(p.unit); err == nil {
		res.Notes = append(res.Notes, fmt.Sprintf("an older systemd unit %s is still present; `neckwatch uninstall` removes it", p.unit))
	}
	res.Notes = append(res.Notes, "neckwatch will start at your next login; start it now with `"+shellCommand(append([]string{bin, "run"}, args...))+"`")
	return nil
}

// noteReplaced records in res what an existing login entry ran when this
// install writes a different one, or that it was already this one. key
// is the line that holds the command (ExecStart= or Exec=).
func (res *Result) noteReplaced(old []byte, existed bool, content []byte, key string) {
	switch {
	case !existed:
	case string(old) == string(content):
		res.Unchanged = true
	default:
		res.Replaced = "(a file not written by neckwatch install)"
		for _, l := range strings.Split(string(old), "\n") {
			if cmd, ok := strings.CutPrefix(strings.TrimSpace(l), key); ok {
				res.Replaced = cmd
				break
			}
		}
	}
}

// unitFile renders the systemd user unit.
func unitFile(bin string, args []string, target string) []byte {
	argv := append([]string{bin, "run", "--foreground"}, args...)
	var b strings.Builder
	b.WriteString("# Written by `neckwatch install`; `neckwatch uninstall` removes it.\n")
	b.WriteString("# Edits are lost on the next install.\n")
	b.WriteString("[Unit]\n")
	b.WriteString("Description=neckwatch webcam posture coach\n")
	b.WriteString("Documentation=" + docURL + "\n")
	b.WriteString("After=" + graphicalTarget + "\n")
	if target == graphicalTarget {
		// Stop with the desktop session instead of lingering without a
		// display or notification service.
		b.WriteString("PartOf=" + graphicalTarget + "\n")
	}
	b.WriteString("\n[Service]\n")
	b.WriteString("Type=simple\n")
	b.WriteString("ExecStart=" + systemdCommand(argv) + "\n")
	b.WriteString("Restart=on-failure\n")
	b.WriteString("RestartSec=10\n")
	b.WriteString("\n[Install]\n")
	b.WriteString("WantedBy=" + target + "\n")
	return []byte(b.String())
}

// desktopFile renders the XDG autostart entry.
func desktopFile(bin string, args []string) []byte {
	argv := append([]string{bin, "run"}, args...)
	var b strings.Builder
	b.WriteString("# Written by `neckwatch install`; `neckwatch uninstall` removes it.\n")
	b.WriteString("[Desktop Entry]\n")
	b.WriteString("Type=Application\n")
	b.WriteString("Version=1.5\n")
	b.WriteString("Name=neckwatch\n")
	b.WriteString("Comment=Webcam posture coach: nudges you when your neck posture slips\n")
	b.WriteString("Exec=" + desktopCommand(argv) + "\n")
	b.WriteString("Terminal=false\n")
	b.WriteString("NoDisplay=true\n")
	b.WriteString("X-GNOME-Autostart-enabled=true\n")
	return []byte(b.String())
}

func wantsLink(p paths, target string) string {
	return filepath.Join(p.unitDir, target+".wants", UnitName)
}

// Uninstall stops neckwatch starting at login: it disables and stops the
// systemd service when systemd is usable, and removes the unit file and
// the autostart entry. Nothing being installed is not an error; the
// Result's notes say so.
func Uninstall(opts Options) (Result, error) {
	var res Result
	p, err := opts.resolvePaths()
	if err != nil {
		return res, err
	}
	sc := systemctl{path: p.systemctl}
	usable, why := sc.usable()

	// Keep going after a failure so that one broken step does not leave
	// the rest installed; report everything at the end.
	var errs []error
	if usable {
		err := sc.run(&res, "disable", "--now", UnitName)
		var ce *CommandError
		if err != nil && !(errors.As(err, &ce) && ce.notLoaded()) {
			errs = append(errs, err)
		}
		// A "not loaded" failure means it was never installed as a
		// service, or was already removed: nothing to undo.
	}

	unitRemoved, err := removeFile(&res, p.unit)
	if err != nil {
		errs = append(errs, err)
	}
	// disable removes these links; remove them by hand too, for when
	// systemd is unusable or disable failed, so none is left dangling.
	for _, t := range []string{graphicalTarget, defaultTarget} {
		if err := removeSymlink(&res, wantsLink(p, t)); err != nil {
			errs = append(errs, err)
		}
	}
	desktopRemoved, err := removeFile(&res, p.desktop)
	if err != nil {
		errs = append(errs, err)
	}

	switch {
	case unitRemoved:
		res.Method = MethodSystemd
	case desktopRemoved:
		res.Method = MethodAutostart
	}
	if usable && unitRemoved {
		if err := sc.run(&res, "daemon-reload"); err != nil {
			errs = append(errs, err)
		}
	}
	if len(res.Removed) == 0 && len(errs) == 0 {
		res.Notes = append(res.Notes, "neckwatch was not installed (no systemd unit or autostart entry found); nothing to do")
	}
	if unitRemoved && !usable {
		res.Notes = append(res.Notes, why+", so a running service could not be stopped: `neckwatch stop` stops it now, or it stops at logout")
	}
	if desktopRemoved {
		res.Notes = append(res.Notes, "a neckwatch started by the autostart entry keeps running until `neckwatch stop` or logout")
	}
	return res, errors.Join(errs...)
}

// removeFile removes a file or symlink if present, reporting whether it
// was there.
func removeFile(res *Result, path string) (bool, error) {
	err := os.Remove(path)
	switch {
	case err == nil:
		res.Removed = append(res.Removed, path)
		return true, nil
	case errors.Is(err, fs.ErrNotExist):
		return false, nil
	default:
		return false, fmt.Errorf("remove %s: %w", path, err)
	}
}

// removeSymlink removes path only if it is a symlink, so that a unit the
// user copied there by hand is never deleted.
func removeSymlink(res *Result, path string) error {
	st, err := os.Lstat(path)
	if err != nil {
		return nil // absent, or unreadable and therefore not ours to fix
	}
	if st.Mode().Type() != fs.ModeSymlink {
		return nil
	}
	_, err = removeFile(res, path)
	return err
}
