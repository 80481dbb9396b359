#!/usr/bin/env bash
# fetch-assets.sh: put the model files and test photos the project needs (and never commits)
# into the working tree, with their sha256 verified.
#
# Usage: scripts/fetch-assets.sh models|testdata|all
#
# For every line of the manifest (scripts/assets.tsv) in the chosen group:
#   1. destination already there with the right sha256   -> left alone
#   2. else the offline mirror has the file with the right sha256 -> copied from it
#   3. else the pinned upstream URL(s) (curl, else wget)  -> downloaded
#      A line with a derive= column (see scripts/assets.tsv) names a file made from the upstream
#      bytes: the download must have the raw sha256, the line's script turns it into the final
#      file, which must have the final sha256. Its needs (e.g. python3-onnx) are checked, and
#      installed with apt-get (sudo when not root) when missing, only on this path.
# Every file is written to a temporary file (or directory) next to its destination, checked,
# then renamed, so an interrupted or failed run never leaves a half-written or unverified file
# behind. Any checksum mismatch of a download or a derived file, a failing derive script, or no
# source at all, stops the script with exit 1.
#
# Environment:
#   NECKWATCH_MODEL_MIRROR     offline mirror of the models   (default <repo>/../shared/models)
#   NECKWATCH_TESTDATA_MIRROR  offline mirror of the photos   (default <repo>/../shared/testdata)
#   NECKWATCH_OFFLINE=1        never try upstream URLs (mirror or nothing)
#   NECKWATCH_ASSETS_MANIFEST  manifest to read (default scripts/assets.tsv; for tests)
#   NECKWATCH_NO_INSTALL=1     never run apt-get for a derive script's needs: just say what is missing
set -euo pipefail

script_dir=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
repo_root=$(cd -- "$script_dir/.." && pwd)
manifest=${NECKWATCH_ASSETS_MANIFEST:-$script_dir/assets.tsv}
model_mirror=${NECKWATCH_MODEL_MIRROR:-$repo_root/../shared/models}
testdata_mirror=${NECKWATCH_TESTDATA_MIRROR:-$repo_root/../shared/testdata}
offline=${NECKWATCH_OFFLINE:-0}
no_install=${NECKWATCH_NO_INSTALL:-0}

prog=${0##*/}

usage() {
	cat <<EOF
usage: scripts/$prog models|testdata|all

Fetches the files listed in scripts/assets.tsv into the repository (models/data,
testdata/photos): from the offline mirror when it holds them, else from the pinned
upstream URL; every file is sha256-verified.

environment:
  NECKWATCH_MODEL_MIRROR     default: <repo>/../shared/models   (now: $model_mirror)
  NECKWATCH_TESTDATA_MIRROR  default: <repo>/../shared/testdata (now: $testdata_mirror)
  NECKWATCH_OFFLINE=1        do not try upstream URLs
  NECKWATCH_NO_INSTALL=1     do not apt-get install what a derive script needs
EOF
}

die() {
	printf '%s: %s\n' "$prog" "$*" >&2
	exit 1
}

warn() {
	printf '%s: warning: %s\n' "$prog" "$*" >&2
}

# Temporary file / directory currently being written; removed on any exit.
tmp_file=
tmp_dir=
cleanup() {
	if [[ -n $tmp_file && -e $tmp_file ]]; then
		rm -f -- "$tmp_file"
	fi
	if [[ -n $tmp_dir && -e $tmp_dir ]]; then
		rm -rf -- "$tmp_dir"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if command -v sha256sum >/dev/null 2>&1; then
	sha256_of() { sha256sum -- "$1" | awk '{print $1}'; }
elif command -v shasum >/dev/null 2>&1; then
	sha256_of() { shasum -a 256 -- "$1" | awk '{print $1}'; }
else
	die "neither sha256sum nor shasum found: install coreutils"
fi

# download URL FILE: fetch URL into FILE; prints the tool's error on stderr, returns non-zero on failure.
download() {
	local url=$1 out=$2
	if command -v curl >/dev/null 2>&1; then
		curl -fsSL --retry 3 --retry-delay 2 --connect-timeout 20 --max-time 900 \
			-o "$out" -- "$url" </dev/null
	elif command -v wget >/dev/null 2>&1; then
		wget --no-verbose --tries=3 --waitretry=2 --timeout=30 -O "$out" -- "$url" </dev/null
	else
		echo "neither curl nor wget is installed (scripts/install-deps.sh installs curl)" >&2
		return 127
	fi
}

# Python interpreter for *.py derive scripts, chosen by find_python.
python=

# python_can_import PYTHON MODULE...: PYTHON imports every MODULE.
python_can_import() {
	local py=$1 m
	shift
	for m in "$@"; do
		"$py" -c "import $m" </dev/null >/dev/null 2>&1 || return 1
	done
}

# find_python MODULE...: set $python to the first of /usr/bin/python3 (the one Debian's
# python3-* packages serve) and python3 on PATH that imports every MODULE; returns 1 if none.
find_python() {
	local cand
	python=
	for cand in /usr/bin/python3 "$(command -v python3 2>/dev/null || true)"; do
		[[ -n $cand && -x $cand ]] || continue
		if python_can_import "$cand" "$@"; then
			python=$cand
			return 0
		fi
	done
	return 1
}

# check_needs KIND NEEDS: set the array missing_needs to the entries of the comma-separated
# NEEDS (plus python3 when KIND is py) that are not satisfied; python3-<module> entries are
# satisfied when one interpreter (find_python, which then sets $python) imports all of them.
missing_needs=()
check_needs() {
	local kind=$1 needs=$2 n
	local -a list=() mods=() modnames=()
	missing_needs=()
	[[ -n $needs ]] && IFS=',' read -r -a list <<<"$needs"
	for n in "${list[@]}"; do
		case $n in
		python3-*)
			mods+=("$n")
			n=${n#python3-}
			modnames+=("${n//-/_}")
			;;
		*) command -v "$n" >/dev/null 2>&1 || missing_needs+=("$n") ;;
		esac
	done
	if [[ $kind == py || ${#mods[@]} -gt 0 ]] && ! find_python "${modnames[@]}"; then
		if [[ ! -x /usr/bin/python3 ]] && ! command -v python3 >/dev/null 2>&1; then
			missing_needs+=(python3)
		fi
		missing_needs+=("${mods[@]}")
	fi
	return 0
}

# ensure_needs DEST KIND NEEDS: make sure a derive script's needs are there, installing the
# missing Debian packages with apt-get (sudo when not root) unless NECKWATCH_NO_INSTALL=1.
ensure_needs() {
	local dest=$1 kind=$2 needs=$3
	check_needs "$kind" "$needs"
	((${#missing_needs[@]} == 0)) && return 0
	local missing=${missing_needs[*]}
	local hint="install the Debian package(s) $missing (sudo apt-get install $missing) and rerun"
	local why="$dest is derived from its upstream file by a script that needs $missing, which is missing"
	[[ $no_install == 1 ]] && die "$why: $hint (NECKWATCH_NO_INSTALL=1: not installing)."
	command -v apt-get >/dev/null 2>&1 || die "$why: no apt-get here: install the equivalent of $missing and rerun."
	local -a as_root=()
	if [[ $(id -u) -ne 0 ]]; then
		command -v sudo >/dev/null 2>&1 || die "$why: not root and no sudo: $hint as root."
		as_root=(sudo)
	fi
	printf '%s: installing %s (needed to derive %s from upstream)\n' "$prog" "$missing" "$dest" >&2
	"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -q update </dev/null >&2 ||
		die "$why: apt-get update failed (see above): $hint."
	"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -q install -y --no-install-recommends \
		-o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "${missing_needs[@]}" </dev/null >&2 ||
		die "$why: apt-get install $missing failed (see above): $hint."
	check_needs "$kind" "$needs"
	((${#missing_needs[@]} == 0)) || die "$why: still missing after apt-get install: ${missing_needs[*]}" \
		"(a python3-<module> must import in /usr/bin/python3 or in the python3 on PATH)."
}

# common_dir PATH...: the longest common directory of the given relative file paths.
common_dir() {
	local prefix p
	prefix=$(dirname -- "$1")
	shift
	for p in "$@"; do
		while [[ $prefix != . && $p != "$prefix"/* ]]; do
			prefix=$(dirname -- "$prefix")
		done
	done
	printf '%s\n' "$prefix"
}

# fetch_group GROUP: process every manifest line of GROUP.
fetch_group() {
	local group=$1 mirror_root mirror_env
	case $group in
	models) mirror_root=$model_mirror mirror_env=NECKWATCH_MODEL_MIRROR ;;
	testdata) mirror_root=$testdata_mirror mirror_env=NECKWATCH_TESTDATA_MIRROR ;;
	*) die "unknown group '$group'" ;;
	esac

	local n_present=0 n_copied=0 n_downloaded=0 lineno=0
	local -a dests=()
	local line dest sum loc url derive extra mgroup mpath
	local raw_sum script_rel needs rest kind

	while IFS= read -r line <&3 || [[ -n $line ]]; do
		lineno=$((lineno + 1))
		line=${line%$'\r'}
		[[ -z ${line//[[:space:]]/} || $line == \#* ]] && continue
		IFS=$'\t' read -r dest sum loc url derive extra <<<"$line"
		if [[ -z $dest || -z $sum || -z $loc || -z $url || -n $extra ]]; then
			die "$manifest:$lineno: expected 4 or 5 tab-separated fields (dest, sha256, group:path, url or -, optional derive=...)"
		fi
		mgroup=${loc%%:*}
		mpath=${loc#*:}
		[[ $mgroup == "$group" ]] || continue
		[[ $sum =~ ^[0-9a-f]{64}$ ]] || die "$manifest:$lineno: bad sha256 '$sum'"
		if [[ $dest == /* || $dest == *..* || $mpath == /* || $mpath == *..* || $loc != *:* ]]; then
			die "$manifest:$lineno: paths must be relative and must not contain '..'"
		fi
		raw_sum= script_rel= needs= kind=
		if [[ -n $derive ]]; then
			[[ $derive == derive=*:* ]] ||
				die "$manifest:$lineno: 5th field must be derive=<raw-sha256>:<script>[:<needs>], not '$derive'"
			rest=${derive#derive=}
			raw_sum=${rest%%:*}
			rest=${rest#*:}
			script_rel=${rest%%:*}
			[[ $rest == *:* ]] && needs=${rest#*:}
			[[ $raw_sum =~ ^[0-9a-f]{64}$ ]] || die "$manifest:$lineno: bad raw sha256 '$raw_sum' in derive="
			[[ -n $script_rel && $script_rel != /* && $script_rel != *..* ]] ||
				die "$manifest:$lineno: derive script must be a path relative to the repository, without '..'"
			[[ -f $repo_root/$script_rel ]] || die "$manifest:$lineno: derive script $script_rel not found"
			[[ -z $needs || $needs =~ ^[a-z0-9][a-z0-9.+-]*(,[a-z0-9][a-z0-9.+-]*)*$ ]] ||
				die "$manifest:$lineno: bad needs '$needs' in derive= (comma-separated Debian package names)"
			[[ $url != - ]] || die "$manifest:$lineno: derive= needs an upstream URL"
			case $script_rel in
			*.py) kind=py ;;
			*.sh) kind=sh ;;
			*)
				kind=exe
				[[ -x $repo_root/$script_rel ]] || die "$manifest:$lineno: derive script $script_rel is not executable"
				;;
			esac
		fi
		dests+=("$dest")

		local target=$repo_root/$dest
		local name=${dest##*/}
		local dest_dir=${target%/*}
		local mirror_file=$mirror_root/$mpath
		local have

		# 1. already present and correct
		if [[ -f $target ]]; then
			have=$(sha256_of "$target")
			if [[ $have == "$sum" ]]; then
				n_present=$((n_present + 1))
				continue
			fi
			warn "$dest has sha256 $have, expected $sum: fetching a fresh copy"
		fi

		mkdir -p -- "$dest_dir" || die "cannot create directory $dest_dir"
		tmp_file=$(mktemp -- "$dest_dir/.$name.tmp.XXXXXX") || die "cannot create a temporary file in $dest_dir"

		# 2. offline mirror
		local mirror_note
		have=
		if [[ -f $mirror_file ]]; then
			if cat -- "$mirror_file" >"$tmp_file" && have=$(sha256_of "$tmp_file") && [[ $have == "$sum" ]]; then
				chmod 0644 -- "$tmp_file"
				mv -f -- "$tmp_file" "$target"
				tmp_file=
				n_copied=$((n_copied + 1))
				printf '%s: copied %s from mirror\n' "$group" "$dest"
				continue
			fi
			mirror_note="mirror file $mirror_file has sha256 ${have:-?}, expected $sum"
			warn "$mirror_note: ignoring it"
		elif [[ -d $mirror_root ]]; then
			mirror_note="not in mirror ($mirror_file missing)"
		else
			mirror_note="no mirror directory at $mirror_root (set $mirror_env)"
		fi

		# 3. upstream
		local upstream_note ok=0 u err
		local -a urls=()
		if [[ $url == - ]]; then
			upstream_note="no upstream URL is known for it"
		elif [[ $offline == 1 ]]; then
			upstream_note="upstream not tried (NECKWATCH_OFFLINE=1): $url"
		else
			IFS='|' read -r -a urls <<<"$url"
			upstream_note=
			# A derived file: download into a temporary directory, the script writes beside it.
			local dl_file=$tmp_file want=$sum out_file=
			if [[ -n $raw_sum ]]; then
				rm -f -- "$tmp_file"
				tmp_file=
				tmp_dir=$(mktemp -d -- "$dest_dir/.$name.derive.XXXXXX") ||
					die "cannot create a temporary directory in $dest_dir"
				dl_file=$tmp_dir/upstream-$name
				out_file=$tmp_dir/$name
				want=$raw_sum
			fi
			for u in "${urls[@]}"; do
				: >"$dl_file"
				if err=$(download "$u" "$dl_file" 2>&1); then
					have=$(sha256_of "$dl_file")
					if [[ $have != "$want" ]]; then
						cleanup
						tmp_file= tmp_dir=
						die "$dest: sha256 mismatch for download from $u: expected $want${raw_sum:+ (the upstream file it is derived from)}, got $have." \
							"The upstream file changed or the download was corrupted: nothing was installed;" \
							"retry, or put a verified copy at $mirror_file (only update scripts/assets.tsv if the new file is known to be right)."
					fi
					ok=1
					break
				fi
				# curl/wget repeat the same error on every retry: keep the last line.
				err=$(printf '%s\n' "$err" | sed '/^[[:space:]]*$/d' | tail -n 1)
				upstream_note+="${upstream_note:+; }$u failed (${err:-download error})"
			done
		fi
		if [[ $ok != 1 ]]; then
			cleanup
			tmp_file= tmp_dir=
			die "cannot get $dest: $mirror_note; upstream: $upstream_note." \
				"Put the file (sha256 $sum) at $mirror_file or fix network access, then rerun."
		fi
		if [[ -n $raw_sum ]]; then
			# Derive the final file from the verified upstream bytes.
			ensure_needs "$dest" "$kind" "$needs"
			local script=$repo_root/$script_rel rc=0
			local -a run=("$script")
			case $kind in
			py) run=("$python" "$script") ;;
			sh) run=(bash "$script") ;;
			esac
			err=$(cd -- "$repo_root" && "${run[@]}" "$dl_file" "$out_file" </dev/null 2>&1) || rc=$?
			if ((rc != 0)); then
				cleanup
				tmp_dir=
				err=$(printf '%s\n' "$err" | sed '/^[[:space:]]*$/d' | tail -n 1)
				die "$dest: $script_rel failed (exit $rc) on the download from $u: ${err:-no output}; nothing was installed."
			fi
			have=
			[[ -f $out_file ]] && have=$(sha256_of "$out_file")
			if [[ $have != "$sum" ]]; then
				cleanup
				tmp_dir=
				die "$dest: $script_rel made a file with sha256 ${have:-(none: no output file)}, expected $sum; nothing was installed." \
					"The script or its libraries (${needs:-none declared}) differ from the ones the sum was made with;" \
					"put a verified copy at $mirror_file instead."
			fi
			chmod 0644 -- "$out_file"
			mv -f -- "$out_file" "$target"
			rm -rf -- "$tmp_dir"
			tmp_dir=
			n_downloaded=$((n_downloaded + 1))
			printf '%s: downloaded %s from %s and derived it with %s\n' "$group" "$dest" "$u" "$script_rel"
			continue
		fi
		chmod 0644 -- "$tmp_file"
		mv -f -- "$tmp_file" "$target"
		tmp_file=
		n_downloaded=$((n_downloaded + 1))
		printf '%s: downloaded %s from %s\n' "$group" "$dest" "$u"
	done 3<"$manifest"

	local total=${#dests[@]}
	((total > 0)) || die "no '$group' entries in $manifest"
	local -a parts=()
	((n_copied > 0)) && parts+=("$n_copied copied from mirror")
	((n_downloaded > 0)) && parts+=("$n_downloaded downloaded")
	((n_present > 0)) && parts+=("$n_present already present")
	local detail
	detail=$(printf '%s, ' "${parts[@]}")
	printf '%s: %d files ok in %s (%s)\n' "$group" "$total" "$(common_dir "${dests[@]}")" "${detail%, }"
}

if [[ $# -ne 1 ]]; then
	usage >&2
	exit 2
fi
case $1 in
-h | --help)
	usage
	exit 0
	;;
models | testdata) groups=("$1") ;;
all) groups=(models testdata) ;;
*)
	usage >&2
	exit 2
	;;
esac

[[ -r $manifest ]] || die "manifest $manifest not found or not readable"

for g in "${groups[@]}"; do
	fetch_group "$g"
done
