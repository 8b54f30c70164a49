/*
 * cmd_report: `pirx report`. Parses options, opens the database (or loads
 * --corpus into a scratch database first), runs the report pipeline and
 * prints progress on stderr and a one-line summary on stdout.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pirx/cmd.h"
#include "pirx/db.h"
#include "pirx/err.h"
#include "pirx/fsutil.h"
#include "pirx/mem.h"
#include "pirx/report.h"
#include "pirx/taxonomy.h"
#include "pirx/timefmt.h"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct progress {
	double start;
	int quiet;
};

static void on_progress(void *arg, const char *what)
{
	struct progress *p = arg;

	if (!p->quiet)
		fprintf(stderr, "pirx: [%5.1fs] %s\n", now_s() - p->start, what);
}

static int parse_u64(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!*s || *s == '-')
		return -1;
	v = strtoull(s, &end, 10);
	if (*end)
		return -1;
	*out = v;
	return 0;
}

int pirx_cmd_report(int argc, char **argv)
{
	static const struct option opts[] = {
		{"db", required_argument, NULL, 'd'},
		{"corpus", required_argument, NULL, 'c'},
		{"month", required_argument, NULL, 'm'},
		{"window", required_argument, NULL, 'w'},
		{"out", required_argument, NULL, 'o'},
		{"seed", required_argument, NULL, 's'},
		{"anonymize-responders", no_argument, NULL, 'a'},
		{"taxonomy", required_argument, NULL, 't'},
		{"quiet", no_argument, NULL, 'q'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}
	};
	struct pirx_report_opts o;
	struct pirx_report_result res;
	struct pirx_err err;
	struct progress prog;
	const char *dbpath = NULL, *corpus = NULL;
	char *scratch_db = NULL, *scratch_dir = NULL;
	pirx_db *db = NULL;
	uint64_t v;
	int c, rc;

	pirx_err_clear(&err);
	pirx_report_opts_init(&o);
	prog.start = now_s();
	prog.quiet = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': dbpath = optarg; break;
		case 'c': corpus = optarg; break;
		case 'm':
			if (pirx_month_parse(optarg, &o.month) != 0) {
				fprintf(stderr, "pirx: --month: cannot parse '%s' as YYYY-MM\n", optarg);
				return PIRX_EXIT_USAGE;
			}
			break;
		case 'w':
			if (parse_u64(optarg, &v) != 0 || v < 1 || v > 600) {
				fprintf(stderr, "pirx: --window: expected a number of months from 1 to 600, got '%s'\n", optarg);
				return PIRX_EXIT_USAGE;
			}
			o.window = (int)v;
			break;
		case 'o': o.out = optarg; break;
		case 's':
			if (parse_u64(optarg, &v) != 0) {
				fprintf(stderr, "pirx: --seed: expected a non-negative integer, got '%s'\n", optarg);
				return PIRX_EXIT_USAGE;
			}
			o.seed = v;
			break;
		case 'a': o.anonymize = 1; break;
		case 't': o.taxonomy = optarg; break;
		case 'q': prog.quiet = 1; break;
		case 'h': pirx_cmd_usage("report"); return PIRX_EXIT_OK;
		default: return pirx_cmd_usage("report");
		}
	}
	if (optind != argc || (!dbpath && !corpus) || (dbpath && corpus)) {
		if (optind == argc)
			fprintf(stderr, "pirx: report: give exactly one of --db FILE or --corpus DIR\n");
		return pirx_cmd_usage("report");
	}
	o.progress = on_progress;
	o.progress_arg = &prog;
	if (o.taxonomy && (rc = pirx_taxonomy_check(o.taxonomy, &err))) {
		pirx_cmd_print_err(&err);
		return pirx_err_exit_code(rc);
	}

	if (corpus) {
		/* Load into a scratch database that lives only for this run,
		 * exactly as `pirx load` would (same checks, same messages). */
		const char *tmpdir = getenv("TMPDIR");
		char *dir = pirx_fs_scratch_name(tmpdir && *tmpdir ? tmpdir : "/tmp", "pirx-report-");

		if (!mkdtemp(dir)) {
			perror("pirx: cannot create a scratch directory for the corpus database");
			free(dir);
			return PIRX_EXIT_FAIL;
		}
		scratch_dir = dir;
		scratch_db = pirx_fs_join(scratch_dir, "corpus.db");
		on_progress(&prog, "loading the corpus");
		if ((rc = pirx_cmd_load_corpus(corpus, scratch_db, 0, 1)) != PIRX_EXIT_OK)
			goto out;
		dbpath = scratch_db;
	}
	if ((rc = pirx_db_open(dbpath, PIRX_DB_READ, &db, &err)) == 0)
		rc = pirx_report_run(db, &o, &res, &err);
	if (rc) {
		pirx_cmd_print_err(&err);
		rc = pirx_err_exit_code(rc);
		goto out;
	}
	{
		char m[PIRX_MONTH_STRLEN];
		pirx_month_format(res.month, m);
		printf("pirx: report for %s (%ld incident%s that month) written to %s/\n", m,
		       res.incidents, res.incidents == 1 ? "" : "s", res.out);
	}
	rc = PIRX_EXIT_OK;
out:
	pirx_db_close(db);
	if (scratch_dir)
		pirx_fs_rmtree(scratch_dir);
	free(scratch_db);
	free(scratch_dir);
	return rc;
}
