#!/bin/sh
# Runs every unit test binary and every end-to-end case, then prints one
# summary line: "N passed, N failed".
BUILD=${BUILD:-build}
export TZ=UTC LC_ALL=C
passed=0
failed=0
failures=""
for t in "$BUILD"/tests/test_*; do
	[ -x "$t" ] || continue
	if "$t" > "$BUILD/tests/$(basename "$t").log" 2>&1; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		failures="$failures $(basename "$t")"
		cat "$BUILD/tests/$(basename "$t").log"
	fi
done
echo "unit: $passed binaries passed, $failed failed"
e2e=$(BUILD=$BUILD sh tests/e2e/run.sh)
status=$?
echo "$e2e" | sed '$d'
summary=$(echo "$e2e" | tail -n 1)
ep=$(echo "$summary" | sed -n 's/^e2e: \([0-9]*\) passed, \([0-9]*\) failed.*/\1/p')
ef=$(echo "$summary" | sed -n 's/^e2e: \([0-9]*\) passed, \([0-9]*\) failed.*/\2/p')
passed=$((passed + ${ep:-0}))
failed=$((failed + ${ef:-0}))
[ $status -eq 0 ] || [ "${ef:-0}" -gt 0 ] || failed=$((failed + 1))
[ -z "$failures" ] || echo "failed unit binaries:$failures"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
