#!/usr/bin/env bash
# desktop-session.sh: run a command inside a throw-away desktop session, for end-to-end tests
# of desktop notifications on a headless machine (CI, containers: no display, no D-Bus session).
#
# Usage: scripts/desktop-session.sh [--] CMD [ARGS...]
#
# Starts, all private to this run and all stopped again when it ends (even on failure or ^C):
#   - Xvfb on a free display (Xvfb -displayfd picks the number),
#   - a D-Bus session bus listening on a socket in a temporary directory (own config: no
#     service activation, so nothing else can grab the notification name),
#   - dunst as the notification server (org.freedesktop.Notifications) on that bus and display,
#     with a minimal dunstrc: no sounds or scripts, a history of 10000 notifications, and a
#     short display timeout so notifications land in dunst's history quickly.
# It waits (up to ~10 s) until org.freedesktop.Notifications is owned on the bus, then runs
# CMD with DISPLAY and DBUS_SESSION_BUS_ADDRESS exported, and exits with CMD's exit status.
#
# How tests use it: run the test binary under this script, send notifications the normal way
# (notify-send, or the project's D-Bus notifier), then read what reached the server with
#     dunstctl close-all && dunstctl history
# `dunstctl history` prints JSON, newest first (summary, body, appname, category, timeout, ...
# for each notification). It lists only notifications that were closed or have expired: one
# still on screen, e.g. sent with an explicit expire timeout (notify-send -t 60000) or -t 0
# (never), is not in it until `dunstctl close-all` moves it there; with the sender's default
# timeout it gets there after ~100 ms by itself. `dunstctl count history` gives the number.
# Example:
#     scripts/desktop-session.sh -- bash -c 'notify-send hello world && sleep 0.5 && dunstctl history'
#     scripts/desktop-session.sh -- go test -run TestNotify ./...
# Inside CMD, NECKWATCH_DESKTOP_SESSION=1 is set, so tests can skip themselves when it is not.
#
# Needs (Debian/Ubuntu packages, see scripts/install-deps.sh): xvfb, dbus, dunst, libnotify-bin.
#
# Environment:
#   NECKWATCH_DUNST_TIMEOUT   display timeout dunst applies when the sender gives none
#                             (default 100ms; dunst time format, 0 = never expire)
#   NECKWATCH_DESKTOP_DEBUG=1 keep the temporary directory (Xvfb, dbus-daemon, dunst logs)
#                             and print where it is
set -euo pipefail

prog=${0##*/}

usage() {
	cat <<EOF
usage: scripts/$prog [--] CMD [ARGS...]

Runs CMD with DISPLAY and DBUS_SESSION_BUS_ADDRESS pointing at a private Xvfb display and
D-Bus session bus, with dunst serving org.freedesktop.Notifications; everything started is
stopped afterwards. Exit status: CMD's, or 1 if the session could not be started.
Read what reached the notification server with: dunstctl close-all && dunstctl history
EOF
}

die() {
	printf '%s: %s\n' "$prog" "$*" >&2
	exit 1
}

case ${1-} in
-h | --help)
	usage
	exit 0
	;;
--) shift ;;
esac
if [[ $# -eq 0 ]]; then
	usage >&2
	exit 2
fi

missing=()
for tool in Xvfb dbus-daemon dbus-send dunst; do
	command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if ((${#missing[@]} > 0)); then
	die "missing ${missing[*]}: install the Debian/Ubuntu packages xvfb dbus dunst libnotify-bin (scripts/install-deps.sh)"
fi

dunst_timeout=${NECKWATCH_DUNST_TIMEOUT:-100ms}
debug=${NECKWATCH_DESKTOP_DEBUG:-0}

work=$(mktemp -d "${TMPDIR:-/tmp}/neckwatch-desktop.XXXXXX")
xvfb_pid=
dbus_pid=
dunst_pid=
cmd_pid=

# shellcheck disable=SC2317 # stop and cleanup run from the EXIT trap
# stop PID: TERM, then KILL if it is still there after ~2 s.
stop() {
	local pid=$1 i
	[[ -n $pid ]] || return 0
	kill -TERM "$pid" 2>/dev/null || return 0
	for ((i = 0; i < 40; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
}

# shellcheck disable=SC2317
cleanup() {
	local rc=$?
	trap - EXIT INT TERM HUP
	stop "$cmd_pid"
	stop "$dunst_pid"
	stop "$dbus_pid"
	stop "$xvfb_pid"
	if [[ $debug == 1 ]]; then
		printf '%s: logs kept in %s\n' "$prog" "$work" >&2
	else
		rm -rf -- "$work"
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

show_log() {
	if [[ -s $1 ]]; then
		printf '%s: --- %s ---\n' "$prog" "${1##*/}" >&2
		tail -n 20 -- "$1" >&2
	fi
}

# --- X server --------------------------------------------------------------------------
# Xvfb writes the display number it picked to fd 3 once it accepts connections.
Xvfb -displayfd 3 -screen 0 1280x1024x24 -nolisten tcp -noreset \
	3>"$work/display" </dev/null >"$work/xvfb.log" 2>&1 &
xvfb_pid=$!
for ((i = 0; i < 100; i++)); do
	[[ -s $work/display ]] && break
	kill -0 "$xvfb_pid" 2>/dev/null || break
	sleep 0.1
done
display_num=$(tr -dc '0-9' <"$work/display")
if [[ -z $display_num ]]; then
	show_log "$work/xvfb.log"
	die "Xvfb did not start (no display number after 10 s)"
fi
export DISPLAY=":$display_num"

# --- D-Bus session bus -----------------------------------------------------------------
cat >"$work/session.conf" <<EOF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=$work/bus</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
EOF
# Not --fork: as our own child it is reaped when stopped. It prints the address once listening.
dbus-daemon --config-file="$work/session.conf" --nofork --nopidfile --print-address=4 \
	4>"$work/bus.address" </dev/null >"$work/dbus.log" 2>&1 &
dbus_pid=$!
for ((i = 0; i < 100; i++)); do
	[[ -s $work/bus.address ]] && break
	kill -0 "$dbus_pid" 2>/dev/null || break
	sleep 0.1
done
DBUS_SESSION_BUS_ADDRESS=$(head -n 1 "$work/bus.address")
if [[ -z $DBUS_SESSION_BUS_ADDRESS ]]; then
	show_log "$work/dbus.log"
	die "dbus-daemon did not start (no bus address after 10 s)"
fi
export DBUS_SESSION_BUS_ADDRESS

# --- notification server ---------------------------------------------------------------
cat >"$work/dunstrc" <<EOF
# Written by scripts/desktop-session.sh for tests: nothing plays sounds or runs scripts.
[global]
    monitor = 0
    follow = none
    history_length = 10000
    sticky_history = yes
    idle_threshold = 0
    show_age_threshold = -1
    icon_position = off
    ignore_dbusclose = false

[urgency_low]
    timeout = $dunst_timeout

[urgency_normal]
    timeout = $dunst_timeout

[urgency_critical]
    timeout = $dunst_timeout
EOF
# dunst would prefer Wayland if the caller's session has one.
unset WAYLAND_DISPLAY
dunst -config "$work/dunstrc" </dev/null >"$work/dunst.log" 2>&1 &
dunst_pid=$!

owned=0
for ((i = 0; i < 100; i++)); do
	if dbus-send --session --dest=org.freedesktop.DBus --print-reply /org/freedesktop/DBus \
		org.freedesktop.DBus.NameHasOwner string:org.freedesktop.Notifications 2>/dev/null |
		grep -q 'boolean true'; then
		owned=1
		break
	fi
	kill -0 "$dunst_pid" 2>/dev/null || break
	sleep 0.1
done
if [[ $owned != 1 ]]; then
	show_log "$work/dunst.log"
	die "dunst did not take org.freedesktop.Notifications on $DBUS_SESSION_BUS_ADDRESS within 10 s"
fi

if [[ $debug == 1 ]]; then
	printf '%s: DISPLAY=%s DBUS_SESSION_BUS_ADDRESS=%s (logs in %s)\n' \
		"$prog" "$DISPLAY" "$DBUS_SESSION_BUS_ADDRESS" "$work" >&2
fi

# --- the command -----------------------------------------------------------------------
export NECKWATCH_DESKTOP_SESSION=1
# In the background (stdin passed on explicitly) so that a TERM/INT/HUP sent to this script
# interrupts the wait at once and the EXIT trap stops CMD along with the session.
"$@" <&0 &
cmd_pid=$!
rc=0
wait "$cmd_pid" || rc=$?
cmd_pid=
exit "$rc"
