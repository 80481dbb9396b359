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
# Every file is written to a temporary file next to its destination, checked, then renamed,
# so an interrupted or failed run never leaves a half-written or unverified file behind.
# Any checksum mismatch of a download, or no source at all, stops the script with exit 1.
#
# Environment:
#   NECKWATCH_MODEL_MIRROR     offline mirror of the models   (default <repo>/../shared/models)
#   NECKWATCH_TESTDATA_MIRROR  offline mirror of the photos   (default <repo>/../shared/testdata)
#   NECKWATCH_OFFLINE=1        never try upstream URLs (mirror or nothing)
#   NECKWATCH_ASSETS_MANIFEST  manifest to read (default scripts/assets.tsv; for tests)
set -euo pipefail

script_dir=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
repo_root=$(cd -- "$script_dir/.." && pwd)
manifest=${NECKWATCH_ASSETS_MANIFEST:-$script_dir/assets.tsv}
model_mirror=${NECKWATCH_MODEL_MIRROR:-$repo_root/../shared/models}
testdata_mirror=${NECKWATCH_TESTDATA_MIRROR:-$repo_root/../shared/testdata}
offline=${NECKWATCH_OFFLINE:-0}

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
EOF
}

die() {
	printf '%s: %s\n' "$prog" "$*" >&2
	exit 1
}

warn() {
	printf '%s: warning: %s\n' "$prog" "$*" >&2
}

# Temporary file currently being written; removed on any exit.
tmp_file=
cleanup() {
	if [[ -n $tmp_file && -e $tmp_file ]]; then
		rm -f -- "$tmp_file"
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
	local line dest sum loc url extra mgroup mpath

	while IFS= read -r line <&3 || [[ -n $line ]]; do
		lineno=$((lineno + 1))
		line=${line%$'\r'}
		[[ -z ${line//[[:space:]]/} || $line == \#* ]] && continue
		IFS=$'\t' read -r dest sum loc url extra <<<"$line"
		if [[ -z $dest || -z $sum || -z $loc || -z $url || -n $extra ]]; then
			die "$manifest:$lineno: expected 4 tab-separated fields (dest, sha256, group:path, url or -)"
		fi
		mgroup=${loc%%:*}
		mpath=${loc#*:}
		[[ $mgroup == "$group" ]] || continue
		[[ $sum =~ ^[0-9a-f]{64}$ ]] || die "$manifest:$lineno: bad sha256 '$sum'"
		if [[ $dest == /* || $dest == *..* || $mpath == /* || $mpath == *..* || $loc != *:* ]]; then
			die "$manifest:$lineno: paths must be relative and must not contain '..'"
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
			for u in "${urls[@]}"; do
				: >"$tmp_file"
				if err=$(download "$u" "$tmp_file" 2>&1); then
					have=$(sha256_of "$tmp_file")
					if [[ $have != "$sum" ]]; then
						rm -f -- "$tmp_file"
						tmp_file=
						die "$dest: sha256 mismatch for download from $u: expected $sum, got $have." \
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
			rm -f -- "$tmp_file"
			tmp_file=
			die "cannot get $dest: $mirror_note; upstream: $upstream_note." \
				"Put the file (sha256 $sum) at $mirror_file or fix network access, then rerun."
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
