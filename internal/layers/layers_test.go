// Package layers holds the test that keeps the architecture's layers
// intact: data flows frame → landmarks → features → verdict → coaching
// decisions → notifier/store, and no package reaches back up the chain.
// It reads the import graph with `go list` and fails on an import a rule
// forbids (restic checks its layers the same way).
package layers

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/neckwatch/neckwatch/internal/testenv"
)

const mod = "github.com/neckwatch/neckwatch/"

type pkg struct {
	ImportPath string
	Imports    []string
	Deps       []string // every package it needs, directly or not
}

// ioStd are standard packages that do I/O: the pure packages (the
// geometry, the coaching decisions) must not need them.
var ioStd = []string{"os", "os/exec", "os/signal", "net", "net/http", "database/sql", "io/fs", "syscall", "log", "log/slog", "path/filepath"}

// rule: the package (and its subpackages, but those in except) may not
// import any of deny; "project" in allow lists the only project packages
// it may use.
type rule struct {
	pkg     string
	why     string
	allow   []string // project packages allowed (nil: no project rule)
	deny    []string // import paths (or prefixes ending in "/") denied
	exactly bool     // allow is the complete list
	except  []string // subpackages with a rule of their own
}

var rules = []rule{
	{pkg: "landmark", why: "plain data at the top of the chain", allow: []string{}, exactly: true, deny: ioStd},
	{pkg: "posture", why: "pure geometry and classification", allow: []string{"landmark", "internal/stats"}, exactly: true, deny: ioStd},
	{pkg: "timeline", why: "the one time model, shared by the decider and the store", allow: []string{"posture"}, exactly: true, deny: ioStd},
	{pkg: "coach", why: "the pure coach core: decisions only, effects go out", allow: []string{"posture", "timeline", "internal/stats"}, exactly: true, deny: ioStd},
	{pkg: "synthetic/pose3d", why: "exact motions of landmarks: plain geometry, no images", allow: []string{"landmark"}, exactly: true, deny: append([]string{"gocv.io/x/gocv"}, ioStd...)},
	{pkg: "vision", why: "capture and DNN; below the verdicts", allow: []string{"landmark", "models"}, exactly: true},
	{pkg: "history", why: "the store: keeps decisions, never makes them (nor knows the decider)", deny: []string{mod + "coach", mod + "vision", mod + "daemon", mod + "notify", mod + "control", mod + "cmd/", "gocv.io/x/gocv"}},
	{pkg: "insights", why: "pure conclusions over the history's figures", allow: []string{"history", "internal/stats"}, exactly: true, deny: ioStd},
	{pkg: "report", why: "reads the history", deny: []string{mod + "vision", mod + "daemon", mod + "coach", mod + "notify", "gocv.io/x/gocv"}},
	{pkg: "notify", why: "the notifier knows nothing of what it is told", deny: []string{mod + "coach", mod + "daemon", mod + "posture", mod + "history", mod + "vision"}},
	{pkg: "daemon", why: "the I/O shell: no OpenCV (its Sampler is its own interface over landmarks), no store, no transport", deny: []string{"gocv.io/x/gocv", mod + "history", mod + "control", mod + "analysis"}, except: []string{"daemon/daemonctl"}},
	// The control protocol's answers from the daemon: an adapter beside
	// the daemon, so that neither the daemon (the transport) nor control
	// (which the client commands use as well) knows the other.
	{pkg: "daemon/daemonctl", why: "the control socket's adapter onto the daemon", allow: []string{"daemon", "control"}, exactly: true},
	{pkg: "calibration", why: "baseline files", deny: []string{mod + "vision", mod + "daemon", "gocv.io/x/gocv"}},
	{pkg: "config", why: "one configuration file, read without a camera", allow: []string{"posture", "coach", "calibration", "internal/regularfile", "internal/suggest"}, exactly: true},
}

// gocvUsers are the only packages that may import gocv: the capture and
// DNN edge, the frame loop of the commands, the synthetic test scenes and
// the commands themselves.
var gocvUsers = []string{"vision", "analysis", "synthetic", "internal/testenv/visiontest", "cmd/"}

// gocvFree are the packages downstream of the landmarks (and the plain
// services beside them) that must not need OpenCV even indirectly, tests
// included: they build and are tested without cgo's OpenCV, and a type
// borrowed from vision (which imports gocv) would break that unseen,
// since gocv is then only a dependency of a dependency.
var gocvFree = []string{"landmark", "posture", "timeline", "coach", "daemon", "history", "insights", "report", "calibration", "config", "notify", "control", "tray"}

func under(path, p string) bool {
	if strings.HasSuffix(p, "/") {
		return strings.HasPrefix(path, p)
	}
	return path == p || strings.HasPrefix(path, p+"/")
}

// list is the project's packages as `go list` sees them, with their test
// variants ("p [p.test]", "p_test [p.test]") when tests.
func list(t *testing.T, tests bool) []pkg {
	t.Helper()
	args := []string{"list", "-e", "-json"}
	if tests {
		args = append(args, "-test")
	}
	cmd := exec.Command("go", append(args, "./...")...)
	cmd.Dir = testenv.RepoRoot(t)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(bytes.NewReader(out))
	var pkgs []pkg
	for dec.More() {
		var p pkg
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		if strings.HasPrefix(p.ImportPath, mod+"zz_") {
			continue // local scratch, never committed
		}
		pkgs = append(pkgs, p)
	}
	if len(pkgs) < 15 {
		t.Fatalf("go list found only %d packages", len(pkgs))
	}
	return pkgs
}

// TestNoOpenCVDownstream checks gocvFree against every package each one
// needs, its tests' included.
func TestNoOpenCVDownstream(t *testing.T) {
	pkgs := list(t, true)
	byPath := map[string]pkg{}
	for _, p := range pkgs {
		byPath[p.ImportPath] = p
	}
	checked := map[string]bool{}
	for _, p := range pkgs {
		// "daemon [daemon.test]", "daemon_test [daemon.test]" and the
		// test main "daemon.test" are all the daemon's.
		rel := strings.TrimPrefix(strings.Fields(p.ImportPath)[0], mod)
		rel = strings.TrimSuffix(strings.TrimSuffix(rel, ".test"), "_test")
		for _, free := range gocvFree {
			if !under(rel, free) {
				continue
			}
			checked[free] = true
			for _, dep := range p.Deps {
				if dep == "gocv.io/x/gocv" {
					t.Errorf("%s needs gocv (through %s): it must build and test without OpenCV", p.ImportPath, via(p, dep, byPath))
				}
			}
		}
	}
	for _, free := range gocvFree {
		if !checked[free] {
			t.Errorf("%s in gocvFree matched no package: stale entry", free)
		}
	}
}

// via names the packages p imports that bring dep in, for the message
// (go list gives the deps, not the path to them).
func via(p pkg, dep string, byPath map[string]pkg) string {
	var out []string
	for _, imp := range p.Imports {
		if imp == dep || slices.Contains(byPath[imp].Deps, dep) {
			out = append(out, strings.TrimPrefix(imp, mod))
		}
	}
	return strings.Join(out, ", ")
}

func TestLayers(t *testing.T) {
	pkgs := list(t, false)
	checked := map[string]bool{}
	for _, p := range pkgs {
		rel := strings.TrimPrefix(p.ImportPath, mod)
		for _, imp := range p.Imports {
			if imp == "gocv.io/x/gocv" {
				ok := false
				for _, u := range gocvUsers {
					ok = ok || under(rel, u)
				}
				if !ok {
					t.Errorf("%s imports gocv: only %v may (OpenCV stays at the edges)", rel, gocvUsers)
				}
			}
			if (imp == mod+"notify/notifytest" || imp == mod+"internal/testenv") && !under(rel, "internal/testenv") {
				t.Errorf("%s imports %s, a test helper, outside its tests", rel, strings.TrimPrefix(imp, mod))
			}
			if under(strings.TrimPrefix(imp, mod), "cmd/") && strings.HasPrefix(imp, mod) {
				t.Errorf("%s imports the command %s", rel, imp)
			}
		}
		for _, r := range rules {
			if !under(rel, r.pkg) || slices.ContainsFunc(r.except, func(e string) bool { return under(rel, e) }) {
				continue
			}
			checked[r.pkg] = true
			for _, imp := range p.Imports {
				for _, d := range r.deny {
					if under(imp, d) {
						t.Errorf("%s imports %s: %s", rel, imp, r.why)
					}
				}
				if r.exactly && strings.HasPrefix(imp, mod) {
					ok := false
					for _, a := range r.allow {
						ok = ok || under(strings.TrimPrefix(imp, mod), a)
					}
					if !ok {
						t.Errorf("%s imports %s: it may use only %v (%s)", rel, imp, r.allow, r.why)
					}
				}
			}
		}
	}
	for _, r := range rules {
		if !checked[r.pkg] {
			t.Errorf("rule for %s matched no package: stale rule", r.pkg)
		}
	}
}
