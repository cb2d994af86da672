#!/bin/sh
# bench_smoke.sh - `make bench` in its quick mode produces the table, with
# numbers for vfsd and diod, and no errors.  It asserts no speed target:
# the figures depend on the machine and on what else runs on it.
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
n=0
fails=0
t() { # cond description
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fails=$((fails + 1)); fi
}

if ! "${VFSD:-$top/build/vfsd}" --help >/dev/null 2>&1; then
	echo "ok 1 # SKIP build/vfsd is not the 9P server yet"
	echo "1..1"
	exit 0
fi
command -v diodload >/dev/null || { echo "not ok 1 - diod tools missing"; exit 1; }

out=$(mktemp -d /tmp/vfsd-bench-smoke.XXXXXX)
trap 'rm -rf "$out"' EXIT
s=$(date +%s)
BENCH_QUICK=1 BENCH_OUT=$out sh "$top/bench/run.sh" >"$out/stdout" 2>"$out/stderr"
rc=$?
e=$(date +%s)
t "$rc" "bench/run.sh exits 0"
t "$([ -s "$out/table.txt" ]; echo $?)" "table.txt written"
t "$([ -s "$out/results.csv" ] && [ -s "$out/results.json" ]; echo $?)" \
    "results.csv and results.json written"
grep -q '^test  *param  *metric  *vfsd  *diod' "$out/stdout"
t $? "table printed with vfsd and diod columns"

# cell TEST PARAM METRIC SERVER: the median from results.csv.
cell() {
	awk -F, -v t="$1" -v p="$2" -v m="$3" -v s="$4" \
	    '$1 == t && $2 == p && $3 == m && $4 == s { print $5 }' \
	    "$out/results.csv"
}
num() { echo "$1" | grep -Eq '^[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?$' && awk -v x="$1" 'BEGIN { exit !(x > 0) }'; }
for row in "diodload-getattr 16 ops_s" "diodload-read 4 MB_s" \
    "diodload-write 4 MB_s" "walk+getattr+clunk 4 ops_s" \
    "create+write4k+close+unlink 4 ops_s" "readdir-10k 4 entries_s" \
    "p9load-read 4 MB_s" "p9load-write 4 MB_s" "getattr-clients 64 ops_s" \
    "open-fids 100000 held"; do
	# shellcheck disable=SC2086
	set -- $row
	for srv in vfsd diod; do
		v=$(cell "$1" "$2" "$3" "$srv")
		num "$v"
		t $? "$srv $1 ($2) $3 is a positive number: ${v:-none}"
	done
done
v=$(cell seqread-1thread unix MB_s vfsd)
num "$v"; t $? "vfsd sequential read over a unix socket measured: ${v:-none}"
v=$(cell seqread-1thread-ra2 unix MB_s vfsd)
num "$v"; t $? "vfsd sequential read, 2 in flight, measured: ${v:-none}"
v=$(cell seqread-1thread-ra2 unix MB_s page-cache)
num "$v"; t $? "page-cache reference beside it: ${v:-none}"
v=$(cell idle-conn-rss 64@1M KiB_per_conn vfsd)
echo "$v" | grep -Eq '^-?[0-9]+(\.[0-9]+)?$'
t $? "vfsd idle connection RSS measured: ${v:-none}"
grep -q '^errors: 0$' "$out/stdout"
t $? "no errors reported"
grep -q '^targets:' "$out/stdout"
t $? "targets section printed"
# The proxy helper table (vfsd's helper against QEMU's, same run) and the
# relay table come with make bench too.
for op in lstat open+close create+unlink readlink getxattr statfs \
    getversion chmod chown utime; do
	awk -v op="$op" '$1 == op && $2 + 0 > 0 && $3 + 0 > 0 && $4 ~ /x$/ \
	    { f = 1 } END { exit !f }' "$out/table.txt"
	t $? "proxy table row $op has both helpers' figures"
done
grep -Eq '^read +4096 +[0-9.]+ +[0-9.]+' "$out/table.txt" &&
    grep -Eq '^write +1048576 +[0-9.]+ +[0-9.]+' "$out/table.txt"
t $? "relay table (data through the helper) in table.txt"
echo "# quick mode took $((e - s)) s (meant to stay under 120 s)"
if [ "$fails" -gt 0 ]; then
	sed 's/^/# /' "$out/stdout" | head -60
	grep -v '^bench: .* repetition' "$out/stderr" | sed 's/^/# /' | head -20
fi

# bench/relay.sh's tool (file data through the helper against the
# frontend's own descriptor) on a small random file whose size is no
# multiple of any request size: every byte each design delivered, read or
# written, must equal the file's (sha256 here, byte compare in the tool).
relay_check() { # TOOL LABEL
	rd=$out/relay-$2
	mkdir -p "$rd/dump"
	head -c $((3 * 1048576 + 1234)) /dev/urandom >"$rd/src"
	size=$(stat -c %s "$rd/src")
	want=$(sha256sum <"$rd/src" | cut -d' ' -f1)
	"$1" -f "$rd/src" -d "$rd" -o "$rd/dump" -r 1 >"$rd/out" 2>"$rd/err"
	t $? "$2 relay_bench exits 0"
	grep -q '^op  *size  *direct_MB_s  *relay_MB_s' "$rd/out"
	t $? "$2 relay_bench prints its table"
	rows=$(awk '($1 == "read" || $1 == "write") && $3 > 0 && $4 > 0' \
	    "$rd/out" | wc -l)
	t "$([ "$rows" -eq 6 ]; echo $?)" "$2 table has 6 rows with figures ($rows)"
	for op in read write; do
		for sz in 4096 65536 1048576; do
			reqs=$(( (size + sz - 1) / sz ))
			for d in direct relay; do
				grep -qx "verify $op $sz $d bytes=$size requests=$reqs identical" "$rd/out"
				t $? "$2 $op $sz $d: $size bytes in $reqs requests, identical"
				f=$rd/dump/$op-$d-$sz
				got=$(sha256sum 2>/dev/null <"$f" | cut -d' ' -f1)
				t "$([ "$got" = "$want" ]; echo $?)" \
				    "$2 $op $sz $d: sha256 of the delivered bytes is the file's"
			done
		done
	done
	if [ "$fails" -gt 0 ]; then
		sed 's/^/# /' "$rd/out" "$rd/err" | head -30
	fi
}
relay_check "$top/build/tools/relay_bench" build
[ -x "$top/build-san/tools/relay_bench" ] &&
	relay_check "$top/build-san/tools/relay_bench" asan
echo "1..$n"
[ "$fails" -eq 0 ]
