#!/bin/sh
# virtiofsd.sh - QEMU 7.2's C virtiofsd on a vhost-user socket.
#
#   virtiofsd.sh start STATEDIR EXPORT   prints share= (for tests/guest/run.sh),
#                                        qemu_args= and mount= (by hand)
#   virtiofsd.sh stop STATEDIR
# It serves one QEMU and exits when QEMU disconnects (stop then only cleans
# up).  cache=auto is virtiofsd's default; sandbox=chroot because the
# namespace sandbox is not needed for a root-run benchmark peer.  The guest
# loads fuse+virtiofs and mounts `-t virtiofs TAG` (tests/guest/run.sh
# --share virtiofs:SOCKET does all of it, with RAM as a shared memfd).
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"

start() {
	st=$1 exp=$2
	mkdir -p "$st"
	sock=$st/vfs.sock
	rm -f "$sock"
	/usr/lib/qemu/virtiofsd --socket-path="$sock" -o source="$exp" \
	    -o cache=auto -o sandbox=chroot >"$st/virtiofsd.log" 2>&1 &
	echo $! >"$st/virtiofsd.pid"
	wait_path "$sock" || { echo "error=virtiofsd made no socket"; \
	    cat "$st/virtiofsd.log" >&2; return 1; }
	echo "pid=$(cat "$st/virtiofsd.pid")"
	echo "share=virtiofs:$sock"
	echo "qemu_args=-object memory-backend-memfd,id=mem,size=512M,share=on -numa node,memdev=mem -chardev socket,id=c0,path=$sock -device vhost-user-fs-pci,chardev=c0,tag=TAG"
	echo "mount=mount -t virtiofs TAG /mnt"
	echo "log=$st/virtiofsd.log"
}

case "$1" in
start) shift; start "$@" ;;
stop) stop_pidfile "$2/virtiofsd.pid" ;;
*) echo "usage: $0 start STATEDIR EXPORT | stop STATEDIR" >&2; exit 2 ;;
esac
