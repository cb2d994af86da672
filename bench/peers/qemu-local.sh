#!/bin/sh
# qemu-local.sh - QEMU's own 9p server (-fsdev local); nothing to start.
#
#   qemu-local.sh start STATEDIR EXPORT   prints share= (for tests/guest/run.sh)
#   qemu-local.sh stop STATEDIR
# Environment: SECMODEL (default mapped-xattr).
case "$1" in
start)
	mkdir -p "$2"
	echo "share=virtfs:$3:${SECMODEL:-mapped-xattr}"
	echo "qemu_args=-virtfs local,path=$3,mount_tag=TAG,security_model=${SECMODEL:-mapped-xattr}"
	echo "mount=mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 TAG /mnt" ;;
stop) : ;;
*) echo "usage: $0 start STATEDIR EXPORT | stop STATEDIR" >&2; exit 2 ;;
esac
