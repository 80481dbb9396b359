package control

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/neckwatch/neckwatch/internal/testenv"
)

// fakeHandler records requests and answers like a tiny daemon.
type fakeHandler struct {
	mu   sync.Mutex
	reqs []Request
}

func (h *fakeHandler) Handle(ctx context.Context, req Request) Response {
	h.mu.Lock()
	h.reqs = append(h.reqs, req)
	h.mu.Unlock()
	switch req.Command {
	case CmdStatus:
		r, err := StatusResponse(map[string]any{"state": "watching"}, "watching")
		if err != nil {
			return ErrorResponse(err)
		}
		return r
	case CmdPause:
		if req.Duration == "" {
			return OKResponse("paused until resumed")
		}
		return OKResponse("paused for " + req.Duration)
	case CmdSnooze:
		d, err := req.ParseDuration()
		if err != nil {
			return ErrorResponse(err)
		}
		return OKResponse("snoozed for " + d.String())
	default:
		return OKResponse(req.Command + " done")
	}
}

func (h *fakeHandler) requests() []Request {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]Request(nil), h.reqs...)
}

// shortDir returns a temporary directory for sockets: t.TempDir, unless
// its path is too long for a Unix socket address (sun_path holds about 108
// bytes and a long $TMPDIR or test name can exceed it).
func shortDir(t *testing.T) string {
	t.Helper()
	if dir := t.TempDir(); len(dir) < 60 {
		return dir
	}
	dir, err := os.MkdirTemp("", "nwc")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

// startServer listens in a fresh runtime directory and serves h until the
// test ends. It returns the socket path, the cancel that stops Serve, and
// a wait for Serve's result (ok false if it did not return within
// testenv.Patience).
func startServer(t *testing.T, h Handler) (string, context.CancelFunc, func() (bool, error)) {
	t.Helper()
	dir := filepath.Join(shortDir(t), "rt")
	path := filepath.Join(dir, SocketName)
	ln, err := Listen(path)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	res := make(chan error, 1)
	go func() { res <- Serve(ctx, ln, h) }()
	// Both the test and the cleanup may wait, so remember the result.
	done := sync.OnceValues(func() (bool, error) {
		select {
		case err := <-res:
			return true, err
		case <-time.After(testenv.Patience):
			return false, nil
		}
	})
	t.Cleanup(func() {
		cancel()
		if ok, _ := done(); !ok {
			t.Error("Serve did not stop")
		}
	})
	return path, cancel, done
}

func call(t *testing.T, path string, req Request) Response {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), testenv.Patience)
	defer cancel()
	resp, err := Call(ctx, path, req)
	if err != nil {
		t.Fatalf("Call(%+v): %v", req, err)
	}
	return resp
}

func TestRoundTripEachCommand(t *testing.T) {
	h := &fakeHandler{}
	path, _, _ := startServer(t, h)

	cases := []struct {
		req  Request
		want string
	}{
		{Request{Command: CmdStatus}, "watching"},
		{Request{Command: CmdPause}, "paused until resumed"},
		{Request{Command: CmdPause, Duration: "15m"}, "paused for 15m"},
		{Request{Command: CmdResume}, "resume done"},
		{Request{Command: CmdSnooze, Duration: "30m"}, "snoozed for 30m0s"},
		{Request{Command: CmdRecalibrate}, "recalibrate done"},
	}
	for _, c := range cases {
		resp := call(t, path, c.req)
		if !resp.OK || resp.Message != c.want {
			t.Errorf("%+v: got %+v, want OK with message %q", c.req, resp, c.want)
		}
		if c.req.Command == CmdStatus {
			var st map[string]string
			if err := json.Unmarshal(resp.Status, &st); err != nil || st["state"] != "watching" {
				t.Errorf("status document %s: %v", resp.Status, err)
			}
		} else if resp.Status != nil {
			t.Errorf("%s: unexpected status %s", c.req.Command, resp.Status)
		}
	}
	got := h.requests()
	if len(got) != len(cases) {
		t.Fatalf("handler saw %d requests, want %d", len(got), len(cases))
	}
	for i, c := range cases {
		if got[i] != c.req {
			t.Errorf("request %d: handler saw %+v, want %+v", i, got[i], c.req)
		}
	}
}

func TestInvalidRequestsNeverReachHandler(t *testing.T) {
	h := &fakeHandler{}
	path, _, _ := startServer(t, h)

	// Call validates locally, so speak the protocol directly to check the
	// server's own validation.
	for _, line := range []string{
		`{"command":"dance"}`,
		`{"command":"snooze"}`,
		`{"command":"pause","duration":"-5m"}`,
		`{"command":"pause","duration":"soon"}`,
		`{"command":"status","duration":"5m"}`,
		`not json`,
	} {
		resp := rawExchange(t, path, line+"\n")
		if resp.OK || resp.Error == "" {
			t.Errorf("%s: got %+v, want an error", line, resp)
		}
	}
	if n := len(h.requests()); n != 0 {
		t.Errorf("handler saw %d invalid requests", n)
	}

	// And the client refuses them before dialling.
	if _, err := Call(context.Background(), path, Request{Command: CmdSnooze}); err == nil {
		t.Error("Call accepted snooze without a duration")
	}
}

// rawExchange writes payload on a fresh connection and decodes the reply.
func rawExchange(t *testing.T, path, payload string) Response {
	t.Helper()
	conn, err := net.Dial("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(testenv.Patience))
	if _, err := io.WriteString(conn, payload); err != nil {
		t.Fatalf("write: %v", err)
	}
	b, err := io.ReadAll(conn)
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	var resp Response
	if err := json.Unmarshal(b, &resp); err != nil {
		t.Fatalf("decode %q: %v", b, err)
	}
	return resp
}

func TestSocketAndDirPermissions(t *testing.T) {
	path, _, _ := startServer(t, &fakeHandler{})
	st, err := os.Lstat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Type() != os.ModeSocket {
		t.Errorf("%s is %v, want a socket", path, st.Mode())
	}
	if p := st.Mode().Perm(); p != 0o600 {
		t.Errorf("socket mode %o, want 600", p)
	}
	dst, err := os.Stat(filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	if p := dst.Mode().Perm(); p != 0o700 {
		t.Errorf("dir mode %o, want 700", p)
	}
}

func TestEnsureDirTightensExistingDir(t *testing.T) {
	dir := filepath.Join(shortDir(t), "loose")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := EnsureDir(dir); err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(dir)
	if p := st.Mode().Perm(); p != 0o700 {
		t.Errorf("mode %o after EnsureDir, want 700", p)
	}
}

func TestSecondLockFails(t *testing.T) {
	dir := filepath.Join(shortDir(t), "rt")
	l, err := Lock(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Release()

	_, err = Lock(dir)
	if !errors.Is(err, ErrAlreadyRunning) {
		t.Fatalf("second Lock: %v, want ErrAlreadyRunning", err)
	}
	msg := err.Error()
	if !strings.Contains(msg, "pid "+strconv.Itoa(os.Getpid())) {
		t.Errorf("error %q does not name pid %d", msg, os.Getpid())
	}
	if !strings.Contains(msg, "started ") || !strings.Contains(msg, "neckwatch status") {
		t.Errorf("error %q lacks start time or hint", msg)
	}
	var are *AlreadyRunningError
	if !errors.As(err, &are) || are.PID != os.Getpid() {
		t.Errorf("errors.As gave %+v", are)
	}
	st, err := os.Stat(filepath.Join(dir, LockName))
	if err != nil {
		t.Fatal(err)
	}
	if p := st.Mode().Perm(); p != 0o600 {
		t.Errorf("lock file mode %o, want 600", p)
	}

	// After release a new daemon may start.
	if err := l.Release(); err != nil {
		t.Fatal(err)
	}
	if err := l.Release(); err != nil {
		t.Fatalf("second Release: %v", err)
	}
	l2, err := Lock(dir)
	if err != nil {
		t.Fatalf("Lock after Release: %v", err)
	}
	l2.Release()
}

func TestAlreadyRunningMessage(t *testing.T) {
	now := time.Date(2024, 5, 6, 17, 0, 0, 0, time.Local)
	if got := formatStart(now.Add(-2*time.Hour-30*time.Minute), now); got != "14:30" {
		t.Errorf("same day: %q", got)
	}
	if got := formatStart(now.Add(-48*time.Hour), now); got != "May 4 17:00" {
		t.Errorf("earlier day: %q", got)
	}
	e := &AlreadyRunningError{}
	if !strings.Contains(e.Error(), "pid unknown") {
		t.Errorf("unknown pid message: %q", e.Error())
	}
}

func TestLockRemovesStaleSocket(t *testing.T) {
	dir := filepath.Join(shortDir(t), "rt")
	if err := EnsureDir(dir); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, SocketName)
	// Simulate a crashed daemon: a socket file with nobody listening.
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	ln.SetUnlinkOnClose(false)
	ln.Close()
	if _, err := os.Lstat(path); err != nil {
		t.Fatalf("stale socket not left behind: %v", err)
	}
	if _, err := Call(context.Background(), path, Request{Command: CmdStatus}); !errors.Is(err, ErrNotRunning) {
		t.Fatalf("Call to stale socket: %v, want ErrNotRunning", err)
	}

	l, err := Lock(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Release()
	if _, err := os.Lstat(path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("stale socket still present after Lock: %v", err)
	}

	// The full daemon sequence: listen, serve, release removes the socket.
	ln2, err := Listen(l.SocketPath())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, ln2, &fakeHandler{}) }()
	if resp := call(t, path, Request{Command: CmdStatus}); !resp.OK {
		t.Fatalf("status: %+v", resp)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Serve: %v", err)
	}
	if err := l.Release(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("socket still present after Release: %v", err)
	}
}

func TestListenReplacesStaleButNotLive(t *testing.T) {
	dir := filepath.Join(shortDir(t), "rt")
	if err := EnsureDir(dir); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, SocketName)
	stale, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	stale.SetUnlinkOnClose(false)
	stale.Close()

	ln, err := Listen(path)
	if err != nil {
		t.Fatalf("Listen over stale socket: %v", err)
	}
	defer ln.Close()

	// A live listener must not be replaced.
	if _, err := Listen(path); !errors.Is(err, ErrAlreadyRunning) {
		t.Errorf("Listen over live socket: %v, want ErrAlreadyRunning", err)
	}

	// Nor may a regular file be deleted.
	file := filepath.Join(dir, "notasocket")
	if err := os.WriteFile(file, []byte("keep"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Listen(file); err == nil {
		t.Error("Listen replaced a regular file")
	}
	if b, err := os.ReadFile(file); err != nil || string(b) != "keep" {
		t.Errorf("regular file damaged: %q, %v", b, err)
	}
}

func TestOversizedRequestRejected(t *testing.T) {
	h := &fakeHandler{}
	path, _, _ := startServer(t, h)
	big := `{"command":"status","duration":"` + strings.Repeat("x", MaxRequestSize) + `"}` + "\n"
	resp := rawExchange(t, path, big)
	if resp.OK || !strings.Contains(resp.Error, "too large") {
		t.Errorf("got %+v, want a too-large error", resp)
	}
	if n := len(h.requests()); n != 0 {
		t.Errorf("handler saw %d requests", n)
	}
	// The server is still healthy afterwards.
	if resp := call(t, path, Request{Command: CmdStatus}); !resp.OK {
		t.Errorf("status after oversized request: %+v", resp)
	}
}

func TestCallWithoutDaemon(t *testing.T) {
	path := filepath.Join(shortDir(t), "rt", SocketName)
	// Not running, said at once: not after waiting out the call's time
	// for a daemon to appear.
	ctx, cancel := context.WithTimeout(context.Background(), testenv.Patience)
	defer cancel()
	_, err := Call(ctx, path, Request{Command: CmdStatus})
	if !errors.Is(err, ErrNotRunning) {
		t.Fatalf("got %v, want ErrNotRunning", err)
	}
	want := fmt.Sprintf("neckwatch is not running (no daemon at %s): start it with `neckwatch run`", path)
	if err.Error() != want {
		t.Errorf("message %q, want %q", err.Error(), want)
	}
}

// A client that connects and never sends a byte holds up no other: with
// the server's patience for it longer than the test, the other's status
// comes back all the same.
func TestSilentClientDoesNotBlockOthers(t *testing.T) {
	withTimeouts(t, time.Hour, time.Hour)
	path, _, _ := startServer(t, &fakeHandler{})
	silent, err := net.Dial("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	if resp := call(t, path, Request{Command: CmdStatus}); !resp.OK {
		t.Fatalf("status: %+v", resp)
	}
}

// The server gives up on a silent client after its I/O timeout: it
// answers with an error and closes the connection.
func TestSilentClientIsDisconnected(t *testing.T) {
	withTimeouts(t, 10*time.Millisecond, HandlerTimeout)
	path, _, _ := startServer(t, &fakeHandler{})
	silent, err := net.Dial("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	_ = silent.SetReadDeadline(time.Now().Add(testenv.Patience))
	b, err := io.ReadAll(silent)
	if err != nil {
		t.Fatalf("silent client was not disconnected: %v", err)
	}
	var resp Response
	if err := json.Unmarshal(b, &resp); err != nil || resp.OK {
		t.Errorf("silent client got %q (%v), want an error response", b, err)
	}
}

// Many silent clients, more than the handler slots, do not starve one
// that asks: its status comes back while they all still hold their
// connections (the server's patience for them is longer than the test).
func TestManySilentClientsDoNotStarveOthers(t *testing.T) {
	withTimeouts(t, time.Hour, time.Hour)
	path, _, _ := startServer(t, &fakeHandler{})
	for i := 0; i < 200; i++ {
		c, err := net.Dial("unix", path)
		if err != nil {
			t.Fatalf("silent client %d: %v", i, err)
		}
		defer c.Close()
	}
	if resp := call(t, path, Request{Command: CmdStatus}); !resp.OK {
		t.Fatalf("status: %+v", resp)
	}
}

func TestCancelStopsServe(t *testing.T) {
	path, cancel, done := startServer(t, &fakeHandler{})
	if resp := call(t, path, Request{Command: CmdStatus}); !resp.OK {
		t.Fatalf("status: %+v", resp)
	}
	cancel()
	ok, err := done()
	if !ok {
		t.Fatal("Serve did not return after cancel")
	}
	if err != nil {
		t.Fatalf("Serve returned %v, want nil after cancel", err)
	}
	// The listener is closed: nobody answers any more.
	if _, err := Call(context.Background(), path, Request{Command: CmdStatus}); !errors.Is(err, ErrNotRunning) {
		t.Errorf("Call after shutdown: %v, want ErrNotRunning", err)
	}
}

// A client connected but silent does not hold up shutdown: Serve returns
// at the cancel, not after the I/O timeout (here longer than the test).
func TestCancelDoesNotWaitForSilentClients(t *testing.T) {
	withTimeouts(t, time.Hour, time.Hour)
	path, cancel, done := startServer(t, &fakeHandler{})
	silent, err := net.Dial("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	// Connections are accepted in the order they came: once a later
	// client is answered, the silent one is being served too.
	if resp := call(t, path, Request{Command: CmdStatus}); !resp.OK {
		t.Fatalf("status: %+v", resp)
	}
	cancel()
	if ok, err := done(); !ok || err != nil {
		t.Fatalf("Serve after cancel: returned %v, %v", ok, err)
	}
}

func TestServeWaitsForHandlersAndCancelsThem(t *testing.T) {
	entered := make(chan struct{})
	h := HandlerFunc(func(ctx context.Context, req Request) Response {
		close(entered)
		<-ctx.Done() // a slow command, interrupted by shutdown
		return ErrorResponse(ctx.Err())
	})
	path, cancel, done := startServer(t, h)
	callDone := make(chan error, 1)
	go func() {
		_, err := Call(context.Background(), path, Request{Command: CmdRecalibrate})
		callDone <- err
	}()
	<-entered
	cancel()
	ok, err := done()
	if !ok {
		t.Fatal("Serve did not return")
	}
	if err != nil {
		t.Fatalf("Serve: %v", err)
	}
	if err := <-callDone; err != nil {
		t.Errorf("in-flight call: %v (want the handler's error response, delivered)", err)
	}
}

func TestHandlerPanicBecomesError(t *testing.T) {
	h := HandlerFunc(func(ctx context.Context, req Request) Response { panic("boom") })
	path, _, _ := startServer(t, h)
	resp := call(t, path, Request{Command: CmdResume})
	if resp.OK || !strings.Contains(resp.Error, "boom") {
		t.Errorf("got %+v", resp)
	}
}

func TestConcurrentClients(t *testing.T) {
	h := &fakeHandler{}
	path, _, _ := startServer(t, h)
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for i := 0; i < 40; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := Call(context.Background(), path, Request{Command: CmdStatus})
			if err == nil && !resp.OK {
				err = resp.Err()
			}
			if err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := len(h.requests()); n != 40 {
		t.Errorf("handler saw %d requests, want 40", n)
	}
}

func TestCallHonoursCancel(t *testing.T) {
	// A "daemon" that accepts but never answers.
	dir := filepath.Join(shortDir(t), "rt")
	path := filepath.Join(dir, SocketName)
	ln, err := Listen(path)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan struct{}, 1)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close()
			accepted <- struct{}{}
		}
	}()
	// A deadline longer than the test: only the cancel can end the call.
	ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
	defer cancel()
	res := make(chan error, 1)
	go func() {
		_, err := Call(ctx, path, Request{Command: CmdStatus})
		res <- err
	}()
	testenv.Await(t, accepted, "the connection")
	cancel()
	if err := testenv.Await(t, res, "Call's return after the cancel"); !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want context.Canceled", err)
	}
	// A deadline that passes ends it the same way.
	ctx, cancel = context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	if _, err := Call(ctx, path, Request{Command: CmdStatus}); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("got %v, want deadline exceeded", err)
	}
}

func TestDirFromEnvironment(t *testing.T) {
	t.Setenv("XDG_RUNTIME_DIR", "/run/user/1234")
	if got := Dir(); got != "/run/user/1234/neckwatch" {
		t.Errorf("Dir() = %q", got)
	}
	if got := SocketPath(); got != "/run/user/1234/neckwatch/control.sock" {
		t.Errorf("SocketPath() = %q", got)
	}
	t.Setenv("XDG_RUNTIME_DIR", "")
	want := filepath.Join(os.TempDir(), "neckwatch-"+strconv.Itoa(os.Getuid()))
	if got := Dir(); got != want {
		t.Errorf("fallback Dir() = %q, want %q", got, want)
	}
}

// fakeInfo is a FileInfo whose owner is uid.
type fakeInfo struct {
	os.FileInfo
	uid uint32
}

func (f fakeInfo) Sys() any { return &syscall.Stat_t{Uid: f.uid} }

// The client trusts only a socket, in a directory, that belongs to the
// user and that others cannot write to.
func TestClientChecksTheSocketsOwner(t *testing.T) {
	if err := ownedBy(fakeInfo{uid: 12345}, 1000); err == nil || !strings.Contains(err.Error(), "uid 12345") {
		t.Errorf("a socket of uid 12345 for uid 1000: %v", err)
	}
	if err := ownedBy(fakeInfo{uid: 1000}, 1000); err != nil {
		t.Errorf("own socket: %v", err)
	}
	me := os.Getuid()
	dir := t.TempDir()
	sock := filepath.Join(dir, "neckwatch.sock")
	if err := checkSocketOwner(sock, me); err != nil {
		t.Errorf("no socket yet: %v (the dial reports not running)", err)
	}
	if err := os.WriteFile(sock, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := checkSocketOwner(sock, me); err != nil {
		t.Errorf("own socket in an owner-only directory: %v", err)
	}
	if err := checkSocketOwner(sock, me+1); err == nil || !strings.Contains(err.Error(), "refusing") {
		t.Errorf("socket of another user: %v", err)
	}
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	if err := checkSocketOwner(sock, me); err == nil || !strings.Contains(err.Error(), "writable by others") {
		t.Errorf("socket in a world-writable directory: %v", err)
	}
	_, err := Call(context.Background(), sock, Request{Command: CmdStatus})
	if err == nil || !strings.Contains(err.Error(), "writable by others") {
		t.Errorf("Call through a world-writable directory: %v", err)
	}
}

// A handler's context ends once its answer is written, not only after
// the handler timeout (here longer than the test): work that must follow
// the answer (stopping the daemon) waits for it and neither cuts the
// answer off nor lingers.
func TestHandlerContextEndsAfterTheResponse(t *testing.T) {
	withTimeouts(t, IOTimeout, time.Hour)
	ended := make(chan struct{})
	h := HandlerFunc(func(ctx context.Context, req Request) Response {
		context.AfterFunc(ctx, func() { close(ended) })
		return OKResponse("stopping")
	})
	path, _, _ := startServer(t, h)
	if resp := call(t, path, Request{Command: CmdStop}); !resp.OK || resp.Message != "stopping" {
		t.Fatalf("response %+v", resp)
	}
	testenv.Await(t, ended, "the end of the handler's context after its answer")
}

// withTimeouts sets the server's I/O and handler timeouts for one test
// (started after it, so that Serve reads them after the change).
func withTimeouts(t *testing.T, io, handler time.Duration) {
	t.Helper()
	oldIO, oldHandler := ioTimeout, handlerTimeout
	ioTimeout, handlerTimeout = io, handler
	t.Cleanup(func() { ioTimeout, handlerTimeout = oldIO, oldHandler })
}
