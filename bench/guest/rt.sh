# rt.sh - run in the guest by bench/guest/roundtrips.sh: the metadata phases
# of wl.sh (create, stat, unlink of N files, one gtool batch each) and a
# dd write/read, each phase closed by a marker: a statfs of the mount (which
# the host finds in vfsd's --debug log as Tstatfs) and, for NFS, the sum of
# the RPC counts in /proc/self/mountstats.
#   sh rt.sh all N
N=${2:-200}
MB=16
nfsops() {
	awk '/per-op statistics/ { p = 1; next }
	    p && $1 ~ /^[A-Z_0-9]+:$/ { s += $2 } END { print s + 0 }' \
	    /proc/self/mountstats
}
mark() { stat -f . >/dev/null 2>&1; echo "# mark $1 $(nfsops)"; }
drop() { sync; echo 3 >/proc/sys/vm/drop_caches; }
rm -rf rt; mkdir -p rt/many
i=0; : >/tmp/c; : >/tmp/s; : >/tmp/u
while [ $i -lt "$N" ]; do
	echo "create rt/many/f$i 0644" >>/tmp/c
	echo "check rt/many/f$i type=f size=0" >>/tmp/s
	echo "unlink rt/many/f$i" >>/tmp/u
	i=$((i + 1))
done
drop; mark start
gtool batch </tmp/c >/dev/null && mark create &&
gtool batch </tmp/s >/dev/null && mark stat &&
gtool batch </tmp/u >/dev/null && mark unlink &&
dd if=/dev/zero of=rt/dd bs=1M count=$MB conv=fsync 2>/dev/null && mark dd_write &&
drop && mark drop && dd if=rt/dd of=/dev/null bs=1M 2>/dev/null && mark dd_read
r=$?
rm -rf rt
if [ $r = 0 ]; then echo "ok - round-trip workload"; else echo "not ok - round-trip workload"; fi
exit $r
