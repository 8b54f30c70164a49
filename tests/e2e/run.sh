#!/bin/sh
# Golden end-to-end cases. Each tests/e2e/NNNN-name/ holds:
#   args      the arguments to pirx, one line (shell words, no expansion
#             beyond @SHARED@ -> ../shared path and @REPO@ -> repository)
#   exit      the expected exit code (default 0)
#   stdout    expected standard output (compared when present)
#   stderr    expected standard error (compared when present)
#   expected/ files that must exist in the scratch directory, byte for byte
#   input/    copied into the scratch directory before the run
#   setup     optional sh script run in the scratch directory first
#   check     optional sh script run in the scratch directory after; exit 0
#             means pass (it sees $PIRX, $CASE and $REPO)
#   needs     optional: "realdata" skips the case when ../shared/realdata
#             is absent; "native" skips it under VALGRIND=1 (cases that
#             time a kill -9 against the work of a full-speed process)
# VALGRIND=1 runs every pirx (and its forked lane) under valgrind's
# memcheck: any memory error or definite leak fails the case (exit 99).
# pirx runs with the scratch directory as its working directory.
BUILD=${BUILD:-build}
export TZ=UTC LC_ALL=C
REPO=$(cd "$(dirname "$0")/../.." && pwd)
PIRX="$REPO/$BUILD/pirx"
if [ "${VALGRIND:-0}" = 1 ]; then
	wrap=$(mktemp -d)
	trap 'rm -rf "$wrap"' EXIT
	cp "$PIRX" "$wrap/pirx.bin"   # a rebuild during the run does not disturb it
	printf '#!/bin/sh\nexec valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite --show-leak-kinds=definite "%s" "$@"\n' \
		"$wrap/pirx.bin" > "$wrap/pirx"
	chmod +x "$wrap/pirx"
	PIRX="$wrap/pirx"
fi
SHARED="$REPO/../shared"
export PIRX REPO SHARED
passed=0
failed=0
skipped=0
only=${E2E_ONLY:-}
for case in "$REPO"/tests/e2e/[0-9]*/; do
	case=${case%/}
	[ -d "$case" ] || continue
	name=$(basename "$case")
	[ -z "$only" ] || case "$name" in *$only*) ;; *) continue ;; esac
	if [ -f "$case/needs" ] && grep -q realdata "$case/needs" && [ ! -d "$SHARED/realdata" ]; then
		skipped=$((skipped + 1))
		continue
	fi
	if [ -f "$case/needs" ] && grep -q native "$case/needs" && [ "${VALGRIND:-0}" = 1 ]; then
		skipped=$((skipped + 1))
		continue
	fi
	tmp=$(mktemp -d)
	[ -d "$case/input" ] && cp -R "$case/input/." "$tmp/"
	ok=1
	why=""
	if [ -f "$case/setup" ] && ! (cd "$tmp" && CASE="$case" sh "$case/setup") >"$tmp/.setup.log" 2>&1; then
		ok=0; why="setup failed: $(tail -n 3 "$tmp/.setup.log")"
	fi
	args=$(sed -e "s|@SHARED@|$SHARED|g" -e "s|@REPO@|$REPO|g" "$case/args")
	if [ $ok -eq 1 ]; then
		(cd "$tmp" && eval "\"\$PIRX\" $args" >"$tmp/.stdout" 2>"$tmp/.stderr")
		code=$?
		want=0
		[ -f "$case/exit" ] && want=$(cat "$case/exit")
		if [ "$code" != "$want" ]; then
			ok=0; why="exit $code, expected $want; stderr: $(head -c 600 "$tmp/.stderr")"
		fi
	fi
	if [ $ok -eq 1 ] && [ -f "$case/stdout" ] && ! diff -u "$case/stdout" "$tmp/.stdout" >"$tmp/.diff"; then
		ok=0; why="stdout differs:\n$(head -n 30 "$tmp/.diff")"
	fi
	if [ $ok -eq 1 ] && [ -f "$case/stderr" ] && ! diff -u "$case/stderr" "$tmp/.stderr" >"$tmp/.diff"; then
		ok=0; why="stderr differs:\n$(head -n 30 "$tmp/.diff")"
	fi
	if [ $ok -eq 1 ] && [ -d "$case/expected" ]; then
		for f in $(cd "$case/expected" && find . -type f | sort); do
			if [ ! -f "$tmp/$f" ]; then
				ok=0; why="missing output $f"; break
			fi
			if ! diff -u "$case/expected/$f" "$tmp/$f" >"$tmp/.diff"; then
				ok=0; why="$f differs:\n$(head -n 30 "$tmp/.diff")"; break
			fi
		done
	fi
	if [ $ok -eq 1 ] && [ -f "$case/check" ] && ! (cd "$tmp" && CASE="$case" sh "$case/check") >"$tmp/.check.log" 2>&1; then
		ok=0; why="check failed: $(tail -n 10 "$tmp/.check.log")"
	fi
	if [ $ok -eq 1 ]; then
		passed=$((passed + 1))
		rm -rf "$tmp"
	else
		failed=$((failed + 1))
		printf 'e2e FAIL %s: %b\n  (scratch kept in %s)\n' "$name" "$why" "$tmp"
	fi
done
echo "e2e: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
