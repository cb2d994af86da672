#!/bin/sh
# Install the Debian packages vfsd builds and tests with, if any is missing.
# Used by `make check`, `make demo`, `make bench` and .ci/run.
set -e
PKGS="build-essential pkg-config protobuf-c-compiler libprotobuf-c-dev
 libseccomp-dev libcap-ng-dev libacl1-dev libattr1-dev
 qemu-system-x86 linux-image-amd64 busybox-static cpio
 diod attr acl stress-ng fio valgrind clang libclang-rt-14-dev strace
 nfs-ganesha nfs-ganesha-vfs"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "deps: installing$missing"
if [ "$(id -u)" != 0 ]; then
	echo "deps: not root; run: sudo apt-get install -y$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -q $missing >/dev/null 2>&1 || {
	apt-get update -q >/dev/null 2>&1
	apt-get install -y -q $missing
}
