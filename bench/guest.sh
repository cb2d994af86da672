# guest.sh - guest-level rows of bench/run.sh (sourced; BENCH_GUEST=1).
#
# A Linux 6.1 guest under qemu-system-x86_64 -accel tcg (tests/guest/run.sh)
# mounts each server's share and runs bench/guest/wl.sh: dd write/read of
# GUEST_MB MiB with caches dropped, 4 KiB random reads (bench/guest/randread.c,
# static, since Debian has no static fio), create/stat/unlink of 2,000
# files, tar extract of ~5,000 files.  Under TCG the figures are for
# side-by-side ratios only.
#
# Rows: vfsd (trans=tcp), diod (trans=tcp), QEMU local mapped-xattr, QEMU
# proxy + virtfs-proxy-helper, QEMU proxy + vfsd-helper.  Not measured:
# virtiofsd and NFS (ganesha): tests/guest/ builds a 9p-only initramfs
# (no fuse/virtiofs or nfs/sunrpc modules) and its /init only mounts 9p.

GUEST_MB=${BENCH_GUEST_MB:-256}

guest_fixture() { # DIR
	mkdir -p "$1/gbench"
	gcc -static -O2 -o "$1/gbench/randread" "$here/guest/randread.c" || return 1
	if [ ! -f "$W/tree.tar" ]; then
		mkdir -p "$W/tree"
		(cd "$W/tree" && for d in $(seq 1 50); do
			mkdir "d$d"
			for f in $(seq 1 100); do
				head -c $((f * 20)) /dev/zero >"d$d/f$f"
			done
		done && tar cf "$W/tree.tar" .)
	fi
	cp "$W/tree.tar" "$1/gbench/tree.tar"
	chmod -R a+rwX "$1"
}

# guest_run NAME SHARE [MOUNTOPTS]: boot, run the workload, record.
guest_run() {
	SRV=$1
	out=$("$top/tests/guest/run.sh" --share "$2" ${3:+--mount-opts "$3"} \
	    --workload-file "$here/guest/wl.sh" --workload all --arg "$GUEST_MB" \
	    --timeout 1200 --log "$W/guest-$1.log" 2>&1)
	rc=$?
	echo "$out" | grep '^not ok' | while read -r l; do
		record_error guest - "$l"
	done
	[ $rc -eq 0 ] || record_error guest - "run.sh exit $rc (log $W/guest-$1.log)"
	echo "$out" | sed -n 's/^# bench \([A-Za-z0-9_]*\) \([0-9.]*\)$/\1 \2/p' |
	while read -r k v; do
		[ -n "$v" ] && record "guest-$k" "$GUEST_MB"M "$(echo "$k" |
		    sed 's/.*_//')" "$v"
	done
}

guest_peer() { # NAME SCRIPT [ENV=VALUE]
	n=$1 s=$2
	g=$W/g-$n
	mkdir -p "$g"
	guest_fixture "$g" || { SRV=$n record_error guest - "fixture"; return; }
	kvs=$(env ${3:-X=} "$here/peers/$s.sh" start "$W/gst-$n" "$g") || {
		SRV=$n record_error guest - "start: $kvs"; return; }
	share=$(echo "$kvs" | sed -n 's/^share=//p')
	addr=$(echo "$kvs" | sed -n 's/^addr=//p')
	[ -n "$addr" ] && share=tcp:${addr##*:}
	mo=""
	[ "$n" = diod ] && mo="aname=$g"
	echo "bench: guest $n" >&2
	guest_run "$n" "$share" "$mo"
	"$here/peers/$s.sh" stop "$W/gst-$n"
	rm -rf "$g"
}

guest_all() {
	command -v qemu-system-x86_64 >/dev/null || { SRV=guest record_error guest - \
	    "qemu-system-x86_64 missing"; return; }
	REP=1
	chmod 711 "$W"	# diod attaches the mount root as nobody
	guest_peer vfsd vfsd
	guest_peer diod diod
	guest_peer qemu-local qemu-local SECMODEL=mapped-xattr
	guest_peer qemu-proxy qemu-proxy
	[ -x "$top/build/vfsd-helper" ] &&
	    guest_peer proxy+vfsd-helper qemu-proxy HELPER="$top/build/vfsd-helper"
}
