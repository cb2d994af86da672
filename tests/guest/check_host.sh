#!/bin/sh
# Check on the host, after the guest powered off, the tree that the guest
# workload "full" (or "compat_write") left in an export.
#
#   tests/guest/check_host.sh [--small|--tiny] [--acl] [--compat] DIR MODEL [GUEST_OUTPUT]
#
#   DIR           the export root on the host
#   MODEL         passthrough | mapped-xattr | mapped-file | none (the
#                 server's security model; "none" and servers without
#                 models, like diod as root, store like passthrough)
#   GUEST_OUTPUT  the guest's output (tests/guest/run.sh stdout); its
#                 "# sha256 PATH HASH SIZE" line is compared with the host
#   --small       the workload ran with ARG=small (4 MiB, 1,000 entries)
#   --tiny        the workload ran with ARG=tiny (1 MiB, 100 entries)
#   --acl         the workload ran with ARG=acl: check the stored ACLs
#   --compat      check the compat tree instead of the full workload's
#
# Checks contents, sizes, link counts, symlink targets, and the owners and
# modes as the model stores them: passthrough = the real host owner, mode,
# type and rdev; mapped-xattr = user.virtfs.uid/gid/mode/rdev with QEMU's
# byte format, every non-directory a regular file; mapped-file = the same
# objects with .virtfs_metadata/NAME files in QEMU's text format.  Prints "ok - host: ..."
# / "not ok - host: ..." lines and exits 1 on any mismatch.
set -u
here=$(cd "$(dirname "$0")" && pwd)
small=0 compat=0 acl=0
while [ $# -gt 0 ]; do
	case "$1" in
	--small) small=1 ;;
	--tiny) small=2 ;;
	--acl) acl=1 ;;
	--compat) compat=1 ;;
	*) break ;;
	esac
	shift
done
[ $# -ge 2 ] || { echo "usage: $0 [--small|--tiny] [--acl] [--compat] DIR MODEL [GUEST_OUTPUT]" >&2; exit 2; }
dir=$1 model=$2 gout=${3:-}
gtool=${VFSD_GUEST_DIR:-$here/../../build/guest}/gtool
[ -x "$gtool" ] || { echo "not ok - host: $gtool missing (run tests/guest/mkinitramfs.sh)"; exit 1; }
case "$model" in
passthrough | none) view=passthrough ;;
mapped-xattr | mapped) view=mapped-xattr ;;
mapped-file) view=mapped-file ;;
*) echo "not ok - host: unsupported model $model"; exit 1 ;;
esac

VFSD_WL_LIB=1
# shellcheck source=tests/guest/workload.sh
. "$here/workload.sh"
out=$(mktemp /tmp/vfsd-hostcheck.XXXXXX)
trap 'rm -f "$out"' EXIT

host_checks() {
	if [ $compat = 1 ]; then
		compat_expect
		compat_meta | meta_checks "$view"
		return
	fi
	size=$BIG_SIZE many=$MANY
	[ $small = 1 ] && { size=4M; many=1000; }
	[ $small = 2 ] && { size=1M; many=100; }
	expect_tree
	meta_tree | meta_checks "$view"
	echo "checkpat wl/big/big.bin $size 42"
	echo "listmany wl/many $many"
	if [ $acl = 1 ]; then
		if [ "$view" != mapped-xattr ]; then
			acl_checks system.posix_acl_
		else
			acl_checks user.virtfs.system.posix_acl_
		fi
	fi
}

(cd "$dir" && host_checks | "$gtool" batch) >"$out" 2>&1
rc=$?
[ -s "$out" ] || { echo "not ok - host: no check ran in $dir"; rc=1; }
sed 's/^\(not \)\{0,1\}ok - /&host: /' "$out"

top=wl
[ $compat = 1 ] && top=compat
if [ "$view" != mapped-file ]; then
	meta=$(cd "$dir" && find "$top" -name '.virtfs_metadata*' | head -3)
	if [ -z "$meta" ]; then
		echo "ok - host: no .virtfs_metadata under $top"
	else
		echo "not ok - host: mapped-file metadata in a $model export:" $meta
		rc=1
	fi
fi
if [ "$view" != passthrough ]; then
	# mapped models must never leave devices, FIFOs or symlinks on the host
	odd=$(cd "$dir" && find "$top" ! -type f ! -type d | head -5)
	if [ -z "$odd" ]; then
		echo "ok - host: only regular files and directories under $top"
	else
		echo "not ok - host: special objects on the host:" $odd
		rc=1
	fi
fi

if [ $compat = 0 ] && [ -n "$gout" ]; then
	line=$(grep '^# sha256 wl/big/big.bin ' "$gout" | head -1)
	want=$(echo "$line" | cut -d' ' -f4)
	got=$(sha256sum "$dir/wl/big/big.bin" 2>/dev/null | cut -d' ' -f1)
	if [ -n "$want" ] && [ "$want" = "$got" ]; then
		echo "ok - host: sha256 of wl/big/big.bin matches the guest's"
	else
		echo "not ok - host: sha256 of wl/big/big.bin: guest '${want}' host '${got}'"
		rc=1
	fi
fi
exit $rc
