#!/bin/sh
# stress-ng's filesystem stressors with --verify in a real Linux guest on a
# vfsd mount, in each security model, then a host check of the export.
#
# The guest runs Debian's stress-ng (copied in with its libraries by
# tests/guest/mkbins.sh) in /mnt/stress, in groups (tests/guest/models_wl.sh
# STRESS_GROUPS): dir link symlink rename dentry / xattr chmod chown utime /
# lockf flock fcntl / hdd seek, each group for VFSD_STRESS_SECS (default 5)
# seconds.  A stressor failure or verification error fails the model.  The
# host then checks (tests/guest/check_export.py) that nothing but ./stress
# is in the export and, in the mapped models, that every object left has
# well-formed metadata and no metadata outlived its object.
#   VFSD_STRESS_MODELS  the models to run (default: all four)
. "$(dirname "$0")/../guest/lib.sh"
g_init models-stress
models=${VFSD_STRESS_MODELS:-passthrough mapped-xattr mapped-file none}
secs=${VFSD_STRESS_SECS:-5}

for m in $models; do
	exp=$G_TMP/export-$m out=$G_TMP/$m.out
	mkdir -p "$exp"
	if ! g_vfsd_start "$m" "$exp" "$G_TMP/$m.vfsd.log"; then
		g_notok "$m: vfsd did not start"
		continue
	fi
	t0=$(date +%s)
	"$G_RUN" --share "tcp:$G_VFSD_PORT" --bins stress-ng \
		--workload-file "$G_TOP/tests/guest/models_wl.sh" --workload stress \
		--arg "$secs" --timeout 400 --log "$out.con" >"$out" 2>&1
	rc=$?
	g_vfsd_stop
	echo "# $m: guest run took $(($(date +%s) - t0)) s (exit $rc)"
	n=$(grep -c '^ok - stress-ng --verify\|^not ok - stress-ng --verify' "$out")
	if [ "$n" -lt 4 ]; then
		g_notok "$m: stress-ng did not run all its groups ($n of 4)"
		tail -15 "$out" | sed 's/^/# /'
		grep -i 'error\|fail' "$G_TMP/$m.vfsd.log" | tail -5 | sed 's/^/# vfsd: /'
	fi
	g_tap "$m" "$out"
	/usr/bin/python3 "$G_TOP/tests/guest/check_export.py" "$exp" "$m" stress >"$out.host" 2>&1
	g_tap "$m" "$out.host"
done
g_done
