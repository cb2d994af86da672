#!/bin/sh
# roundtrips.sh - server round trips per guest operation, counted rather than
# timed: vfsd (9P, cache=none and cache=loose, msize 64 KiB as in the guest
# table) against nfs-ganesha (NFSv4.1), and the messages QEMU's proxy
# backend sends vfsd's helper (-fsdev proxy, cache=none), one guest workload
# (bench/guest/rt.sh: N creates, N stats, N unlinks, a 16 MiB dd write and
# read).  9P requests come from vfsd's --debug log, proxy messages from
# the helper's, NFS RPCs from the guest's /proc/self/mountstats.  Under TCG a round trip costs the guest far more
# than the server (docs/bench.md), so these counts explain the guest rows.
#   bench/guest/roundtrips.sh [N]
here=$(cd "$(dirname "$0")/.." && pwd)
top=$(cd "$here/.." && pwd)
. "$here/lib.sh"
N=${1:-200}
MB=16
W=$(mktemp -d /tmp/vfsd-rt.XXXXXX)
chmod 711 "$W"
[ -n "$RT_KEEP" ] || trap 'rm -rf "$W"' EXIT

guest() { # NAME SHARE MOUNTOPTS
	"$top/tests/guest/run.sh" --share "$2" ${3:+--mount-opts "$3"} \
	    --workload-file "$here/guest/rt.sh" --workload all --arg "$N" \
	    --timeout 900 --log "$W/guest-$1.log" >"$W/out-$1" 2>&1 ||
	    { echo "roundtrips: guest $1 failed (log $W/guest-$1.log):" >&2
	      cat "$W/out-$1" >&2; return 1; }
}

# Requests between two markers of the vfsd log (Tstatfs), as "phase count":
# the requests after marker k and before marker k+1 belong to the phase
# that marker k+1 names.
vfsd_counts() { # LOG OUT
	awk 'FNR == NR { name[NR] = $1; next }
	    / T[a-z]+ tag [0-9]+ fid / {
		if ($0 ~ / Tstatfs /) { seg++; next }
		n[seg + 0]++
	    } END { for (k = 1; k < seg; k++) print name[k + 1], n[k] + 0 }' \
	    "$W/phases" "$1" >"$2"
}

run_vfsd() { # NAME MOUNTOPTS
	e=$W/e-$1; mkdir -p "$e"; chmod 777 "$e"
	kvs=$(VFSD_ARGS=--debug "$here/peers/vfsd.sh" start "$W/st-$1" "$e") || {
		echo "roundtrips: vfsd: $kvs" >&2; return 1; }
	addr=$(echo "$kvs" | sed -n 's/^addr=//p')
	guest "$1" "tcp:${addr##*:}" "$2"
	rc=$?
	"$here/peers/vfsd.sh" stop "$W/st-$1"
	[ $rc -eq 0 ] || return 1
	sed -n 's/^# mark \([a-z_]*\).*/\1/p' "$W/out-$1" >"$W/phases"
	vfsd_counts "$W/st-$1/vfsd.log" "$W/count-$1"
}

# QEMU's proxy backend with vfsd's helper: the helper's messages per
# phase, between the T_STATFS of "/" each marker's statfs becomes (QEMU
# also sends a T_STATFS of each file it creates).
run_proxy() {
	e=$W/e-proxy; mkdir -p "$e"; chmod 777 "$e"
	kvs=$(HELPER="$top/build/vfsd-helper" HELPER_ARGS=--debug \
	    "$here/peers/qemu-proxy.sh" start "$W/st-proxy" "$e") || {
		echo "roundtrips: proxy: $kvs" >&2; return 1; }
	guest proxy "$(echo "$kvs" | sed -n 's/^share=//p')" ""
	rc=$?
	"$here/peers/qemu-proxy.sh" stop "$W/st-proxy"
	[ $rc -eq 0 ] || return 1
	sed -n 's/^# mark \([a-z_]*\).*/\1/p' "$W/out-proxy" >"$W/phases"
	awk 'FNR == NR { name[NR] = $1; next }
	    / proxy: [a-z]+ .* -> / {
		if ($0 ~ / proxy: statfs \/ -> /) { seg++; next }
		n[seg + 0]++
	    } END { for (k = 1; k < seg; k++) print name[k + 1], n[k] + 0 }' \
	    "$W/phases" "$W/st-proxy/helper.log" >"$W/count-proxy"
}

run_nfs() {
	e=$W/e-nfs; mkdir -p "$e"; chmod 777 "$e"
	kvs=$("$here/peers/ganesha.sh" start "$W/st-nfs" "$e") || {
		echo "roundtrips: ganesha: $kvs" >&2
		"$here/peers/ganesha.sh" stop "$W/st-nfs"; return 1; }
	port=$(echo "$kvs" | sed -n 's/^nfs=.*://p')
	guest nfs "nfs:$port:$(echo "$kvs" | sed -n 's/^nfs_path=//p')" ""
	rc=$?
	"$here/peers/ganesha.sh" stop "$W/st-nfs"
	[ $rc -eq 0 ] || return 1
	# Each marker's count includes the statfs of the marker itself.
	sed -n 's/^# mark \([a-z_]*\) \([0-9]*\)$/\1 \2/p' "$W/out-nfs" |
	    awk 'NR > 1 { print $1, $2 - prev - 1 } { prev = $2 }' >"$W/count-nfs"
}

run_vfsd vfsd "msize=65536" || exit 1
run_vfsd vfsd-loose "msize=65536,cache=loose" || exit 1
command -v ganesha.nfsd >/dev/null && run_nfs
[ -x /usr/lib/qemu/virtfs-proxy-helper ] && run_proxy
printf '%-10s %-10s %14s %14s %14s %14s\n' phase per "vfsd" "vfsd-loose" \
    "nfs-ganesha" "proxy-msgs"
for ph in create stat unlink dd_write dd_read; do
	case $ph in dd_*) per=MiB d=$MB ;; *) per=file d=$N ;; esac
	v() { [ -f "$W/count-$1" ] && awk -v p="$ph" -v d="$d" \
	    '$1 == p { printf "%.2f", $2 / d }' "$W/count-$1"; }
	printf '%-10s %-10s %14s %14s %14s %14s\n' "$ph" "$per" "$(v vfsd)" \
	    "$(v vfsd-loose)" "$(v nfs)" "$(v proxy)"
done
echo "(server round trips per guest operation; N=$N files, $MB MiB; 9P requests from vfsd --debug, NFS RPCs from /proc/self/mountstats, proxy-msgs: what QEMU's -fsdev proxy sends vfsd's helper, from its --debug log)"
