package control

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// Timeouts and limits on the server side.
const (
	// IOTimeout bounds reading a request and writing a response, so a
	// client that connects and then stalls cannot tie up the daemon.
	IOTimeout = 2 * time.Second
	// HandlerTimeout bounds the context passed to the Handler. Commands
	// are meant to flip daemon state and return; long work such as a
	// recalibration should be started, not awaited.
	HandlerTimeout = 5 * time.Second
	// maxConns caps requests handled at once. A connection takes a slot
	// only once its request has arrived: clients that connect and stay
	// silent wait apart (up to maxPending of them, each for IOTimeout at
	// most) and never hold up one that asks. Before, 200 silent clients
	// held the 16 slots for 2 s each and a status call failed after 15.7 s.
	maxConns = 16
	// maxPending caps connections open at once, silent ones included;
	// further clients wait in the listen backlog.
	maxPending = 512
)

// The timeouts in force: tests make them as long as a test runs, so that
// only the event a test is about (a cancel, an answer) can end a wait.
var ioTimeout, handlerTimeout = IOTimeout, HandlerTimeout

// Handler executes validated control requests inside the daemon.
//
// Serve calls Handle from one goroutine per connection, so several calls
// may run at the same time: implementations must be safe for concurrent
// use. The context is cancelled when Serve stops, after HandlerTimeout,
// or once the response has been written (so work that must follow the
// answer, such as stopping the daemon, can wait for it).
type Handler interface {
	Handle(ctx context.Context, req Request) Response
}

// HandlerFunc adapts a function to a Handler.
type HandlerFunc func(ctx context.Context, req Request) Response

// Handle calls f(ctx, req).
func (f HandlerFunc) Handle(ctx context.Context, req Request) Response { return f(ctx, req) }

// Listen listens on the Unix socket at path. The parent directory is
// created 0700 (see [EnsureDir]) and the socket is made 0600, so only the
// owner can connect. A socket file left behind by a crashed daemon is
// replaced; if a live daemon answers on path, Listen fails with an error
// wrapping ErrAlreadyRunning rather than stealing its address.
func Listen(path string) (net.Listener, error) {
	if err := EnsureDir(filepath.Dir(path)); err != nil {
		return nil, err
	}
	if _, err := os.Lstat(path); err == nil {
		c, derr := net.DialTimeout("unix", path, 500*time.Millisecond)
		if derr == nil {
			c.Close()
			return nil, fmt.Errorf("%w: a daemon is already listening on %s", ErrAlreadyRunning, path)
		}
		if err := removeStale(path); err != nil {
			return nil, err
		}
	}
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		return nil, fmt.Errorf("listen on control socket %s: %w", path, err)
	}
	// The socket is created with umask permissions. The 0700 directory
	// already keeps others out; the chmod is a second fence in case the
	// directory was loosened later.
	if err := os.Chmod(path, 0o600); err != nil {
		ln.Close()
		return nil, fmt.Errorf("restrict control socket %s to 0600: %w", path, err)
	}
	return ln, nil
}

// Serve accepts connections on ln and answers each with h until ctx is
// cancelled, then closes ln, waits for connections in progress and returns
// nil. It returns an error if ln fails for another reason (for example,
// someone else closed it). Serve owns ln: it is always closed on return,
// and no Handle call is running once Serve has returned.
//
// Each connection gets one request line and one response line. Requests
// larger than MaxRequestSize, malformed or invalid requests, and peers
// running as another user get an error response without reaching h.
func Serve(ctx context.Context, ln net.Listener, h Handler) error {
	if h == nil {
		ln.Close()
		return errors.New("control: Serve needs a handler")
	}
	// Closing the listener is the only way to interrupt Accept.
	stop := context.AfterFunc(ctx, func() { ln.Close() })
	defer stop()

	var wg sync.WaitGroup
	defer wg.Wait() // runs after ln.Close below: stop accepting, then drain
	defer ln.Close()

	sem := make(chan struct{}, maxConns)
	pending := make(chan struct{}, maxPending)
	var backoff time.Duration
	for {
		conn, err := ln.Accept()
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			if errors.Is(err, net.ErrClosed) {
				return fmt.Errorf("control: listener closed: %w", err)
			}
			// Anything else (EMFILE, ECONNABORTED) is usually transient:
			// back off instead of spinning or giving up on the socket.
			backoff = min(max(2*backoff, 5*time.Millisecond), time.Second)
			select {
			case <-time.After(backoff):
				continue
			case <-ctx.Done():
				return nil
			}
		}
		backoff = 0
		select {
		case pending <- struct{}{}:
		case <-ctx.Done():
			conn.Close()
			return nil
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-pending }()
			serveConn(ctx, conn, h, sem)
		}()
	}
}

// errTooLarge marks a request over MaxRequestSize.
var errTooLarge = fmt.Errorf("request too large (over %d bytes)", MaxRequestSize)

// drainLimit bounds how much of an oversized request is discarded.
const drainLimit = 64 << 10

// errNoRequest marks a connection closed without sending anything (a
// liveness probe, such as Listen's own check); it gets no response.
var errNoRequest = errors.New("no request")

func serveConn(ctx context.Context, conn net.Conn, h Handler, sem chan struct{}) {
	defer conn.Close()
	// Shutting down interrupts a client still waiting to send (or to read
	// its answer): the daemon exits within a second, not after IOTimeout.
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	if err := checkPeer(conn); err != nil {
		writeResponse(conn, ErrorResponse(err))
		return
	}
	req, err := readRequest(conn)
	if errors.Is(err, errNoRequest) {
		return
	}
	if errors.Is(err, errTooLarge) {
		writeResponse(conn, ErrorResponse(err))
		// Closing with unread input makes the kernel reset the connection,
		// and a client reading to EOF would see ECONNRESET instead of our
		// answer. Swallow a bounded amount of the rest first.
		_ = conn.SetReadDeadline(time.Now().Add(ioTimeout))
		_, _ = io.CopyN(io.Discard, conn, drainLimit)
		return
	}
	if err != nil {
		writeResponse(conn, ErrorResponse(err))
		return
	}
	if err := req.Validate(); err != nil {
		writeResponse(conn, ErrorResponse(err))
		return
	}
	select {
	case sem <- struct{}{}:
		defer func() { <-sem }()
	case <-ctx.Done():
		return
	}
	hctx, cancel := context.WithTimeout(ctx, handlerTimeout)
	defer cancel()
	writeResponse(conn, callHandler(hctx, h, req))
}

// callHandler shields the daemon from a handler bug: a panic in one
// command should fail that command, not take the posture coach down.
func callHandler(ctx context.Context, h Handler, req Request) (resp Response) {
	defer func() {
		if r := recover(); r != nil {
			resp = Response{OK: false, Error: fmt.Sprintf("internal error handling %s: %v", req.Command, r)}
		}
	}()
	return h.Handle(ctx, req)
}

func readRequest(conn net.Conn) (Request, error) {
	if err := conn.SetReadDeadline(time.Now().Add(ioTimeout)); err != nil {
		return Request{}, fmt.Errorf("set read deadline: %w", err)
	}
	// One byte over the limit is enough to tell "too large" apart from
	// "exactly at the limit".
	br := bufio.NewReader(io.LimitReader(conn, MaxRequestSize+1))
	line, err := br.ReadBytes('\n')
	if n := len(trimNewline(line)); n > MaxRequestSize {
		return Request{}, errTooLarge
	}
	if err != nil && !errors.Is(err, io.EOF) {
		return Request{}, fmt.Errorf("read request: %w", err)
	}
	line = trimNewline(line)
	if len(line) == 0 {
		return Request{}, errNoRequest
	}
	var req Request
	if err := json.Unmarshal(line, &req); err != nil {
		return Request{}, fmt.Errorf("malformed request: %w", err)
	}
	return req, nil
}

func trimNewline(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == '\n' {
		b = b[:n-1]
		if n := len(b); n > 0 && b[n-1] == '\r' {
			b = b[:n-1]
		}
	}
	return b
}

// writeResponse sends resp as one line. Errors are dropped: the client
// has gone or stalled, and there is nobody left to tell.
func writeResponse(conn net.Conn, resp Response) {
	b, err := json.Marshal(resp)
	if err != nil {
		// Only an invalid Status RawMessage can get here.
		b, _ = json.Marshal(ErrorResponse(fmt.Errorf("encode response: %w", err)))
	}
	if err := conn.SetWriteDeadline(time.Now().Add(ioTimeout)); err != nil {
		return
	}
	_, _ = conn.Write(append(b, '\n'))
	// Half-close so the client sees EOF promptly even if it reads to the
	// end rather than to the newline.
	if uc, ok := conn.(*net.UnixConn); ok {
		_ = uc.CloseWrite()
	}
}
