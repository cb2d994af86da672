#!/bin/sh
# /init of the test guest (busybox sh).  Built into the initramfs by
# mkinitramfs.sh; driven by tests/guest/run.sh through the kernel command
# line (words "vfsd.KEY=VALUE", no blanks inside a value):
#
#   vfsd.id=NONCE      marks this run's result lines on the console
#   vfsd.fs=F          9p (default) | virtiofs | nfs4: the file system type;
#                      virtiofs and nfs4 first load /lib/modules.F
#   vfsd.trans=T       virtio | tcp | fd | none (9p; any other value but
#                      none for virtiofs and nfs4)
#   vfsd.src=S         mount source: the mount tag, the host IP, "nodev",
#                      or HOST:PATH for nfs4
#   vfsd.opts=O        mount -o options (trans= and port= included; may be
#                      empty for virtiofs)
#   vfsd.fddev=DEV     trans=fd: the character device to hold open as fd 3
#   vfsd.net=1         bring up eth0 as 10.0.2.15/24 (QEMU user networking)
#   vfsd.wl=NAME       the workload (a function in /workload.sh, or
#                      /extra/workload.sh when run.sh got --workload-file)
#   vfsd.arg=A         one argument for the workload
#
# Output between "@@VFSD-BEGIN-NONCE@@" and "@@VFSD-END-NONCE rc=N@@" is the
# workload's; anything before is boot noise.
export PATH=/bin:/sbin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mount -t tmpfs tmp /tmp
exec </dev/console >/dev/console 2>&1

param() {
	for w in $(cat /proc/cmdline); do
		case "$w" in "vfsd.$1="*) echo "${w#vfsd.$1=}"; return ;; esac
	done
}

id=$(param id)
trans=$(param trans)
fs=$(param fs)
fs=${fs:-9p}
wl=$(param wl)
arg=$(param arg)
finish() { # rc
	echo "@@VFSD-END-$id rc=$1@@"
	sync
	poweroff -f
	sleep 10
}

# Modules in dependency order (computed from modules.dep at build time);
# the virtiofs and nfs4 groups only when this share needs them.
lists=/lib/modules.load
[ -f "/lib/modules.$fs" ] && lists="$lists /lib/modules.$fs"
cat $lists | while read -r ko; do
	insmod "$ko" 2>/tmp/insmod.err ||
		grep -q 'File exists' /tmp/insmod.err || cat /tmp/insmod.err
done

if [ "$(param net)" = 1 ]; then
	ip link set lo up
	ip link set eth0 up && ip addr add 10.0.2.15/24 dev eth0 ||
		echo "guest: eth0 setup failed"
fi

echo "@@VFSD-BEGIN-$id@@"
mkdir -p /mnt
if [ "$trans" != none ]; then
	src=$(param src)
	opts=$(param opts)
	t0=$(date +%s)
	if [ "$fs" = 9p ] && [ "$trans" = fd ]; then
		dev=$(param fddev)
		i=0
		while [ ! -e "$dev" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
		# the port lacks write_iter, so 9pnet_fd gets a socket relayed to it
		gtool fdrelay "$dev" 3 mount -t 9p -o "$opts" "$src" /mnt
	else
		# busybox mount hands nfs4's options to the kernel as text
		# (it has no NFS mount helper): addr= and clientaddr= are given
		mount -t "$fs" ${opts:+-o "$opts"} "$src" /mnt
	fi
	rc=$?
	if [ $rc -ne 0 ]; then
		echo "not ok - guest mount -t $fs -o $opts $src failed ($rc)"
		finish 99
	fi
	echo "# mounted $src ($opts) in $(($(date +%s) - t0)) s"
	# what the kernel negotiated (NFS minor version, rsize, ...)
	[ "$fs" = 9p ] || grep " /mnt " /proc/mounts | sed 's/^/# mount: /'
fi

if [ -f /extra/workload.sh ]; then
	wlfile=/extra/workload.sh
else
	wlfile=/workload.sh
fi
cd /mnt && sh "$wlfile" "$wl" "$arg"
rc=$?
cd /
if [ "$trans" != none ]; then
	umount /mnt || { echo "not ok - guest umount /mnt"; rc=98; }
fi
finish $rc
