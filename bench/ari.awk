# Adjusted Rand index of a clustering against the ground truth.
# usage: awk -F, -f bench/ari.awk factor_modes.csv factor_assignments.csv
# The first file maps factor_id (column 1) to a true mode (column "mode");
# the second maps factor_id to a cluster (column "cluster_id"). Factors in
# only one of the files are left out. Plain CSV without quoted commas in
# these columns (ids and labels pirx gen and pirx report write) is assumed.
function c2(x) { return x * (x - 1) / 2 }
FNR == 1 {
	file++
	for (i = 1; i <= NF; i++) {
		if (file == 1 && $i == "mode") mcol = i
		if (file == 2 && $i == "cluster_id") ccol = i
		if (file == 2 && $i == "factor_id") fcol = i
	}
	next
}
file == 1 { mode[$1] = $mcol; next }
file == 2 {
	if (!($fcol in mode)) next
	n++
	a[mode[$fcol]]++
	b[$ccol]++
	ab[mode[$fcol] SUBSEP $ccol]++
}
END {
	if (n < 2) { print "ari: no common factors" > "/dev/stderr"; exit 1 }
	for (k in ab) sij += c2(ab[k])
	for (k in a) sa += c2(a[k])
	for (k in b) sb += c2(b[k])
	expect = sa * sb / c2(n)
	maxi = (sa + sb) / 2
	printf "%.4f %d\n", (maxi == expect ? 1 : (sij - expect) / (maxi - expect)), n
}
