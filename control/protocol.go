// Package control is how the neckwatch command line (`neckwatch status`,
// `pause`, `resume`, `snooze`, `recalibrate`, `break`, `stop`) talks to the
// running daemon (`neckwatch run`).
//
// The daemon holds an [InstanceLock] so that only one instance runs per
// user, and listens on a Unix socket in a per-user runtime directory
// ([SocketPath]). Each connection carries one request and one response,
// each a single line of JSON. Access is limited to the daemon's own user:
// the directory is 0700, the socket 0600, and on Linux the server also
// checks the peer's uid with SO_PEERCRED.
//
// It must not import the daemon: the daemon hands it a Handler.
package control

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Commands understood by the daemon.
const (
	CmdStatus      = "status"
	CmdPause       = "pause"
	CmdResume      = "resume"
	CmdSnooze      = "snooze"
	CmdRecalibrate = "recalibrate"
	// CmdStop asks the daemon to stop as SIGTERM would: it answers, then
	// stops sampling, saves its state and exits.
	CmdStop = "stop"
	// CmdBreak starts a traction or mobility break now (the tray's
	// "Break now").
	CmdBreak = "break"
	// CmdForget tells the daemon that the user deleted history before
	// Before (everything when empty): it drops what it still holds from
	// then, so its next write does not bring the deleted minutes back.
	CmdForget = "forget"
)

// MaxRequestSize is the largest request line, in bytes, the server reads.
// Real requests are a few dozen bytes; the cap stops a confused or hostile
// local client from making the daemon buffer without bound.
const MaxRequestSize = 4 << 10

// maxResponseSize caps what the client reads back. Status documents are
// small; the cap only guards against a runaway peer.
const maxResponseSize = 1 << 20

// Request is one command sent to the daemon.
type Request struct {
	// Command is one of the Cmd* constants.
	Command string `json:"command"`
	// Duration is a Go duration ("30m", "1h15m"): required for snooze,
	// optional for pause (empty means until resumed), unused otherwise.
	Duration string `json:"duration,omitempty"`
	// Before is an RFC 3339 time for forget; empty means everything.
	Before string `json:"before,omitempty"`
}

// Response is the daemon's answer to one Request.
type Response struct {
	OK bool `json:"ok"`
	// Error explains why the command failed; empty when OK.
	Error string `json:"error,omitempty"`
	// Status is the daemon's status document, for the status command. It
	// is kept raw so this package need not know the daemon's state types.
	Status json.RawMessage `json:"status,omitempty"`
	// Message is a human-readable summary for the CLI to print.
	Message string `json:"message,omitempty"`
}

// Err returns nil for a successful response and otherwise an error
// carrying the daemon's explanation.
func (r Response) Err() error {
	if r.OK {
		return nil
	}
	if r.Error == "" {
		return errors.New("daemon reported failure without a reason")
	}
	return errors.New(r.Error)
}

// OKResponse is a successful response carrying msg.
func OKResponse(msg string) Response { return Response{OK: true, Message: msg} }

// ErrorResponse is a failed response explaining err.
func ErrorResponse(err error) Response {
	if err == nil {
		return Response{OK: false, Error: "unknown error"}
	}
	return Response{OK: false, Error: err.Error()}
}

// StatusResponse is a successful response whose Status is v encoded as
// JSON, with msg as the human-readable summary.
func StatusResponse(v any, msg string) (Response, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return Response{}, fmt.Errorf("encode status: %w", err)
	}
	return Response{OK: true, Status: b, Message: msg}, nil
}

// Validate reports whether r is a command the daemon understands, with a
// duration where one is required. The server validates every request
// before passing it to the Handler, so handlers may rely on it.
func (r Request) Validate() error {
	switch r.Command {
	case CmdStatus, CmdResume, CmdRecalibrate, CmdStop, CmdBreak:
		if r.Duration != "" {
			return fmt.Errorf("%s takes no duration", r.Command)
		}
		return nil
	case CmdPause:
		if r.Duration == "" {
			return nil
		}
		_, err := r.ParseDuration()
		return err
	case CmdSnooze:
		if r.Duration == "" {
			return errors.New("snooze needs a duration, e.g. 30m")
		}
		_, err := r.ParseDuration()
		return err
	case CmdForget:
		if r.Duration != "" {
			return fmt.Errorf("%s takes no duration", r.Command)
		}
		_, err := r.ParseBefore()
		return err
	case "":
		return errors.New("empty command")
	default:
		return fmt.Errorf("unknown command %q (want status, pause, resume, snooze, recalibrate, break, stop or forget)", r.Command)
	}
}

// MaxDuration is the longest pause or snooze; a pause without a duration
// lasts until resumed.
const MaxDuration = 24 * time.Hour

// ParseDuration parses r.Duration. An empty Duration gives 0 and no error
// (pause without a duration means "until resumed"); otherwise the duration
// must be positive and at most MaxDuration.
func (r Request) ParseDuration() (time.Duration, error) {
	if r.Duration == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(r.Duration)
	if err != nil {
		return 0, fmt.Errorf("bad duration %q: want e.g. 30m or 1h30m", r.Duration)
	}
	if err := CheckDuration(d); err != nil {
		return 0, fmt.Errorf("bad duration %q: %w", r.Duration, err)
	}
	return d, nil
}

// CheckDuration says what is wrong with d as a pause or snooze length: not
// positive, or longer than MaxDuration.
func CheckDuration(d time.Duration) error {
	switch {
	case d <= 0:
		return errors.New("must be positive")
	case d > MaxDuration:
		return fmt.Errorf("too long: at most %v", MaxDuration)
	}
	return nil
}

// ParseBefore parses r.Before; empty gives the zero time (everything).
func (r Request) ParseBefore() (time.Time, error) {
	if r.Before == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, r.Before)
	if err != nil {
		return time.Time{}, fmt.Errorf("forget: before %q is not an RFC 3339 time", r.Before)
	}
	return t, nil
}
