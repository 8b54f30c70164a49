#!/bin/sh
# pirx benchmarks, run by `make bench` (BUILD is the build directory).
#
# For each corpus size (BENCH_SIZES, default "10000 100000 1000000"):
#   - generates the corpus once into build/bench/corpus-N-sSEED with
#     `pirx gen --incidents N --seed SEED --overloaded 2`; it is reused while
#     the generator's parameters, version and sources are unchanged (the 1M
#     corpus is 1.3 GB: rebuilding pirx does not regenerate it);
#   - times, side by side in the same run, each one RUNS times (3 up to
#     100k incidents, BENCH_LARGE_RUNS for larger, default 3), in rounds
#     (load, report, .import, pandas; then again), not all runs of one
#     tool before the next's:
#       pirx load            CSV -> SQLite, validated, indexed
#       sqlite3 .import      the same CSV files into TEXT tables, no checks
#       pirx report          every step: durations, trends, clusters,
#                            actions, responder load, data quality, render
#       pandas peer          bench/peers.py (Debian python3-pandas, run by
#                            /usr/bin/python3): monthly duration medians,
#                            action completion, union engaged hours only
#     and prints the median wall time, the peak RSS of that median run
#     (/usr/bin/time -f '%e %M') and the ratios pirx/peer; for pirx report
#     the peak is the larger of that and the RSS of its whole process tree
#     (two lanes, their gnuplots) sampled in one more, untimed, run;
#   - prints the report's step times from its progress lines (median run).
# Then the targets of docs/scale.md, met or not, the clustering quality
# (ARI) on data/sample, and finally bench/clusters.sh and
# bench/trend_calibration.sh (skip them with BENCH_QUICK=1).
set -u
BUILD=${BUILD:-build}
export TZ=UTC LC_ALL=C
REPO=$(cd "$(dirname "$0")/.." && pwd)
cd "$REPO" || exit 1
PIRX="$REPO/$BUILD/pirx"
SIZES=${BENCH_SIZES:-10000 100000 1000000}
SEED=${BENCH_SEED:-1}
LARGE_RUNS=${BENCH_LARGE_RUNS:-3}
WORK="$REPO/build/bench"
TIME=/usr/bin/time
PY=/usr/bin/python3
FILES="incidents factors action_items responders pages roster"

die() { echo "bench: $*" >&2; exit 1; }
[ -x "$PIRX" ] || die "no $PIRX; run make first"
[ -x "$TIME" ] || die "no $TIME (Debian package 'time'; make deps installs it)"
mkdir -p "$WORK" || die "cannot create $WORK"
have_pandas=0
[ -x "$PY" ] && "$PY" -c 'import pandas' 2>/dev/null && have_pandas=1
start_all=$(date +%s)

# Runs "$@" once as run $RUN of tool $1 (a name for the files); appends
# "seconds peak_rss_kb run" to $WORK/.m-TOOL, or "fail" when it fails.
# $PREP is run first. The run's stderr is left in $WORK/.stderr-TOOL.RUN.
# The peak RSS is /usr/bin/time's %M: the largest single process.
run_once() {
	tool=$1
	shift
	mfile="$WORK/.m-$tool"
	[ -z "${PREP:-}" ] || eval "$PREP"
	"$TIME" -f '%e %M %x' -o "$WORK/.one" "$@" >"$WORK/.stdout" 2>"$WORK/.stderr-$tool.$RUN"
	line=$(tail -n 1 "$WORK/.one")
	if [ "$(echo "$line" | awk '{ print $3 }')" != 0 ]; then
		echo fail >> "$mfile"
		head -n 5 "$WORK/.stderr-$tool.$RUN" >&2
		return 1
	fi
	echo "$line" | awk -v i="$RUN" '{ print $1, $2, i }' >> "$mfile"
}

# Runs "$@" once more, untimed, summing the RSS of its whole process tree
# every 0.2 s (pirx report runs two lanes and their gnuplots at once: %M
# sees only the largest); prints the peak in kB. The sampling costs about
# a seventh of a core, which is why the timed runs go without it.
tree_peak() {
	[ -z "${PREP:-}" ] || eval "$PREP"
	"$@" >/dev/null 2>&1 &
	tpid=$!
	tree=0
	while kill -0 $tpid 2>/dev/null; do
		kb=$(ps -eo pid=,ppid=,rss= | awk -v root=$tpid '
			{ parent[$1] = $2; rss[$1] = $3 }
			END { for (p in parent) { q = p; while (q != "" && q != root && q in parent && q != 1) q = parent[q]
			                          if (q == root) s += rss[p] }
			      print s + 0 }')
		[ "$kb" -le "$tree" ] || tree=$kb
		sleep 0.2
	done
	wait $tpid
	echo "$tree"
}

# "median_seconds peak_rss_kb" of tool's median run (the peak the larger
# of its %M and $2, a tree peak, when given), "fail" when a run failed,
# "unavailable" when it never ran; the median run's stderr is copied to
# $WORK/.stderr.median.
median_of() {
	mfile="$WORK/.m-$1"
	if [ ! -s "$mfile" ]; then echo unavailable; return; fi
	if grep -q '^fail' "$mfile"; then echo fail; return; fi
	set -- "$1" "${2:-0}" $(sort -n "$mfile" | sed -n "$(( ($(wc -l < "$mfile") + 1) / 2 ))p")
	cp "$WORK/.stderr-$1.$5" "$WORK/.stderr.median"
	echo "$3 $(( $4 > $2 ? $4 : $2 ))"
}

secs() { case $1 in unavailable|fail) echo "$1" ;; *) set -- $1; echo "$1" ;; esac; }
rss_mb() { case $1 in unavailable|fail) echo "-" ;; *) set -- $1; awk -v k="$2" 'BEGIN { printf "%.0f", k / 1024 }' ;; esac; }
ratio() {   # a b: a / b with 2 decimals, or n/a
	case "$1 $2" in
	*unavailable*|*fail*) echo "n/a" ;;
	*) awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }' ;;
	esac
}
row() { printf '%-26s %9s %9s %s\n' "$1" "$(secs "$2")" "$(rss_mb "$2")" "${3:-}"; }

# Step times of a report from its progress lines ("pirx: [ 12.3s] step"):
# each step's seconds until the next line of its lane (lines of the second
# lane, the forked child, start with "| "; its last step ends when the
# parent joins it, at the line after "waiting for the second lane"), for
# the steps that took 0.05 s or more.
steps() {   # stderr_file total_seconds
	awk -v total="$2" '
	function close_step(l, t) { if (open[l]) { n++; what[n] = name[l]; d[n] = t - t0[l]; open[l] = 0 } }
	{ if (!match($0, /\[ *[0-9.]+s\]/)) next
	  t = substr($0, RSTART + 1, RLENGTH - 3) + 0
	  label = substr($0, RSTART + RLENGTH + 1)
	  l = (substr(label, 1, 2) == "| ") ? 1 : 0
	  if (l == 0 && waiting) { close_step(1, t); waiting = 0 }
	  close_step(l, t)
	  if (label ~ /^waiting for the second lane/) { waiting = 1; next }
	  if (label ~ /^\| second lane done/) { waiting = 0; next }
	  open[l] = 1; name[l] = label; t0[l] = t }
	END { close_step(0, total); close_step(1, total)
	      for (i = 1; i <= n; i++) if (d[i] >= 0.05) printf "    %6.1f s  %s\n", d[i], substr(what[i], 1, 64) }' "$1"
}

SUMMARY="$WORK/.summary"
: > "$SUMMARY"

bench_size() {   # incidents
	n=$1
	corpus="$WORK/corpus-$n-s$SEED"
	gen_args="--incidents $n --seed $SEED --overloaded 2"
	if [ "$n" -le 100000 ]; then RUNS=3; else RUNS=$LARGE_RUNS; fi
	stamp="gen $gen_args; $("$PIRX" --version); $(cat src/gen.c src/gen_text.c include/pirx/gen.h | cksum)"
	if [ ! -f "$corpus/.bench-params" ] || [ "$(cat "$corpus/.bench-params")" != "$stamp" ]; then
		echo "bench: generating $n incidents into $corpus" >&2
		rm -rf "$corpus"
		"$PIRX" gen --out "$corpus" $gen_args 2>/dev/null || die "pirx gen failed"
		echo "$stamp" > "$corpus/.bench-params"
	fi
	size=$(du -sk "$corpus" | cut -f1)
	db="$WORK/pirx-$n.db"
	sdb="$WORK/sqlite-$n.db"
	out="$WORK/report-$n"

	sql="$WORK/import-$n.sql"
	: > "$sql"
	for f in $FILES; do
		cols=$(head -n 1 "$corpus/$f.csv" | sed 's/,/ TEXT, /g')
		echo "CREATE TABLE $f ($cols TEXT);" >> "$sql"
		echo ".import --csv --skip 1 '$corpus/$f.csv' $f" >> "$sql"
	done

	# The tools take turns, one run each per round, so that a slow phase
	# of the machine (its speed drifts by half) falls on all of them alike
	# and the ratios compare runs taken side by side. Each run starts with
	# nothing left to write back: a previous run's gigabyte of dirty pages
	# being flushed would otherwise slow the next.
	rm -f "$WORK"/.m-* "$WORK"/.stderr-*
	RUN=0
	while [ $RUN -lt $RUNS ]; do
		PREP="rm -f '$db'; sync"
		if run_once load "$PIRX" load "$corpus" --db "$db"; then
			PREP="rm -rf '$out'; sync"
			run_once report "$PIRX" report --db "$db" --out "$out"
		fi
		PREP="rm -f '$sdb'; sync"
		! command -v sqlite3 >/dev/null || run_once import sqlite3 "$sdb" ".read $sql"
		rm -f "$sdb"
		PREP="sync"
		[ $have_pandas = 0 ] || run_once pandas "$PY" "$REPO/bench/peers.py" "$corpus"
		RUN=$((RUN + 1))
	done
	report_tree=0
	if [ -s "$WORK/.m-report" ] && ! grep -q '^fail' "$WORK/.m-report"; then
		PREP="rm -rf '$out'; sync"
		report_tree=$(tree_peak "$PIRX" report --db "$db" --out "$out")
	fi
	load=$(median_of load)
	imp=$(median_of import)
	rep=$(median_of report "$report_tree")
	case $rep in fail|unavailable) ;; *) cp "$WORK/.stderr.median" "$WORK/report-$n.stderr" ;; esac
	[ "$load" != fail ] || rep=fail
	pd=$(median_of pandas)

	case "$load $rep" in
	*fail*) both=fail ;;
	*) set -- $load $rep
	   both="$(awk -v a="$1" -v b="$3" 'BEGIN { printf "%.2f", a + b }') $(( $2 > $4 ? $2 : $4 ))" ;;
	esac
	echo
	echo "== $n incidents (pirx gen $gen_args), $((size / 1024)) MB of CSV; median of $RUNS runs"
	printf '%-26s %9s %9s %s\n' "" "seconds" "peak MB" ""
	row "pirx load" "$load"
	row "sqlite3 .import --csv" "$imp" "pirx load / .import: $(ratio "$(secs "$load")" "$(secs "$imp")")x"
	row "pirx report" "$rep"
	row "pirx load + report" "$both" "(peak MB: the larger of the two)"
	row "pandas peer (peers.py)" "$pd" "pirx load+report / pandas: $(ratio "$(secs "$both")" "$(secs "$pd")")x"
	if [ -f "$WORK/report-$n.stderr" ] && [ "$rep" != fail ]; then
		echo "  report steps (median run):"
		steps "$WORK/report-$n.stderr" "$(secs "$rep")"
	fi
	echo "$n $(secs "$load") $(secs "$imp") $(secs "$rep") $(secs "$both") $(rss_mb "$both") $(secs "$pd")" >> "$SUMMARY"
}

for n in $SIZES; do
	bench_size "$n"
done

# ---- targets (docs/scale.md) -------------------------------------------------
echo
echo "== targets"
while read -r n load imp rep both mb pd; do
	case $n in
	100000)
		awk -v a="$load" -v b="$imp" 'BEGIN { if (b + 0 > 0) printf "100k: load within 1.5x of .import       %.2fx  %s\n", a / b, (a <= 1.5 * b ? "met" : "NOT met") }'
		awk -v a="$both" -v b="$pd" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "100k: load+report at most 1/3 of pandas  pirx/pandas %.2fx (needs <= 0.33x)  %s\n", a / b, (b >= 3 * a ? "met" : "NOT met") }' ;;
	1000000)
		awk -v a="$both" -v m="$mb" 'BEGIN { if (a + 0 > 0) printf "1M:   load+report under 90 s            %.1f s  %s\n1M:   peak memory under 1 GiB           %d MB  %s\n", a, (a < 90 ? "met" : "NOT met"), m, (m < 1024 ? "met" : "NOT met") }' ;;
	esac
done < "$SUMMARY"

# ---- clustering quality (ARI) on data/sample ---------------------------------
ari() {   # name truth_csv assignments_csv
	if [ -f "$3" ]; then
		set -- "$1" $(awk -F, -f "$REPO/bench/ari.awk" "$2" "$3")
		printf '%-28s %10s %12s\n' "ARI $1" "$2" "($3 factors)"
	else
		printf '%-28s %10s\n' "ARI $1" "unavailable"
	fi
}
echo
rm -rf "$WORK/sample-report" "$WORK/sample.db"
if "$PIRX" load "$REPO/data/sample" --db "$WORK/sample.db" >/dev/null 2>&1 &&
   "$PIRX" report --db "$WORK/sample.db" --out "$WORK/sample-report" >/dev/null 2>&1; then
	ari "data/sample" "$REPO/data/sample/factor_modes.csv" "$WORK/sample-report/factor_assignments.csv"
else
	printf '%-28s %10s\n' "ARI data/sample" "unavailable"
fi
[ ! -d "$WORK/report-100000" ] || ari "100000 incidents" "$WORK/corpus-100000-s$SEED/factor_modes.csv" "$WORK/report-100000/factor_assignments.csv"
echo "bench: sizes done in $(( $(date +%s) - start_all )) s" >&2

# ---- the other benchmarks ------------------------------------------------------
if [ "${BENCH_QUICK:-0}" != 1 ]; then
	echo
	echo "== bench/clusters.sh"
	BUILD=$BUILD sh "$REPO/bench/clusters.sh" || echo "bench: clusters.sh failed" >&2
	echo
	echo "== bench/trend_calibration.sh"
	BUILD=$BUILD sh "$REPO/bench/trend_calibration.sh" || echo "bench: trend_calibration.sh failed" >&2
fi
echo "bench: done in $(( $(date +%s) - start_all )) s" >&2
exit 0
