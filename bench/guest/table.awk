# table.awk - the guest-level rows of results.csv as a table of their own:
# figures per server, then each server against QEMU's -fsdev local, then
# the issue's guest targets.
#
#   awk -F, -f table.awk results.csv
#
# results.csv rows: test,param,metric,server,median,min,max,n.  A ratio is
# "how many times QEMU local's speed": server / local, and local / server
# for the _secs rows (lower is better there), so > 1 is always faster.

function fmt(x) {
	if (x == "") return "-"
	if (x >= 1000) return sprintf("%.0f", x)
	if (x >= 10) return sprintf("%.1f", x)
	return sprintf("%.2f", x)
}

# speed(row, server): the figure as "higher is better", "" when missing.
function speed(r, s,    v) {
	if (!((r, s) in val)) return ""
	v = val[r, s]
	if (name[r] ~ /_secs$/) return v > 0 ? 1 / v : ""
	return v
}

function ratio(r, a, b,    x, y) {
	x = speed(r, a); y = speed(r, b)
	return (x == "" || y == "" || y == 0) ? "" : x / y
}

# target(what, a, b, factor, rowpattern): a >= factor * b on every row
# whose name matches; prints PASS/MISS with the rows that miss.
function target(what, a, b, f, pat,    i, x, miss, n) {
	miss = ""; n = 0
	for (i = 1; i <= nr; i++) {
		if (name[rows[i]] !~ pat) continue
		x = ratio(rows[i], a, b)
		if (x == "") continue
		n++
		if (x < f) miss = miss sprintf(" %s %.2fx", name[rows[i]], x)
	}
	if (!n) { printf "  n/a   %s (no data)\n", what; return }
	printf "  %-5s %s%s\n", miss == "" ? "PASS" : "MISS", what,
	    miss == "" ? "" : ":" miss
}

NR > 1 && $1 ~ /^guest-/ {
	r = $1 SUBSEP $2
	if (!(r in name)) { rows[++nr] = r; name[r] = substr($1, 7); par[r] = $2 }
	val[r, $4] = $5
	if (!($4 in seen)) { seen[$4] = 1; srv[++ns] = $4 }
}

END {
	if (!nr) exit
	split("vfsd vfsd-cached vfsd-unix diod qemu-local qemu-proxy " \
	    "proxy+vfsd-helper " \
	    "virtiofsd nfs-ganesha", want, " ")
	no = 0
	for (i = 1; i in want; i++) if (want[i] in seen) { order[++no] = want[i]; used[want[i]] = 1 }
	for (i = 1; i <= ns; i++) if (!(srv[i] in used)) order[++no] = srv[i]

	printf "\nguest rows (Linux 6.1 under TCG; %s per dd):\n", par[rows[1]]
	printf "%-18s", "row"
	for (j = 1; j <= no; j++) printf " %10s", substr(order[j], 1, 10)
	printf "\n"
	for (i = 1; i <= nr; i++) {
		printf "%-18s", name[rows[i]]
		for (j = 1; j <= no; j++)
			printf " %10s", ((rows[i], order[j]) in val) ? \
			    fmt(val[rows[i], order[j]]) : "-"
		printf "\n"
	}
	if ("qemu-local" in seen) {
		printf "\nvs qemu-local (speed ratio, > 1 = faster than QEMU local):\n"
		printf "%-18s", "row"
		for (j = 1; j <= no; j++) printf " %10s", substr(order[j], 1, 10)
		printf "\n"
		for (i = 1; i <= nr; i++) {
			printf "%-18s", name[rows[i]]
			for (j = 1; j <= no; j++) {
				x = ratio(rows[i], order[j], "qemu-local")
				printf " %10s", x == "" ? "-" : sprintf("%.2fx", x)
			}
			printf "\n"
		}
	}
	print "\nguest targets:"
	target("proxy+vfsd-helper within 10% of qemu-local on every row",
	    "proxy+vfsd-helper", "qemu-local", 0.9, ".")
	target("proxy+vfsd-helper ahead of qemu-proxy on the metadata rows",
	    "proxy+vfsd-helper", "qemu-proxy", 1, "^(create|stat|unlink|tar)")
	# Like for like: diod and vfsd both with 9p cache=none; NFS caches
	# attributes, and so does vfsd-cached (the same server, cache=loose).
	target("vfsd ahead of diod on every row (both cache=none)", "vfsd",
	    "diod", 1, ".")
	target("vfsd-cached ahead of nfs-ganesha on every row (both caching)",
	    "vfsd-cached", "nfs-ganesha", 1, ".")
	target("vfsd (cache=none) ahead of nfs-ganesha on every row", "vfsd",
	    "nfs-ganesha", 1, ".")
	target("vfsd-unix ahead of diod on every row (guest relay, see docs)",
	    "vfsd-unix", "diod", 1, ".")
}
