/*
 * db: sqlite3 behind pirx_db and pirx_stmt. Query text comes from the
 * embedded queries/ table; the only SQL spelled out here is transaction
 * control and connection pragmas, which belong to the adapter itself.
 */
#include "pirx/db.h"

#include <ctype.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "pirx/embed.h"
#include "pirx/mem.h"

struct pirx_db {
	sqlite3 *h;
	char *path;
};

struct pirx_stmt {
	sqlite3_stmt *h;
	pirx_db *db;
	char *name;
};

static int db_fail(pirx_db *db, struct pirx_err *err, const char *what)
{
	return pirx_err_set(err, PIRX_EIO, db->path, 0, NULL, "%s: %s", what,
			    sqlite3_errmsg(db->h));
}

static int exec_plain(pirx_db *db, const char *sql, struct pirx_err *err)
{
	if (sqlite3_exec(db->h, sql, NULL, NULL, NULL) != SQLITE_OK)
		return db_fail(db, err, "database statement failed");
	return 0;
}

/*
 * Settings SQLite takes only before its first connection. Memory
 * statistics off: pirx never reads them, and keeping them takes a global
 * mutex on every allocation (the load is 4% faster without).
 */
static pthread_once_t sqlite_once = PTHREAD_ONCE_INIT;

static void configure_sqlite(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

/*
 * Read connections map a database of up to PIRX_DB_MAP_MAX bytes (about
 * 200k incidents) into memory, so that SQLite reads its pages in place
 * instead of copying each into its page cache: the 100k report is 12%
 * faster (23% without huge pages for malloc). Larger files are read as
 * before: mapped pages count in the process's resident size, and at 1M
 * incidents the two report lanes would each map 1.3 GB.
 */
static int map_if_small(pirx_db *db, struct pirx_err *err)
{
	struct stat st;
	char sql[64];

	if (stat(db->path, &st) != 0 || st.st_size > PIRX_DB_MAP_MAX)
		return 0;
	snprintf(sql, sizeof(sql), "PRAGMA mmap_size=%lld;", (long long)PIRX_DB_MAP_MAX);
	return exec_plain(db, sql, err);
}

int pirx_db_open(const char *path, enum pirx_db_mode mode, pirx_db **out,
		 struct pirx_err *err)
{
	int flags = SQLITE_OPEN_READONLY;
	pirx_db *db = pirx_xcalloc(1, sizeof(*db));
	int rc = PIRX_EIO;

	if (mode == PIRX_DB_WRITE)
		flags = SQLITE_OPEN_READWRITE;
	else if (mode == PIRX_DB_CREATE || mode == PIRX_DB_BULK)
		flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	pthread_once(&sqlite_once, configure_sqlite);
	db->path = pirx_xstrdup(path);
	if (sqlite3_open_v2(path, &db->h, flags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		rc = pirx_err_set(err, PIRX_EIO, path, 0, NULL, "cannot open database: %s",
				  db->h ? sqlite3_errmsg(db->h) : "out of memory");
		goto out;
	}
	sqlite3_extended_result_codes(db->h, 1);
	sqlite3_busy_timeout(db->h, 5000);
	if (mode == PIRX_DB_BULK) {
		/* A bulk load appends: a page it has filled is not read again
		 * until the index builds, so a small page cache (16 MiB) serves
		 * it as well as a large one and is faster: 64 MiB cost a fifth
		 * more time (fresh cache memory zeroed and faulted in, more of
		 * it written back through the kernel) and 120 MB more memory at
		 * 1M incidents. */
		if ((rc = exec_plain(db, "PRAGMA page_size=16384; PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"
				     " PRAGMA locking_mode=EXCLUSIVE; PRAGMA cache_size=-16384; PRAGMA threads=2;", err)))
			goto out;
	} else if (mode == PIRX_DB_READ) {
		/* Reports read a lot: a bigger page cache (64 MiB: a report runs
		 * two connections at once, and 128 MiB each was no faster at 1M
		 * incidents) and temp tables in memory. */
		if ((rc = exec_plain(db, "PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY;", err)))
			goto out;
		if ((rc = map_if_small(db, err)))
			goto out;
	}
	*out = db;
	return 0;
out:
	pirx_db_close(db);
	return rc;
}

void pirx_db_close(pirx_db *db)
{
	if (!db)
		return;
	sqlite3_close(db->h);
	free(db->path);
	free(db);
}

const char *pirx_db_path(const pirx_db *db)
{
	return db->path;
}

int pirx_db_run_script(pirx_db *db, const char *name, struct pirx_err *err)
{
	const struct pirx_embed *q = pirx_embed_find(pirx_embedded_queries, name);
	char *msg = NULL;

	if (!q)
		return pirx_err_set(err, PIRX_EUSAGE, NULL, 0, NULL, "no query named '%s'", name);
	if (sqlite3_exec(db->h, q->text, NULL, NULL, &msg) != SQLITE_OK) {
		pirx_err_set(err, PIRX_EIO, q->path, 0, NULL, "script failed on %s: %s",
			     db->path, msg ? msg : sqlite3_errmsg(db->h));
		sqlite3_free(msg);
		return PIRX_EIO;
	}
	return 0;
}

int pirx_db_begin(pirx_db *db, struct pirx_err *err)
{
	return exec_plain(db, "BEGIN", err);
}

int pirx_db_commit(pirx_db *db, struct pirx_err *err)
{
	return exec_plain(db, "COMMIT", err);
}

int pirx_db_rollback(pirx_db *db)
{
	if (sqlite3_get_autocommit(db->h))
		return 0;
	return exec_plain(db, "ROLLBACK", NULL);
}

int pirx_db_user_version(pirx_db *db)
{
	sqlite3_stmt *st = NULL;
	int v = 0;

	if (sqlite3_prepare_v2(db->h, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

int pirx_db_check_schema(pirx_db *db, struct pirx_err *err)
{
	int v = pirx_db_user_version(db);

	if (v == PIRX_SCHEMA_VERSION)
		return 0;
	if (v == 0)
		return pirx_err_set(err, PIRX_EINPUT, db->path, 0, NULL,
				    "not a pirx database (no schema version); run 'pirx load' first");
	return pirx_err_set(err, PIRX_EINPUT, db->path, 0, NULL,
			    "database schema version %d, this pirx reads version %d; load the corpus again",
			    v, PIRX_SCHEMA_VERSION);
}

static int prepare(pirx_db *db, const char *name, const char *sql, pirx_stmt **out,
		   struct pirx_err *err)
{
	sqlite3_stmt *h = NULL;

	if (sqlite3_prepare_v2(db->h, sql, -1, &h, NULL) != SQLITE_OK) {
		pirx_err_set(err, PIRX_EIO, NULL, 0, NULL, "cannot prepare query '%s': %s",
			     name, sqlite3_errmsg(db->h));
		sqlite3_finalize(h);
		return PIRX_EIO;
	}
	if (!h)
		return pirx_err_set(err, PIRX_EUSAGE, NULL, 0, NULL, "query '%s' is empty", name);
	*out = pirx_xcalloc(1, sizeof(**out));
	(*out)->h = h;
	(*out)->db = db;
	(*out)->name = pirx_xstrdup(name);
	return 0;
}

int pirx_db_prepare(pirx_db *db, const char *name, pirx_stmt **out, struct pirx_err *err)
{
	const struct pirx_embed *q = pirx_embed_find(pirx_embedded_queries, name);

	if (!q)
		return pirx_err_set(err, PIRX_EUSAGE, NULL, 0, NULL, "no query named '%s'", name);
	return prepare(db, name, q->text, out, err);
}

static int word_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/* The first "VALUES" of sql that is a keyword outside comments and
 * quotes; NULL when there is none. */
static const char *find_values(const char *sql)
{
	for (const char *p = sql; *p; p++) {
		if (p[0] == '-' && p[1] == '-') {
			p += strcspn(p, "\n");
			if (!*p)
				break;
		} else if (*p == '\'' || *p == '"') {
			const char *q = strchr(p + 1, *p);
			if (!q)
				break;
			p = q;
		} else if (strncasecmp(p, "VALUES", 6) == 0 && (p == sql || !word_char(p[-1])) &&
			   !word_char(p[6])) {
			return p;
		}
	}
	return NULL;
}

/*
 * Appends the parameter tuple tuple[0..n) to b with every ?N renumbered
 * to ?(N + shift). Returns the largest N, or -1 when the tuple holds a
 * parameter that is not ?N.
 */
static int append_tuple(struct pirx_buf *b, const char *tuple, size_t n, int shift)
{
	int most = 0;

	for (size_t i = 0; i < n; i++) {
		char c = tuple[i];
		int k;
		if (c == ':' || c == '@' || c == '$')
			return -1;
		if (c != '?') {
			pirx_buf_append(b, &c, 1);
			continue;
		}
		if (i + 1 >= n || !isdigit((unsigned char)tuple[i + 1]))
			return -1;
		k = atoi(tuple + i + 1);
		if (k > most)
			most = k;
		pirx_buf_printf(b, "?%d", k + shift);
		while (i + 1 < n && isdigit((unsigned char)tuple[i + 1]))
			i++;
	}
	return most;
}

int pirx_db_prepare_rows(pirx_db *db, const char *name, int rows, pirx_stmt **out,
			 struct pirx_err *err)
{
	const struct pirx_embed *q = pirx_embed_find(pirx_embedded_queries, name);
	const char *values, *open, *close, *rest;
	struct pirx_buf b;
	int params = 0, rc;

	if (!q)
		return pirx_err_set(err, PIRX_EUSAGE, NULL, 0, NULL, "no query named '%s'", name);
	values = find_values(q->text);
	open = values ? values + 6 + strspn(values + 6, " \t\r\n") : NULL;
	close = open && *open == '(' ? strchr(open, ')') : NULL;
	rest = close ? close + 1 + strspn(close + 1, " \t\r\n;") : NULL;
	if (rows < 1 || !rest || *rest)
		return pirx_err_set(err, PIRX_EUSAGE, NULL, 0, NULL,
				    "query '%s' is not an INSERT of one VALUES row", name);
	pirx_buf_init(&b);
	pirx_buf_append(&b, q->text, (size_t)(open - q->text));
	for (int r = 0; r < rows; r++) {
		if (r)
			pirx_buf_puts(&b, ",\n       ");
		/* The first row tells how many parameters a row has. */
		rc = append_tuple(&b, open, (size_t)(close + 1 - open), r * params);
		if (rc < 1) {
			pirx_buf_release(&b);
			return pirx_err_set(err, PIRX_EUSAGE, NULL, 0, NULL,
					    rc < 0 ? "query '%s': only numbered parameters (?N) can be repeated"
						   : "query '%s' has no parameters to repeat", name);
		}
		params = rc;
	}
	rc = prepare(db, name, pirx_buf_str(&b), out, err);
	pirx_buf_release(&b);
	return rc;
}

int pirx_db_prepare_sql(pirx_db *db, const char *sql, pirx_stmt **out, struct pirx_err *err)
{
	return prepare(db, "(text)", sql, out, err);
}

void pirx_stmt_bind_text(pirx_stmt *st, int idx, const char *s, long n)
{
	sqlite3_bind_text(st->h, idx, s, (int)n, SQLITE_TRANSIENT);
}

void pirx_stmt_bind_text_static(pirx_stmt *st, int idx, const char *s, long n)
{
	sqlite3_bind_text(st->h, idx, s, (int)n, SQLITE_STATIC);
}

void pirx_stmt_bind_int64(pirx_stmt *st, int idx, int64_t v)
{
	sqlite3_bind_int64(st->h, idx, v);
}

void pirx_stmt_bind_double(pirx_stmt *st, int idx, double v)
{
	sqlite3_bind_double(st->h, idx, v);
}

void pirx_stmt_bind_null(pirx_stmt *st, int idx)
{
	sqlite3_bind_null(st->h, idx);
}

int pirx_stmt_bind_named(pirx_stmt *st, const char *name, const char *value)
{
	static const char prefixes[] = ":@$";
	char buf[256];
	int idx = 0;

	if (strchr(prefixes, name[0]))
		idx = sqlite3_bind_parameter_index(st->h, name);
	for (int i = 0; !idx && prefixes[i]; i++) {
		snprintf(buf, sizeof(buf), "%c%s", prefixes[i], name);
		idx = sqlite3_bind_parameter_index(st->h, buf);
	}
	if (!idx)
		return -1;
	sqlite3_bind_text(st->h, idx, value, -1, SQLITE_TRANSIENT);
	return 0;
}

int pirx_stmt_param_count(pirx_stmt *st)
{
	return sqlite3_bind_parameter_count(st->h);
}

const char *pirx_stmt_param_name(pirx_stmt *st, int idx)
{
	return sqlite3_bind_parameter_name(st->h, idx);
}

int pirx_stmt_step(pirx_stmt *st, struct pirx_err *err)
{
	int rc = sqlite3_step(st->h);

	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return pirx_err_set(err, PIRX_EIO, st->db->path, 0, NULL, "query '%s' failed: %s",
			    st->name, sqlite3_errmsg(st->db->h));
}

void pirx_stmt_reset(pirx_stmt *st)
{
	sqlite3_reset(st->h);
	sqlite3_clear_bindings(st->h);
}

void pirx_stmt_rewind(pirx_stmt *st)
{
	sqlite3_reset(st->h);
}

void pirx_stmt_finalize(pirx_stmt *st)
{
	if (!st)
		return;
	sqlite3_finalize(st->h);
	free(st->name);
	free(st);
}

int pirx_stmt_columns(pirx_stmt *st)
{
	return sqlite3_column_count(st->h);
}

const char *pirx_stmt_column_name(pirx_stmt *st, int col)
{
	return sqlite3_column_name(st->h, col);
}

int pirx_stmt_type(pirx_stmt *st, int col)
{
	switch (sqlite3_column_type(st->h, col)) {
	case SQLITE_INTEGER:
		return PIRX_COL_INT;
	case SQLITE_FLOAT:
		return PIRX_COL_REAL;
	case SQLITE_TEXT:
		return PIRX_COL_TEXT;
	case SQLITE_BLOB:
		return PIRX_COL_BLOB;
	default:
		return PIRX_COL_NULL;
	}
}

int pirx_stmt_is_null(pirx_stmt *st, int col)
{
	return sqlite3_column_type(st->h, col) == SQLITE_NULL;
}

int64_t pirx_stmt_int64(pirx_stmt *st, int col)
{
	return sqlite3_column_int64(st->h, col);
}

double pirx_stmt_double(pirx_stmt *st, int col)
{
	return sqlite3_column_double(st->h, col);
}

const char *pirx_stmt_text(pirx_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st->h, col);
	return t ? (const char *)t : "";
}

int pirx_stmt_bytes(pirx_stmt *st, int col)
{
	return sqlite3_column_bytes(st->h, col);
}
