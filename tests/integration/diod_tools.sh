#!/bin/sh
# diod_tools.sh - third-party 9P clients against build/vfsd over TCP
# loopback: diodls lists the export, diodcat reads files back byte for
# byte, diodload runs 10 s of msize reads and writes (and a getattr run)
# without a single error.  Both passthrough and mapped-xattr.
#
# diodload attaches with aname "ctl" (vfsd serves one export and ignores
# the aname, as QEMU does) and uses the files "zero" (read, at least msize
# bytes) and "null" (written) at the top of the export.
top=$(cd "$(dirname "$0")/../.." && pwd)
vfsd=$top/build/vfsd
n=0; fail=0
tap() { # status description
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi
}
for t in diodls diodcat diodload; do
	if ! command -v $t >/dev/null 2>&1 && [ ! -x /usr/sbin/$t ]; then
		tap 1 "$t is installed (Debian package diod)"; exit 1
	fi
done
PATH=$PATH:/usr/sbin
tmp=$(mktemp -d /tmp/vfsd-diod.XXXXXX)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT INT TERM

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

make_export() { # dir
	mkdir -p "$1/sub/deeper"
	echo "hello from vfsd" >"$1/hello.txt"
	head -c 3000000 /dev/urandom >"$1/sub/random.bin"
	head -c 4194304 /dev/zero >"$1/zero"
	: >"$1/null"
}

start() { # model export
	port=$(free_port)
	"$vfsd" --export "$2" --security-model "$1" \
	    --listen "tcp:127.0.0.1:$port" 2>"$tmp/$1.log" &
	pid=$!
	i=0
	until diodls -s "127.0.0.1:$port" -a ctl / >/dev/null 2>&1; do
		i=$((i + 1)); [ $i -gt 50 ] && return 1; sleep 0.1
	done
}

for model in passthrough mapped-xattr; do
	exp=$tmp/$model
	make_export "$exp"
	start "$model" "$exp"; tap $? "$model: vfsd serves on 127.0.0.1:$port"
	srv=127.0.0.1:$port

	diodls -s $srv -a ctl / >"$tmp/ls" 2>&1
	for f in hello.txt sub zero null; do
		grep -qx "$f" "$tmp/ls"; tap $? "$model: diodls lists $f"
	done
	diodls -s $srv -a ctl /sub >"$tmp/ls2" 2>&1
	grep -qx random.bin "$tmp/ls2" && grep -qx deeper "$tmp/ls2"
	tap $? "$model: diodls lists a subdirectory"

	diodcat -s $srv -a ctl hello.txt >"$tmp/cat1" 2>"$tmp/cat.err"
	cmp -s "$tmp/cat1" "$exp/hello.txt"; tap $? "$model: diodcat of a small file matches"
	diodcat -s $srv -a ctl sub/random.bin >"$tmp/cat2" 2>>"$tmp/cat.err"
	cmp -s "$tmp/cat2" "$exp/sub/random.bin"
	tap $? "$model: diodcat of a 3 MB file matches byte for byte"
	! diodcat -s $srv -a ctl nonexistent >/dev/null 2>&1
	tap $? "$model: diodcat of a missing file fails"

	diodload -s $srv -n 4 -r 10 >"$tmp/load.out" 2>&1
	rc=$?
	rate=$(sed -n 's/.*diodload: \([0-9]*\) ops\/s.*/\1/p' "$tmp/load.out")
	! grep -v 'ops/s' "$tmp/load.out" | grep -q .
	clean=$?
	[ $rc -eq 0 ] && [ $clean -eq 0 ] && [ "${rate:-0}" -gt 0 ]
	tap $? "$model: diodload 10 s read/write, no errors (${rate:-0} ops/s)"
	[ $clean -eq 0 ] || sed 's/^/# /' "$tmp/load.out" | head -10

	diodload -s $srv -n 16 -r 3 -g >"$tmp/loadg.out" 2>&1
	rc=$?
	rate=$(sed -n 's/.*diodload: \([0-9]*\) ops\/s.*/\1/p' "$tmp/loadg.out")
	! grep -v 'ops/s' "$tmp/loadg.out" | grep -q .
	clean=$?
	[ $rc -eq 0 ] && [ $clean -eq 0 ] && [ "${rate:-0}" -gt 0 ]
	tap $? "$model: diodload 3 s getattr, 16 threads, no errors (${rate:-0} ops/s)"

	kill -0 "$pid" 2>/dev/null; tap $? "$model: vfsd is still running"
	kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; pid=
	! grep -q 'helper is gone\|lost' "$tmp/$model.log"
	tap $? "$model: no helper failure logged"
done
exit $fail
