/*
 * cmd_check: `pirx check CORPUS_DIR`: the validation of `pirx load`
 * without a database; it writes nothing at all. The verdict goes to
 * stdout, problems and warnings to stderr; exit 0 valid, 3 invalid.
 * CORPUS_DIR may be a folder of Markdown reviews (corpus.h); the scratch
 * files the corpus module converts them into are removed before it returns.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "pirx/cmd.h"
#include "pirx/corpus.h"
#include "pirx/err.h"
#include "pirx/fsutil.h"

#define MAX_SHOWN 100

static void on_problem(void *ctx, const struct pirx_err *e)
{
	long *n = ctx;

	if ((*n)++ < MAX_SHOWN)
		pirx_cmd_print_err(e);
}

static void on_warning(void *ctx, const struct pirx_err *e)
{
	char buf[1200];

	(void)ctx;
	fprintf(stderr, "pirx: warning: %s\n", pirx_err_format(e, buf, sizeof(buf)));
}

int pirx_cmd_check(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}
	};
	struct pirx_corpus_opts opts;
	struct pirx_corpus_stats st;
	struct pirx_err err;
	long shown = 0;
	const char *dir;
	char list[512];
	size_t used = 0;
	int c, rc;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (c != 'h')
			fprintf(stderr, "pirx: check: unknown option: '%s'\n", argv[optind - 1]);
		return pirx_cmd_usage("check");
	}
	if (argc - optind != 1) {
		fprintf(stderr, "pirx: check: %s\n", argc - optind < 1 ? "missing CORPUS_DIR"
			: "expected one CORPUS_DIR");
		return pirx_cmd_usage("check");
	}
	dir = argv[optind];
	if (!pirx_fs_is_dir(dir)) {
		fprintf(stderr, "pirx: %s: %s\n", dir, pirx_fs_exists(dir)
			? "not a directory; expected a corpus directory" : "no such corpus directory");
		return PIRX_EXIT_INPUT;
	}
	memset(&opts, 0, sizeof(opts));
	opts.hooks.ctx = &shown;
	opts.hooks.problem = on_problem;
	opts.hooks.warning = on_warning;
	pirx_err_clear(&err);
	rc = pirx_corpus_load(dir, &opts, &st, &err);
	if (rc != 0) {
		if (shown > MAX_SHOWN)
			fprintf(stderr, "pirx: ... and %ld more problems (%ld in total)\n",
				shown - MAX_SHOWN, shown);
		if (rc == PIRX_EINPUT && shown)
			fprintf(stderr, "pirx: %s\n", err.msg);
		else
			pirx_cmd_print_err(&err);
		return pirx_err_exit_code(rc);
	}
	list[0] = '\0';
	for (int f = 0; f < PIRX_CF_COUNT && used < sizeof(list); f++)
		if (st.present[f])
			used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%ld %s",
						 used ? ", " : "", st.loaded[f], pirx_corpus_file_noun(f, st.loaded[f]));
	printf("pirx: corpus is valid: %s", list);
	if (st.kept)
		printf(" (%ld pair%s of times out of order will be kept, their durations left out)",
		       st.kept, st.kept == 1 ? "" : "s");
	printf("\n");
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "pirx: cannot write to standard output\n");
		return PIRX_EXIT_FAIL;
	}
	return PIRX_EXIT_OK;
}
