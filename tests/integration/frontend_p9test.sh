#!/bin/sh
# frontend_p9test.sh - run build/tools/p9test (the 9P edge cases: partial
# walks, clones of open fids, flush ordering, msize caps, unknown types,
# renamed and unlinked open files, xattr commit at clunk, lock conflicts)
# against build/vfsd over a unix socket, in passthrough, mapped-xattr and
# mapped-file,
# and against the ASan+UBSan build (build-san/vfsd) when it exists, whose
# log must then be free of sanitizer reports.
top=$(cd "$(dirname "$0")/../.." && pwd)
vfsd=$top/build/vfsd
p9test=$top/build/tools/p9test
n=0; fail=0
tap() { # status description
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi
}
if [ ! -x "$vfsd" ] || [ ! -x "$p9test" ]; then
	tap 1 "build/vfsd and build/tools/p9test are built"; exit 1
fi
tmp=$(mktemp -d /tmp/vfsd-p9test.XXXXXX)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT INT TERM

runs="build:passthrough build:mapped-xattr build:mapped-file"
[ -x "$top/build-san/vfsd" ] && runs="$runs build-san:passthrough build-san:mapped-xattr"
for run in $runs; do
	bdir=${run%%:*}; model=${run#*:}; vfsd=$top/$bdir/vfsd
	tag="$model"; [ "$bdir" = build-san ] && tag="$model (asan)"
	exp=$tmp/$bdir-$model; sock=$tmp/$bdir-$model.sock
	mkdir -p "$exp"
	log=$tmp/$bdir-$model.log
	"$vfsd" --export "$exp" --security-model "$model" \
	    --listen "unix:$sock" 2>"$log" &
	pid=$!
	i=0
	while [ ! -S "$sock" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	[ -S "$sock" ]; tap $? "$tag: vfsd listens on $sock"
	# The helper is vfsd's only child (selected by parent pid).
	i=0; hpid=
	while [ -z "$hpid" ] && [ $i -lt 50 ]; do
		hpid=$(pgrep -P "$pid" | head -1); [ -n "$hpid" ] || sleep 0.1
		i=$((i + 1))
	done
	P9TEST_MODEL=$model P9TEST_HELPER_PID=$hpid "$p9test" "$sock" "$exp" \
	    >"$tmp/out.tap" 2>&1
	rc=$?
	while read -r line; do
		case "$line" in
		"ok "*) tap 0 "$tag: ${line#* - }" ;;
		"not ok "*) tap 1 "$tag: ${line#* - }" ;;
		"#"*|"Bail"*) echo "# $line" ;;
		esac
	done <"$tmp/out.tap"
	tap $rc "$tag: p9test exited $rc"
	kill -0 "$pid" 2>/dev/null; tap $? "$tag: vfsd survived every test"
	kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; pid=
	! grep -qE 'Sanitizer|runtime error' "$log"
	tap $? "$tag: no sanitizer report in the server log"
	if [ $rc -ne 0 ]; then sed 's/^/# /' "$log" | tail -20; fi
done
exit $fail
