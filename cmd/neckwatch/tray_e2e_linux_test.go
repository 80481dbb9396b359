//go:build linux

package main

import (
	"bytes"
	"fmt"
	"os/exec"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/neckwatch/neckwatch/internal/testenv"
	"github.com/neckwatch/neckwatch/internal/testenv/sni"
	"github.com/neckwatch/neckwatch/tray"
)

// trayDaemon is `neckwatch run --tray` as a real process.
type trayDaemon struct {
	cmd  *exec.Cmd
	log  *testenv.SyncBuffer
	done chan error // gets Wait's result
}

// startTrayDaemon starts `neckwatch run --tray --source 7 --foreground`
// (camera 7 is absent: the daemon keeps running with a camera problem)
// with the environment of daemonEnv, on the session bus at busAddr. It
// waits for the control socket and kills the daemon when the test ends.
func startTrayDaemon(t *testing.T, busAddr string) *trayDaemon {
	t.Helper()
	env := daemonEnv(t) // also sets XDG_RUNTIME_DIR here, for runCLI
	cmd := exec.Command(binary(t), "run", "--tray", "--source", "7", "--foreground")
	// The last value of a variable wins: this overrides daemonEnv's
	// bus-less address.
	cmd.Env = append(env, "DBUS_SESSION_BUS_ADDRESS="+busAddr)
	d := &trayDaemon{cmd: cmd, log: &testenv.SyncBuffer{}, done: make(chan error, 1)}
	cmd.Stderr = d.log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { d.done <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-d.done
		if t.Failed() || testing.Verbose() {
			t.Logf("daemon log:\n%s", d.log.String())
		}
	})
	waitFor(t, "the control socket", func() bool {
		select {
		case err := <-d.done:
			d.done <- err // for the cleanup
			t.Fatalf("daemon exited at startup: %v\n%s", err, d.log.String())
		default:
		}
		code, _, _ := runCLI(t, "status", "--json")
		return code == 0
	})
	return d
}

// exits waits for the daemon to exit and fails t unless it exited with
// status 0.
func (d *trayDaemon) exits(t *testing.T, after string) {
	t.Helper()
	err := testenv.Await(t, d.done, "the daemon's exit after "+after)
	d.done <- err // for the cleanup
	if err != nil {
		t.Fatalf("exit after %s: %v", after, err)
	}
}

func policyPhase(t *testing.T) string {
	t.Helper()
	pol, _ := statusJSON(t)["policy"].(map[string]any)
	phase, _ := pol["phase"].(string)
	return phase
}

// The tray icon registers with a StatusNotifierWatcher and its menu
// actions reach the daemon: a real `neckwatch run --tray` on a private
// session bus, with a fake panel reading and clicking the item over D-Bus.
func TestTrayEndToEndMenuReachesDaemon(t *testing.T) {
	addr := sni.StartBus(t)
	watcher := sni.NewWatcher(t, addr, true)
	d := startTrayDaemon(t, addr)

	r := watcher.NextRegistration(t)
	if name, path := r.Address(); !strings.HasPrefix(name, ":") || path != sni.ItemPath {
		t.Fatalf("RegisterStatusNotifierItem(%q) from %s: want the item at %s on the daemon's connection", r.Service, r.Sender, sni.ItemPath)
	}
	panel := sni.Connect(t, addr)
	it := r.Item(panel)
	if id := it.StringProp(t, "Id"); id != "neckwatch" {
		t.Errorf("Id = %q, want neckwatch", id)
	}
	if title, _ := it.Tooltip(t); !strings.Contains(title, "neckwatch") {
		t.Errorf("ToolTip title %q does not name neckwatch", title)
	}
	if title := it.StringProp(t, "Title"); !strings.Contains(title, "neckwatch") {
		t.Errorf("Title %q does not name neckwatch", title)
	}

	// shows waits for the item to show state s: title, tooltip and icon.
	shows := func(s tray.State) {
		t.Helper()
		_, _, wantPix := sni.PNGPixmap(t, tray.Icon(s))
		sni.Eventually(t, "tray showing "+string(s), func() string {
			title := it.StringProp(t, "Title")
			if !strings.HasPrefix(title, "neckwatch — "+s.Label()) {
				return fmt.Sprintf("Title %q", title)
			}
			if tip, _ := it.Tooltip(t); !strings.HasPrefix(tip, title) {
				return fmt.Sprintf("ToolTip title %q, Title %q", tip, title)
			}
			if _, _, pix := it.Pixmap(t); !bytes.Equal(pix, wantPix) {
				return "the icon is not the " + string(s) + " icon"
			}
			return ""
		})
	}

	// Camera 7 is absent: the daemon says so, and so does the icon.
	waitFor(t, "the camera problem in status", func() bool { return statusJSON(t)["camera"] == "absent" })
	shows(tray.StateCameraProblem)
	if title := it.StringProp(t, "Title"); title != "neckwatch — camera problem (camera absent)" {
		t.Errorf("Title %q", title)
	}

	sni.Click(t, panel, r, "Pause 30 minutes")
	waitFor(t, "the pause from the tray", func() bool { return policyPhase(t) == "paused" })
	shows(tray.StatePaused)

	if code, _, stderr := runCLI(t, "resume"); code != 0 {
		t.Fatalf("resume: %s", stderr)
	}
	if phase := policyPhase(t); phase == "paused" || phase == "snoozed" {
		t.Fatalf("phase %q after resume", phase)
	}
	shows(tray.StateCameraProblem)

	sni.Click(t, panel, r, "Snooze alerts 30 minutes")
	waitFor(t, "the snooze from the tray", func() bool { return policyPhase(t) == "snoozed" })
	if pol, _ := statusJSON(t)["policy"].(map[string]any); pol["paused"] == true {
		t.Errorf("snoozing paused monitoring: %v", pol)
	}

	itemName := fmt.Sprintf("org.kde.StatusNotifierItem-%d-1", d.cmd.Process.Pid)
	if !sni.HasOwner(t, panel, itemName) {
		t.Errorf("%s is not on the bus", itemName)
	}
	sni.Click(t, panel, r, "Quit neckwatch")
	d.exits(t, "Quit from the tray")
	sni.Eventually(t, "the item after Quit", func() string {
		for _, name := range []string{r.Sender, itemName} {
			if sni.HasOwner(t, panel, name) {
				return name + " is still on the bus"
			}
		}
		if items := watcher.Items(); len(items) > 0 {
			return fmt.Sprintf("the watcher still lists %v", items)
		}
		return ""
	})
	if code, _, stderr := runCLI(t, "status"); code != 1 || !strings.Contains(stderr, "not running") {
		t.Errorf("status after Quit: exit %d %s", code, stderr)
	}
	log := d.log.String()
	for _, want := range []string{"tray icon shown", "item=quit"} {
		if !strings.Contains(log, want) {
			t.Errorf("no %q in the log:\n%s", want, log)
		}
	}
	if strings.Contains(log, "panic") {
		t.Errorf("panic in the log:\n%s", log)
	}
}

// Without a tray host, `run --tray` runs headless: the control socket
// works, the log says once that there is no tray host, nothing is
// exported on the bus, and SIGTERM stops it with exit 0. Once: startTray
// gives up at the first answer and starts no refresh loop, so the log is
// counted when it is complete, at the exit, rather than after a wait for
// a repeat that nothing would send.
func TestTrayWithoutHostRunsHeadless(t *testing.T) {
	addr := sni.StartBus(t)
	d := startTrayDaemon(t, addr)

	waitFor(t, "the camera problem in status", func() bool { return statusJSON(t)["camera"] == "absent" })
	if code, _, stderr := runCLI(t, "pause", "10m"); code != 0 || policyPhase(t) != "paused" {
		t.Fatalf("pause without a tray: exit %d %s", code, stderr)
	}
	waitFor(t, "the no-tray-host message", func() bool { return strings.Contains(d.log.String(), "no system tray host") })

	var names []string
	if err := sni.Connect(t, addr).BusObject().Call("org.freedesktop.DBus.ListNames", 0).Store(&names); err != nil {
		t.Fatal(err)
	}
	if i := slices.IndexFunc(names, func(n string) bool { return strings.HasPrefix(n, sni.ItemIface) }); i >= 0 {
		t.Errorf("%s is on the bus without a tray host", names[i])
	}

	if err := d.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	d.exits(t, "SIGTERM")

	log := d.log.String()
	var lines []string
	for _, line := range strings.Split(log, "\n") {
		if strings.Contains(line, "no system tray host") {
			lines = append(lines, line)
		}
	}
	if len(lines) != 1 {
		t.Errorf("the log says %d times that there is no tray host:\n%s", len(lines), log)
	}
	if strings.Contains(log, "tray icon shown") || strings.Contains(log, "panic") {
		t.Errorf("log:\n%s", log)
	}
}
