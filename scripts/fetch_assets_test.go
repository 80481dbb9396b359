// Package scripts holds only tests: they run scripts/fetch-assets.sh on a
// throw-away copy of the repository layout, offline (file:// upstream URLs,
// tiny derive scripts), and check the manifest against models.All.
package scripts

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/neckwatch/neckwatch/internal/testenv"
	"github.com/neckwatch/neckwatch/models"
)

const (
	rawBytes   = "raw upstream weights\n"
	finalBytes = "RAW UPSTREAM WEIGHTS\n" // what fix.sh makes of rawBytes
	finalDest  = "models/data/derived.bin"
)

func sum(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// fakeRepo is a temporary directory laid out like the repository:
// scripts/fetch-assets.sh (a copy of the real one), test derive scripts, an
// empty mirror and an "upstream" directory served through file:// URLs.
type fakeRepo struct {
	root, mirror, upstream string
}

var deriveScripts = map[string]string{
	// The good fix: upper-cases the bytes.
	"fix.sh": "set -e\ntr a-z A-Z <\"$1\" >\"$2\"\n",
	// Writes part of its output, then fails.
	"fail.sh": "printf partial >\"$2\"\necho 'fix: cannot parse the model' >&2\nexit 3\n",
	// Succeeds but makes the wrong bytes.
	"wrong.sh": "cp \"$1\" \"$2\"\n",
	// Writes part of its output, then hangs (until killed).
	"hang.sh": "printf partial >\"$2\"\nexec sleep 60\n",
	// The good fix in python (run with python3 because of the .py name).
	"fix.py": "import sys\nopen(sys.argv[2], 'w').write(open(sys.argv[1]).read().upper())\n",
}

func newFakeRepo(t *testing.T) *fakeRepo {
	t.Helper()
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("curl is needed for file:// upstream URLs")
	}
	root := t.TempDir()
	r := &fakeRepo{root: root, mirror: filepath.Join(root, "mirror"), upstream: filepath.Join(root, "upstream")}
	script, err := os.ReadFile("fetch-assets.sh")
	if err != nil {
		t.Fatal(err)
	}
	r.write(t, "scripts/fetch-assets.sh", string(script), 0o755)
	for name, body := range deriveScripts {
		r.write(t, "scripts/"+name, body, 0o644)
	}
	r.write(t, "upstream/raw.bin", rawBytes, 0o644)
	r.write(t, "upstream/old.bin", "old-style file\n", 0o644)
	if err := os.MkdirAll(r.mirror, 0o755); err != nil {
		t.Fatal(err)
	}
	return r
}

func (r *fakeRepo) write(t *testing.T, rel, body string, mode os.FileMode) {
	t.Helper()
	p := filepath.Join(r.root, rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(body), mode); err != nil {
		t.Fatal(err)
	}
}

func (r *fakeRepo) url(name string) string { return "file://" + filepath.Join(r.upstream, name) }

// deriveLine is a manifest line for finalDest made from upstream raw.bin.
func (r *fakeRepo) deriveLine(rawSum, script, needs string) string {
	d := "derive=" + rawSum + ":scripts/" + script
	if needs != "" {
		d += ":" + needs
	}
	return strings.Join([]string{finalDest, sum(finalBytes), "models:derived.bin", r.url("raw.bin"), d}, "\t")
}

// oldLine is a 4-column line (no derive) served by the upstream directory.
func (r *fakeRepo) oldLine() string {
	return strings.Join([]string{"models/data/old.bin", sum("old-style file\n"), "models:old.bin", r.url("old.bin")}, "\t")
}

func (r *fakeRepo) manifest(t *testing.T, lines ...string) {
	t.Helper()
	r.write(t, "scripts/assets.tsv", "# test manifest\n\n"+strings.Join(lines, "\n")+"\n", 0o644)
}

func (r *fakeRepo) cmd(env ...string) *exec.Cmd {
	c := exec.Command("bash", filepath.Join(r.root, "scripts", "fetch-assets.sh"), "models")
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "NECKWATCH_") {
			c.Env = append(c.Env, kv)
		}
	}
	c.Env = append(c.Env,
		"NECKWATCH_MODEL_MIRROR="+r.mirror,
		"NECKWATCH_TESTDATA_MIRROR="+filepath.Join(r.root, "no-testdata-mirror"),
		"NECKWATCH_NO_INSTALL=1", // never apt-get from a test
	)
	c.Env = append(c.Env, env...)
	return c
}

// run runs fetch-assets.sh models and returns stdout, stderr and the exit code.
func (r *fakeRepo) run(t *testing.T, env ...string) (string, string, int) {
	t.Helper()
	c := r.cmd(env...)
	var stdout, stderr bytes.Buffer
	c.Stdout, c.Stderr = &stdout, &stderr
	err := c.Run()
	code := 0
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		code = exit.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return stdout.String(), stderr.String(), code
}

// dataFiles lists models/data, temporary files and directories included.
func (r *fakeRepo) dataFiles(t *testing.T) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(r.root, "models", "data"))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// wantRefused checks a failed run: exit 1, a one-line error naming every
// fragment, and nothing at all left in models/data.
func (r *fakeRepo) wantRefused(t *testing.T, stderr string, code int, fragments ...string) {
	t.Helper()
	if code != 1 {
		t.Errorf("exit %d, want 1; stderr:\n%s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	if len(lines) != 1 || !strings.HasPrefix(lines[0], "fetch-assets.sh: ") {
		t.Errorf("want one error line, got:\n%s", stderr)
	}
	for _, f := range fragments {
		if !strings.Contains(stderr, f) {
			t.Errorf("error does not say %q:\n%s", f, stderr)
		}
	}
	if left := r.dataFiles(t); len(left) != 0 {
		t.Errorf("models/data not empty after a refused fetch: %v", left)
	}
}

func (r *fakeRepo) wantFile(t *testing.T, rel, body string) {
	t.Helper()
	p := filepath.Join(r.root, rel)
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != body {
		t.Errorf("%s = %q, want %q", rel, b, body)
	}
	if fi, err := os.Stat(p); err != nil || fi.Mode().Perm() != 0o644 {
		t.Errorf("%s: mode %v (%v), want 0644", rel, fi.Mode(), err)
	}
}

func TestFetchDeriveFromUpstream(t *testing.T) {
	for _, script := range []string{"fix.sh", "fix.py"} {
		t.Run(script, func(t *testing.T) {
			if script == "fix.py" {
				if _, err := exec.LookPath("python3"); err != nil {
					if _, err := os.Stat("/usr/bin/python3"); err != nil {
						t.Skip("no python3")
					}
				}
			}
			r := newFakeRepo(t)
			r.manifest(t, r.oldLine(), r.deriveLine(sum(rawBytes), script, ""))
			stdout, stderr, code := r.run(t)
			if code != 0 {
				t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
			}
			r.wantFile(t, finalDest, finalBytes)
			r.wantFile(t, "models/data/old.bin", "old-style file\n")
			if got := r.dataFiles(t); strings.Join(got, " ") != "derived.bin old.bin" {
				t.Errorf("models/data holds %v, want only the two files (no temporary files)", got)
			}
			if !strings.Contains(stdout, "downloaded "+finalDest+" from "+r.url("raw.bin")+" and derived it with scripts/"+script) ||
				!strings.Contains(stdout, "2 files ok in models/data (2 downloaded)") {
				t.Errorf("stdout:\n%s", stdout)
			}

			// A second run leaves both alone.
			stdout, stderr, code = r.run(t)
			if code != 0 || !strings.Contains(stdout, "(2 already present)") {
				t.Errorf("second run: exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
			}
		})
	}
}

func TestFetchDeriveMirrorFirst(t *testing.T) {
	// The mirror holds the final file: neither the upstream nor the (failing)
	// script is used.
	r := newFakeRepo(t)
	r.write(t, "mirror/derived.bin", finalBytes, 0o600)
	r.manifest(t, r.deriveLine(sum(rawBytes), "fail.sh", "python3-neckwatch-no-such-module"))
	stdout, stderr, code := r.run(t)
	if code != 0 || !strings.Contains(stdout, "copied "+finalDest+" from mirror") {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	r.wantFile(t, finalDest, finalBytes)
}

func TestFetchDeriveRefusals(t *testing.T) {
	for _, tc := range []struct {
		name      string
		rawSum    string
		script    string
		needs     string
		env       []string
		fragments []string
	}{
		{
			name: "raw sha256 mismatch", rawSum: sum("other bytes"), script: "fix.sh",
			fragments: []string{"sha256 mismatch", "expected " + sum("other bytes") + " (the upstream file it is derived from), got " + sum(rawBytes), "nothing was installed"},
		},
		{
			name: "script fails", rawSum: sum(rawBytes), script: "fail.sh",
			fragments: []string{finalDest + ": scripts/fail.sh failed (exit 3)", "fix: cannot parse the model", "nothing was installed"},
		},
		{
			name: "script makes the wrong bytes", rawSum: sum(rawBytes), script: "wrong.sh",
			fragments: []string{"scripts/wrong.sh made a file with sha256 " + sum(rawBytes), "expected " + sum(finalBytes), "nothing was installed"},
		},
		{
			name: "python module missing", rawSum: sum(rawBytes), script: "fix.sh", needs: "python3-neckwatch-no-such-module",
			fragments: []string{"needs", "python3-neckwatch-no-such-module", "sudo apt-get install", "NECKWATCH_NO_INSTALL=1"},
		},
		{
			name: "command missing", rawSum: sum(rawBytes), script: "fix.sh", needs: "neckwatch-no-such-command",
			fragments: []string{"neckwatch-no-such-command", "sudo apt-get install"},
		},
		{
			name: "offline", rawSum: sum(rawBytes), script: "fix.sh", env: []string{"NECKWATCH_OFFLINE=1"},
			fragments: []string{"cannot get " + finalDest, "upstream not tried (NECKWATCH_OFFLINE=1)"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newFakeRepo(t)
			r.manifest(t, r.deriveLine(tc.rawSum, tc.script, tc.needs))
			_, stderr, code := r.run(t, tc.env...)
			r.wantRefused(t, stderr, code, tc.fragments...)
		})
	}
}

func TestFetchDeriveInterrupted(t *testing.T) {
	// Killed while the derive script runs: the temporary directory (download
	// and partial output) goes too.
	r := newFakeRepo(t)
	r.manifest(t, r.deriveLine(sum(rawBytes), "hang.sh", ""))
	c := r.cmd()
	c.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	var stderr bytes.Buffer
	c.Stderr = &stderr
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(testenv.Patience)
	for {
		matches, _ := filepath.Glob(filepath.Join(r.root, "models", "data", ".derived.bin.derive.*", "derived.bin"))
		if len(matches) > 0 {
			break
		}
		if time.Now().After(deadline) {
			syscall.Kill(-c.Process.Pid, syscall.SIGKILL)
			c.Wait()
			t.Fatalf("the derive script never started; stderr:\n%s", stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	syscall.Kill(-c.Process.Pid, syscall.SIGTERM) // as a terminal's Ctrl-C would, to the whole group
	err := c.Wait()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() == 0 {
		t.Errorf("killed run: %v", err)
	}
	if left := r.dataFiles(t); len(left) != 0 {
		t.Errorf("models/data not empty after an interrupted derive: %v", left)
	}
}

func TestFetchManifestErrors(t *testing.T) {
	for _, tc := range []struct{ name, derive, url, want string }{
		{"not derive=", "frobnicate", "", "5th field must be derive="},
		{"bad raw sum", "derive=abc:scripts/fix.sh", "", "bad raw sha256"},
		{"missing script", "derive=" + sum(rawBytes) + ":scripts/nope.sh", "", "derive script scripts/nope.sh not found"},
		{"script outside", "derive=" + sum(rawBytes) + ":../fix.sh", "", "derive script must be a path relative to the repository, without '..'"},
		{"no upstream", "derive=" + sum(rawBytes) + ":scripts/fix.sh", "-", "derive= needs an upstream URL"},
		{"bad needs", "derive=" + sum(rawBytes) + ":scripts/fix.sh:python3-onnx;rm", "", "bad needs"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newFakeRepo(t)
			url := tc.url
			if url == "" {
				url = r.url("raw.bin")
			}
			r.manifest(t, strings.Join([]string{finalDest, sum(finalBytes), "models:derived.bin", url, tc.derive}, "\t"))
			_, stderr, code := r.run(t)
			r.wantRefused(t, stderr, code, "assets.tsv:3: "+tc.want)
		})
	}
}

// TestManifestListsEveryModel checks the real manifest against models.All.
func TestManifestListsEveryModel(t *testing.T) {
	f, err := os.Open("assets.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	lines := map[string][]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if line := sc.Text(); line != "" && !strings.HasPrefix(line, "#") {
			fields := strings.Split(line, "\t")
			lines[fields[0]] = fields
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	for _, spec := range models.All {
		fields, ok := lines["models/data/"+spec.Name]
		if !ok {
			t.Errorf("%s is in models.All but not in scripts/assets.tsv", spec.Name)
			continue
		}
		if fields[1] != spec.SHA256 || fields[2] != "models:"+spec.Name {
			t.Errorf("%s: manifest says %v, models.go says sha256 %s", spec.Name, fields[1:3], spec.SHA256)
		}
	}
	fm := lines["models/data/"+models.FaceMesh.Name]
	if len(fm) != 5 || fm[4] != "derive=ed487104519b0a88cb2cb2ec3678e183f447fb9dd63560998e960ffbaa8fb335:scripts/fix_facemesh_prelu.py:python3-onnx" {
		t.Errorf("Face Mesh line: %q", fm)
	}
	for _, p := range []string{"fix_facemesh_prelu.py", "../models/LICENSE-facemesh.txt"} {
		if _, err := os.Stat(p); err != nil {
			t.Error(err)
		}
	}
}
