#!/bin/sh
# qemu-proxy.sh - QEMU's -fsdev proxy with a helper listening on a socket:
# QEMU's virtfs-proxy-helper, or vfsd's helper (same command line).
#
#   qemu-proxy.sh start STATEDIR EXPORT   prints share= (for tests/guest/run.sh)
#   qemu-proxy.sh stop STATEDIR
# Environment: HELPER (default /usr/lib/qemu/virtfs-proxy-helper; give
# build/vfsd-helper for vfsd's), HELPER_ARGS (more options, e.g. --debug
# for vfsd's).  QEMU connects once, then unlinks SOCK.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"

start() {
	st=$1 exp=$2
	mkdir -p "$st"
	helper=${HELPER:-/usr/lib/qemu/virtfs-proxy-helper}
	sock=$st/proxy.sock
	rm -f "$sock"
	# shellcheck disable=SC2086
	"$helper" -p "$exp" -s "$sock" -u 0 -g 0 -n ${HELPER_ARGS:-} \
	    >"$st/helper.log" 2>&1 &
	echo $! >"$st/helper.pid"
	wait_path "$sock" || { echo "error=$helper made no socket"; \
	    cat "$st/helper.log" >&2; return 1; }
	echo "pid=$(cat "$st/helper.pid")"
	echo "share=proxy:$sock"
	echo "qemu_args=-fsdev proxy,id=p0,socket=$sock -device virtio-9p-pci,fsdev=p0,mount_tag=TAG"
	echo "log=$st/helper.log"
}

case "$1" in
start) shift; start "$@" ;;
stop) stop_pidfile "$2/helper.pid" ;;
*) echo "usage: $0 start STATEDIR EXPORT | stop STATEDIR" >&2; exit 2 ;;
esac
