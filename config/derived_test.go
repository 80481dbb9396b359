package config_test

import (
	"testing"
	"time"

	"github.com/neckwatch/neckwatch/config"
)

// TestValidateFlagsNamesTheFlag: a key set by a flag is reported with the
// flag, one the file set with the file.
func TestValidateFlagsNamesTheFlag(t *testing.T) {
	c := config.Default()
	c.Alerts.Onset = -5 * time.Second
	c.Alerts.Cooldown = 10 * time.Second
	err := c.ValidateFlags("/home/me/neckwatch.toml", map[string]string{"alerts.onset": "--alert-onset"})
	want := "--alert-onset -5s: must be between 5s and 30m\n/home/me/neckwatch.toml: alerts.cooldown = 10s: must be between 30s and 24h"
	if err == nil || err.Error() != want {
		t.Errorf("error\n%v\nwant\n%s", err, want)
	}
}
