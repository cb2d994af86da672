#!/bin/sh
# On-disk compatibility with QEMU's -virtfs local in passthrough and none
# (qemu_compat.sh does mapped-xattr and mapped-file).  In these models the
# host tree is the guest's tree: real owners, modes, device nodes, FIFOs,
# sockets and symlinks.  Per model:
#   1. QEMU writes the compat tree (tests/guest/workload.sh compat_tree)
#      but its device nodes, FIFO and socket: QEMU 7.2 cannot create those
#      in passthrough/none (ENXIO, "broken or compromised client
#      detected"; tests/guest/README.md), so the host makes them as the
#      models store them; the host check (check_host.sh --compat) passes
#   2. QEMU reads that tree, and vfsd reads it: both see the full tree
#   3. vfsd writes the full compat tree; host check; QEMU reads it
#   VFSD_QCOMPAT_MODELS  the models (default: passthrough none)
. "$(dirname "$0")/../guest/lib.sh"
g_init models-qcompat
WLF=$G_TOP/tests/guest/models_wl.sh

qemu_run() { # model dir workload out [workload-file]
	"$G_RUN" --share "virtfs:$2:$1" --workload "$3" ${5:+--workload-file "$5"} \
		--timeout 120 --log "$4.con" >"$4" 2>&1
}

vfsd_run() { # model dir workload out
	if ! g_vfsd_start "$1" "$2" "$4.vfsd.log" >"$4"; then
		echo "not ok - vfsd ($1) did not start; no guest run" >>"$4"
		return 1
	fi
	"$G_RUN" --share "tcp:$G_VFSD_PORT" --workload "$3" --timeout 120 \
		--log "$4.con" >>"$4" 2>&1
	rc=$?
	g_vfsd_stop
	return $rc
}

report() { # prefix out min-checks
	n=$(grep -c '^\(not \)\{0,1\}ok - ' "$2")
	if [ "$n" -lt "$3" ]; then
		g_notok "$1: the guest run did not happen ($n checks)"
		sed 's/^/# /' "$2" | tail -8
		[ -f "$2.vfsd.log" ] && tail -8 "$2.vfsd.log" | sed 's/^/# vfsd: /'
	else
		g_tap "$1" "$2"
	fi
}

# What QEMU could not create, made on the host as passthrough stores it
# (tests/guest/workload.sh compat_tree / compat_meta).
host_nodes() { # dir
	c=$1/compat
	mknod "$c/chr" c 4 5 && chmod 0620 "$c/chr" && chown 11:12 "$c/chr" &&
	mknod "$c/blk" b 7 0 && chmod 0640 "$c/blk" &&
	mknod "$c/blk2" b 259 65536 && chmod 0600 "$c/blk2" &&
	mkfifo -m 0604 "$c/fifo" &&
	/usr/bin/python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$c/sock" &&
	chmod 0600 "$c/sock"
}

for m in ${VFSD_QCOMPAT_MODELS:-passthrough none}; do
	a=$G_TMP/$m-by-qemu b=$G_TMP/$m-by-vfsd
	mkdir -p "$a" "$b"
	t0=$(date +%s)
	qemu_run $m "$a" compat_nodev "$G_TMP/$m-1w.out" "$WLF"
	report "$m: QEMU writes all but the nodes" "$G_TMP/$m-1w.out" 10
	if host_nodes "$a"; then
		g_ok "$m: host makes the nodes QEMU cannot (chr, blk, blk2, fifo, sock)"
	else
		g_notok "$m: host could not make the nodes"
	fi
	"$G_CHECK" --compat "$a" $m >"$G_TMP/$m-1h.out" 2>&1
	report "$m: QEMU's tree on the host" "$G_TMP/$m-1h.out" 10
	qemu_run $m "$a" compat_read "$G_TMP/$m-1r.out"
	report "$m: QEMU reads QEMU's tree" "$G_TMP/$m-1r.out" 10
	vfsd_run $m "$a" compat_read "$G_TMP/$m-2r.out"
	report "$m: vfsd reads QEMU's tree" "$G_TMP/$m-2r.out" 10

	vfsd_run $m "$b" compat_write "$G_TMP/$m-3w.out"
	"$G_CHECK" --compat "$b" $m >>"$G_TMP/$m-3w.out" 2>&1
	report "$m: vfsd writes (guest and host check)" "$G_TMP/$m-3w.out" 10
	qemu_run $m "$b" compat_read "$G_TMP/$m-3r.out"
	report "$m: QEMU reads vfsd's tree" "$G_TMP/$m-3r.out" 10
	echo "# $m: $(($(date +%s) - t0)) s"
done
g_done
