#!/bin/sh
# Run every libFuzzer target (fuzz/fuzz_*.c, built by `make fuzz-build`
# into build-fuzz/) for FUZZ_SECONDS each (default 20, as in `make check`;
# `make fuzz` uses 300) on its committed seed corpus fuzz/corpus/<target>/.
# New inputs go to a scratch directory, so the committed corpus only grows
# by hand (regression inputs of fixed crashes).  A crash, leak, sanitizer
# report or timeout is "not ok" and its input is kept and named.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
secs=${FUZZ_SECONDS:-20}
work=$(mktemp -d /tmp/vfsd-fuzz.XXXXXX)
n=0; failed=0

if ! make -s fuzz-build >"$work/build.log" 2>&1; then
	echo "not ok 1 - fuzz targets build (clang, libclang-rt-14-dev): see $work/build.log"
	tail -5 "$work/build.log" | sed 's/^/# /'
	exit 1
fi
n=1; echo "ok 1 - fuzz targets build"

for bin in build-fuzz/fuzz_*; do
	[ -x "$bin" ] || continue
	t=$(basename "$bin")
	n=$((n + 1))
	mkdir -p "$work/$t"
	# Two workers share the two cores' time; -timeout catches hangs.
	"$bin" -max_total_time="$secs" -timeout=20 -rss_limit_mb=2048 \
	    -max_len=65536 -artifact_prefix="$work/$t/" -print_final_stats=1 \
	    "$work/$t" "fuzz/corpus/$t" >"$work/$t.log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$t.log")
	cov=$(grep -o 'cov: [0-9]*' "$work/$t.log" | tail -1)
	if [ "$rc" -eq 0 ]; then
		echo "ok $n - $t: ${runs:-?} runs in ${secs}s, $cov, no crash"
	else
		failed=$((failed + 1))
		echo "not ok $n - $t: exit $rc after ${runs:-?} runs (log $work/$t.log)"
		ls "$work/$t"/crash-* "$work/$t"/leak-* "$work/$t"/timeout-* \
		    2>/dev/null | sed 's/^/# input: /'
		grep -m3 -E 'ERROR|SUMMARY|runtime error' "$work/$t.log" |
		    sed 's/^/# /'
	fi
done
echo "1..$n"
[ "$failed" -eq 0 ] && rm -rf "$work"
[ "$failed" -eq 0 ]
