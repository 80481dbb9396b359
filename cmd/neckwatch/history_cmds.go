package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/neckwatch/neckwatch/coach"
	"github.com/neckwatch/neckwatch/config"
	"github.com/neckwatch/neckwatch/control"
	"github.com/neckwatch/neckwatch/daemon"
	"github.com/neckwatch/neckwatch/history"
	"github.com/neckwatch/neckwatch/insights"
	"github.com/neckwatch/neckwatch/internal/xdg"
	"github.com/neckwatch/neckwatch/report"
)

// historyPath is the journal database: --db, then the config's
// history.path, then the data directory.
func historyPath(flagPath string) (string, error) {
	p, _, err := historyPathNamed(flagPath)
	return p, err
}

// historyPathNamed is historyPath, and whether the user named the path
// (--db or history.path) rather than it being neckwatch's default.
func historyPathNamed(flagPath string) (string, bool, error) {
	if flagPath != "" {
		return flagPath, true, nil
	}
	cfg, err := config.Load("")
	if err != nil {
		return "", false, err
	}
	if cfg.History.Path != "" {
		return cfg.History.Path, true, nil
	}
	p, err := history.DefaultPath()
	return p, false, err
}

func openHistory(flagPath string) (*history.Store, error) {
	p, err := historyPath(flagPath)
	if err != nil {
		return nil, err
	}
	return history.Open(p)
}

// readHistory opens the history for a command that only reads it: a
// database that is not there is an error, and nothing is created.
func readHistory(flagPath string) (*history.Store, error) {
	p, named, err := historyPathNamed(flagPath)
	if err != nil {
		return nil, err
	}
	return history.OpenExisting(p, named)
}

// dateSyntax is YYYY-MM-DD.
var dateSyntax = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`)

// parseDate reads a local calendar date: one written otherwise is asked
// for as YYYY-MM-DD, one so written but not in the calendar (2026-02-30)
// is said to be no such day.
func parseDate(flag, s string) (time.Time, error) {
	t, err := time.ParseInLocation("2006-01-02", s, time.Local)
	switch {
	case err != nil && dateSyntax.MatchString(s):
		return t, usagef("%s %s: there is no such day", flag, s)
	case err != nil:
		return t, usagef("%s %q: write the date as YYYY-MM-DD", flag, s)
	}
	return t, nil
}

// clock is the journal, history and report commands' idea of now: their
// "today" and the time of a journal entry. Tests pin it.
var clock = time.Now

func midnight(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, t.Location())
}

// maxPeriodDays bounds --days before any date is computed from it (a
// larger count would overflow the calendar); the history's first day
// bounds the period further (history.Store.FirstDayFrom).
const maxPeriodDays = 100 * 366

// period resolves --days / --since into [from, to): whole local days up
// to and including today. It is checked before anything is read: --days
// at least 1 (a larger count than maxPeriodDays is taken as "everything"),
// --since a real day not after today.
func period(days int, since string, daysSet bool) (time.Time, time.Time, error) {
	today := midnight(clock())
	to := today.AddDate(0, 0, 1)
	if since != "" && daysSet {
		return time.Time{}, time.Time{}, usagef("give --days or --since, not both")
	}
	if since != "" {
		from, err := parseDate("--since", since)
		if err == nil && from.After(today) {
			err = usagef("--since %s is after today (%s): give a day up to today", since, today.Format("2006-01-02"))
		}
		return from, to, err
	}
	if days < 1 {
		return time.Time{}, time.Time{}, usagef("--days must be at least 1")
	}
	return to.AddDate(0, 0, -min(days, maxPeriodDays)), to, nil
}

const journalUsage = `Usage: neckwatch journal add --pain 0-10 [--area neck|upper-back|shoulders|head] [--note TEXT]
       neckwatch journal list [--days N]

A short pain journal next to the posture history: a score a day for a
week or two shows whether the posture work helps.
`

func runJournal(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usagef("journal needs a subcommand: add or list")
	}
	fs := newFlagSet("journal", journalUsage, stdout)
	var db, area, note string
	var pain, days int
	fs.StringVar(&db, "db", "", "history database (default ~/.local/share/neckwatch/history.db)")
	switch args[0] {
	case "add":
		fs.IntVar(&pain, "pain", -1, "pain score from 0 (none) to 10 (worst)")
		fs.StringVar(&area, "area", "", "where: neck, upper-back, shoulders or head")
		fs.StringVar(&note, "note", "", "a few words, one line, at most 500 characters (what you were doing, what helped)")
		if err := parseFlags(fs, args[1:]); err != nil {
			return err
		}
		if !fs.Changed("pain") {
			return usagef("--pain is required: a score from 0 (none) to 10 (worst)")
		}
		if pain < 0 || pain > 10 {
			return usagef("--pain must be a score from 0 to 10")
		}
		a, err := history.ParsePainArea(area)
		if err != nil {
			return usageError{err.Error()}
		}
		entry := history.PainEntry{At: clock(), Score: pain, Area: a, Note: history.CleanNote(note)}
		if err := entry.Validate(); err != nil {
			return usagef("--note: %v", err)
		}
		store, err := openHistory(db)
		if err != nil {
			return err
		}
		defer store.Close()
		if err := store.AddPain(entry); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "Noted: pain %d/10%s. `neckwatch report` shows it next to your posture.\n", pain, areaText(a))
		return nil
	case "list":
		fs.IntVar(&days, "days", 30, "how many days back")
		if err := parseFlags(fs, args[1:]); err != nil {
			return err
		}
		from, to, err := period(days, "", true)
		if err != nil {
			return err
		}
		store, err := readHistory(db)
		if err != nil {
			return err
		}
		defer store.Close()
		if from, err = store.FirstDayFrom(from); err != nil {
			return err
		}
		entries, err := store.Pain(from, to)
		if err != nil {
			return err
		}
		if len(entries) == 0 {
			fmt.Fprintf(stdout, "No journal entries from %s to today. Add one with `neckwatch journal add --pain N`.\n", from.Format("Mon 02 Jan 2006"))
			return nil
		}
		tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "when\tpain\tarea\tnote")
		for _, e := range entries {
			fmt.Fprintf(tw, "%s\t%d\t%s\t%s\n", e.At.Local().Format("Mon 02 Jan 15:04"), e.Score, e.Area, printable(e.Note))
		}
		return tw.Flush()
	case "-h", "--help":
		subcommandsHelp(stdout, "journal", journalUsage, []string{"add", "list"}, runJournal)
		return nil
	}
	return usagef("unknown journal subcommand %q%s: use add or list", args[0], didYouMean(args[0], []string{"add", "list"}))
}

// printable is s for a terminal: control and format characters (tabs,
// line breaks, escape sequences, direction overrides) shown as Go escapes
// (\t, \x1b, \u202e) instead of acting on the terminal, and invalid
// UTF-8 as \xNN. A note written by an older neckwatch, or into the
// database by another program, prints on one line as it is.
func printable(s string) string {
	var b strings.Builder
	for i, r := range s {
		switch {
		case r == utf8.RuneError && !strings.HasPrefix(s[i:], "\uFFFD"):
			fmt.Fprintf(&b, "\\x%02x", s[i])
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r):
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func areaText(a history.PainArea) string {
	if a == "" {
		return ""
	}
	return " (" + string(a) + ")"
}

const historyUsage = `Usage: neckwatch history export --format csv|json [--out FILE [--force]] [--since DATE]
       neckwatch history forget (--before DATE | --all)

Your data, and the way to delete it. The history holds numbers only
(per-minute posture time, severity and neck angle; alerts, breaks, pauses;
pain entries), never an image. forget deletes and then vacuums the file so
the deleted data is really gone.
`

func runHistory(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usagef("history needs a subcommand: export or forget")
	}
	fs := newFlagSet("history", historyUsage, stdout)
	var db string
	fs.StringVar(&db, "db", "", "history database (default ~/.local/share/neckwatch/history.db)")
	switch args[0] {
	case "export":
		var format, out, since string
		var force bool
		fs.StringVar(&format, "format", "csv", "csv or json")
		fs.StringVar(&out, "out", "", "write to this new file instead of stdout")
		fs.BoolVar(&force, "force", false, "replace --out if it exists (never the history database or a calibration)")
		fs.StringVar(&since, "since", "", "only data from this date on (YYYY-MM-DD)")
		if err := parseFlags(fs, args[1:]); err != nil {
			return err
		}
		if format != "csv" && format != "json" {
			return usagef("--format %q: use csv or json", format)
		}
		var from time.Time
		if since != "" {
			var err error
			if from, err = parseDate("--since", since); err != nil {
				return err
			}
		}
		dbPath, named, err := historyPathNamed(db)
		if err != nil {
			return err
		}
		if err := checkOutput("--out", out, force, dbPath); err != nil {
			return err
		}
		store, err := history.OpenExisting(dbPath, named)
		if err != nil {
			return err
		}
		defer store.Close()
		if out == "" {
			return store.Export(stdout, format, from, time.Time{})
		}
		var b strings.Builder
		if err := store.Export(&b, format, from, time.Time{}); err != nil {
			return err
		}
		if err := writeOutput(out, []byte(b.String()), force); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "Exported to %s\n", out)
		return nil
	case "forget":
		var before string
		var all bool
		fs.StringVar(&before, "before", "", "delete everything before this date (YYYY-MM-DD)")
		fs.BoolVar(&all, "all", false, "delete the whole history")
		if err := parseFlags(fs, args[1:]); err != nil {
			return err
		}
		switch {
		case before != "" && all:
			return usagef("give --before DATE or --all, not both: --all deletes everything")
		case before == "" && !all:
			return usagef("give --before DATE or --all")
		}
		var cut time.Time
		if before != "" {
			var err error
			if cut, err = parseDate("--before", before); err != nil {
				return err
			}
		}
		// The running daemon drops what it still holds from before the cut
		// first: its next minute must not bring the deleted data back.
		req := control.Request{Command: control.CmdForget}
		if !cut.IsZero() {
			req.Before = cut.Format(time.RFC3339)
		}
		if _, err := control.Call(context.Background(), control.SocketPath(), req); err != nil && !errors.Is(err, control.ErrNotRunning) {
			fmt.Fprintf(stderr, "neckwatch history: warning: could not tell the running daemon (%v); a minute it still holds may be written after this\n", err)
		}
		store, err := openHistory(db)
		if err != nil {
			return err
		}
		defer store.Close()
		n, err := store.Forget(cut)
		if err != nil {
			return err
		}
		// The minutes waiting in the unwritten file go too, so the next
		// start does not bring them back (no state directory: no file).
		if unwritten, err := history.DefaultUnwrittenPath(); err == nil {
			if err := history.ForgetUnwritten(unwritten, cut, time.Now()); err != nil {
				return err
			}
		}
		what := "the whole history"
		if !cut.IsZero() {
			what = "everything before " + before
		}
		fmt.Fprintf(stdout, "Deleted %s (%d records) and compacted %s.\n", what, n, store.Path())
		return nil
	case "-h", "--help":
		subcommandsHelp(stdout, "history", historyUsage, []string{"export", "forget"}, runHistory)
		return nil
	}
	return usagef("unknown history subcommand %q%s: use export or forget", args[0], didYouMean(args[0], []string{"export", "forget"}))
}

const reportUsage = `Usage: neckwatch report [--days N | --since DATE] [--chart FILE.png|FILE.svg] [--html FILE.html] [--force]
       neckwatch report --weekly [--html FILE.html [--force]]
       neckwatch report --dismiss ID | --undismiss ID | --dismissed

A table per day (present hours, % upright, forward-head minutes, alerts,
corrections, breaks, mean neck angle, pain), the trend between the first
and the last week, desk set-up advice from the last 7 days of camera
measurements (screen height, screen distance, screen to one side; each
with its evidence and assumption, and nothing when the evidence is thin or
mixed), and pain against posture (each day's pain score beside that day's
and the previous day's forward-head load and the breaks taken, from 10 days
with a score on; days that go together, never a cause).

--chart draws daily upright %, forward-head minutes and pain (PNG or SVG).
--html writes the whole report as one self-contained page (no network, no
script; charts inline) to open in a browser or print. Neither replaces an
existing file without --force, nor ever the history database or a
calibration.
--weekly prints the last 7 days in three lines and a link to the HTML
report (the file given with --html, else report.html in the state
directory, ~/.local/state/neckwatch).
--dismiss ID stops a piece of desk advice for good (IDs: screen-height,
screen-distance, screen-side); --undismiss ID brings it back; --dismissed
lists what you dismissed.
`

func runReport(args []string, stdout, stderr io.Writer) error {
	var db, since, chart, htmlOut, dismiss, undismiss string
	var days, width, height int
	var force, weekly, listDismissed bool
	fs := newFlagSet("report", reportUsage, stdout)
	fs.StringVar(&db, "db", "", "history database (default ~/.local/share/neckwatch/history.db)")
	fs.IntVar(&days, "days", 14, "how many days, up to today (from the history's first day at the earliest)")
	fs.StringVar(&since, "since", "", "from this date (YYYY-MM-DD, not after today) to today")
	fs.StringVar(&chart, "chart", "", "also draw a chart into this .png or .svg file")
	fs.IntVar(&width, "width", 1000, "chart width in pixels (320-8000; with --chart)")
	fs.IntVar(&height, "height", 650, "chart height in pixels (300-8000; with --chart)")
	fs.StringVar(&htmlOut, "html", "", "also write the report as a self-contained .html page")
	fs.BoolVar(&force, "force", false, "replace --chart or --html if it exists")
	fs.BoolVar(&weekly, "weekly", false, "the last 7 days in three lines, with a link to the HTML report")
	fs.StringVar(&dismiss, "dismiss", "", "stop a piece of desk advice for good (screen-height, screen-distance, screen-side)")
	fs.StringVar(&undismiss, "undismiss", "", "give a dismissed piece of desk advice again")
	fs.BoolVar(&listDismissed, "dismissed", false, "list the desk advice you dismissed")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	actions := 0
	for _, set := range []bool{dismiss != "", undismiss != "", listDismissed} {
		if set {
			actions++
		}
	}
	switch {
	case actions > 1:
		return usagef("give one of --dismiss, --undismiss and --dismissed")
	case actions == 1 && (weekly || chart != "" || htmlOut != "" || fs.Changed("days") || since != ""):
		return usagef("--dismiss, --undismiss and --dismissed take no other report options")
	case actions == 1:
		return runDismissals(db, dismiss, undismiss, stdout)
	}
	if weekly && (chart != "" || fs.Changed("days") || since != "") {
		return usagef("--weekly covers the last 7 days: it takes --html, not --days, --since or --chart")
	}
	if weekly {
		days, since = 14, "" // the HTML report behind the link: two weeks, the trend week against week
	}
	from, to, err := period(days, since, fs.Changed("days"))
	if err != nil {
		return err
	}
	if chart != "" {
		if ext := strings.ToLower(filepath.Ext(chart)); ext != ".png" && ext != ".svg" {
			return usagef("--chart %q: the file must end in .png or .svg", chart)
		}
		if err := report.CheckChartSize(width, height); err != nil {
			return usagef("--width %d --height %d: %v", width, height, err)
		}
	} else if fs.Changed("width") || fs.Changed("height") {
		return usagef("--width and --height size the chart: give --chart FILE.png or FILE.svg too")
	}
	if htmlOut != "" {
		if ext := strings.ToLower(filepath.Ext(htmlOut)); ext != ".html" && ext != ".htm" {
			return usagef("--html %q: the file must end in .html or .htm", htmlOut)
		}
	}
	if chart != "" || htmlOut != "" {
		dbPath, err := historyPath(db)
		if err != nil {
			return err
		}
		if err := checkOutput("--chart", chart, force, dbPath); err != nil {
			return err
		}
		if err := checkOutput("--html", htmlOut, force, dbPath); err != nil {
			return err
		}
	}
	r, data, err := readReport(db, from, to)
	if err != nil {
		return err
	}
	if weekly {
		page, replace := htmlOut, force
		if page == "" {
			if page, err = stateReportPath(); err != nil {
				return err
			}
			replace = true // neckwatch's own file, remade each time
		}
		if err := writeHTMLReport(r, page, replace); err != nil {
			return err
		}
		w := report.BuildWeekly(data.Days, data.Minutes, data.Dismissed, clock(), fileURL(page))
		fmt.Fprintln(stdout, w.Text())
		return nil
	}
	if err := r.WriteTable(stdout); err != nil {
		return err
	}
	if chart != "" && r.HasData() {
		if err := r.WriteChart(chart, width, height); err != nil {
			return outputError(chart, err)
		}
		fmt.Fprintf(stdout, "\nChart: %s\n", chart)
	}
	if htmlOut != "" {
		if err := writeHTMLReport(r, htmlOut, force); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "\nHTML report: %s\n", htmlOut)
	}
	return nil
}

// runDismissals dismisses, restores or lists desk advice.
func runDismissals(db, dismiss, undismiss string, stdout io.Writer) error {
	id := dismiss + undismiss
	if id != "" {
		if _, err := insights.ParseAdviceID(id); err != nil {
			return usageError{err.Error()}
		}
	}
	open := openHistory
	if id == "" {
		open = readHistory // --dismissed only lists
	}
	store, err := open(db)
	if err != nil {
		return err
	}
	defer store.Close()
	switch {
	case dismiss != "":
		added, err := store.Dismiss(id, clock())
		if err != nil {
			return err
		}
		if !added {
			fmt.Fprintf(stdout, "%s was dismissed already: neckwatch does not give this advice.\n", id)
			return nil
		}
		fmt.Fprintf(stdout, "Dismissed %s: neckwatch will not give this advice again (`neckwatch report --undismiss %s` brings it back).\n", id, id)
	case undismiss != "":
		removed, err := store.Undismiss(id)
		if err != nil {
			return err
		}
		if !removed {
			fmt.Fprintf(stdout, "%s was not dismissed.\n", id)
			return nil
		}
		fmt.Fprintf(stdout, "%s is back: neckwatch gives this advice again when the measurements call for it.\n", id)
	default:
		ds, err := store.Dismissed()
		if err != nil {
			return err
		}
		if len(ds) == 0 {
			fmt.Fprintln(stdout, "No desk advice dismissed.")
			return nil
		}
		for _, d := range ds {
			fmt.Fprintf(stdout, "%s\tdismissed %s\n", d.ID, d.At.Format("Mon 02 Jan 2006 15:04"))
		}
	}
	return nil
}

// readReport reads the report of the days in [from, to) and what it is
// made of from the history database (report.Load).
func readReport(db string, from, to time.Time) (report.Report, report.Data, error) {
	store, err := readHistory(db)
	if err != nil {
		return report.Report{}, report.Data{}, err
	}
	defer store.Close()
	return report.Load(store, from, to)
}

// writeHTMLReport writes r as an HTML page to path, atomically; an
// existing file is replaced only with replace.
func writeHTMLReport(r report.Report, path string, replace bool) error {
	page, err := r.HTML(clock())
	if err != nil {
		return fmt.Errorf("HTML report: %w", err)
	}
	return writeOutput(path, page, replace)
}

// stateReportPath is the HTML report the tray and --weekly keep in the
// state directory.
func stateReportPath() (string, error) {
	dir, err := xdg.StateDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "report.html"), nil
}

// fileURL is a file's address for a browser.
func fileURL(path string) string {
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	return (&url.URL{Scheme: "file", Path: path}).String()
}

// openFile opens a file with the desktop's default application (tests
// replace it).
var openFile = func(path string) error { return exec.Command("xdg-open", path).Start() }

// openTodaysReport writes the HTML report of the two weeks up to today
// into the state directory (report.html, replaced each time) and opens
// it with the desktop's browser (tray menu).
func openTodaysReport(db string) func() error {
	return func() error {
		today := midnight(clock())
		r, _, err := readReport(db, today.AddDate(0, 0, -13), today.AddDate(0, 0, 1))
		if err != nil {
			return err
		}
		if !r.HasData() {
			return errors.New(r.NoDataText())
		}
		page, err := stateReportPath()
		if err != nil {
			return err
		}
		if err := writeHTMLReport(r, page, true); err != nil {
			return err
		}
		return openFile(page)
	}
}

// daemonJournal is the history's Journal as the daemon's
// (daemon.Journal): samples, spans and the coach's events as records.
type daemonJournal struct{ *history.Journal }

func (j daemonJournal) Sample(s daemon.Sample)    { j.CountSample(s.At, s.Verdict) }
func (j daemonJournal) Accrue(spans []coach.Span) { j.AddSpans(spans) }

func (j daemonJournal) Event(e coach.Event) {
	if he, ok := eventRecord(e); ok {
		j.AddEvent(he)
	}
}

// openJournal prepares the daemon's history (nil when it is disabled, or
// when no data directory can be found at all). The database itself is
// opened at once when it can be, else retried (see history.Journal).
func openJournal(cfg config.Config, unwritten string, warn func(msg string, args ...any)) *history.Journal {
	if !cfg.History.Enabled {
		return nil
	}
	path := cfg.History.Path
	if path == "" {
		var err error
		if path, err = history.DefaultPath(); err != nil {
			warn("history off", "err", err)
			return nil
		}
	}
	return history.OpenJournal(history.JournalOptions{Path: path, Unwritten: unwritten, Now: time.Now, Warn: warn})
}
