#!/bin/sh
# Build (and cache) an extra initramfs archive holding host programs and
# the shared libraries they need, for tests/guest/run.sh --bins.
#
#   tests/guest/mkbins.sh OUTDIR PROG...      prints the archive's path
#
# Each PROG (a path, or a name looked up in PATH) goes to /bin/NAME in the
# guest; for a dynamic one, every library `ldd` lists and the dynamic
# loader go to the same absolute paths (symlinks resolved), so Debian's own
# binaries (stress-ng, getfacl, setfattr...) run in the busybox guest.  The
# guest's loader finds them in its built-in /lib/x86_64-linux-gnu.  The
# archive is appended to the initramfs (the kernel unpacks concatenated
# archives in order) and cached under OUTDIR by a hash of its inputs.
set -eu
[ $# -ge 2 ] || { echo "usage: $0 OUTDIR PROG..." >&2; exit 2; }
out=$1
shift
mkdir -p "$out"
progs=""
for p in "$@"; do
	case "$p" in
	*/*) f=$p ;;
	*) f=$(command -v "$p") || { echo "mkbins: $p not found" >&2; exit 1; } ;;
	esac
	[ -x "$f" ] || { echo "mkbins: $f is not executable" >&2; exit 1; }
	progs="$progs $f"
done
# shellcheck disable=SC2086 # progs is a word list
key=$( { cat "$0"; sha256sum $progs; } | sha256sum | cut -c1-16)
arc=$out/bins-$key.cpio.gz
[ -f "$arc" ] && { echo "$arc"; exit 0; }

stage=$(mktemp -d "$out/bins-stage.XXXXXX")
trap 'rm -rf "$stage" "$stage.cpio.gz"' EXIT
mkdir -p "$stage/bin"
for f in $progs; do
	cp -L "$f" "$stage/bin/$(basename "$f")"
	# "=> /path (addr)" lines and the loader's "/path (addr)" line
	ldd "$f" 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// { print $3 }
		$1 ~ /^\// { print $1 }' | while read -r lib; do
		mkdir -p "$stage$(dirname "$lib")"
		[ -e "$stage$lib" ] || cp -L "$lib" "$stage$lib"
	done
done
# a private temporary name: concurrent callers each rename a whole archive
tmpa=$stage.cpio.gz
(cd "$stage" && find . | sort | cpio -o -H newc --quiet -R 0:0) | gzip -1 >"$tmpa"
mv "$tmpa" "$arc"
echo "$arc"
