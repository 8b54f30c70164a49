/*
 * cmd_gen: `pirx gen`, the options of the synthetic corpus generator and
 * its exit codes. The corpus itself is built by gen.c. `--phrases
 * standard|held-out|unseen` picks the factor texts' phrase bank
 * (docs/gen.md): held-out and unseen exist to score the clustering on
 * wording it was not tuned on; unseen is reserved for one scoring.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pirx/cmd.h"
#include "pirx/err.h"
#include "pirx/gen.h"
#include "pirx/timefmt.h"

static int parse_long(const char *s, long lo, long hi, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

static int bad(const char *opt, const char *val, const char *want)
{
	fprintf(stderr, "pirx: gen: %s: expected %s, got '%s'\n", opt, want, val);
	return pirx_cmd_usage("gen");
}

int pirx_cmd_gen(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"out", required_argument, NULL, 'o'},
		{"incidents", required_argument, NULL, 'n'},
		{"seed", required_argument, NULL, 's'},
		{"months", required_argument, NULL, 'm'},
		{"per-month", required_argument, NULL, 'p'},
		{"start", required_argument, NULL, 'S'},
		{"trend", required_argument, NULL, 't'},
		{"overloaded", required_argument, NULL, 'O'},
		{"no-trend-noise", no_argument, NULL, 'N'},
		{"mixed-severity", no_argument, NULL, 'M'},
		{"phrases", required_argument, NULL, 'P'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}
	};
	struct pirx_gen_opts o;
	struct pirx_gen_stats st;
	struct pirx_err err;
	const char *out = NULL;
	long v;
	int c, rc;

	pirx_gen_opts_init(&o);
	pirx_err_clear(&err);
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			out = optarg;
			break;
		case 'n':
			if (parse_long(optarg, 1, 100000000L, &v))
				return bad("--incidents", optarg, "a count 1..100000000");
			o.incidents = v;
			break;
		case 's': {
			char *end;
			errno = 0;
			unsigned long long sv = strtoull(optarg, &end, 10);
			if (errno || end == optarg || *end || optarg[0] == '-')
				return bad("--seed", optarg, "a non-negative integer");
			o.seed = (uint64_t)sv;
			break;
		}
		case 'm':
			if (parse_long(optarg, 1, 1200, &v))
				return bad("--months", optarg, "a count 1..1200");
			o.months = (int)v;
			break;
		case 'p':
			if (parse_long(optarg, 1, 1000000, &v))
				return bad("--per-month", optarg, "a count 1..1000000");
			o.per_month = (int)v;
			break;
		case 'S':
			if (pirx_month_parse(optarg, &o.start_month) != 0)
				return bad("--start", optarg, "a month as YYYY-MM");
			break;
		case 't': {
			char *end;
			errno = 0;
			o.trend_pct = strtod(optarg, &end);
			if (errno || end == optarg || *end || !(o.trend_pct > -50 && o.trend_pct < 100))
				return bad("--trend", optarg, "a percentage per month above -50 and below 100");
			break;
		}
		case 'O':
			if (parse_long(optarg, 0, 30, &v))
				return bad("--overloaded", optarg, "a count 0..30");
			o.overloaded = (int)v;
			break;
		case 'N':
			o.trend_noise = 0;
			break;
		case 'M':
			o.sev_style = PIRX_GEN_SEV_MIXED;
			break;
		case 'P':
			if (strcmp(optarg, "standard") == 0)
				o.phrases = PIRX_GEN_PHRASES_STANDARD;
			else if (strcmp(optarg, "held-out") == 0)
				o.phrases = PIRX_GEN_PHRASES_HELD_OUT;
			else if (strcmp(optarg, "unseen") == 0)
				o.phrases = PIRX_GEN_PHRASES_UNSEEN;
			else
				return bad("--phrases", optarg, "standard, held-out or unseen");
			break;
		case 'h':
			pirx_cmd_usage("gen");
			return PIRX_EXIT_OK;
		default:
			fprintf(stderr, "pirx: gen: unknown or incomplete option '%s'\n",
				argv[optind - 1]);
			return pirx_cmd_usage("gen");
		}
	}
	if (optind < argc) {
		fprintf(stderr, "pirx: gen: unexpected argument '%s'\n", argv[optind]);
		return pirx_cmd_usage("gen");
	}
	if (!out || !*out) {
		fprintf(stderr, "pirx: gen: --out DIR is required\n");
		return pirx_cmd_usage("gen");
	}
	rc = pirx_gen_write(out, &o, &st, &err);
	if (rc != 0) {
		pirx_cmd_print_err(&err);
		return pirx_err_exit_code(rc);
	}
	fprintf(stderr, "pirx: gen: wrote %ld incidents (%ld open), %ld factors, %ld action items, "
		"%ld responder rows, %ld pages, %ld people to %s\n",
		st.incidents, st.open_incidents, st.factors, st.action_items, st.responders,
		st.pages, st.roster, out);
	return PIRX_EXIT_OK;
}
