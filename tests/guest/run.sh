#!/bin/sh
# Boot a small Linux guest (Debian's 6.1 kernel, busybox initramfs) under
# QEMU/TCG, mount a share in it (9P; also virtio-fs or NFSv4 for the
# peers), run a workload, print the result.
#
#   tests/guest/run.sh --share SPEC [--mount-opts O] [--qemu-args "..."]
#                      [--workload NAME] [--arg A] [--workload-file F]
#                      [--timeout S] [--log FILE] [--mem MB] [--smp N] [-v]
#
#   --share SPEC   what the guest mounts at /mnt (default: none)
#       tcp:PORT           a 9P server listening on the host's 127.0.0.1:PORT;
#                          the guest mounts 10.0.2.2 trans=tcp,port=PORT over
#                          QEMU user networking (diod needs --mount-opts aname=DIR)
#       virtfs:DIR:MODEL   QEMU's own server: -virtfs local,path=DIR,
#                          security_model=MODEL; the guest uses trans=virtio
#       proxy:SOCKET       -fsdev proxy,socket=SOCKET (QEMU connects, then
#                          unlinks SOCKET) + virtio-9p-pci; trans=virtio
#       proxyfd:N          -fsdev proxy,sock_fd=N; N must be an fd this script
#                          inherits (QEMU inherits it too); trans=virtio
#       unix:SOCKET        a 9P server listening on a unix socket, reached
#                          through a virtio-serial port; the guest mounts
#                          trans=fd with the port open as fd 3
#       virtio:TAG         a 9p device you add yourself with --qemu-args;
#                          the guest mounts TAG with trans=virtio
#       virtiofs:SOCKET    a vhost-user-fs back-end (virtiofsd) listening on
#                          SOCKET: guest RAM becomes a shared memfd (-object
#                          memory-backend-memfd,share=on + -numa node), QEMU
#                          adds vhost-user-fs-pci with tag vfsdshare, the
#                          guest loads fuse+virtiofs and mounts
#                          -t virtiofs vfsdshare (no default options)
#       nfs:PORT:PATH      an NFSv4 server on the host's 127.0.0.1:PORT (e.g.
#                          nfs-ganesha); user networking as for tcp:, the
#                          guest loads nfsv4 and mounts -t nfs4 10.0.2.2:PATH
#                          with vers=4.1,port=PORT,addr=10.0.2.2,
#                          clientaddr=10.0.2.15 (busybox has no NFS helper:
#                          the kernel parses these itself)
#       none               mount nothing
#   --mount-opts O   appended to the guest's mount -o options (later options
#                    win): default version=9p2000.L,msize=262144 plus trans
#                    for 9p, the above for nfs, none for virtiofs
#   --qemu-args A    extra QEMU arguments (split on blanks)
#   --workload NAME  a function of tests/guest/workload.sh: full,
#                    compat_write, compat_read, smoke (default), demo
#   --arg A          one argument for the workload (no blanks)
#   --workload-file F  run this sh script in the guest instead, as
#                    "sh F NAME ARG" in /mnt; gtool and busybox are in PATH
#   --kernel-args A  appended to the kernel command line (e.g. loglevel=7)
#   --bins "P..."    host programs (Debian's, dynamic ones too) to add as
#                    /bin/NAME with their libraries (tests/guest/mkbins.sh)
#   --timeout S      kill QEMU after S seconds (default 300)
#   --log FILE       keep the full console log there (else a temp file that
#                    is removed on success and named on stderr on failure)
#   -v               also copy the console to stderr while it runs
#
# Output: the workload's lines (TAP-like "ok - ..."/"not ok - ..." and
# "# ..." comments), nothing else.  Exit status: the workload's (0 = all
# ok), 124 = timeout, 125 = no result markers (boot or harness failure),
# 99 = the mount failed.  The initramfs is built and cached on first use
# (tests/guest/mkinitramfs.sh).  Environment: VFSD_GUEST_DIR (default
# build/guest) holds it.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)

share=none mopts="" qargs="" wl=smoke arg="" wlfile="" timeout=300
log="" mem=512 smp=1 verbose=0 kargs="" bins=""
while [ $# -gt 0 ]; do
	case "$1" in
	--share) share=$2; shift ;;
	--mount-opts) mopts=$2; shift ;;
	--qemu-args) qargs="$qargs $2"; shift ;;
	--workload) wl=$2; shift ;;
	--arg) arg=$2; shift ;;
	--workload-file) wlfile=$2; shift ;;
	--timeout) timeout=$2; shift ;;
	--kernel-args) kargs=$2; shift ;;
	--bins) bins="$bins $2"; shift ;;
	--log) log=$2; shift ;;
	--mem) mem=$2; shift ;;
	--smp) smp=$2; shift ;;
	-v) verbose=1 ;;
	*) echo "run.sh: unknown option $1 (see the top of $0)" >&2; exit 2 ;;
	esac
	shift
done

gdir=${VFSD_GUEST_DIR:-$top/build/guest}
initrd=$("$here/mkinitramfs.sh" "$gdir") || exit 125
kernel=$gdir/vmlinuz
tmp=$(mktemp -d /tmp/vfsd-guest.XXXXXX)
trap 'rm -rf "$tmp"' EXIT INT TERM
keeplog=1
[ -n "$log" ] || { log=$(mktemp /tmp/vfsd-guest-log.XXXXXX); keeplog=0; }

id="$$$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')"
base="version=9p2000.L,msize=262144"
net=0 trans=virtio src=vfsdshare fddev="" fs=9p
case "$share" in
tcp:*)
	trans=tcp src=10.0.2.2 net=1
	base="trans=tcp,port=${share#tcp:},$base"
	qargs="-netdev user,id=n0 -device virtio-net-pci,netdev=n0 $qargs" ;;
virtfs:*:*)
	rest=${share#virtfs:}
	dir=${rest%:*} model=${rest##*:}
	base="trans=virtio,$base"
	qargs="-virtfs local,path=$dir,mount_tag=$src,security_model=$model,id=fs0 $qargs" ;;
proxy:*)
	base="trans=virtio,$base"
	qargs="-fsdev proxy,id=p0,socket=${share#proxy:} -device virtio-9p-pci,fsdev=p0,mount_tag=$src $qargs" ;;
proxyfd:*)
	base="trans=virtio,$base"
	qargs="-fsdev proxy,id=p0,sock_fd=${share#proxyfd:} -device virtio-9p-pci,fsdev=p0,mount_tag=$src $qargs" ;;
unix:*)
	trans=fd src=nodev fddev=/dev/vport0p1
	base="trans=fd,rfdno=3,wfdno=3,$base"
	qargs="-chardev socket,id=c9p,path=${share#unix:} -device virtio-serial-pci -device virtserialport,chardev=c9p,name=vfsd9p $qargs" ;;
virtio:*)
	src=${share#virtio:}
	base="trans=virtio,$base" ;;
virtiofs:*)
	fs=virtiofs base=""
	qargs="-object memory-backend-memfd,id=mem,size=${mem}M,share=on -numa node,memdev=mem -chardev socket,id=cvfs,path=${share#virtiofs:} -device vhost-user-fs-pci,chardev=cvfs,tag=$src $qargs" ;;
nfs:*:*)
	rest=${share#nfs:}
	fs=nfs4 net=1 src=10.0.2.2:${rest#*:}
	base="vers=4.1,port=${rest%%:*},addr=10.0.2.2,clientaddr=10.0.2.15"
	qargs="-netdev user,id=n0 -device virtio-net-pci,netdev=n0 $qargs" ;;
none) trans=none ;;
*) echo "run.sh: bad --share $share" >&2; exit 2 ;;
esac
[ $net = 1 ] || qargs="-nic none $qargs"
opts=$base${mopts:+,$mopts}
opts=${opts#,}

# A --workload-file travels as a second cpio archive appended to the
# initramfs (the kernel unpacks concatenated archives in order).
if [ -n "$wlfile" ]; then
	mkdir -p "$tmp/x/extra"
	cp "$wlfile" "$tmp/x/extra/workload.sh"
	(cd "$tmp/x" && find . | cpio -o -H newc --quiet -R 0:0) | gzip -1 >"$tmp/extra.gz"
	cat "$initrd" "$tmp/extra.gz" >"$tmp/initrd.gz"
	initrd=$tmp/initrd.gz
fi

# --bins: a cached archive of programs and libraries, appended the same way.
if [ -n "$bins" ]; then
	# shellcheck disable=SC2086 # bins is a word list
	barc=$("$here/mkbins.sh" "$gdir" $bins) || exit 125
	cat "$initrd" "$barc" >"$tmp/initrd-bins.gz"
	initrd=$tmp/initrd-bins.gz
fi

append="console=ttyS0 quiet loglevel=3 panic=-1 vfsd.id=$id vfsd.trans=$trans"
append="$append vfsd.fs=$fs vfsd.src=$src vfsd.opts=$opts vfsd.net=$net vfsd.wl=$wl"
[ -n "$fddev" ] && append="$append vfsd.fddev=$fddev"
[ -n "$arg" ] && append="$append vfsd.arg=$arg"
[ -n "$kargs" ] && append="$append $kargs"

# shellcheck disable=SC2086 # qargs is a word list on purpose
if [ $verbose = 1 ]; then
	{
		timeout -k 5 "$timeout" qemu-system-x86_64 -accel tcg -nographic \
			-no-reboot -m "$mem" -smp "$smp" -kernel "$kernel" \
			-initrd "$initrd" -append "$append" $qargs </dev/null \
			2>"$tmp/qemu.err"
		echo $? >"$tmp/rc"
	} | tee "$log" >&2
	rc=$(cat "$tmp/rc")
else
	timeout -k 5 "$timeout" qemu-system-x86_64 -accel tcg -nographic -no-reboot \
		-m "$mem" -smp "$smp" -kernel "$kernel" -initrd "$initrd" \
		-append "$append" $qargs </dev/null >"$log" 2>"$tmp/qemu.err"
	rc=$?
fi

tr -d '\r' <"$log" | awk -v b="@@VFSD-BEGIN-$id@@" -v e="@@VFSD-END-$id rc=" '
	(i = index($0, e)) > 0 { s = substr($0, i + length(e)); sub("@@.*", "", s)
		print s > "/dev/stderr"; exit }
	on { print }
	index($0, b) > 0 { on = 1 }' 2>"$tmp/status"
wrc=$(cat "$tmp/status")
# QEMU's own complaints (stderr) follow as comments; keep them in the log too.
if [ -s "$tmp/qemu.err" ]; then
	sed 's/^/# qemu: /' "$tmp/qemu.err"
	cat "$tmp/qemu.err" >>"$log"
fi
if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
	echo "not ok - guest timed out after $timeout s (log: $log)"
	exit 124
fi
if [ -z "$wrc" ]; then
	echo "not ok - guest gave no result (qemu exit $rc; log: $log)"
	tr -d '\r' <"$log" | tail -15 | sed 's/^/# console: /'
	exit 125
fi
[ "$wrc" = 0 ] && [ $keeplog = 0 ] && rm -f "$log"
[ "$wrc" = 0 ] || echo "# console log: $log" >&2
exit "$wrc"
