#!/bin/sh
# Calibration of the trend verdict (SPEC section 3: on data with no trend
# at most 1 window in 10 may say improving or worsening).
#
# For seeds 1..N (default 20), generates a corpus with `pirx gen --trend 0`
# and one with `--trend -6` (median time to resolve falls 6% a month; the
# generator's month-to-month wobble stays on), about 60 incidents a month
# over 18 months, loads each and runs `pirx report` on its last complete
# month (12-month window). Counts the verdicts of trends.csv for ttr, all
# severities, and checks the bar of docs/metrics.md: at most 2 of 20
# trendless corpora may say improving or worsening, at least 18 of 20
# declining ones must say improving. Exit status 1 when a bar is missed.
#
# Usage: sh bench/trend_calibration.sh [N]   (BUILD selects the build dir)
set -u
BUILD=${BUILD:-build}
export TZ=UTC LC_ALL=C
REPO=$(cd "$(dirname "$0")/.." && pwd)
PIRX="$REPO/$BUILD/pirx"
N=${1:-20}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/pirx-calibration-XXXXXX") || exit 1
trap 'rm -rf "$WORK"' EXIT INT TERM

die() { echo "trend_calibration: $*" >&2; exit 1; }
[ -x "$PIRX" ] || die "no $PIRX; run make first"

# run TREND SEED: prints "verdict pct ci_low ci_high p_value" for ttr/all.
run() {
	dir="$WORK/c-$1-$2"
	"$PIRX" gen --out "$dir" --seed "$2" --trend "$1" --per-month 60 --months 18 2>/dev/null \
		|| die "pirx gen --trend $1 --seed $2 failed"
	"$PIRX" load "$dir" --db "$dir.db" 2>/dev/null || die "pirx load of seed $2 failed"
	"$PIRX" report --db "$dir.db" --out "$dir.out" --seed "$2" >/dev/null 2>"$dir.err" \
		|| die "pirx report of seed $2 failed: $(tail -n 2 "$dir.err")"
	awk -F, '$1 == "ttr" && $2 == "all" { print $10, $6, $7, $8, $9 }' "$dir.out/trends.csv"
	rm -rf "$dir" "$dir.db" "$dir.out" "$dir.err"
}

fail=0
for trend in 0 -6; do
	improving=0; worsening=0; none=0; other=0
	echo "pirx gen --trend $trend --per-month 60 --months 18, seeds 1..$N; ttr, all severities:"
	seed=1
	while [ "$seed" -le "$N" ]; do
		set -- $(run "$trend" "$seed")
		printf '  seed %2d  %-22s %7s%%/month  [%s, %s]  p=%s\n' "$seed" "$1" "$2" "$3" "$4" "$5"
		case "$1" in
		improving) improving=$((improving + 1)) ;;
		worsening) worsening=$((worsening + 1)) ;;
		no_significant_change) none=$((none + 1)) ;;
		*) other=$((other + 1)) ;;
		esac
		seed=$((seed + 1))
	done
	echo "  trend $trend: improving $improving, worsening $worsening," \
	     "no_significant_change $none, other $other (of $N)"
	if [ "$trend" = 0 ]; then
		[ $((improving + worsening)) -le $((N / 10)) ] || { echo "  FAIL: more than $((N / 10)) false verdicts"; fail=1; }
	else
		[ "$improving" -ge $((N - N / 10)) ] || { echo "  FAIL: fewer than $((N - N / 10)) say improving"; fail=1; }
	fi
done
exit $fail
