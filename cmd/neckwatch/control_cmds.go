package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/neckwatch/neckwatch/coach"
	"github.com/neckwatch/neckwatch/config"
	"github.com/neckwatch/neckwatch/control"
	"github.com/neckwatch/neckwatch/daemon"
	"github.com/neckwatch/neckwatch/install"
	"github.com/neckwatch/neckwatch/landmark"
	"github.com/spf13/pflag"
)

// callDaemon sends one request to the running daemon.
func callDaemon(req control.Request) (control.Response, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	resp, err := control.Call(ctx, control.SocketPath(), req)
	if err != nil {
		return resp, err
	}
	return resp, resp.Err()
}

// simpleControl builds the pause/resume/snooze/recalibrate commands: each
// sends one request and prints the daemon's answer.
func simpleControl(name, usage string, cmd string, minArgs, maxArgs int) func([]string, io.Writer, io.Writer) error {
	return func(args []string, stdout, stderr io.Writer) error {
		fs := newFlagSet(name, usage, stdout)
		if err := parseFlagsWithArgs(fs, durationArgs(args)); err != nil {
			return err
		}
		rest := fs.Args()
		if len(rest) < minArgs || len(rest) > maxArgs {
			return usagef("%s", strings.TrimSpace(strings.SplitN(usage, "\n", 2)[0]))
		}
		req := control.Request{Command: cmd}
		if len(rest) == 1 {
			d, err := config.ParseDurationText(rest[0])
			if err == nil {
				err = control.CheckDuration(d)
			}
			if err != nil {
				if name == "pause" && d > control.MaxDuration {
					err = fmt.Errorf("%w (a pause without a duration lasts until `neckwatch resume`)", err)
				}
				return usagef("%s %s: %v", name, rest[0], err)
			}
			req.Duration = rest[0]
		}
		resp, err := callDaemon(req)
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, resp.Message)
		return nil
	}
}

// durationArgs makes a negative duration ("-5m") a positional argument
// rather than an unknown shorthand flag, so that it is reported as a
// duration that must be positive.
func durationArgs(args []string) []string {
	for i, a := range args {
		if a == "--" {
			break
		}
		if len(a) > 1 && a[0] == '-' && (a[1] >= '0' && a[1] <= '9' || a[1] == '.') {
			return slices.Concat(args[:i], []string{"--"}, args[i:])
		}
	}
	return args
}

var (
	runPause       = simpleControl("pause", "Usage: neckwatch pause [DURATION]\n\nStops sampling (the camera stays off) for DURATION, e.g. 30m (at most 24h), or until `neckwatch resume`.\n", control.CmdPause, 0, 1)
	runResume      = simpleControl("resume", "Usage: neckwatch resume\n\nEnds a pause or a snooze.\n", control.CmdResume, 0, 0)
	runSnooze      = simpleControl("snooze", "Usage: neckwatch snooze DURATION\n\nSilences posture resets for DURATION, e.g. 1h (at most 24h); break suggestions still come.\n", control.CmdSnooze, 1, 1)
	runBreak       = simpleControl("break", "Usage: neckwatch break\n\nStarts a traction or mobility break now (the tray's \"Start a traction break now\");\na notification says when it is over.\n", control.CmdBreak, 0, 0)
	runRecalibrate = simpleControl("recalibrate", "Usage: neckwatch recalibrate\n\nSit upright and run it: the running daemon samples you now and makes that its new baseline,\nwritten to the calibration it judges by (its --calibration file or profile; see its log);\nthe previous baseline is kept beside it (`neckwatch calibrate --restore` puts it back).\n", control.CmdRecalibrate, 0, 0)
)

const stopUsage = `Usage: neckwatch stop

Stops the running daemon as SIGTERM would: it stops sampling, releases the
camera, saves the day's state and exits. Waits until it has.
`

// stopWait bounds how long stop waits for the daemon to be gone: it exits
// within a second of being asked.
const stopWait = 10 * time.Second

func runStop(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("stop", stopUsage, stdout)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	st, err := daemonStatus()
	if err != nil {
		return err
	}
	if _, err := callDaemon(control.Request{Command: control.CmdStop}); err != nil {
		return err
	}
	// Gone: the socket no longer answers and the process has exited (it
	// removes the socket a moment before it releases its lock and exits).
	deadline := time.Now().Add(stopWait)
	for {
		_, err := control.Call(context.Background(), control.SocketPath(), control.Request{Command: control.CmdStatus})
		if errors.Is(err, control.ErrNotRunning) && errors.Is(syscall.Kill(st.PID, 0), syscall.ESRCH) {
			break
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("asked neckwatch (pid %d) to stop, but it still answers after %s: see its log", st.PID, stopWait)
		}
		time.Sleep(50 * time.Millisecond)
	}
	fmt.Fprintf(stdout, "neckwatch (pid %d) stopped\n", st.PID)
	return nil
}

// daemonStatus asks the running daemon for its status.
func daemonStatus() (daemon.Status, error) {
	var st daemon.Status
	resp, err := callDaemon(control.Request{Command: control.CmdStatus})
	if err != nil {
		return st, err
	}
	if err := json.Unmarshal(resp.Status, &st); err != nil {
		return st, fmt.Errorf("daemon sent an unreadable status: %w", err)
	}
	return st, nil
}

const statusUsage = `Usage: neckwatch status [--json]

Shows what the running daemon sees: camera, last posture sample, alert
state, load towards the next break, and any problem (camera busy, no
notification service, a configuration file that could not be reloaded).
--json prints it as one JSON object: snake_case keys, durations as
strings ("5m0s"), null for a time that is not set, and the daemon's pid.
`

func runStatus(args []string, stdout, stderr io.Writer) error {
	var asJSON bool
	fs := newFlagSet("status", statusUsage, stdout)
	fs.BoolVar(&asJSON, "json", false, "print the status as JSON")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if asJSON {
		resp, err := callDaemon(control.Request{Command: control.CmdStatus})
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, string(resp.Status))
		return nil
	}
	st, err := daemonStatus()
	if err != nil {
		return err
	}
	printStatus(stdout, st, time.Now())
	return nil
}

func printStatus(w io.Writer, st daemon.Status, now time.Time) {
	calibrated := "not calibrated (population figures)"
	if st.Calibrated {
		calibrated = "calibrated"
	}
	fmt.Fprintf(w, "running since %s on %s (%s view, %s; pid %d)\n", clockAt(st.Started, now), st.Source, st.View, calibrated, st.PID)
	cam := string(st.Camera)
	switch {
	case st.CameraProblem != "" && st.Camera == landmark.CameraOff:
		cam += " (paused); before the pause: " + st.CameraProblem
	case st.CameraProblem != "":
		cam += ": " + st.CameraProblem
	}
	fmt.Fprintf(w, "camera:        %s; %s; next sample %s\n", cam, openShare(st.CameraOpenPct), nextSample(st.NextSampleIn))
	if s := st.LastSample; s != nil {
		line := fmt.Sprintf("%s (severity %.2f)", s.State, s.Severity)
		if s.NeckAngleDeg != nil {
			line += fmt.Sprintf(", neck %.0f°", *s.NeckAngleDeg)
		}
		if s.ForwardCM != nil {
			line += fmt.Sprintf(", head %.1f cm forward", *s.ForwardCM)
		}
		fmt.Fprintf(w, "posture:       %s at %s\n", line, s.At.Local().Format("15:04:05"))
	} else {
		fmt.Fprintln(w, "posture:       no sample yet")
	}
	p := st.Policy
	fmt.Fprintf(w, "alerts:        %s\n", alertsLine(p, now))
	fmt.Fprintf(w, "break load:    %s of %s (%.0f%%); breaks today %d of %d\n", p.Load.Round(time.Second), p.Budget, 100*p.LoadFraction, p.BreaksToday, p.MaxBreaksPerDay)
	dnd := ""
	if st.DoNotDisturb {
		dnd = " (desktop do-not-disturb: alerts held)"
	}
	fmt.Fprintf(w, "notifications: %s%s\n", st.Notifications, dnd)
	fmt.Fprintf(w, "history:       %s\n", st.History)
	if st.ConfigProblem != "" {
		fmt.Fprintf(w, "config:        not reloaded, the previous one is in effect: %s\n", st.ConfigProblem)
	}
	if len(st.RestartNeeded) > 0 {
		fmt.Fprintf(w, "restart to apply: %s (changed in the configuration file)\n", strings.Join(st.RestartNeeded, ", "))
	}
}

// alertsLine says whether posture alerts can come now and why not: paused
// (camera off), snoozed, held by quiet hours, or on, with what the coach
// makes of the posture.
func alertsLine(p coach.Status, now time.Time) string {
	switch {
	case p.Paused && p.PausedUntil.IsZero():
		return "paused until `neckwatch resume` (camera off)"
	case p.Paused:
		return "paused until " + clockAt(p.PausedUntil, now) + " (camera off)"
	}
	line := "on"
	switch {
	case p.Snoozed:
		line = "snoozed until " + clockAt(p.SnoozedUntil, now) + " (breaks still come)"
	case p.QuietHours:
		line = "held (quiet hours)"
	}
	switch {
	case p.Bad && !p.NextAlertAt.IsZero():
		line += "; posture needs attention, next reset " + clockAt(p.NextAlertAt, now)
	case p.Bad:
		line += "; posture needs attention"
	case p.OnsetElapsed > 0:
		line += fmt.Sprintf("; posture bad for %s of %s", p.OnsetElapsed.Round(time.Second), p.Onset)
	case p.Phase == coach.PhaseAway:
		line += "; you are away"
	case p.Phase == coach.PhaseUpright:
		line += "; posture upright"
	case p.Phase == coach.PhaseUnknown:
		line += "; waiting for a sample"
	}
	return line
}

// clockAt is t as status shows it: with seconds within the hour around
// now (a 20 s pause ends at 13:24:35, not "13:24"), with the day when it
// is another day.
func clockAt(t, now time.Time) string {
	t, now = t.Local(), now.Local()
	if d := t.Sub(now); d > -time.Hour && d < time.Hour {
		return t.Format("15:04:05")
	}
	if y, m, d := t.Date(); y != now.Year() || m != now.Month() || d != now.Day() {
		return t.Format("Mon 2 Jan 15:04")
	}
	return t.Format("15:04")
}

// openShare says how much of the time the camera was open, without
// rounding a camera that was open a little to "0.0%".
func openShare(pct float64) string {
	switch {
	case pct <= 0:
		return "not opened yet"
	case pct < 0.1:
		return "open under 0.1% of the time"
	}
	return fmt.Sprintf("open %.1f%% of the time", pct)
}

// nextSample phrases the daemon's next_sample_in ("5s", "now", "after the
// pause") after "next sample".
func nextSample(in string) string {
	if _, err := time.ParseDuration(in); err == nil {
		return "in " + in
	}
	return in
}

const configUsage = `Usage: neckwatch config [--config FILE] [--default]

Prints the effective configuration as a commented TOML file: the defaults
with your config file applied. Save it as ~/.config/neckwatch/config.toml
and edit it; neckwatch validates it at start and SIGHUP reloads it.
`

func runConfig(args []string, stdout, stderr io.Writer) error {
	var path string
	var defaults bool
	fs := newFlagSet("config", configUsage, stdout)
	fs.StringVar(&path, "config", "", "configuration file (default ~/.config/neckwatch/config.toml)")
	fs.BoolVar(&defaults, "default", false, "print the defaults, ignoring any file")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg := config.Default()
	if !defaults {
		var err error
		if cfg, err = config.Load(path); err != nil {
			return err
		}
	}
	fmt.Fprint(stdout, cfg.TOML())
	return nil
}

func runSafety(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("safety", "Usage: neckwatch safety\n\nPrints when not to do neck traction without a clinician.\n", stdout)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	fmt.Fprintln(stdout, coach.Safety())
	return nil
}

const installUsage = `Usage: neckwatch install [-- RUN-FLAGS...]
       neckwatch uninstall

install makes neckwatch start at login: a systemd user service where
systemd runs the session, otherwise an XDG autostart entry. It runs
'neckwatch run --tray' (the tray icon shows where the desktop has a tray).
Flags after -- are passed to 'neckwatch run' (e.g. -- --profile desk).
`

func runInstall(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("install", installUsage, stdout)
	if err := parseFlagsWithArgs(fs, args); err != nil {
		return err
	}
	// Arguments before -- (or without one) are not run flags.
	if fs.ArgsLenAtDash() != 0 && fs.NArg() > 0 {
		return usagef("unexpected argument %q: flags for run go after --, e.g. neckwatch install -- --profile desk", fs.Args()[0])
	}
	runArgs, err := loginRunArgs(fs.Args())
	if err != nil {
		return err
	}
	res, err := install.Install(install.Options{Args: runArgs})
	for _, l := range res.Lines() {
		fmt.Fprintln(stdout, l)
	}
	return err
}

// loginRunArgs checks the flags meant for the login entry's `neckwatch run`
// exactly as run would (flags, configuration, calibration, source), so a
// mistake is reported now rather than by an entry that fails at every
// login. It returns them with file paths made absolute (the entry does not
// start in this directory) and --tray added: the login entry shows the
// tray icon where the desktop has a tray host; without one the daemon logs
// that once and runs headless.
func loginRunArgs(args []string) ([]string, error) {
	var f runFlags
	fs := newRunFlagSet(&f, io.Discard)
	if err := fs.Parse(args); err != nil {
		return nil, usagef("run flag after --: %v", err)
	}
	if fs.NArg() > 0 {
		return nil, usagef("run flag after --: unexpected argument %q", fs.Arg(0))
	}
	cfg, err := f.effectiveConfig()
	if err != nil {
		return nil, err
	}
	if _, _, err := loadBaseline(cfg, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		return nil, err
	}
	if err := checkSource(cfg.Camera.Source); err != nil {
		return nil, err
	}
	out := []string{"--tray"}
	var absErr error
	fs.Visit(func(fl *pflag.Flag) {
		v := fl.Value.String()
		switch fl.Name {
		case "tray":
			return
		case "config", "calibration", "models":
			v, err = filepath.Abs(v)
		case "source":
			if !isCamera(v) {
				v, err = filepath.Abs(v)
			}
		}
		if err != nil && absErr == nil {
			absErr = fmt.Errorf("--%s %s: %w", fl.Name, fl.Value, err)
		}
		out = append(out, "--"+fl.Name+"="+v)
	})
	return out, absErr
}

func runUninstall(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("uninstall", installUsage, stdout)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	res, err := install.Uninstall(install.Options{})
	for _, l := range res.Lines() {
		fmt.Fprintln(stdout, l)
	}
	return err
}
