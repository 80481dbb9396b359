package config_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/neckwatch/neckwatch/config"
)

func ExampleDefault() {
	// The commented default file, as `neckwatch config` prints it.
	lines := strings.Split(config.Example(), "\n")
	for i, line := range lines {
		switch {
		case strings.HasPrefix(line, "["):
			fmt.Println(line)
		case strings.HasPrefix(line, "onset = ") || strings.HasPrefix(line, "level = "):
			fmt.Println(lines[i-1])
			fmt.Println(line)
		}
	}
	// Output:
	// [camera]
	// [sampling]
	// [alerts]
	// # bad posture must add up to this long before it counts (5s..30m) (default "50s")
	// onset = "50s"
	// [thresholds]
	// [notifications]
	// [desktop]
	// [history]
	// [log]
	// # log verbosity: debug, info, warn or error (default "info")
	// level = "info"
}

func ExampleLoad() {
	dir, err := os.MkdirTemp("", "neckwatch-config")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "config.toml")

	// Keys that are not written keep their defaults.
	os.WriteFile(path, []byte(`
[alerts]
onset = "45s"
quiet_start = "22:00"
quiet_end = "07:00"

[thresholds]
forward_start_cm = 3.0
`), 0o600)
	c, err := config.Load(path)
	fmt.Println(c.Alerts.Onset, c.Alerts.Cooldown, c.Alerts.QuietStart, c.Thresholds["forward_start_cm"], err)

	// Mistakes name the key.
	os.WriteFile(path, []byte("[alerts]\nonsett = \"45s\"\n"), 0o600)
	_, err = config.Load(path)
	fmt.Println(strings.ReplaceAll(err.Error(), dir+string(filepath.Separator), ""))

	os.WriteFile(path, []byte("[alerts]\nonset = \"1s\"\n"), 0o600)
	_, err = config.Load(path)
	fmt.Println(strings.ReplaceAll(err.Error(), dir+string(filepath.Separator), ""))
	// Output:
	// 45s 5m0s 22:00 3 <nil>
	// config.toml: unknown key alerts.onsett (did you mean alerts.onset?)
	// config.toml: alerts.onset = 1s: must be between 5s and 30m (line 2)
}
