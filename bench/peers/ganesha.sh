#!/bin/sh
# ganesha.sh - start/stop nfs-ganesha (VFS FSAL) serving 9P over TCP and
# NFSv4 on unprivileged loopback ports, in the foreground.
#
#   ganesha.sh start STATEDIR EXPORT  prints key=value lines
#   ganesha.sh stop STATEDIR
#
# The NFSv4 export's pseudo path is /export (nfs_path=): a guest mounts it
# with tests/guest/run.sh --share nfs:NFSPORT:/export (bench/guest.sh's
# nfs-ganesha row); QEMU user networking reaches 127.0.0.1 from an
# unprivileged port, which the export allows (no PrivilegedPort).
# NFSv3 is left out: it must register with rpcbind, and without a
# portmapper ganesha 4.3 exits ("Cannot register NFS V3 on TCP").  NFSv4
# needs no portmapper.  The 9P aname is the export path or its Tag; a
# second export tagged `ctl` (CTLDIR, holding zero and null) lets 9P
# clients that insist on aname `ctl` in.  Ganesha answers Tauth with a
# 9P2000 Rerror, which diod's client library (diodls, diodload) treats as
# fatal, so diodload cannot measure ganesha; p9load does not send Tauth.
# Environment: PORT (9P), NFSPORT, CTLDIR (optional), MSIZE (65536:
# ganesha 4.3 segfaults on Treaddir and Tread counts above 64 KiB).
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"

conf() { # EXPORT PORT NFSPORT STATEDIR
	cat <<EOC
NFS_CORE_PARAM {
	Protocols = 4, 9P;
	NFS_Port = $3;
	Bind_addr = 127.0.0.1;
	Enable_NLM = false;
	Enable_RQUOTA = false;
	Enable_UDP = false;
}
_9P {
	_9P_TCP_Port = $2;
	_9P_TCP_Msize = ${MSIZE:-65536};
}
NFSv4 {
	Graceless = true;
	RecoveryBackend = fs;
}
NFS_KRB5 { Active_krb5 = false; }
LOG { Default_Log_Level = WARN; }
EXPORT {
	Export_Id = 1;
	Path = $1;
	Pseudo = /export;
	Tag = export;
	Access_Type = RW;
	Squash = No_Root_Squash;
	Protocols = 4, 9P;
	Transports = TCP;
	SecType = sys;
	FSAL { Name = VFS; }
}
EOC
	[ -n "$CTLDIR" ] && cat <<EOC
EXPORT {
	Export_Id = 2;
	Path = $CTLDIR;
	Pseudo = /ctl;
	Tag = ctl;
	Access_Type = RW;
	Squash = No_Root_Squash;
	Protocols = 9P;
	Transports = TCP;
	SecType = sys;
	FSAL { Name = VFS; }
}
EOC
}

start() {
	st=$1 exp=$2
	mkdir -p "$st"
	command -v ganesha.nfsd >/dev/null || { echo "error=ganesha.nfsd not installed"; return 1; }
	port=${PORT:-$(free_port 3)}
	nfsport=${NFSPORT:-$(free_port 4)}
	[ "$nfsport" = "$port" ] && nfsport=$((port + 1))
	conf "$exp" "$port" "$nfsport" "$st" >"$st/ganesha.conf"
	ganesha.nfsd -F -f "$st/ganesha.conf" -L "$st/ganesha.log" \
	    -p "$st/ganesha.pidfile" >"$st/ganesha.out" 2>&1 &
	echo $! >"$st/ganesha.pid"
	wait_tcp 127.0.0.1 "$port" 150 || { echo "error=ganesha did not listen"; \
	    tail -5 "$st/ganesha.log" >&2; return 1; }
	echo "pid=$(cat "$st/ganesha.pid")"
	echo "addr=tcp:127.0.0.1:$port"
	echo "aname=$exp"
	[ -n "$CTLDIR" ] && echo "ctl=ctl"
	echo "nfs=127.0.0.1:$nfsport"
	echo "nfs_path=/export"
	echo "msize=${MSIZE:-65536}"
	echo "log=$st/ganesha.log"
}

case "$1" in
start) shift; start "$@" ;;
stop) stop_pidfile "$2/ganesha.pid" ;;
*) echo "usage: $0 start STATEDIR EXPORT | stop STATEDIR" >&2; exit 2 ;;
esac
