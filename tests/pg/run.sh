#!/bin/sh
# pirx's SQL on PostgreSQL, run by `make pgcheck` (BUILD: the build folder).
#
# docs/scale.md lists what in queries/ is SQLite-only and what a PostgreSQL
# adapter would write instead. This script holds that list to account: it
# applies those translations and no others (the translate_* functions),
# then, in a throwaway PostgreSQL cluster,
#   - runs schema.sql and indexes.sql,
#   - copies in every table of a corpus database that pirx load wrote,
#   - prepares every insert_*.sql against that schema, and
#   - runs every other query with the parameters the report gives it, and
#     compares its rows, in order (as a set for a query without ORDER BY),
#     with what SQLite returns for the same query on the same database.
# A query that PostgreSQL refuses, or that returns other rows or another
# order, fails the check: fix the query or add its translation to the list
# in docs/scale.md and here.
#
# The corpora: data/sample; a generated corpus with incidents and
# engagements still open at its end (NULL end instants); and the e2e
# corpus with rejected rows (the data_quality table).
set -u
BUILD=${BUILD:-build}
export TZ=UTC LC_ALL=C
REPO=$(cd "$(dirname "$0")/../.." && pwd)
cd "$REPO" || exit 1
PIRX="$REPO/$BUILD/pirx"

die() { echo "pgcheck: $*" >&2; exit 1; }
[ -x "$PIRX" ] || die "no $PIRX; run make first"
command -v sqlite3 >/dev/null || die "no sqlite3 (Debian package sqlite3)"
command -v psql >/dev/null || die "no psql (Debian package postgresql)"
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$PGBIN" ] && [ -x "$PGBIN/initdb" ] || die "no PostgreSQL server (Debian package postgresql)"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/pirx-pg.XXXXXX") || die "cannot create a scratch folder"
chmod 755 "$WORK"
# The cluster's folder: its data, its socket and its log.
PG="$WORK/pg"
SOCK="$PG/sock"
mkdir -p "$PG"
# initdb and postgres refuse to run as root: the cluster then belongs to
# nobody, in a folder only it writes.
as_owner() { "$@"; }
if [ "$(id -u)" = 0 ]; then
	chown nobody "$PG"
	as_owner() { runuser -u nobody -- "$@"; }
fi
stop() {
	as_owner "$PGBIN/pg_ctl" -D "$PG/data" -m immediate stop >/dev/null 2>&1
	rm -rf "$WORK"
}
trap stop EXIT
trap 'exit 1' INT TERM HUP

# C collation: text sorts by bytes, as in SQLite (docs/scale.md).
as_owner mkdir "$SOCK"
as_owner "$PGBIN/initdb" -D "$PG/data" --locale=C -E UTF8 -A trust -U pirx >"$WORK/initdb.log" 2>&1 ||
	{ cat "$WORK/initdb.log" >&2; die "initdb failed"; }
as_owner "$PGBIN/pg_ctl" -D "$PG/data" -w -l "$PG/server.log" \
	-o "-k $SOCK -c listen_addresses= -c fsync=off" start >/dev/null ||
	{ cat "$PG/server.log" >&2; die "the PostgreSQL server did not start"; }
PSQL="psql -X -q -h $SOCK -U pirx -v ON_ERROR_STOP=1"
export PGOPTIONS="-c client_min_messages=warning"

# ---- the translations of docs/scale.md ------------------------------------

# schema.sql: user_version becomes a table, and instants BIGINT.
translate_schema() {
	awk '
	/^PRAGMA user_version = / {
		v = $4; sub(/;.*/, "", v)
		print "CREATE TABLE pirx_meta (schema_version INTEGER NOT NULL);"
		print "INSERT INTO pirx_meta VALUES (" v ");"
		next }
	{ gsub(/INTEGER/, "BIGINT"); print }' "$1"
}

# indexes.sql: PostgreSQL's ANALYZE samples on its own.
translate_indexes() {
	grep -v '^PRAGMA analysis_limit' "$1"
}

# A query, its comment lines dropped: ?N becomes $N; each :name becomes $K,
# numbered in order of first use (the names are printed, one a line, to
# $2); and every term of the ORDER BY sorts NULLs as SQLite does (smallest:
# first ascending, last descending). It relies on the style of queries/: no
# '?' or ':' inside string literals, one ORDER BY, at the end.
translate_query() {
	awk -v names="$2" '
	/^[ \t]*--/ { next }
	{ sql = sql $0 "\n" }
	function order_terms(s,    out, term, depth, i, c) {
		out = ""; term = ""; depth = 0
		for (i = 1; i <= length(s); i++) {
			c = substr(s, i, 1)
			if (c == "(") depth++
			if (c == ")") depth--
			if (c == "," && depth == 0) { out = out nulls(term) ","; term = ""; continue }
			term = term c
		}
		return out nulls(term)
	}
	function nulls(t,    tail) {
		match(t, /[ \t\n]*$/); tail = substr(t, RSTART); t = substr(t, 1, RSTART - 1)
		if (t ~ /[Dd][Ee][Ss][Cc]$/) return t " NULLS LAST" tail
		return t " NULLS FIRST" tail
	}
	END {
		out = ""
		while (match(sql, /:[a-z_]+/)) {
			name = substr(sql, RSTART + 1, RLENGTH - 1)
			if (!(name in num)) { num[name] = ++n; print name > names }
			out = out substr(sql, 1, RSTART - 1) "$" num[name]
			sql = substr(sql, RSTART + RLENGTH)
		}
		sql = out sql
		gsub(/\?/, "$", sql)
		if (match(sql, /ORDER BY[^;]*/)) {
			head = substr(sql, 1, RSTART + 8); body = substr(sql, RSTART + 9, RLENGTH - 9)
			rest = substr(sql, RSTART + RLENGTH)
			sql = head order_terms(body) rest
		}
		printf "%s", sql
	}' "$1"
}

# ---- one corpus -----------------------------------------------------------

passed=0
failed=0
fail() { failed=$((failed + 1)); echo "pgcheck: FAIL $*"; }

# Parameter values: a name's value in the current run.
value_of() {
	case $1 in
	as_of|to) echo "$AS_OF" ;;
	from) echo "$FROM" ;;
	*) echo "pgcheck: no value for :$1" >&2; echo 0 ;;
	esac
}

check_corpus() {   # label, database
	label=$1 db=$2
	$PSQL -d postgres -c "DROP DATABASE IF EXISTS pirx" -c "CREATE DATABASE pirx" || die "cannot create a database"
	translate_schema queries/schema.sql > "$WORK/schema.sql"
	if $PSQL -d pirx -f "$WORK/schema.sql" 2>"$WORK/err"; then passed=$((passed + 1))
	else fail "$label: schema.sql: $(cat "$WORK/err")"; return; fi

	for t in $(sqlite3 "$db" "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"); do
		sqlite3 -csv -nullvalue '\N' "$db" "SELECT * FROM $t ORDER BY rowid" > "$WORK/table.csv"
		$PSQL -d pirx -c "\\copy $t FROM '$WORK/table.csv' WITH (FORMAT csv, NULL '\\N')" 2>"$WORK/err" ||
			{ fail "$label: copying table $t: $(cat "$WORK/err")"; return; }
	done
	translate_indexes queries/indexes.sql > "$WORK/indexes.sql"
	if $PSQL -d pirx -f "$WORK/indexes.sql" 2>"$WORK/err"; then passed=$((passed + 1))
	else fail "$label: indexes.sql: $(cat "$WORK/err")"; fi

	for q in queries/insert_*.sql; do
		translate_query "$q" "$WORK/names" > "$WORK/q.sql"
		if { echo "BEGIN; PREPARE q AS"; cat "$WORK/q.sql"; echo "ROLLBACK;"; } |
		   $PSQL -d pirx 2>"$WORK/err"; then passed=$((passed + 1))
		else fail "$label: $q does not prepare: $(cat "$WORK/err")"; fi
	done

	span=$(sqlite3 "$db" "SELECT min(started_at), max(started_at) FROM incidents")
	lo=${span%|*} hi=${span#*|}
	# as-of after the last incident (every row), then half way (the filters).
	for AS_OF in $((hi + 1)) $(( (lo + hi) / 2 )); do
		FROM=$((AS_OF - 90 * 86400))
		for q in queries/*.sql; do
			case $q in */schema.sql|*/indexes.sql|*/insert_*.sql) continue ;; esac
			: > "$WORK/names"
			translate_query "$q" "$WORK/names" > "$WORK/q.sql"
			args="" sets=""
			for name in $(cat "$WORK/names"); do
				v=$(value_of "$name")
				args="$args${args:+, }$v"
				sets="$sets.parameter set :$name $v
"
			done
			{ printf '%s' "$sets"; cat "$q"; } |
				sqlite3 -list -separator '|' -nullvalue '\N' "$db" > "$WORK/sqlite.out" 2>"$WORK/err" ||
				{ fail "$label: $q on SQLite: $(cat "$WORK/err")"; continue; }
			{ echo "PREPARE q AS"; cat "$WORK/q.sql"; echo "EXECUTE q${args:+($args)};"; } |
				$PSQL -d pirx -A -t -F '|' -P null='\N' > "$WORK/pg.out" 2>"$WORK/err" ||
				{ fail "$label: $q (as of $AS_OF) on PostgreSQL: $(cat "$WORK/err")"; continue; }
			# Without ORDER BY a query promises no order: compare the rows.
			if ! grep -q 'ORDER BY' "$WORK/q.sql"; then
				sort -o "$WORK/sqlite.out" "$WORK/sqlite.out"
				sort -o "$WORK/pg.out" "$WORK/pg.out"
			fi
			if cmp -s "$WORK/sqlite.out" "$WORK/pg.out"; then
				passed=$((passed + 1))
			else
				fail "$label: $q (as of $AS_OF): PostgreSQL's rows differ from SQLite's"
				diff "$WORK/sqlite.out" "$WORK/pg.out" | head -n 6
			fi
			rows=$(wc -l < "$WORK/sqlite.out")
			[ -n "${VERBOSE:-}" ] && echo "  $label $(basename "$q") as of $AS_OF: $rows rows"
		done
	done
}

"$PIRX" load data/sample --db "$WORK/sample.db" 2>/dev/null || die "pirx load data/sample failed"
check_corpus data/sample "$WORK/sample.db"

"$PIRX" gen --out "$WORK/gen" --incidents 2000 --seed 7 2>/dev/null || die "pirx gen failed"
"$PIRX" load "$WORK/gen" --db "$WORK/gen.db" 2>/dev/null || die "pirx load of the generated corpus failed"
check_corpus "gen 2000" "$WORK/gen.db"

"$PIRX" load tests/e2e/0005-skip-invalid-rejects/input/corpus --skip-invalid --db "$WORK/rejects.db" 2>/dev/null ||
	die "pirx load of the rejects corpus failed"
check_corpus "rejected rows" "$WORK/rejects.db"

echo "pgcheck: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
