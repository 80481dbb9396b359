package config_test

import (
	"testing"
	"time"

	"github.com/neckwatch/neckwatch/config"
)

// TestApplyNamesTheFlag: a key set by a flag is reported with the flag,
// one the file set with the file.
func TestApplyNamesTheFlag(t *testing.T) {
	c := config.Default()
	c.Alerts.Cooldown = 10 * time.Second
	_, err := c.Apply(config.Overrides{Onset: "-5s"}, "/home/me/neckwatch.toml", []string{"alerts.cooldown"})
	want := "--alert-onset -5s: must be between 5s and 30m\n/home/me/neckwatch.toml: alerts.cooldown = 10s: must be between 30s and 24h"
	if err == nil || err.Error() != want {
		t.Errorf("error\n%v\nwant\n%s", err, want)
	}
}
