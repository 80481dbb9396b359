// Command neckwatch is a webcam posture coach: it watches for a forward
// head and slouching and says so. See `neckwatch --help`.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strings"

	"github.com/spf13/pflag"

	"github.com/neckwatch/neckwatch/internal/suggest"
	"github.com/neckwatch/neckwatch/vision"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "0.1.0-dev"

// usageError marks a mistake in the command line: exit status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, a ...any) error { return usageError{fmt.Sprintf(format, a...)} }

// command is one subcommand.
type command struct {
	name    string
	summary string
	run     func(args []string, stdout, stderr io.Writer) error
}

func commands() []command {
	return []command{
		{"check", "judge the posture in a camera, video, image or folder of images", runCheck},
		{"calibrate", "record your upright posture as the baseline to judge against (and, with --tired, your tired one)", runCalibrate},
		{"run", "run the posture coach: sample the camera, send posture resets and breaks", runRun},
		{"status", "show what the running daemon sees", runStatus},
		{"pause", "stop sampling for a while (camera off)", runPause},
		{"resume", "end a pause or snooze", runResume},
		{"snooze", "silence posture resets for a while", runSnooze},
		{"break", "start a traction or mobility break now", runBreak},
		{"recalibrate", "make your current posture the running daemon's baseline", runRecalibrate},
		{"stop", "stop the running daemon (camera released, state saved)", runStop},
		{"report", "your posture history per day, the trend, desk advice, pain against posture; a chart or an HTML page", runReport},
		{"journal", "add or list pain scores for your journal", runJournal},
		{"history", "export your posture history, or forget it", runHistory},
		{"config", "print the effective configuration (commented TOML)", runConfig},
		{"install", "start neckwatch at login (systemd user service or autostart)", runInstall},
		{"uninstall", "stop starting neckwatch at login", runUninstall},
		{"safety", "when not to do neck traction without a clinician", runSafety},
		{"doctor", "check what run needs (configuration, models, calibration, source, notifications); say what to fix", runDoctor},
	}
}

const topUsage = `neckwatch watches your posture through the webcam and tells you when your
head has drifted forward ("tech neck") or you are slouching. No image is
ever stored or sent anywhere.

Usage:
  neckwatch COMMAND [flags]

Commands:
%s
Flags:
  -h, --help      show this help
  -v, --version   print the version

Run 'neckwatch COMMAND --help' for a command's flags.
`

func printTopUsage(w io.Writer) {
	var b strings.Builder
	for _, c := range commands() {
		fmt.Fprintf(&b, "  %-12s  %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, topUsage, b.String())
}

func main() {
	// Before anything holds os.Stderr: what the C libraries print goes to
	// the log at debug level, not among neckwatch's own lines.
	if err := vision.CaptureLibraryOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "neckwatch: warning: library messages will show on the terminal: %v\n", err)
	}
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run executes the command line and returns the exit status: 0 success,
// 1 runtime failure, 2 usage error.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		printTopUsage(stderr)
		return 2
	}
	switch args[0] {
	case "-h", "--help", "help":
		if len(args) > 1 && args[0] == "help" {
			return run([]string{args[1], "--help"}, stdout, stderr)
		}
		printTopUsage(stdout)
		return 0
	case "-v", "--version", "version":
		fmt.Fprintf(stdout, "neckwatch %s\n", version)
		return 0
	}
	for _, c := range commands() {
		if c.name != args[0] {
			continue
		}
		err := c.run(args[1:], stdout, stderr)
		var ue usageError
		switch {
		case err == nil:
			return 0
		case errors.Is(err, pflag.ErrHelp):
			return 0
		case errors.As(err, &ue):
			fmt.Fprintf(stderr, "%s\nRun 'neckwatch %s --help' for usage.\n", sayOnce("neckwatch "+c.name+": "+err.Error()), c.name)
			return 2
		default:
			fmt.Fprintln(stderr, sayOnce("neckwatch "+c.name+": "+err.Error()))
			return 1
		}
	}
	fmt.Fprintf(stderr, "neckwatch: unknown command %q%s\nRun 'neckwatch --help' for the list of commands.\n", args[0], didYouMean(args[0], commandNames()))
	return 2
}

// sayOnce drops, on each line of an error message, a "part: " that the
// line has said before: wrapping the same context twice ("neckwatch run:
// the daemon stopped at once: neckwatch run: source ...", "read /tmp/ux:
// read /tmp/ux: is a directory") says it once. The last part, the reason
// itself, is always kept.
func sayOnce(msg string) string {
	lines := strings.Split(msg, "\n")
	for i, line := range lines {
		parts := strings.Split(line, ": ")
		kept := parts[:0:0]
		for j, p := range parts {
			if j < len(parts)-1 && slices.Contains(kept, p) {
				continue
			}
			kept = append(kept, p)
		}
		lines[i] = strings.Join(kept, ": ")
	}
	return strings.Join(lines, "\n")
}

// commandNames are the commands' names, in the table's order.
func commandNames() []string {
	var names []string
	for _, c := range commands() {
		names = append(names, c.name)
	}
	return names
}

// didYouMean is " (did you mean X?)" when word is a slip of candidate
// X, else "".
func didYouMean(word string, candidates []string) string {
	if s := suggest.Closest(word, candidates); s != "" && s != word {
		return fmt.Sprintf(" (did you mean %s?)", s)
	}
	return ""
}

// newFlagSet returns a flag set whose parse errors become usage errors and
// whose --help prints the command's usage to stdout.
func newFlagSet(name, usage string, stdout io.Writer) *pflag.FlagSet {
	fs := pflag.NewFlagSet(name, pflag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are reported once, by run
	fs.Usage = func() {
		fmt.Fprintln(stdout, strings.TrimRight(usage, "\n"))
		if fs.HasFlags() {
			fmt.Fprintln(stdout, "Flags:")
			fs.SetOutput(stdout)
			fs.PrintDefaults()
			fs.SetOutput(io.Discard)
		}
	}
	return fs
}

// subcommandsHelp prints a command's usage and then the flags of each of
// its subcommands, asking the command itself for each subcommand's help so
// that every flag is declared in one place.
func subcommandsHelp(stdout io.Writer, name, usage string, subs []string, run func([]string, io.Writer, io.Writer) error) {
	head := strings.TrimRight(usage, "\n") + "\n"
	fmt.Fprint(stdout, head)
	for _, sub := range subs {
		var b strings.Builder
		run([]string{sub, "--help"}, &b, io.Discard)
		if flags := strings.TrimPrefix(b.String(), head); flags != "" {
			fmt.Fprintf(stdout, "\n%s %s %s", name, sub, strings.Replace(flags, "Flags:", "flags:", 1))
		}
	}
}

// parseFlags parses args, turning flag errors into usage errors and
// rejecting unexpected positional arguments.
func parseFlags(fs *pflag.FlagSet, args []string) error {
	if err := parseFlagsWithArgs(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	return nil
}

// parseFlagsWithArgs is parseFlags for commands that take positional
// arguments (fs.Args()).
func parseFlagsWithArgs(fs *pflag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return err // pflag has printed the usage
		}
		return usageError{flagErrorText(fs, err)}
	}
	return nil
}

var (
	// pflag's errors, which carry no type: a value its parser refused,
	// and a flag it does not know.
	flagValueError   = regexp.MustCompile(`^invalid argument "(.*)" for "(.*)" flag: (.*)$`)
	unknownFlagError = regexp.MustCompile(`^unknown flag: --(.*)$`)
)

// flagErrorText words a pflag error for the user: a value that is not a
// number says so (not strconv's message), one too large gives the range,
// an unknown long flag suggests the flag it is a slip of.
func flagErrorText(fs *pflag.FlagSet, err error) string {
	msg := err.Error()
	if m := flagValueError.FindStringSubmatch(msg); m != nil {
		value, flag, cause := m[1], m[2], m[3]
		switch {
		case strings.Contains(cause, "value out of range"):
			return fmt.Sprintf("%s %s: too large a number", flag, value)
		case strings.Contains(cause, "strconv.ParseInt"), strings.Contains(cause, "strconv.ParseUint"):
			return fmt.Sprintf("%s %q: not a whole number", flag, value)
		case strings.Contains(cause, "strconv.ParseFloat"):
			return fmt.Sprintf("%s %q: not a number", flag, value)
		case strings.Contains(cause, "strconv.ParseBool"):
			return fmt.Sprintf("%s=%s: give true or false", flag, value)
		}
		return fmt.Sprintf("%s %q: %s", flag, value, cause)
	}
	if m := unknownFlagError.FindStringSubmatch(msg); m != nil {
		name, _, _ := strings.Cut(m[1], "=")
		var names []string
		fs.VisitAll(func(f *pflag.Flag) { names = append(names, f.Name) })
		if s := suggest.Closest(name, names); s != "" && s != name {
			return fmt.Sprintf("unknown flag: --%s (did you mean --%s?)", name, s)
		}
		return fmt.Sprintf("unknown flag: --%s", name)
	}
	return msg
}
