# guest.sh - guest-level rows of bench/run.sh (sourced; BENCH_GUEST=1).
#
# A Linux 6.1 guest under qemu-system-x86_64 -accel tcg (tests/guest/run.sh)
# mounts each server's share and runs bench/guest/wl.sh: dd write/read of
# GUEST_MB MiB with caches dropped, 4 KiB random reads (bench/guest/randread.c,
# static, since Debian has no static fio), create/stat/unlink of 2,000
# files, tar extract of ~5,000 files.  Under TCG the figures are for
# side-by-side ratios only.
#
# Rows (server names in the table), one guest each, in turn:
#   vfsd               vfsd frontend, 9P trans=tcp over QEMU user networking
#   vfsd-unix          vfsd frontend on a unix socket, carried by a
#                      virtio-serial port, guest trans=fd
#   diod               diod, 9P trans=tcp
#   qemu-local         QEMU -fsdev local, security_model=mapped-xattr
#   qemu-proxy         QEMU -fsdev proxy + QEMU's virtfs-proxy-helper
#   proxy+vfsd-helper  QEMU -fsdev proxy + build/vfsd-helper
#   virtiofsd          QEMU 7.2's C virtiofsd (vhost-user-fs, cache=auto)
#   nfs-ganesha        NFSv4.1 from nfs-ganesha (VFS FSAL) over user networking
# 9P mounts use msize 262144 and cache=none; virtio-fs and NFS cache as
# their defaults do (see docs/bench.md).  BENCH_GUEST_ROWS limits the rows
# (names as above, blank-separated).

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

guest_kv() { echo "$kvs" | sed -n "s/^$1=//p"; }	# KEY: from the peer's lines

# guest_peer NAME SCRIPT VIA [ENV=VALUE...]: start the peer, boot a guest
# on its share, stop it.  VIA says which of the peer's key=value lines
# names the share: share (share= as is), addr (addr=tcp:H:P -> tcp:P,
# addr=unix:PATH -> unix:PATH) or nfs (nfs=H:P and nfs_path=PATH).
guest_peer() {
	n=$1 s=$2 via=$3
	shift 3
	case " ${BENCH_GUEST_ROWS:-$n} " in *" $n "*) ;; *) return 0 ;; esac
	g=$W/g-$n
	mkdir -p "$g"
	guest_fixture "$g" || { SRV=$n record_error guest - "fixture"; return; }
	kvs=$(env X= "$@" "$here/peers/$s.sh" start "$W/gst-$n" "$g") || {
		SRV=$n record_error guest - "start: $kvs"
		"$here/peers/$s.sh" stop "$W/gst-$n"
		return; }
	case "$via" in
	share) share=$(guest_kv share) ;;
	addr) share=$(guest_kv addr)
		case "$share" in tcp:*) share=tcp:${share##*:} ;; esac ;;
	nfs) share=nfs:$(guest_kv nfs | sed 's/.*://'):$(guest_kv nfs_path) ;;
	esac
	mo=""
	[ "$n" = diod ] && mo="aname=$g"
	# The NFS client caches attributes (close-to-open); the 9p mount
	# with a metadata cache is cache=loose.  Same server as `vfsd`.
	[ "$n" = vfsd-cached ] && mo="cache=loose"
	# diod caps msize at 64 KiB; the Debian guest kernel zeroes every
	# msize-sized request buffer it allocates (init_on_alloc), which
	# under TCG costs more than a bigger msize saves: the 9p servers
	# reached over the network all run at diod's msize.
	case "$n" in vfsd | vfsd-cached | vfsd-unix) mo="${mo:+$mo,}msize=65536" ;; esac
	echo "bench: guest $n ($share)" >&2
	guest_run "$n" "$share" "$mo"
	"$here/peers/$s.sh" stop "$W/gst-$n"
	rm -rf "$g"
}

guest_all() {
	command -v qemu-system-x86_64 >/dev/null || { SRV=guest record_error guest - \
	    "qemu-system-x86_64 missing"; return; }
	chmod 711 "$W"	# diod attaches the mount root as nobody
	# Repetitions go round the servers (A B C A B C ...), so that a change
	# in the machine's load falls on every server alike.
	REP=1
	while [ "$REP" -le "${BENCH_GUEST_REPS:-1}" ]; do
		echo "bench: guest repetition $REP/${BENCH_GUEST_REPS:-1}" >&2
		guest_round
		REP=$((REP + 1))
	done
}

guest_round() {
	guest_peer vfsd vfsd addr
	guest_peer vfsd-cached vfsd addr
	guest_peer vfsd-unix vfsd addr LISTEN="unix:$W/gst-vfsd-unix.sock"
	guest_peer diod diod addr
	guest_peer qemu-local qemu-local share SECMODEL=mapped-xattr
	guest_peer qemu-proxy qemu-proxy share
	[ -x "$top/build/vfsd-helper" ] &&
	    guest_peer proxy+vfsd-helper qemu-proxy share HELPER="$top/build/vfsd-helper"
	guest_peer virtiofsd virtiofsd share
	case " ${BENCH_GUEST_ROWS:-nfs-ganesha} " in
	*" nfs-ganesha "*)
		if extras; then
			guest_peer nfs-ganesha ganesha nfs
		else
			SRV=nfs-ganesha record_error guest - "nfs-ganesha not installed"
		fi ;;
	esac
}
