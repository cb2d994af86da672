#!/bin/sh
# Run every test and end with one line "N passed, N failed".
#
# Unit tests: every program in build/tests and build-san/tests (the
# ASan+UBSan build).  Integration tests: every tests/integration/*.sh.
# Each prints TAP ("ok N - ..." / "not ok N - ..."); a program that exits
# non-zero without reporting a failure counts as one failure.
# VFSD_TESTS=pattern limits the run to test names matching the pattern.
# Every test runs under timeout(1) (VFSD_TEST_TIMEOUT seconds, default
# 900): a hung test is killed with its whole process group and counts as a
# failure, so one hang cannot take the whole run past CI's limit.
ulimit -S -c 0 2>/dev/null  # no core files from a crashing peer (soft limit: diod raises its own)
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
log=$(mktemp -d /tmp/vfsd-check.XXXXXX)
pass=0; fail=0
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

run_one() { # name command...
	name=$1; shift
	case "$name" in *${VFSD_TESTS:-}*) ;; *) return ;; esac
	out="$log/$(echo "$name" | tr '/' '_').log"
	t0=$(date +%s)
	timeout -k 20 "${VFSD_TEST_TIMEOUT:-900}" "$@" >"$out" 2>&1
	rc=$?
	[ "$rc" -eq 124 ] && echo "not ok - $name killed after ${VFSD_TEST_TIMEOUT:-900}s" >>"$out"
	secs=$(( $(date +%s) - t0 ))
	p=$(grep -c '^ok ' "$out")
	f=$(grep -c '^not ok ' "$out")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		echo "not ok - $name exited $rc" >>"$out"
	fi
	pass=$((pass + p)); fail=$((fail + f))
	if [ "$f" -eq 0 ]; then
		echo "PASS $name ($p) ${secs}s"
	else
		echo "FAIL $name ($p passed, $f failed) ${secs}s - log: $out"
		grep -B2 -A6 '^not ok' "$out" | head -40 | sed 's/^/    /'
	fi
}

for t in build/tests/*; do
	[ -x "$t" ] && run_one "unit/$(basename "$t")" "$t"
done
for t in build-san/tests/*; do
	[ -x "$t" ] && run_one "asan/$(basename "$t")" "$t"
done
for t in tests/integration/*.sh; do
	[ -f "$t" ] && run_one "$(basename "$t" .sh)" sh "$t"
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
