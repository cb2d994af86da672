# wl.sh - the guest-level benchmark, run by the guest's /init in the
# mounted share (tests/guest/run.sh --workload-file):  sh wl.sh all [N]
#
# Prints "# bench KEY VALUE" lines and "ok - ..." / "not ok - ..." checks.
# Times come from the guest's monotonic clock to the microsecond (gtool now;
# /proc/uptime ticks in 10 ms); page caches are dropped
# before each read phase.  Only busybox applets, the static gtool of the
# initramfs and gbench/randread (a static C reader the host put in the
# share; fio is not available statically in Debian) run here.
up() { gtool now; }
el() { awk -v a="$1" -v b="$2" 'BEGIN { d = b - a; if (d < 0.000001) d = 0.000001; printf "%.6f", d }'; }
drop() { sync; echo 3 >/proc/sys/vm/drop_caches; }
say() { echo "# bench $1 $2"; }
chk() { if [ "$1" = 0 ]; then echo "ok - $2"; else echo "not ok - $2"; st=1; fi; }
st=0
MB=${2:-256}
N=2000

rm -rf bw; mkdir bw
# dd write then read back, caches dropped in between
drop; a=$(up)
dd if=/dev/zero of=bw/dd bs=1M count="$MB" conv=fsync 2>/dev/null
chk $? "dd write $MB MiB"; b=$(up)
say dd_write_MBs "$(awk -v m="$MB" -v t="$(el "$a" "$b")" 'BEGIN { printf "%.1f", m * 1.048576 / t }')"
drop; a=$(up)
dd if=bw/dd of=/dev/null bs=1M 2>/dev/null
chk $? "dd read $MB MiB"; b=$(up)
say dd_read_MBs "$(awk -v m="$MB" -v t="$(el "$a" "$b")" 'BEGIN { printf "%.1f", m * 1.048576 / t }')"

# 4 KiB random reads of the same file (static reader)
drop
out=$(gbench/randread bw/dd 4096 3000 2>&1)
chk $? "random 4k reads: $out"
say randread4k_iops "$(echo "$out" | sed -n 's/.*iops=\([0-9.]*\).*/\1/p')"

# create, stat, unlink of N files, each phase one gtool exec
mkdir bw/many
i=0; : >/tmp/c; : >/tmp/s; : >/tmp/u
while [ $i -lt $N ]; do
	echo "create bw/many/f$i 0644" >>/tmp/c
	echo "check bw/many/f$i type=f size=0" >>/tmp/s
	echo "unlink bw/many/f$i" >>/tmp/u
	i=$((i + 1))
done
for ph in c:create s:stat u:unlink; do
	f=/tmp/${ph%%:*} name=${ph#*:}
	a=$(up); gtool batch <"$f" >/dev/null; r=$?; b=$(up)
	chk $r "$name $N files"
	say "${name}_ops" "$(awk -v n=$N -v t="$(el "$a" "$b")" 'BEGIN { printf "%.0f", n / t }')"
done

# tar extract of the tree the host packed
if [ -f gbench/tree.tar ]; then
	mkdir bw/tar; a=$(up)
	tar xf gbench/tree.tar -C bw/tar; r=$?; sync; b=$(up)
	chk $r "tar extract"
	say tar_x_secs "$(el "$a" "$b" | sed 's/...$//')"
fi
rm -rf bw
exit $st
