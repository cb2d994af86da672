#!/bin/sh
# diod.sh - start/stop diod (LLNL's 9P2000.L server) for the bench.
#
#   diod.sh start STATEDIR EXPORT     prints key=value lines (see below)
#   diod.sh stop STATEDIR
#
# WRAP: a command put in front (valgrind); WAIT_TRIES: x 0.1 s.
# diod also serves its synthetic `ctl` file system (files zero and null)
# so diodload can measure it.  Environment: PORT (default: a free one).
# diod 1.0.24 caps msize at 65536 and has no Trenameat/Tunlinkat.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"

start() {
	st=$1 exp=$2
	mkdir -p "$st"
	port=${PORT:-$(free_port 1)}
	$WRAP diod -f -n -c /dev/null -L stderr -e "$exp" -e ctl \
	    -l "127.0.0.1:$port" >"$st/diod.log" 2>&1 &
	echo $! >"$st/diod.pid"
	wait_tcp 127.0.0.1 "$port" ${WAIT_TRIES:-100} || { echo "error=diod did not listen"; \
	    cat "$st/diod.log" >&2; return 1; }
	echo "pid=$(cat "$st/diod.pid")"
	echo "addr=tcp:127.0.0.1:$port"
	echo "aname=$exp"
	echo "ctl=ctl"
	echo "msize=65536"
	echo "log=$st/diod.log"
}

case "$1" in
start) shift; start "$@" ;;
stop) stop_pidfile "$2/diod.pid" ;;
*) echo "usage: $0 start STATEDIR EXPORT | stop STATEDIR" >&2; exit 2 ;;
esac
