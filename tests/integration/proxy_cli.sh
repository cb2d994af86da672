#!/bin/sh
# vfsd-helper started with virtfs-proxy-helper's command line: the same
# validation messages and exit statuses as QEMU 7.2's helper (run side by
# side when it is installed), the -s socket's mode, owner and single
# client, and the start-up bugs of the stock helper that vfsd fixes
# (relative paths in daemon mode; a socket that only appears after fork).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)

# vfsd-helper once helper/main.c hands proxy command lines to
# proxy_cli_main(), else the test build of the same entry point.
proxy_vfsd_helper() {
	if "$top/build/vfsd-helper" -p /nonexistent.$$ -f 0 -n 2>&1 |
	    grep -q 'invalid path'; then
		echo "$top/build/vfsd-helper"
	elif [ -x "$top/build/tools/proxy_helperd" ]; then
		echo "$top/build/tools/proxy_helperd"
	else
		return 1
	fi
}

n=0; failed=0
t() { # cond-status description
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else
		echo "not ok $n - $2"; failed=$((failed + 1)); fi
}

VFSD=$(proxy_vfsd_helper) || { echo "not ok 1 - no vfsd proxy helper built"; exit 1; }
QEMU=/usr/lib/qemu/virtfs-proxy-helper
CLIENT=$top/build/tools/proxy_client
w=$(mktemp -d /tmp/proxy-cli.XXXXXX)
mkdir "$w/export"
ln -s "$w/export" "$w/link"
touch "$w/exists.sock"
long=$w/$(printf 'a%.0s' $(seq 1 110))

# Run a helper with a command line; print "STATUS|first line of stderr".
outcome() { # helper args...
	h=$1; shift
	timeout 5 "$h" "$@" >/dev/null 2>"$w/err"
	echo "$?|$(sed 's/^\[[^]]*\] //' "$w/err" | grep -v '^Started' |
		head -1)"
}

# case: description, expected status, expected message start, args
check_case() {
	desc=$1 want_rc=$2 want_msg=$3; shift 3
	got=$(outcome "${H:-$VFSD}" "$@")
	rc=${got%%|*} msg=${got#*|}
	case "$msg" in "$want_msg"*) m=0 ;; *) m=1 ;; esac
	[ "$rc" = "$want_rc" ] && [ "$m" = 0 ]
	t $? "vfsd: $desc -> $want_rc \"$want_msg\" (got $rc \"$msg\")"
	if [ -x "$QEMU" ]; then
		q=$(outcome "$QEMU" "$@")
		[ "${q%%|*}" = "$rc" ]
		t $? "same exit status as QEMU's helper: $desc (qemu ${q%%|*})"
	fi
}

# "-h" alone and an empty command line do not say "proxy helper", so
# vfsd-helper shows its own usage; the proxy entry point itself (what a
# virtfs-proxy-helper name or wrapper runs) answers like the stock helper.
H=$top/build/tools/proxy_helperd
check_case "-h" 1 "usage:" -h
check_case "no arguments" 255 "socket, socket descriptor or path not specified"
H=
check_case "-p only" 255 "socket, socket descriptor or path not specified" -p "$w/export"
check_case "-s without -u/-g" 1 "owner uid:gid not specified" -p "$w/export" -s "$w/s1" -n
check_case "-s and -f" 1 "both named socket and socket descriptor specified" \
	-p "$w/export" -s "$w/s1" -f 0 -u 0 -g 0 -n
check_case "-p a symlink" 1 "specified path \"$w/link\" is not directory" -p "$w/link" -f 0 -n
check_case "-p missing" 1 "invalid path \"$w/nope\" specified" -p "$w/nope" -f 0 -n
check_case "unknown option" 1 "" -p "$w/export" -x

# An existing socket path is refused (status 0 after "Started", as stock).
got=$(outcome "$VFSD" -p "$w/export" -s "$w/exists.sock" -u 0 -g 0 -n)
case "$got" in *"socket already exists"*) r=0 ;; *) r=1 ;; esac
t $r "vfsd: existing socket path refused ($got)"
[ -f "$w/exists.sock" ]
t $? "the existing file is left alone"
got=$(outcome "$VFSD" -p "$w/export" -s "$long" -u 0 -g 0 -n)
case "$got" in *"exceeds 108"*) r=0 ;; *) r=1 ;; esac
t $r "vfsd: socket path over 108 bytes refused"

# -s: mode 0770, owner -u:-g, one client only.
"$VFSD" -p "$w/export" -s "$w/s2" -u 1000 -g 1001 -n 2>"$w/s2.log" &
pid=$!
i=0; while [ ! -S "$w/s2" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
st=$(stat -c '%A %u:%g' "$w/s2" 2>/dev/null)
[ "$st" = "srwxrwx--- 1000:1001" ]
t $? "socket node is srwxrwx--- 1000:1001 (got $st)"
"$CLIENT" -c "$w/s2" >"$w/c1" 2>&1 &
c1=$!
sleep 0.5
r2=$("$CLIENT" -c "$w/s2" 2>&1)
case "$r2" in connect:*) r=0 ;; *) r=1 ;; esac
t $r "a second client is not accepted ($r2)"
wait $c1
t $? "the first client is served: $(cat "$w/c1")"
wait $pid
t $? "helper exits 0 when its client leaves"

# Daemon mode with relative paths: the stock helper resolves them against
# "/" after forking (doc §5.2 bug 5); vfsd makes them absolute first, and
# binds before the parent returns, so no polling is needed.
(cd "$w" && "$VFSD" -p export -s rel.sock -u 0 -g 0 --log-file "$w/d.log")
t $? "vfsd daemonizes with relative -p/-s, parent exits 0"
[ -S "$w/rel.sock" ]
t $? "the socket exists as soon as the parent returns"
r=$("$CLIENT" -c "$w/rel.sock" 2>&1)
[ "$r" = dir ]
t $? "the daemon serves the relative export ($r)"
if [ -x "$QEMU" ]; then
	(cd "$w" && "$QEMU" -p export -s relq.sock -u 0 -g 0)
	sleep 1
	r=$("$CLIENT" -c "$w/relq.sock" 2>&1)
	[ "$r" != dir ]
	t $? "QEMU's helper with the same relative paths does not serve ($r)"
fi

rm -rf "$w"
echo "1..$n"
[ $failed -eq 0 ]
