#!/bin/sh
# A guest's SELinux label through vfsd (tests/guest/models_wl.sh selinux,
# Debian's setfattr/getfattr in the guest):
#   mapped-xattr: setfattr -n security.selinux -v system_u:object_r:foo_t:s0
#     works, getfattr returns it and lists it, removal works; on the host
#     it is data in user.virtfs.security.selinux, never a real
#     security.selinux (docs/models.md: the host never interprets it)
#   passthrough: refused with EOPNOTSUPP, nothing stored on the host
. "$(dirname "$0")/../guest/lib.sh"
g_init models-selinux
label=system_u:object_r:foo_t:s0

for m in mapped-xattr passthrough; do
	exp=$G_TMP/export-$m out=$G_TMP/$m.out
	mkdir -p "$exp"
	if ! g_vfsd_start "$m" "$exp" "$G_TMP/$m.vfsd.log"; then
		g_notok "$m: vfsd did not start"
		continue
	fi
	want=stored
	[ $m = passthrough ] && want=refused
	"$G_RUN" --share "tcp:$G_VFSD_PORT" --bins "getfattr setfattr" \
		--workload-file "$G_TOP/tests/guest/models_wl.sh" --workload selinux \
		--arg $want --timeout 200 --log "$out.con" >"$out" 2>&1
	g_vfsd_stop
	n=$(grep -c '^\(not \)\{0,1\}ok - ' "$out")
	[ "$n" -ge 3 ] || { g_notok "$m: the guest ran $n checks"; tail -10 "$out" | sed 's/^/# /'; }
	g_tap "$m" "$out"
	f=$exp/sel/file
	if [ ! -f "$f" ]; then
		g_notok "$m: host: sel/file missing"
		continue
	fi
	real=$(getfattr --absolute-names --only-values -n security.selinux "$f" 2>/dev/null)
	# a host without SELinux has no label at all; one with SELinux has its own
	if [ "$real" = "$label" ]; then
		g_notok "$m: host: the guest's label became the real security.selinux"
	else
		g_ok "$m: host: real security.selinux is not the guest's (${real:-none})"
	fi
	stored=$(getfattr --absolute-names --only-values -n user.virtfs.security.selinux "$f" 2>/dev/null)
	if [ $m = mapped-xattr ]; then
		[ "$stored" = "$label" ] && g_ok "$m: host: user.virtfs.security.selinux holds $label" ||
			g_notok "$m: host: user.virtfs.security.selinux is '${stored}', not $label"
		s2=$(getfattr --absolute-names -d -m - "$exp/sel/file2" 2>/dev/null | grep -c "selinux=")
		[ "$s2" = 0 ] && g_ok "$m: host: the removed label is gone from sel/file2" ||
			g_notok "$m: host: sel/file2 still has a label"
	else
		[ -z "$stored" ] && g_ok "$m: host: nothing stored under user.virtfs.*" ||
			g_notok "$m: host: user.virtfs.security.selinux='$stored' in passthrough"
	fi
done
g_done
