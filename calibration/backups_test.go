package calibration

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Calibrating again and again keeps the last KeepBackups baselines, dated,
// newest first: three calibrations in a bad posture still leave the last
// good one, which Restore brings back (keeping the one it replaces).
func TestBackupsKeepTheLastFiveAndRestore(t *testing.T) {
	configHome(t)
	p, err := ProfilePath("desk")
	if err != nil {
		t.Fatal(err)
	}
	b := testBaseline(t)
	day := func(i int) time.Time { return time.Date(2026, 3, 1+i, 9, 0, 0, 0, time.UTC) }
	// A good baseline, then seven more (the bad ones last).
	for i := 0; i < 8; i++ {
		b.CreatedAt = day(i)
		b.Frames = 10 + i
		if _, err := Save(p, b); err != nil {
			t.Fatal(err)
		}
	}
	got, err := Backups(p)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != KeepBackups {
		t.Fatalf("%d backups, want %d: %v", len(got), KeepBackups, got)
	}
	for i, bk := range got {
		wantDay := day(6 - i) // the current one is day 7
		if !bk.Made.Equal(wantDay) || bk.Err != nil || bk.Baseline.Frames != 10+6-i {
			t.Errorf("backup %d: made %v (want %v), frames %d, err %v", i, bk.Made, wantDay, bk.Baseline.Frames, bk.Err)
		}
		if want := p + "." + wantDay.Format(stampLayout) + ".bak"; bk.Path != want {
			t.Errorf("backup %d at %s, want %s", i, bk.Path, want)
		}
	}
	if names, _ := Profiles(); len(names) != 1 {
		t.Errorf("backups listed as profiles: %v", names)
	}

	// Back three calibrations: the baseline of day 4.
	kept, err := Restore(p, got[2].Path)
	if err != nil {
		t.Fatal(err)
	}
	if cur, err := Load(p); err != nil || !cur.CreatedAt.Equal(day(4)) {
		t.Fatalf("after restore: %v %v, want the baseline of %v", cur.CreatedAt, err, day(4))
	}
	if kept != p+"."+day(7).Format(stampLayout)+".bak" {
		t.Errorf("the replaced baseline was kept as %q", kept)
	}
	after, _ := Backups(p)
	var days []string
	for _, bk := range after {
		days = append(days, bk.Made.Format("Jan 2"))
	}
	if strings.Join(days, ",") != "Mar 8,Mar 7,Mar 6,Mar 4,Mar 3" {
		t.Errorf("backups after the restore: %v, want Mar 8,Mar 7,Mar 6,Mar 4,Mar 3 (Mar 5, restored, is no longer a backup; still five kept)", days)
	}
}

// The one FILE.bak of earlier versions is listed with the dated ones; a
// backup that is not a calibration is listed with its problem and never
// restored.
func TestBackupsLegacyAndBroken(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "cal.json")
	b := testBaseline(t)
	if _, err := Save(p, b); err != nil {
		t.Fatal(err)
	}
	old := b
	old.CreatedAt = b.CreatedAt.Add(-24 * time.Hour)
	if _, err := Save(p+".bak", old); err != nil {
		t.Fatal(err)
	}
	broken := p + ".20200101T000000Z.bak"
	if err := os.WriteFile(broken, []byte("{garbage"), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := Backups(p)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Path != p+".bak" || got[0].Err != nil || got[1].Path != broken || got[1].Err == nil {
		t.Fatalf("backups %+v", got)
	}
	if _, err := Restore(p, broken); err == nil {
		t.Fatal("a broken backup was restored")
	}
	if cur, err := Load(p); err != nil || !cur.CreatedAt.Equal(b.CreatedAt) {
		t.Errorf("the current calibration changed: %v %v", cur.CreatedAt, err)
	}
}
