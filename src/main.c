/*
 * main: the command table, `pirx help` and `pirx --version`. Everything a
 * command does lives in its src/cmd_<name>.c.
 */
#include <stdio.h>
#include <string.h>

#include "pirx/cmd.h"
#include "pirx/err.h"
#include "pirx/mem.h"

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *usage;
	const char *summary;
};

static const struct command commands[] = {
	{"load", pirx_cmd_load, "pirx load CORPUS_DIR [--db FILE] [--skip-invalid]",
	 "validate a corpus and load it into a SQLite database (default ./pirx.db)"},
	{"check", pirx_cmd_check, "pirx check CORPUS_DIR",
	 "validate a corpus and write nothing"},
	{"report", pirx_cmd_report,
	 "pirx report (--db FILE | --corpus DIR) [--month YYYY-MM] [--window N]\n"
	 "            [--out DIR] [--seed N] [--anonymize-responders] [--taxonomy FILE]\n"
	 "            [--quiet]",
	 "compute the monthly learning report: CSV files, charts, report.md/html"},
	{"query", pirx_cmd_query, "pirx query NAME [--db FILE] [--param KEY=VALUE ...] | pirx query --list",
	 "run a named query from queries/ and print CSV"},
	{"gen", pirx_cmd_gen, "pirx gen --out DIR [--incidents N] [--seed N] [--months N] [--per-month N]\n"
	 "         [--start YYYY-MM] [--trend PCT] [--no-trend-noise] [--overloaded N] [--mixed-severity]\n"
	 "         [--phrases standard|held-out|unseen]",
	 "write a seeded synthetic corpus (demos, tests, benchmarks)"},
	{"import", pirx_cmd_import, "pirx import KIND SOURCE --out CORPUS_DIR [--follow-ups FILE] [--mapping FILE]\n"
	 "            [--labels-as-factors] [--assume-offset +HH:MM]",
	 "turn a tool's export or Markdown reviews into a corpus (pagerduty, incidentio, jira, markdown)"},
	{NULL, NULL, NULL, NULL}
};

static const struct command *find(const char *name)
{
	for (const struct command *c = commands; c->name; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

int pirx_cmd_usage(const char *name)
{
	const struct command *c = find(name);

	if (c)
		fprintf(stderr, "usage: %s\n", c->usage);
	return PIRX_EXIT_USAGE;
}

void pirx_cmd_print_err(const struct pirx_err *err)
{
	char buf[1200];

	fprintf(stderr, "pirx: %s\n", pirx_err_format(err, buf, sizeof(buf)));
}

static int help(FILE *out, const char *name)
{
	if (name) {
		const struct command *c = find(name);
		if (!c) {
			fprintf(stderr, "pirx: no command named '%s'; see 'pirx help'\n", name);
			return PIRX_EXIT_USAGE;
		}
		fprintf(out, "usage: %s\n\n%s\n", c->usage, c->summary);
		return PIRX_EXIT_OK;
	}
	fprintf(out, "usage: pirx COMMAND [ARGS]\n\n"
		"pirx reads a corpus of post-incident reviews and reports what no single\n"
		"review shows: recurring failure patterns, detection and recovery trends,\n"
		"action-item follow-through and responder load.\n\ncommands:\n");
	for (const struct command *c = commands; c->name; c++)
		fprintf(out, "  %-8s %s\n", c->name, c->summary);
	fprintf(out, "\n'pirx help COMMAND' shows a command's options.\n"
		"exit codes: 0 ok, 1 run failed, 2 usage error, 3 invalid input refused\n");
	return PIRX_EXIT_OK;
}

int main(int argc, char **argv)
{
	const struct command *c;
	int rc;

	if (argc < 2)
		return help(stderr, NULL) == PIRX_EXIT_OK ? PIRX_EXIT_USAGE : PIRX_EXIT_USAGE;
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
		printf("pirx %s\n", PIRX_VERSION);
		rc = PIRX_EXIT_OK;
	} else if (strcmp(argv[1], "help") == 0 || strcmp(argv[1], "--help") == 0 ||
		   strcmp(argv[1], "-h") == 0) {
		rc = help(stdout, argc > 2 ? argv[2] : NULL);
	} else if ((c = find(argv[1]))) {
		/* Only a command that runs pays for the second start. */
		pirx_mem_use_huge_pages(argv);
		pirx_mem_tune_malloc();
		rc = c->fn(argc - 1, argv + 1);
	} else {
		fprintf(stderr, "pirx: no command named '%s'; see 'pirx help'\n", argv[1]);
		return PIRX_EXIT_USAGE;
	}
	if (fclose(stdout) != 0 && rc == PIRX_EXIT_OK) {
		fprintf(stderr, "pirx: cannot write to standard output\n");
		rc = PIRX_EXIT_FAIL;
	}
	return rc;
}
