/*
 * cmd_import: `pirx import KIND SOURCE --out CORPUS_DIR`.
 *
 * Options and messages only: the vendors' columns and words are import's,
 * Markdown reviews mdreview's. The corpus appears at CORPUS_DIR only when
 * the whole import succeeded (a scratch directory is swapped in).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pirx/cmd.h"
#include "pirx/err.h"
#include "pirx/fsutil.h"
#include "pirx/import.h"
#include "pirx/mapping.h"

#define MAX_SHOWN 100

struct shown {
	long problems;
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

/* "+05:30", "-0800", "0" -> minutes east of UTC; -1 on error (via *ok). */
static int parse_offset(const char *s, int *out)
{
	int sign = 1, h, m = 0;
	size_t n = strlen(s);

	if (strcmp(s, "0") == 0 || strcmp(s, "Z") == 0 || strcasecmp(s, "UTC") == 0) {
		*out = 0;
		return 0;
	}
	if (n < 3 || (s[0] != '+' && s[0] != '-'))
		return -1;
	sign = s[0] == '-' ? -1 : 1;
	if (s[1] < '0' || s[1] > '9' || s[2] < '0' || s[2] > '9')
		return -1;
	h = (s[1] - '0') * 10 + (s[2] - '0');
	s += 3;
	if (*s == ':')
		s++;
	if (*s) {
		if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9' || s[2])
			return -1;
		m = (s[0] - '0') * 10 + (s[1] - '0');
	}
	if (h > 23 || m > 59)
		return -1;
	*out = sign * (h * 60 + m);
	return 0;
}

int pirx_cmd_import(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"out", required_argument, NULL, 'o'},
		{"follow-ups", required_argument, NULL, 'f'},
		{"mapping", required_argument, NULL, 'm'},
		{"labels-as-factors", no_argument, NULL, 'l'},
		{"assume-offset", required_argument, NULL, 'z'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}
	};
	const char *out = NULL, *mapping_path = NULL;
	struct pirx_import_opts opts;
	struct pirx_import_stats st;
	struct pirx_err err;
	struct shown shown = {0};
	pirx_mapping *mapping = NULL;
	int c, kind, rc, code = PIRX_EXIT_FAIL;

	memset(&opts, 0, sizeof(opts));
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'o': out = optarg; break;
		case 'f': opts.follow_ups = optarg; break;
		case 'm': mapping_path = optarg; break;
		case 'l': opts.labels_as_factors = 1; break;
		case 'z':
			if (parse_offset(optarg, &opts.assume_offset_min) != 0) {
				fprintf(stderr, "pirx: import: --assume-offset: cannot read '%s' "
					"(expected +HH:MM or -HH:MM)\n", optarg);
				return pirx_cmd_usage("import");
			}
			break;
		case 'h': return pirx_cmd_usage("import");
		default:
			fprintf(stderr, "pirx: import: unknown option or missing value: '%s'\n",
				argv[optind - 1]);
			return pirx_cmd_usage("import");
		}
	}
	if (argc - optind != 2) {
		fprintf(stderr, "pirx: import: %s\n", argc - optind < 2 ? "missing KIND or SOURCE"
			: "expected one KIND and one SOURCE");
		return pirx_cmd_usage("import");
	}
	if ((kind = pirx_import_kind_parse(argv[optind])) < 0) {
		fprintf(stderr, "pirx: import: unknown kind '%s' (expected pagerduty, incidentio, "
			"jira or markdown)\n", argv[optind]);
		return pirx_cmd_usage("import");
	}
	if (!out || !out[0]) {
		fprintf(stderr, "pirx: import: missing --out CORPUS_DIR\n");
		return pirx_cmd_usage("import");
	}
	if (opts.follow_ups && kind != PIRX_IMPORT_INCIDENTIO) {
		fprintf(stderr, "pirx: import: --follow-ups is for incidentio exports only\n");
		return pirx_cmd_usage("import");
	}
	if (opts.labels_as_factors && kind != PIRX_IMPORT_JIRA) {
		fprintf(stderr, "pirx: import: --labels-as-factors is for jira exports only\n");
		return pirx_cmd_usage("import");
	}
	pirx_err_clear(&err);
	if (!pirx_fs_exists(argv[optind + 1])) {
		/* As pirx load does for a missing corpus: the input is refused. */
		fprintf(stderr, "pirx: %s: no such %s\n", argv[optind + 1],
			kind == PIRX_IMPORT_MARKDOWN ? "folder of reviews" : "export file");
		return PIRX_EXIT_INPUT;
	}
	if (mapping_path && pirx_mapping_load(mapping_path, &mapping, &err) != 0) {
		pirx_cmd_print_err(&err);
		code = pirx_err_exit_code(err.code);
		goto out;
	}
	opts.mapping = mapping;
	opts.hooks.ctx = &shown;
	opts.hooks.problem = on_problem;
	opts.hooks.warning = on_warning;
	rc = pirx_import_run(kind, argv[optind + 1], out, &opts, &st, &err);
	if (rc == PIRX_EINPUT && st.problems) {
		if (shown.problems > MAX_SHOWN)
			fprintf(stderr, "pirx: ... and %ld more problems (%ld in total)\n",
				shown.problems - MAX_SHOWN, shown.problems);
		fprintf(stderr, "pirx: %s; nothing was written to %s\n", err.msg, out);
		code = PIRX_EXIT_INPUT;
		goto out;
	}
	if (rc != 0) {
		pirx_cmd_print_err(&err);
		code = pirx_err_exit_code(rc);
		goto out;
	}
	{
		char list[400];
		size_t used = 0;
		list[0] = '\0';
		for (int f = 0; f < PIRX_IF_COUNT; f++)
			if (st.written[f])
				used += (size_t)snprintf(list + used, used < sizeof(list) ? sizeof(list) - used : 0,
							 "%s%s (%ld row%s)", used ? ", " : "",
							 pirx_import_file_name(f), st.rows[f],
							 st.rows[f] == 1 ? "" : "s");
		fprintf(stderr, "pirx: imported %s from %s into %s: %s\n",
			pirx_import_kind_name(kind), argv[optind + 1], out, list);
		if (st.unused_columns)
			fprintf(stderr, "pirx: %ld column%s of the export ha%s no corpus column and "
				"%s left out (docs/import.md lists what is read)\n", st.unused_columns,
				st.unused_columns == 1 ? "" : "s", st.unused_columns == 1 ? "s" : "ve",
				st.unused_columns == 1 ? "was" : "were");
	}
	code = PIRX_EXIT_OK;
out:
	pirx_mapping_free(mapping);
	return code;
}
