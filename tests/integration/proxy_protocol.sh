#!/bin/sh
# The proxy protocol against vfsd's helper and, side by side, QEMU 7.2's
# virtfs-proxy-helper: tests/tools/proxy_client runs the same checks (every
# message type, attacks, the stock helper's named bugs) on each.  Then the
# differential: the checks whose results differ between the two must be
# exactly those the client names as a known difference (a QEMU-helper bug
# vfsd fixes, or a place where vfsd is deliberately stricter).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
CLIENT=$top/build/tools/proxy_client
QEMU=/usr/lib/qemu/virtfs-proxy-helper

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

VFSD=$(proxy_vfsd_helper) || { echo "not ok 1 - no vfsd proxy helper built"; exit 1; }
w=$(mktemp -d /tmp/proxy-proto.XXXXXX)
rc=0
"$CLIENT" -k vfsd -b "$VFSD" >"$w/vfsd" 2>&1 || rc=1
grep -v '^1\.\.' "$w/vfsd"
if [ ! -x "$QEMU" ]; then
	echo "# QEMU's helper is not installed: differential skipped"
	echo "not ok - differential needs $QEMU (tests/deps.sh installs it)"
	exit 1
fi
"$CLIENT" -k qemu -b "$QEMU" >"$w/qemu" 2>&1 || rc=1
grep -v '^1\.\.' "$w/qemu"

results() { sed -n 's/^# result \([^:]*\): /\1 /p' "$1" | sort; }
results "$w/vfsd" >"$w/rv"
results "$w/qemu" >"$w/rq"
"$CLIENT" -l | sort >"$w/named"
# name<TAB>vfsd<TAB>qemu for every check whose results differ
paste -d'|' "$w/rv" "$w/rq" | awk -F'|' '$1 != $2 { split($1, a, " "); print a[1] }' |
	sort >"$w/differ"
cut -d' ' -f1 "$w/named" >"$w/named_only"
n=0
while read -r name; do
	n=$((n + 1))
	if grep -qx "$name" "$w/named_only"; then
		echo "ok - differential: $name differs, as named: $(grep "^$name " "$w/named" | cut -d' ' -f2)"
	else
		echo "not ok - differential: $name differs but is not a named difference"
		grep "^$name " "$w/rv" "$w/rq" | sed 's/^/#   /'
		rc=1
	fi
done <"$w/differ"
for bug in $(grep ' qemu-bug:' "$w/named" | cut -d' ' -f1); do
	if grep -qx "$bug" "$w/differ"; then
		echo "ok - QEMU-helper bug shown on QEMU's helper and fixed on vfsd: $bug"
	else
		echo "not ok - named QEMU-helper bug $bug shows no difference"
		rc=1
	fi
done
same=$(($(wc -l <"$w/rv") - $(wc -l <"$w/differ")))
echo "# differential: $same checks identical, $(wc -l <"$w/differ") named differences"
[ "$same" -gt 30 ] && echo "ok - most behaviour is identical ($same checks)" ||
	{ echo "not ok - only $same identical checks"; rc=1; }
rm -rf "$w"
exit $rc
