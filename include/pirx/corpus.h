/*
 * corpus: reads a corpus directory (SPEC section 2), validates every row
 * and, when given a database, writes the rows into it.
 *
 * Files are streamed through csvio one row at a time; only the sets of ids
 * (for duplicates and references) grow with the corpus. The module never
 * prints: problems, warnings and progress go to the caller's hooks, which
 * decide what to show (pirx load and pirx check print them).
 */
#ifndef PIRX_CORPUS_H
#define PIRX_CORPUS_H

#include "pirx/csvio.h"
#include "pirx/db.h"
#include "pirx/err.h"

/* The corpus files, in the order they are read. */
enum pirx_corpus_file {
	PIRX_CF_INCIDENTS,
	PIRX_CF_FACTORS,
	PIRX_CF_ACTION_ITEMS,
	PIRX_CF_RESPONDERS,
	PIRX_CF_PAGES,
	PIRX_CF_ROSTER,
	PIRX_CF_COUNT
};

/* "incidents.csv" .. "roster.csv" (static text). */
const char *pirx_corpus_file_name(int file);
/* What count rows of the file are: "incident"/"incidents", "factor"/"factors",
 * "action item(s)", "responder row(s)", "page(s)", "roster entry"/"roster entries". */
const char *pirx_corpus_file_noun(int file, long count);

struct pirx_corpus_hooks {
	void *ctx;
	/* An invalid row or file: err is located (file, line, column). */
	void (*problem)(void *ctx, const struct pirx_err *err);
	/* Something pirx ignored (an unknown column, once per column). */
	void (*warning)(void *ctx, const struct pirx_err *err);
	/* A file was read completely: its data rows and the seconds it took. */
	void (*file_done)(void *ctx, const char *file, long rows, double seconds);
};

struct pirx_corpus_opts {
	/*
	 * An empty database (a fresh PIRX_DB_BULK scratch file) to fill: the
	 * load runs schema.sql, inserts in one transaction, then indexes.sql,
	 * and commits only when the result is to be kept. NULL: validate only.
	 */
	pirx_db *db;
	/* Load the valid rows and reject the invalid ones instead of failing. */
	int skip_invalid;
	/* With skip_invalid: receives the rejects.csv header and one row per
	 * problem of a rejected row (file, line, column, problem, row). May be
	 * NULL. Borrowed. */
	pirx_csvw *rejects;
	struct pirx_corpus_hooks hooks;   /* any hook may be NULL */
};

struct pirx_corpus_stats {
	int present[PIRX_CF_COUNT];   /* 1 when the file exists */
	long rows[PIRX_CF_COUNT];     /* data rows read */
	long loaded[PIRX_CF_COUNT];   /* valid rows (written when db is set) */
	long rejected[PIRX_CF_COUNT]; /* invalid rows */
	long problems;                /* problems reported (rows may have several) */
	long bad_rows;                /* rows with at least one problem */
	long kept;                    /* pairs of times out of order, rows kept */
	int fatal;                    /* a problem --skip-invalid cannot skip
					 (missing file or column, malformed CSV) */
};

/*
 * Reads the corpus in dir. dir's pirx-mapping.csv, when present, renames
 * header columns and maps severity, priority and status words (mapping.h);
 * a bad rule is a fatal problem located in the mapping file. A dir without
 * incidents.csv that holds *.md reviews (pirx_mdreview_is_review_dir) is
 * converted into a scratch directory under $TMPDIR (or /tmp), removed
 * before returning: incidents, factors and action items come from the
 * reviews (problems located at the .md file and line, fatal even with
 * skip_invalid), responders.csv, pages.csv and roster.csv from dir.
 * Fills *stats (always). Returns:
 *   0            the corpus was loaded (or is valid, without db); with
 *                skip_invalid, invalid rows were rejected and counted;
 *   PIRX_EINPUT  the corpus is invalid (every problem went to
 *                hooks.problem; err says how many); the database was not
 *                committed and must be thrown away;
 *   PIRX_EIO     the database or a file could not be read or written (err).
 */
int pirx_corpus_load(const char *dir, const struct pirx_corpus_opts *opts,
		     struct pirx_corpus_stats *stats, struct pirx_err *err);

/*
 * Writes s[0..n) into out (size cap) as it may be quoted in a message:
 * at most about 40 bytes (cut on a character boundary, then "..."), with
 * control characters, NULs and invalid UTF-8 bytes escaped (\n, \t, \xNN).
 * Returns out.
 */
char *pirx_corpus_quote(const char *s, size_t n, char *out, size_t cap);

#endif
