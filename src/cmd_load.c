/*
 * cmd_load: `pirx load CORPUS_DIR [--db FILE] [--skip-invalid]`.
 *
 * All or nothing: the new database is built in a scratch file beside the
 * target (".NAME.tmp-XXXXXX") and renamed over it only when the whole
 * corpus loaded; on invalid input, failure or a kill the target keeps its
 * old bytes. rejects.csv (with --skip-invalid) is written the same way.
 * Validation and the rows themselves are the corpus module's, and so are
 * the corpus's pirx-mapping.csv and a folder of Markdown reviews given as
 * CORPUS_DIR (converted into a scratch directory, problems located at the
 * .md files): this file prints their problems like any other.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pirx/cmd.h"
#include "pirx/corpus.h"
#include "pirx/csvio.h"
#include "pirx/db.h"
#include "pirx/err.h"
#include "pirx/fsutil.h"

#define MAX_SHOWN 100

struct shown {
	long problems;
	int tty;
	pirx_fs_flusher *flusher;   /* writes the database back as it grows */
};

static void on_problem(void *ctx, const struct pirx_err *e)
{
	struct shown *s = ctx;

	if (s->problems++ < MAX_SHOWN)
		pirx_cmd_print_err(e);
}

static void on_warning(void *ctx, const struct pirx_err *e)
{
	char buf[1200];

	(void)ctx;
	fprintf(stderr, "pirx: warning: %s\n", pirx_err_format(e, buf, sizeof(buf)));
}

/* After each corpus file: the rows it added go back to disk while the
 * next file loads; then progress for long loads, on a terminal or when a
 * file took a while. */
static void on_file(void *ctx, const char *file, long rows, double seconds)
{
	struct shown *s = ctx;

	pirx_fs_flusher_kick(s->flusher);
	if (s->tty || seconds >= 1.0)
		fprintf(stderr, "pirx: %s: %ld rows in %.1f s\n", file, rows, seconds);
}

static void print_more(const struct shown *s)
{
	if (s->problems > MAX_SHOWN)
		fprintf(stderr, "pirx: ... and %ld more problems (%ld in total)\n",
			s->problems - MAX_SHOWN, s->problems);
}

/* "1234 incidents, 3021 factors, ..." for the files that were present. */
static void counts(const struct pirx_corpus_stats *st, char *out, size_t n)
{
	size_t used = 0;

	out[0] = '\0';
	for (int f = 0; f < PIRX_CF_COUNT && used < n; f++) {
		if (!st->present[f])
			continue;
		used += (size_t)snprintf(out + used, n - used, "%s%ld %s", used ? ", " : "",
					 st->loaded[f], pirx_corpus_file_noun(f, st->loaded[f]));
	}
}

static void absent(const struct pirx_corpus_stats *st, char *out, size_t n)
{
	size_t used = 0;

	out[0] = '\0';
	for (int f = 0; f < PIRX_CF_COUNT && used < n; f++)
		if (!st->present[f])
			used += (size_t)snprintf(out + used, n - used, "%s%s", used ? ", " : "",
						 pirx_corpus_file_name(f));
}

/* Scratch files to remove when interrupted (SIGINT, SIGTERM, SIGHUP); a
 * kill -9 leaves them behind, harmless, and the target is intact anyway. */
static char *volatile scratch[2];

static void on_signal(int sig)
{
	for (int i = 0; i < 2; i++)
		if (scratch[i])
			unlink(scratch[i]);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

/* New files get the mode a plain create would give (mkstemp makes 0600);
 * an existing database keeps its own. */
static void set_mode(const char *tmp, const char *target)
{
	struct stat sb;
	mode_t mask;

	if (stat(target, &sb) == 0) {
		chmod(tmp, sb.st_mode & 07777);
		return;
	}
	mask = umask(0);
	umask(mask);
	chmod(tmp, 0666 & ~mask);
}

int pirx_cmd_load(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"db", required_argument, NULL, 'd'},
		{"skip-invalid", no_argument, NULL, 's'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}
	};
	const char *db_path = "pirx.db";
	const char *dir;
	int skip = 0, c;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': db_path = optarg; break;
		case 's': skip = 1; break;
		case 'h': return pirx_cmd_usage("load");
		default:
			fprintf(stderr, "pirx: load: unknown option or missing value: '%s'\n",
				argv[optind - 1]);
			return pirx_cmd_usage("load");
		}
	}
	if (argc - optind != 1) {
		fprintf(stderr, "pirx: load: %s\n", argc - optind < 1 ? "missing CORPUS_DIR"
			: "expected one CORPUS_DIR");
		return pirx_cmd_usage("load");
	}
	dir = argv[optind];
	if (!db_path[0]) {
		fprintf(stderr, "pirx: load: --db needs a file name\n");
		return pirx_cmd_usage("load");
	}
	return pirx_cmd_load_corpus(dir, db_path, skip, 0);
}

int pirx_cmd_load_corpus(const char *dir, const char *db_path, int skip, int scratch_db)
{
	int rc, code = PIRX_EXIT_FAIL;
	char *tmp = NULL, *rej_path = NULL, *rej_tmp = NULL, *dbdir = NULL;
	pirx_db *db = NULL;
	pirx_csvw *rej = NULL;
	struct pirx_err err;
	struct pirx_corpus_stats st;
	struct pirx_corpus_opts opts;
	struct shown shown = {0, isatty(2), NULL};
	char list[512], miss[200];

	pirx_err_clear(&err);
	if (!pirx_fs_is_dir(dir)) {
		fprintf(stderr, "pirx: %s: %s\n", dir, pirx_fs_exists(dir)
			? "not a directory; expected a corpus directory" : "no such corpus directory");
		return PIRX_EXIT_INPUT;
	}
	if (pirx_fs_is_dir(db_path)) {
		fprintf(stderr, "pirx: %s: is a directory; --db needs a file name\n", db_path);
		return PIRX_EXIT_USAGE;
	}
	catch_signals();
	if (!(tmp = pirx_fs_temp_file_beside(db_path, &err)))
		goto fail;
	scratch[0] = tmp;
	if (pirx_db_open(tmp, PIRX_DB_BULK, &db, &err) != 0)
		goto fail;
	shown.flusher = pirx_fs_flusher_start(tmp);
	if (skip) {
		dbdir = pirx_fs_dirname(db_path);
		rej_path = pirx_fs_join(dbdir, "rejects.csv");
		if (!(rej_tmp = pirx_fs_temp_file_beside(rej_path, &err)))
			goto fail;
		scratch[1] = rej_tmp;
		if (pirx_csvw_open(rej_tmp, &rej, &err) != 0)
			goto fail;
	}
	memset(&opts, 0, sizeof(opts));
	opts.db = db;
	opts.skip_invalid = skip;
	opts.rejects = rej;
	opts.hooks.ctx = &shown;
	opts.hooks.problem = on_problem;
	opts.hooks.warning = on_warning;
	opts.hooks.file_done = on_file;
	rc = pirx_corpus_load(dir, &opts, &st, &err);
	pirx_db_close(db);
	db = NULL;
	if (rc == PIRX_EINPUT) {
		print_more(&shown);
		if (scratch_db)
			fprintf(stderr, "pirx: %s; nothing was written\n", err.msg);
		else
			fprintf(stderr, "pirx: %s; %s was left unchanged\n", err.msg, db_path);
		code = PIRX_EXIT_INPUT;
		goto out;
	}
	if (rc != 0)
		goto fail;
	if (rej) {
		rc = pirx_csvw_close(rej, &err);
		rej = NULL;
		if (rc != 0)
			goto fail;
	}
	rc = pirx_fs_flusher_stop(shown.flusher, NULL, &err);
	shown.flusher = NULL;
	if (rc != 0)
		goto fail;
	set_mode(tmp, db_path);
	if (pirx_fs_replace_file(tmp, db_path, &err) != 0)
		goto fail;
	scratch[0] = NULL;
	free(tmp);
	tmp = NULL;
	if (rej_tmp) {
		set_mode(rej_tmp, rej_path);
		if (pirx_fs_replace_file(rej_tmp, rej_path, &err) != 0)
			goto fail;
		scratch[1] = NULL;
		free(rej_tmp);
		rej_tmp = NULL;
	}
	print_more(&shown);
	counts(&st, list, sizeof(list));
	if (scratch_db)
		fprintf(stderr, "pirx: loaded %s from %s\n", list, dir);
	else
		fprintf(stderr, "pirx: loaded %s into %s\n", list, db_path);
	absent(&st, miss, sizeof(miss));
	if (miss[0])
		fprintf(stderr, "pirx: not in the corpus: %s (their analyses are skipped)\n", miss);
	if (st.kept)
		fprintf(stderr, "pirx: kept %ld pair%s of times out of order (the durations they "
			"break are left out; see the data_quality table)\n", st.kept,
			st.kept == 1 ? "" : "s");
	if (skip)
		fprintf(stderr, "pirx: rejected %ld row%s with %ld problem%s; see %s\n",
			st.bad_rows, st.bad_rows == 1 ? "" : "s", st.problems,
			st.problems == 1 ? "" : "s", rej_path);
	code = PIRX_EXIT_OK;
	goto out;
fail:
	pirx_cmd_print_err(&err);
	code = pirx_err_exit_code(err.code);
	if (code == PIRX_EXIT_OK)
		code = PIRX_EXIT_FAIL;
out:
	pirx_fs_flusher_stop(shown.flusher, NULL, NULL);
	pirx_db_close(db);
	pirx_csvw_close(rej, NULL);
	if (tmp)
		unlink(tmp);
	if (rej_tmp)
		unlink(rej_tmp);
	scratch[0] = scratch[1] = NULL;
	free(tmp);
	free(rej_tmp);
	free(rej_path);
	free(dbdir);
	return code;
}
