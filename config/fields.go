package config

import (
	"fmt"
	"strings"
	"time"
)

// A table is one [section] of the file.
type table struct {
	name string
	doc  string // comment above the table header
}

// tables lists the file's tables in the order TOML writes them.
var tables = []table{
	{"camera", "What to watch and what to judge it against."},
	{"sampling", "When the camera is read. By default it is opened for a short burst and closed\n# again, so its light is off most of the time."},
	{"alerts", "When to remind you of your posture and suggest breaks."},
	{thresholdsTable, "Posture classifier overrides, by the names `neckwatch check --set` takes.\n# Uncomment a line to change it."},
	{"notifications", "Desktop notifications."},
	{"desktop", "Desktop integration."},
	{"history", "The posture journal: numbers only, never an image."},
	{"log", "Logging."},
}

const thresholdsTable = "thresholds"

// A field is one scalar key of the file.
type field struct {
	table, name string // "alerts", "onset"
	doc         string // one line: what the key does
	// ptr returns a pointer into c: *string, *posture.View, *bool, *int,
	// *float64 or *time.Duration.
	ptr func(c *Config) any
	// alertsField is the coach.Config field the key maps to, used to
	// rewrite that package's validation errors.
	alertsField string
	// intOK accepts a TOML integer for a string key (source = 0).
	intOK bool
}

func (f *field) key() string { return f.table + "." + f.name }

// fields lists every scalar key, by table, in the order TOML writes them.
var fields = []field{
	{table: "camera", name: "source", intOK: true, doc: "camera index (0), device (/dev/video2) or video file to watch",
		ptr: func(c *Config) any { return &c.Camera.Source }},
	{table: "camera", name: "view", doc: "camera placement: auto (read off the picture), or force front (webcam facing you) or side (camera beside you)",
		ptr: func(c *Config) any { return &c.Camera.View }},
	{table: "camera", name: "profile", doc: `calibration profile to judge against; "default" is used only once calibrated`,
		ptr: func(c *Config) any { return &c.Camera.Profile }},
	{table: "camera", name: "calibration", doc: "calibration file to judge against instead of a profile (empty: use the profile)",
		ptr: func(c *Config) any { return &c.Camera.Calibration }},
	{table: "camera", name: "accurate_face", doc: "use the slower, more accurate face model (yunet_n)",
		ptr: func(c *Config) any { return &c.Camera.AccurateFace }},
	{table: "camera", name: "models_dir", doc: "directory with the model files when they are not embedded (empty: embedded)",
		ptr: func(c *Config) any { return &c.Camera.ModelsDir }},

	{table: "sampling", name: "keep_open", doc: "keep the camera open (light on) and analyse keep_open_fps frames a second",
		ptr: func(c *Config) any { return &c.Sampling.KeepOpen }},
	{table: "sampling", name: "interval_stable", doc: "time between bursts while your posture is steady (interval_changing..30m)",
		ptr: func(c *Config) any { return &c.Sampling.IntervalStable }},
	{table: "sampling", name: "interval_changing", doc: "time between bursts while your posture is changing or bad (1s..10m)",
		ptr: func(c *Config) any { return &c.Sampling.IntervalChanging }},
	{table: "sampling", name: "interval_away", doc: "time between bursts while nobody is in front of the camera (1s..1h)",
		ptr: func(c *Config) any { return &c.Sampling.IntervalAway }},
	{table: "sampling", name: "burst_frames", doc: "frames analysed per burst (1..30)",
		ptr: func(c *Config) any { return &c.Sampling.BurstFrames }},
	{table: "sampling", name: "settle", doc: "time for the camera's auto exposure after opening, before frames count (0..5s)",
		ptr: func(c *Config) any { return &c.Sampling.Settle }},
	{table: "sampling", name: "keep_open_fps", doc: "frames analysed per second with keep_open (0.2..30)",
		ptr: func(c *Config) any { return &c.Sampling.KeepOpenFPS }},
	{table: "sampling", name: "busy_backoff", doc: "first wait before retrying a camera another program holds; doubles each time",
		ptr: func(c *Config) any { return &c.Sampling.BusyBackoff }},
	{table: "sampling", name: "busy_backoff_max", doc: "longest wait between retries of a busy camera",
		ptr: func(c *Config) any { return &c.Sampling.BusyBackoffMax }},

	{table: "alerts", name: "onset", alertsField: "Onset", doc: "bad posture must add up to this long before it counts (5s..30m)",
		ptr: func(c *Config) any { return &c.Alerts.Onset }},
	{table: "alerts", name: "blip_tolerance", alertsField: "BlipTolerance", doc: "sitting up this briefly inside a bad stretch keeps the onset timer going",
		ptr: func(c *Config) any { return &c.Alerts.BlipTolerance }},
	{table: "alerts", name: "recovery", alertsField: "Recovery", doc: "upright time needed to count as recovered (1s..10m)",
		ptr: func(c *Config) any { return &c.Alerts.Recovery }},
	{table: "alerts", name: "max_sample_gap", alertsField: "MaxSampleGap", doc: "how long one sample's verdict is assumed to hold (5s..10m)",
		ptr: func(c *Config) any { return &c.Alerts.MaxSampleGap }},
	{table: "alerts", name: "stale_after", alertsField: "StaleAfter", doc: "a gap without samples this long (suspend, camera in use) restarts the timers",
		ptr: func(c *Config) any { return &c.Alerts.StaleAfter }},
	{table: "alerts", name: "cooldown", alertsField: "Cooldown", doc: "minimum time between two posture reminders (30s..24h)",
		ptr: func(c *Config) any { return &c.Alerts.Cooldown }},
	{table: "alerts", name: "cooldown_growth", alertsField: "CooldownGrowth", doc: "the cooldown is multiplied by this after each ignored reminder (1..10; 1: fixed)",
		ptr: func(c *Config) any { return &c.Alerts.CooldownGrowth }},
	{table: "alerts", name: "max_cooldown", alertsField: "MaxCooldown", doc: "cap on the grown cooldown (cooldown..24h)",
		ptr: func(c *Config) any { return &c.Alerts.MaxCooldown }},
	{table: "alerts", name: "correction_window", alertsField: "CorrectionWindow", doc: "sitting up within this long after a reminder counts as a response (0: never)",
		ptr: func(c *Config) any { return &c.Alerts.CorrectionWindow }},
	{table: "alerts", name: "acknowledge", alertsField: "Acknowledge", doc: `say "nice, that's better" when you sit up after a reminder`,
		ptr: func(c *Config) any { return &c.Alerts.Acknowledge }},
	{table: "alerts", name: "ack_min_interval", alertsField: "AckMinInterval", doc: "minimum time between two acknowledgements (0: no limit)",
		ptr: func(c *Config) any { return &c.Alerts.AckMinInterval }},
	{table: "alerts", name: "load_budget", alertsField: "LoadBudget", doc: "break budget: severity-weighted forward-head time before a break is suggested",
		ptr: func(c *Config) any { return &c.Alerts.LoadBudget }},
	{table: "alerts", name: "pre_break_notice", alertsField: "PreBreakNotice", doc: "heads-up this long before a break suggestion (0: none; less than load_budget)",
		ptr: func(c *Config) any { return &c.Alerts.PreBreakNotice }},
	{table: "alerts", name: "max_breaks_per_day", alertsField: "MaxBreaksPerDay", doc: "most break suggestions per day (0..48; 0: never suggest breaks)",
		ptr: func(c *Config) any { return &c.Alerts.MaxBreaksPerDay }},
	{table: "alerts", name: "break_length", alertsField: "BreakLength", doc: "suggested break length (1m..1h)",
		ptr: func(c *Config) any { return &c.Alerts.BreakLength }},
	{table: "alerts", name: "break_taken_fraction", alertsField: "BreakTakenFraction", doc: "fraction of break_length you must be away for a break to count as taken",
		ptr: func(c *Config) any { return &c.Alerts.BreakTakenFraction }},
	{table: "alerts", name: "break_window", alertsField: "BreakWindow", doc: "how long after a suggestion the break may still be taken (break_length..4h)",
		ptr: func(c *Config) any { return &c.Alerts.BreakWindow }},
	{table: "alerts", name: "away_drain_after", alertsField: "AwayDrainAfter", doc: "being away this long is a natural break and starts draining the budget",
		ptr: func(c *Config) any { return &c.Alerts.AwayDrainAfter }},
	{table: "alerts", name: "away_full_drain", alertsField: "AwayFullDrain", doc: "being away this long drains the budget completely",
		ptr: func(c *Config) any { return &c.Alerts.AwayFullDrain }},
	{table: "alerts", name: "quiet_start", alertsField: "QuietStart", doc: `start of daily quiet hours without notifications, "HH:MM" like "22:00" (empty: none)`,
		ptr: func(c *Config) any { return &c.Alerts.QuietStart }},
	{table: "alerts", name: "quiet_end", alertsField: "QuietEnd", doc: `end of the quiet hours, "HH:MM" like "07:00"`,
		ptr: func(c *Config) any { return &c.Alerts.QuietEnd }},

	{table: "notifications", name: "enabled", doc: "show desktop notifications (false: only log and record events)",
		ptr: func(c *Config) any { return &c.Notifications.Enabled }},
	{table: "notifications", name: "respect_dnd", doc: "hold notifications while the desktop's do-not-disturb mode is on",
		ptr: func(c *Config) any { return &c.Notifications.RespectDND }},
	{table: "notifications", name: "pain_prompt", doc: `daily time for a pain-score prompt, "HH:MM" like "17:30" (empty: off)`,
		ptr: func(c *Config) any { return &c.Notifications.PainPrompt }},

	{table: "desktop", name: "tray", doc: "show the system-tray icon (without a tray host: logged once, runs headless)",
		ptr: func(c *Config) any { return &c.Desktop.Tray }},

	{table: "history", name: "enabled", doc: "keep the posture journal (per-minute numbers and events)",
		ptr: func(c *Config) any { return &c.History.Enabled }},
	{table: "history", name: "path", doc: "SQLite file of the journal (empty: ~/.local/share/neckwatch/history.db)",
		ptr: func(c *Config) any { return &c.History.Path }},

	{table: "log", name: "level", doc: "log verbosity: debug, info, warn or error",
		ptr: func(c *Config) any { return &c.Log.Level }},
}

// fieldByKey finds a scalar key ("alerts.onset").
func fieldByKey(key string) *field {
	for i := range fields {
		if fields[i].key() == key {
			return &fields[i]
		}
	}
	return nil
}

// fieldByAlerts finds the key of an coach.Config field.
func fieldByAlerts(goName string) *field {
	for i := range fields {
		if fields[i].alertsField == goName {
			return &fields[i]
		}
	}
	return nil
}

// format writes the value of f in c as TOML.
func (f *field) format(c *Config) string {
	return formatValue(f.ptr(c))
}

// formatValue writes a pointed-to value as TOML.
func formatValue(p any) string {
	v := derefString(p)
	if v != nil {
		return quote(*v)
	}
	switch p := p.(type) {
	case *bool:
		return fmt.Sprint(*p)
	case *int:
		return fmt.Sprint(*p)
	case *float64:
		return formatFloat(*p)
	case *time.Duration:
		return quote(FormatDuration(*p))
	}
	panic(fmt.Sprintf("config: no TOML format for %T", p))
}

// quote writes s as a TOML basic string.
func quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\u%04X`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// Changed lists the keys whose values differ between a and b, in the
// file's order ("thresholds" for any change in that table).
func Changed(a, b Config) []string {
	var out []string
	for i := range fields {
		f := &fields[i]
		if formatValue(f.ptr(&a)) != formatValue(f.ptr(&b)) {
			out = append(out, f.key())
		}
	}
	if len(a.Thresholds) != len(b.Thresholds) {
		return append(out, thresholdsTable)
	}
	for k, v := range a.Thresholds {
		if w, ok := b.Thresholds[k]; !ok || w != v {
			return append(out, thresholdsTable)
		}
	}
	return out
}
