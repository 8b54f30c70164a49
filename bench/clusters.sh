#!/bin/sh
# Factor-clustering quality and cost.
#
# usage: sh bench/clusters.sh [INCIDENTS ...]     (default: 2000 100000)
#
# For each size: `pirx gen --incidents N --seed 1` into build/bench-clusters/,
# `pirx load`, `pirx report` (wall time and peak RSS of the whole report, and
# the clustering step's own time from its progress lines), then the adjusted
# Rand index and NMI of factor_assignments.csv against the generator's
# ground truth (factor_modes.csv); then the same corpus with `--phrases
# held-out` and `--phrases unseen` (texts the taxonomy was not tuned on,
# docs/gen.md), and a summary of the banks side by side. BANKS="standard
# held-out" leaves the unseen bank out: it is reserved for one score per
# tuning round (docs/clustering.md, "Measured quality"). Then the same on data/sample, and on the
# real post-mortem root causes in ../shared/realdata/postmortem-factors
# (scored against the researchers' `category`) when that folder exists.
# Needs python3 (bench/clusters_score.py) and /usr/bin/time.
set -u
BUILD=${BUILD:-build}
export TZ=UTC LC_ALL=C
REPO=$(cd "$(dirname "$0")/.." && pwd)
PIRX="$REPO/$BUILD/pirx"
WORK=${WORK:-"$REPO/build/bench-clusters"}
SCORE="python3 $REPO/bench/clusters_score.py"
BANKS=${BANKS:-standard held-out unseen}
REAL="$REPO/../shared/realdata/postmortem-factors"

die() { echo "bench/clusters: $*" >&2; exit 1; }
[ -x "$PIRX" ] || die "no $PIRX; run make first"
[ -x /usr/bin/time ] || die "no /usr/bin/time (Debian package 'time')"
mkdir -p "$WORK" || die "cannot create $WORK"

# Seconds from the clustering step's progress line to the next step of its
# lane: the report runs clusters last in its first lane, so that is the
# line "waiting for the second lane" (or, run with PIRX_REPORT_JOBS=1 or by
# an older pirx, "action items"); lines of the second lane start with "| ".
step_time() {
	awk '{ if (match($0, /\[ *[0-9.]+s\]/)) t = substr($0, RSTART + 1, RLENGTH - 3) + 0 }
	     /\] contributing-factor clusters/ { s = t; on = 1; next }
	     on && /\] (waiting for the second lane|incident counts|action items|data quality)/ { printf "%.2f", t - s; exit }' "$1"
}

report() {   # name db truth out [report args...]
	name=$1 db=$2 truth=$3 out=$4
	shift 4
	rm -rf "$out"
	if ! /usr/bin/time -f '%e %M' -o "$WORK/.time" "$PIRX" report --db "$db" --out "$out" "$@" \
		>/dev/null 2>"$WORK/.stderr"; then
		echo "bench/clusters: report failed on $name:" >&2
		tail -n 3 "$WORK/.stderr" >&2
		return
	fi
	set -- $(tail -n 1 "$WORK/.time")
	secs=$1 kb=$2
	printf '%-34s %8s %8s %9s %s\n' "$name" "$secs" "$(step_time "$WORK/.stderr")" \
		"$((kb / 1024))" "$(grep -o '[0-9]* distinct normalized texts.*' "$WORK/.stderr")"
	if [ -n "$truth" ]; then
		set -- $($SCORE "$truth" "$out/factor_assignments.csv" $SCORE_ARGS)
		printf '%-34s ARI %s  NMI %s  (%s factors)\n' "" "$1" "$2" "$3"
		last_score="ARI $1  NMI $2"
	fi
}

printf '%-34s %8s %8s %9s %s\n' corpus report_s clust_s rss_MB "clustering"
summary=""
for n in ${@:-2000 100000}; do
	line="$n"
	for bank in $BANKS; do
		name="gen-$n" label="pirx gen --incidents $n --seed 1"
		[ "$bank" = standard ] || name="gen-$n-$bank" label="  same, --phrases $bank"
		corpus="$WORK/$name"
		# Regenerated after a rebuild (cheap): a changed bank must not be
		# scored on an old corpus.
		if [ ! -f "$corpus/factor_modes.csv" ] || [ "$PIRX" -nt "$corpus/factor_modes.csv" ]; then
			"$PIRX" gen --out "$corpus" --incidents "$n" --seed 1 --phrases "$bank" >/dev/null 2>&1 ||
				die "pirx gen --phrases $bank failed"
		fi
		rm -f "$WORK/$name.db"
		"$PIRX" load "$corpus" --db "$WORK/$name.db" >/dev/null 2>&1 || die "pirx load failed on $corpus"
		last_score="failed"
		SCORE_ARGS="" report "$label" "$WORK/$name.db" \
			"$corpus/factor_modes.csv" "$WORK/report-${name#gen-}"
		line="$line|$last_score"
	done
	summary="$summary$line
"
done

# The blind banks' numbers are the honest ones: the taxonomy was widened
# against the standard bank's texts (docs/clustering.md, "Measured quality").
printf '\n%-10s' incidents
for bank in $BANKS; do printf ' %-26s' "$bank phrases"; done
echo
printf '%s' "$summary" | while IFS='|' read -r n scores; do
	printf '%-10s' "$n"
	echo "$scores" | tr '|' '\n' | while read -r sc; do printf ' %-26s' "$sc"; done
	echo
done
echo

rm -f "$WORK/sample.db"
"$PIRX" load "$REPO/data/sample" --db "$WORK/sample.db" >/dev/null 2>&1 || die "pirx load failed on data/sample"
SCORE_ARGS="" report "data/sample" "$WORK/sample.db" "$REPO/data/sample/factor_modes.csv" "$WORK/report-sample"

if [ -f "$REAL/factors.csv" ]; then
	rm -rf "$WORK/real" && mkdir -p "$WORK/real"
	python3 "$REPO/bench/clusters_realdata.py" "$REAL/factors.csv" "$REAL/factors_meta.csv" "$WORK/real/corpus" || die "cannot wrap $REAL"
	"$PIRX" load "$WORK/real/corpus" --db "$WORK/real/r.db" >/dev/null 2>&1 || die "pirx load failed on the real corpus"
	SCORE_ARGS="--column category --id-column id" report "real post-mortems (category)" "$WORK/real/r.db" \
		"$WORK/real/corpus/factors.csv" "$WORK/real/report" --month 2022-12 --window 240
fi
