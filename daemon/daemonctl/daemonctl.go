// Package daemonctl answers the control socket's requests (`neckwatch
// pause`, `status`, `stop`...) from a running daemon: the one place where
// the control protocol meets the daemon's methods. It lives beside the
// daemon so that neither knows the other: the daemon stays free of the
// transport, and the control package (which the client commands use too)
// free of the daemon.
package daemonctl

import (
	"context"
	"fmt"
	"os"

	"github.com/neckwatch/neckwatch/control"
	"github.com/neckwatch/neckwatch/daemon"
)

// Handler is a control.Handler for one daemon.
type Handler struct {
	D *daemon.Daemon
	// Quit ends the daemon (`neckwatch stop`); it is called once the
	// answer has been written.
	Quit func()
}

// Handle carries out one validated request.
func (h Handler) Handle(ctx context.Context, req control.Request) control.Response {
	switch req.Command {
	case control.CmdStatus:
		resp, err := control.StatusResponse(h.D.Status(), "")
		if err != nil {
			return control.ErrorResponse(err)
		}
		return resp
	case control.CmdPause:
		dur, err := req.ParseDuration()
		if err != nil {
			return control.ErrorResponse(err)
		}
		h.D.Pause(dur)
		if dur == 0 {
			return control.OKResponse("paused until `neckwatch resume`; the camera stays off")
		}
		return control.OKResponse(fmt.Sprintf("paused for %s; the camera stays off", dur))
	case control.CmdResume:
		h.D.Resume()
		return control.OKResponse("resumed")
	case control.CmdSnooze:
		dur, err := req.ParseDuration()
		if err != nil {
			return control.ErrorResponse(err)
		}
		h.D.Snooze(dur)
		return control.OKResponse(fmt.Sprintf("posture alerts snoozed for %s", dur))
	case control.CmdRecalibrate:
		if err := h.D.Recalibrate(ctx); err != nil {
			return control.ErrorResponse(err)
		}
		return control.OKResponse("recalibrated: your current posture is the new upright baseline")
	case control.CmdBreak:
		msg := "break started"
		if !h.D.StartBreak() {
			msg = "a break is already under way"
		}
		if st := h.D.Status(); st.Notifications != "ok" {
			return control.OKResponse(msg + "; no notification will say when it is over (notifications " + st.Notifications + ")")
		}
		return control.OKResponse(msg + "; a notification says when it is over")
	case control.CmdStop:
		// The request's context ends once the answer is written (Serve
		// cancels it after the response): stop then, so the answer is not
		// cut off by the shutdown it starts.
		go func() {
			<-ctx.Done()
			h.Quit()
		}()
		return control.OKResponse(fmt.Sprintf("neckwatch (pid %d) is stopping", os.Getpid()))
	case control.CmdForget:
		cut, err := req.ParseBefore()
		if err != nil {
			return control.ErrorResponse(err)
		}
		h.D.Forget(cut)
		return control.OKResponse("the daemon dropped what it held from before the cut")
	}
	return control.ErrorResponse(fmt.Errorf("unknown command %q", req.Command))
}
