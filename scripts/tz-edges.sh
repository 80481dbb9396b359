#!/usr/bin/env bash
# Runs the tests that deal in local days (history, report, and the
# journal / history / report commands) twice more, in a time zone where the
# local time is just after midnight (00:03) and one where it is just before
# (23:57), whatever the time of day: a test that only passes at some hours
# fails here at any hour. `make test-tz`; `make test` runs it last.
#
# Go reads TZ only as a zoneinfo name or file (a POSIX rule such as
# TZ='<X>+05:17' silently gives UTC), so the zone is written as a small
# zoneinfo file (TZif, one fixed offset, no transitions) in a temporary
# directory. Needs bash, date and go; TestLocalClockAtTZEdge checks that
# Go sees the intended local time.
set -euo pipefail
cd "$(dirname "$0")/.."

GO=${GO:-go}
FLAGS=(-tags matprofile -count=1)
# All of history and report (a few seconds); in cmd/neckwatch only the
# history, report and journal commands (the daemon tests take minutes).
CMD_RUN='^Test(Journal|History|Report|LocalClockAtTZEdge)'

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# be32 N: N as a 4-byte big-endian two's complement, in printf escapes.
be32() {
	local v=$(($1 & 0xFFFFFFFF))
	printf '\\x%02x\\x%02x\\x%02x\\x%02x' $((v >> 24 & 255)) $((v >> 16 & 255)) $((v >> 8 & 255)) $((v & 255))
}

# tzif FILE OFFSET NAME: a TZif version 1 file (tzfile(5)) for a zone
# OFFSET seconds east of UTC all the time, abbreviated NAME.
tzif() {
	local file=$1 off=$2 name=$3
	{
		printf 'TZif\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0' # magic, version 1, 15 reserved
		# isutcnt isstdcnt leapcnt timecnt typecnt charcnt
		printf "$(be32 0)$(be32 0)$(be32 0)$(be32 0)$(be32 1)$(be32 $((${#name} + 1)))"
		printf "$(be32 "$off")\\0\\0" # the one local time type: utoff, isdst 0, desigidx 0
		printf '%s\0' "$name"
	} >"$file"
}

# Build the test binaries first, so that the local time set below is
# still at its edge when the tests run.
"$GO" test "${FLAGS[@]}" -run '^$' ./history/ ./report/ ./cmd/neckwatch/ >/dev/null

start=$SECONDS
for edge in 00:03 23:57; do
	target=$((10#${edge%:*} * 60 + 10#${edge#*:}))
	utc=$(($(date -u +%s) / 60 % 1440))
	east=$(((target - utc + 1440) % 1440)) # minutes east of UTC, 0..1439
	if ((east >= 720)); then
		east=$((east - 1440)) # -12:00 .. +11:59
	fi
	zone=$tmp/edge-${edge/:/}
	tzif "$zone" $((east * 60)) TZE
	echo "tz-edges: local time $(TZ=$zone date '+%Y-%m-%d %H:%M:%S %z')"
	export TZ=$zone NECKWATCH_TZ_EDGE=$edge
	"$GO" test "${FLAGS[@]}" ./history/ ./report/
	"$GO" test "${FLAGS[@]}" -run "$CMD_RUN" ./cmd/neckwatch/
done
echo "tz-edges: passed at 00:03 and 23:57 local time ($((SECONDS - start)) s)"
