# report.awk - turn the raw measurements into medians, a table with ratios,
# a CSV, a JSON file and the targets verdicts.
#
#   awk -F, -v csv=OUT.csv -v json=OUT.json -f report.awk raw.csv errors.csv
#
# raw.csv rows:    test,param,metric,server,rep,value
# errors.csv rows: server,test,param,message       (second file)
# The table goes to stdout.  Servers are columns, vfsd first; each other
# server gets a ratio column vfsd/server.

function fmt(x) {
	if (x == "") return "-"
	if (x >= 1000) return sprintf("%.0f", x)
	if (x >= 10) return sprintf("%.1f", x)
	return sprintf("%.2f", x)
}

# A number for the CSV and JSON files: never in exponent form.
function num(x) {
	return (x == int(x)) ? sprintf("%.0f", x) : sprintf("%.3f", x)
}

# Sort the n values in v[1..n] (insertion sort: n is small).
function sortv(v, n,    i, j, t) {
	for (i = 2; i <= n; i++) {
		t = v[i]
		for (j = i - 1; j >= 1 && v[j] > t; j--)
			v[j + 1] = v[j]
		v[j + 1] = t
	}
}

FILENAME == ARGV[2] { inerr = 1 }
!inerr && NF >= 6 {
	k = $1 SUBSEP $2 SUBSEP $3
	if (!(k in seenk)) { seenk[k] = 1; keys[++nk] = k }
	if (!(($4) in seens)) { seens[$4] = 1; srv[++ns] = $4 }
	c = ++cnt[k, $4]
	val[k, $4, c] = $6 + 0
	next
}
inerr && NF >= 4 {
	msg = $4
	for (i = 5; i <= NF; i++) msg = msg "," $i
	errs[++ne] = $1 ": " $2 " " $3 ": " msg
	errsrv[$1]++
	errkey[$1, $2] = 1
	next
}

function stats(k, s,    n, i, v) {
	n = cnt[k, s]
	if (n == 0) { med = mn = mx = ""; return 0 }
	for (i = 1; i <= n; i++) v[i] = val[k, s, i]
	sortv(v, n)
	mn = v[1]; mx = v[n]
	med = (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
	return n
}

function cell(k, s,    n, spread) {
	n = stats(k, s)
	if (!n) return "-"
	spread = (med > 0 && n > 1) ? sprintf("+-%.0f%%", (mx - mn) / med * 50) : ""
	return fmt(med) spread
}

END {
	# vfsd first, the peers in order of appearance, the page cache last.
	no = 0
	if ("vfsd" in seens) order[++no] = "vfsd"
	for (i = 1; i <= ns; i++)
		if (srv[i] != "vfsd" && srv[i] != "page-cache") order[++no] = srv[i]
	if ("page-cache" in seens) order[++no] = "page-cache"	# a reference, last

	print "test,param,metric,server,median,min,max,n" > csv
	printf "[" > json
	first = 1
	for (i = 1; i <= nk; i++) {
		split(keys[i], p, SUBSEP)
		for (j = 1; j <= no; j++) {
			if (!stats(keys[i], order[j])) continue
			printf "%s,%s,%s,%s,%s,%s,%s,%d\n", p[1], p[2], p[3],
			    order[j], num(med), num(mn), num(mx),
			    cnt[keys[i], order[j]] > csv
			printf "%s\n  {\"test\": \"%s\", \"param\": \"%s\", " \
			    "\"metric\": \"%s\", \"server\": \"%s\", " \
			    "\"median\": %s, \"min\": %s, \"max\": %s, \"n\": %d}",
			    first ? "" : ",", p[1], p[2], p[3], order[j],
			    num(med), num(mn), num(mx), cnt[keys[i], order[j]] > json
			first = 0
		}
	}
	printf "\n]\n" > json

	# The table.
	printf "%-30s %-8s %-13s", "test", "param", "metric"
	for (j = 1; j <= no; j++) printf " %14s", order[j]
	for (j = 2; j <= no; j++) printf " %9s", "vs " substr(order[j], 1, 6)
	printf "\n"
	for (i = 1; i <= nk; i++) {
		split(keys[i], p, SUBSEP)
		printf "%-30s %-8s %-13s", substr(p[1], 1, 30), p[2], p[3]
		for (j = 1; j <= no; j++) printf " %14s", cell(keys[i], order[j])
		stats(keys[i], "vfsd"); v = med
		for (j = 2; j <= no; j++) {
			stats(keys[i], order[j])
			if (v != "" && med != "" && med > 0)
				printf " %8.2fx", v / med
			else
				printf " %9s", "-"
		}
		printf "\n"
	}
	printf "(median of the repetitions +-half the min-max spread; ratio = " \
	    "vfsd / peer; lower is better for Ir_per_op, KiB_per_conn, secs)\n"

	# The targets.
	print ""
	print "targets:"
	k = "diodload-getattr" SUBSEP "16" SUBSEP "ops_s"
	target("getattr ops/s at 16 threads >= 1.5x diod", k, "diod", 1.5, 0)
	for (i = 1; i <= nk; i++) {
		split(keys[i], p, SUBSEP)
		if (p[1] == "diodload-read" || p[1] == "diodload-write")
			target(p[1] " MB/s at " p[2] " threads >= diod",
			    keys[i], "diod", 1, 0)
	}
	k = "seqread-1thread" SUBSEP "unix" SUBSEP "MB_s"
	target("seq read 1 MiB unix >= 50% of dd page cache", k,
	    "page-cache", 0.5, 0)
	k = "seqread-1thread-ra2" SUBSEP "unix" SUBSEP "MB_s"
	target("seq read 1 MiB unix, 2 in flight >= 50% of dd page cache", k,
	    "page-cache", 0.5, 0)
	k = "idle-conn-rss" SUBSEP "64@1M" SUBSEP "KiB_per_conn"
	absolute("RSS per idle connection <= 256 KiB", k, 256, 1)
	k = "open-fids" SUBSEP "100000" SUBSEP "held"
	absolute("100,000 open fids without error", k, 100000, 0)

	print ""
	printf "errors: %d", ne
	sep = " ("
	for (s in errsrv) { printf "%s%s: %d", sep, s, errsrv[s]; sep = ", " }
	if (ne) printf ")"
	printf "\n"
	for (i = 1; i <= ne; i++) print "  " errs[i]
}

function target(what, k, peer, factor, dummy,    a, b) {
	stats(k, "vfsd"); a = med
	stats(k, peer); b = med
	if (a == "" || b == "") { printf "  n/a   %s (no data)\n", what; return }
	printf "  %-5s %s: vfsd %s, %s %s (%.2fx)\n",
	    (a >= factor * b) ? "PASS" : "MISS", what, fmt(a), peer, fmt(b), a / b
}

function absolute(what, k, limit, le,    a, ok) {
	stats(k, "vfsd"); a = med
	if (a == "") { printf "  n/a   %s (no data)\n", what; return }
	ok = le ? (a <= limit) : (a >= limit && !(("vfsd", "fids") in errkey))
	printf "  %-5s %s: vfsd %s\n", ok ? "PASS" : "MISS", what, fmt(a)
}
