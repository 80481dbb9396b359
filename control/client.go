package control

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// DefaultCallTimeout bounds Call when ctx has no deadline. It covers the
// server's read, handler and write budgets with room to spare.
const DefaultCallTimeout = 10 * time.Second

// Call sends req to the daemon listening at path and returns its answer.
// The request is validated first, so a malformed command fails without a
// daemon. When nothing listens at path the error is a *NotRunningError
// wrapping ErrNotRunning.
//
// A nil error means the daemon answered; the command itself may still
// have failed, which Response.OK and Response.Err report.
func Call(ctx context.Context, path string, req Request) (Response, error) {
	if err := req.Validate(); err != nil {
		return Response{}, err
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, DefaultCallTimeout)
		defer cancel()
	}
	if err := checkSocketOwner(path, os.Getuid()); err != nil {
		return Response{}, err
	}
	var d net.Dialer
	conn, err := d.DialContext(ctx, "unix", path)
	if err != nil {
		// ENOENT: no socket file (never started, or cleaned up).
		// ECONNREFUSED: a socket file nobody listens on (crashed daemon).
		if errors.Is(err, syscall.ENOENT) || errors.Is(err, syscall.ECONNREFUSED) {
			return Response{}, &NotRunningError{Path: path, Err: err}
		}
		return Response{}, fmt.Errorf("connect to neckwatch daemon at %s: %w", path, err)
	}
	defer conn.Close()

	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	// Cancellation (not just the deadline) must unblock reads and writes.
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()

	fail := func(what string, err error) (Response, error) {
		switch {
		case ctx.Err() != nil:
			err = ctx.Err()
		case errors.Is(err, os.ErrDeadlineExceeded):
			// The only deadline on conn is ctx's; its timer may simply
			// not have fired yet.
			err = context.DeadlineExceeded
		}
		return Response{}, fmt.Errorf("%s neckwatch daemon at %s: %w", what, path, err)
	}

	b, err := json.Marshal(req)
	if err != nil {
		return fail("encode request for", err)
	}
	if _, err := conn.Write(append(b, '\n')); err != nil {
		return fail("send request to", err)
	}
	line, err := bufio.NewReader(io.LimitReader(conn, maxResponseSize)).ReadBytes('\n')
	if err != nil && !(errors.Is(err, io.EOF) && len(line) > 0) {
		if errors.Is(err, io.EOF) {
			err = errors.New("connection closed without a response")
		}
		return fail("read response from", err)
	}
	var resp Response
	if err := json.Unmarshal(trimNewline(line), &resp); err != nil {
		return fail("decode response from", err)
	}
	return resp, nil
}

// checkSocketOwner refuses to talk to a socket that another user could
// have planted: the socket and its directory must belong to uid, and the
// directory must not be writable by others (with XDG_RUNTIME_DIR unset the
// socket lives in a shared temporary directory). A missing socket is left
// to the dial, which reports "not running".
func checkSocketOwner(path string, uid int) error {
	for _, p := range []string{path, filepath.Dir(path)} {
		fi, err := os.Lstat(p)
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("check neckwatch socket %s: %w", p, err)
		}
		if err := ownedBy(fi, uid); err != nil {
			return fmt.Errorf("refusing to talk to the neckwatch socket %s: %s %w; remove it or set XDG_RUNTIME_DIR", path, p, err)
		}
		if p != path && fi.Mode().Perm()&0o022 != 0 {
			return fmt.Errorf("refusing to talk to the neckwatch socket %s: its directory %s is writable by others; set XDG_RUNTIME_DIR", path, p)
		}
	}
	return nil
}

// ownedBy reports an error unless fi belongs to uid.
func ownedBy(fi fs.FileInfo, uid int) error {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return nil // not a Unix file system: nothing to check against
	}
	if int(st.Uid) != uid {
		return fmt.Errorf("belongs to uid %d, not you (uid %d)", st.Uid, uid)
	}
	return nil
}
