#!/bin/sh
# vfsd.sh - start/stop vfsd (frontend + helper) for the bench.
#
#   vfsd.sh start STATEDIR EXPORT     prints key=value lines
#   vfsd.sh stop STATEDIR
#
# Environment: VFSD (default build/vfsd), SECMODEL (passthrough),
# LISTEN (tcp:127.0.0.1:PORT with a free port, or unix:/path),
# WRAP (a command put in front, e.g. valgrind), WAIT_TRIES (x 0.1 s),
# VFSD_ARGS (more options).
# vfsd has one export and ignores the aname, so any aname works; for
# diodload give it an EXPORT holding `zero` and `null`.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
top=$(cd "$here/../.." && pwd)

start() {
	st=$1 exp=$2
	mkdir -p "$st"
	vfsd=${VFSD:-$top/build/vfsd}
	listen=${LISTEN:-tcp:127.0.0.1:$(free_port 2)}
	case "$listen" in unix:*) rm -f "${listen#unix:}" ;; esac
	# shellcheck disable=SC2086
	$WRAP "$vfsd" --export "$exp" \
	    --security-model "${SECMODEL:-passthrough}" \
	    --listen "$listen" ${VFSD_ARGS:-} >"$st/vfsd.log" 2>&1 &
	echo $! >"$st/vfsd.pid"
	case "$listen" in
	tcp:*) wait_tcp 127.0.0.1 "${listen##*:}" ${WAIT_TRIES:-100} ;;
	unix:*) wait_path "${listen#unix:}" ${WAIT_TRIES:-100} ;;
	esac || { echo "error=vfsd did not listen on $listen"; \
	    cat "$st/vfsd.log" >&2; return 1; }
	echo "pid=$(cat "$st/vfsd.pid")"
	echo "addr=$listen"
	echo "aname=$exp"
	echo "ctl=ctl"
	echo "msize=1048576"
	echo "log=$st/vfsd.log"
}

case "$1" in
start) shift; start "$@" ;;
stop) stop_pidfile "$2/vfsd.pid" ;;
*) echo "usage: $0 start STATEDIR EXPORT | stop STATEDIR" >&2; exit 2 ;;
esac
