#!/usr/bin/env bash
# install-deps.sh: install the Debian/Ubuntu system packages neckwatch needs to build and test.
#
# Usage: scripts/install-deps.sh [--dry-run]
#
#   libopencv-dev pkg-config build-essential   build (gocv links OpenCV 4.x through cgo)
#   xvfb dunst dbus dbus-x11 libnotify-bin     notification end-to-end tests
#                                              (scripts/desktop-session.sh)
#   ca-certificates curl                       scripts/fetch-assets.sh upstream downloads
#   chromium                                   the HTML report's browser test (headless,
#                                              cmd/neckwatch TestReportHTMLInBrowser)
#
# Non-interactive (DEBIAN_FRONTEND=noninteractive, apt-get -y --no-install-recommends); uses
# sudo when not run as root. When every package is already installed it does not touch apt at
# all; `apt-get update` runs only when something is missing. It does not install Go: it checks
# for Go >= 1.22 and says how to get it. At the end it prints the OpenCV version pkg-config
# finds, and fails unless it is 4.x.
# --dry-run: report what is missing and the apt commands that would run, change nothing.
set -euo pipefail

prog=${0##*/}

packages=(
	libopencv-dev pkg-config build-essential
	xvfb dunst dbus dbus-x11 libnotify-bin
	ca-certificates curl
	chromium
)
go_min_major=1
go_min_minor=22

die() {
	printf '%s: error: %s\n' "$prog" "$*" >&2
	exit 1
}

dry_run=0
case ${1-} in
"") ;;
--dry-run | -n) dry_run=1 ;;
-h | --help)
	sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"
	exit 0
	;;
*)
	printf 'usage: scripts/%s [--dry-run]\n' "$prog" >&2
	exit 2
	;;
esac

if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
	die "this script supports Debian/Ubuntu (dpkg + apt-get) only; on other systems install the equivalents of: ${packages[*]}"
fi

# --- system packages -------------------------------------------------------------------
missing=()
for pkg in "${packages[@]}"; do
	status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
	[[ $status == "install ok installed" ]] || missing+=("$pkg")
done

if ((${#missing[@]} == 0)); then
	echo "packages: all ${#packages[@]} already installed (${packages[*]})"
else
	echo "packages: missing ${missing[*]}"
	if [[ $(id -u) -eq 0 ]]; then
		as_root=()
	elif command -v sudo >/dev/null 2>&1; then
		as_root=(sudo)
	else
		die "not running as root and sudo is not installed: rerun as root (e.g. su -c '$0') or install sudo, to install: ${missing[*]}"
	fi
	apt_env=(env DEBIAN_FRONTEND=noninteractive)
	apt_update=("${as_root[@]}" "${apt_env[@]}" apt-get -q update)
	apt_install=("${as_root[@]}" "${apt_env[@]}" apt-get -q install -y --no-install-recommends
		-o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "${missing[@]}")
	if ((dry_run)); then
		printf 'would run: %s\n' "${apt_update[*]}" "${apt_install[*]}"
	else
		"${apt_update[@]}" </dev/null || die "apt-get update failed (see above)"
		"${apt_install[@]}" </dev/null || die "apt-get install ${missing[*]} failed (see above)"
		still=()
		for pkg in "${missing[@]}"; do
			status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
			[[ $status == "install ok installed" ]] || still+=("$pkg")
		done
		((${#still[@]} == 0)) || die "still not installed after apt-get: ${still[*]}"
		echo "packages: installed ${missing[*]}"
	fi
fi

# --- Go (checked, not installed) -------------------------------------------------------
go_hint="install Go >= $go_min_major.$go_min_minor yourself: download goX.Y.Z.linux-<arch>.tar.gz from https://go.dev/dl/,
  as root: rm -rf /usr/local/go && tar -C /usr/local -xzf goX.Y.Z.linux-<arch>.tar.gz
  then: export PATH=\$PATH:/usr/local/go/bin   (or use a distribution golang package if it is >= $go_min_major.$go_min_minor)"
go_bin=
if command -v go >/dev/null 2>&1; then
	go_bin=$(command -v go)
elif [[ -x /usr/local/go/bin/go ]]; then
	go_bin=/usr/local/go/bin/go
	echo "go: found $go_bin but it is not on PATH: add it with  export PATH=\$PATH:/usr/local/go/bin"
fi
if [[ -z $go_bin ]]; then
	printf '%s: warning: Go is not installed (no go on PATH, no /usr/local/go/bin/go): %s\n' "$prog" "$go_hint" >&2
else
	go_version=$("$go_bin" env GOVERSION 2>/dev/null || true)
	if [[ $go_version =~ ^go([0-9]+)\.([0-9]+) ]]; then
		major=${BASH_REMATCH[1]} minor=${BASH_REMATCH[2]}
		if ((major > go_min_major || (major == go_min_major && minor >= go_min_minor))); then
			echo "go: $go_version ($go_bin)"
		else
			printf '%s: warning: %s is %s, older than go%s.%s that go.mod needs: %s\n' \
				"$prog" "$go_bin" "$go_version" "$go_min_major" "$go_min_minor" "$go_hint" >&2
		fi
	else
		printf '%s: warning: cannot tell the version of %s (go env GOVERSION said %q): %s\n' \
			"$prog" "$go_bin" "$go_version" "$go_hint" >&2
	fi
fi

# --- OpenCV ----------------------------------------------------------------------------
if ((dry_run)) && ((${#missing[@]} > 0)); then
	echo "opencv: not checked (dry run with packages missing)"
	exit 0
fi
command -v pkg-config >/dev/null 2>&1 || die "pkg-config not found although the package is installed"
opencv_version=$(pkg-config --modversion opencv4 2>/dev/null) ||
	die "pkg-config cannot find opencv4 (is libopencv-dev installed? PKG_CONFIG_PATH=${PKG_CONFIG_PATH-})"
case $opencv_version in
4.*) ;;
*) die "OpenCV $opencv_version found via pkg-config opencv4, but neckwatch (gocv v0.31) needs OpenCV 4.x" ;;
esac
if [[ $opencv_version != 4.6.* ]]; then
	echo "opencv: note: neckwatch is developed and tested against OpenCV 4.6 (Debian bookworm)"
fi
echo "opencv: $opencv_version (pkg-config opencv4)"
