/*
 * cmd_query: `pirx query NAME` runs one embedded queries/NAME.sql against a
 * loaded database, binds --param values by name and prints the rows as CSV
 * (the same writer as every report file). `--list` names the queries.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pirx/cmd.h"
#include "pirx/csvio.h"
#include "pirx/db.h"
#include "pirx/embed.h"
#include "pirx/err.h"
#include "pirx/mem.h"

/* The first comment line of a query file, without its "-- name:" lead. */
static void print_summary(const struct pirx_embed *q)
{
	const char *s = q->text;
	const char *end;

	while (*s == ' ' || *s == '\n')
		s++;
	if (strncmp(s, "--", 2) != 0) {
		printf("%s\n", q->name);
		return;
	}
	s += 2;
	while (*s == ' ')
		s++;
	end = strchr(s, '\n');
	if (!end)
		end = s + strlen(s);
	printf("%-28s %.*s\n", q->name, (int)(end - s), s);
}

static int list_queries(void)
{
	for (const struct pirx_embed *q = pirx_embedded_queries; q->name; q++)
		if (strcmp(q->name, "schema") != 0 && strcmp(q->name, "indexes") != 0)
			print_summary(q);
	return PIRX_EXIT_OK;
}

int pirx_cmd_query(int argc, char **argv)
{
	static const struct option opts[] = {
		{"db", required_argument, NULL, 'd'},
		{"param", required_argument, NULL, 'p'},
		{"list", no_argument, NULL, 'l'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}
	};
	const char *dbpath = "pirx.db";
	char **params = pirx_xcalloc((size_t)argc + 1, sizeof(char *));
	int nparams = 0, list = 0, c, rc = PIRX_EXIT_FAIL;
	struct pirx_err err;
	pirx_db *db = NULL;
	pirx_stmt *st = NULL;
	pirx_csvw *w = NULL;
	int step;

	pirx_err_clear(&err);
	optind = 1;
	while ((c = getopt_long(argc, argv, "d:p:lh", opts, NULL)) != -1) {
		switch (c) {
		case 'd': dbpath = optarg; break;
		case 'p': params[nparams++] = optarg; break;
		case 'l': list = 1; break;
		case 'h': rc = pirx_cmd_usage("query"); rc = PIRX_EXIT_OK; goto out;
		default: rc = pirx_cmd_usage("query"); goto out;
		}
	}
	if (list) {
		rc = list_queries();
		goto out;
	}
	if (optind != argc - 1) {
		rc = pirx_cmd_usage("query");
		goto out;
	}
	if (!pirx_embed_find(pirx_embedded_queries, argv[optind])) {
		fprintf(stderr, "pirx: no query named '%s'; 'pirx query --list' shows them\n", argv[optind]);
		rc = PIRX_EXIT_USAGE;
		goto out;
	}
	if (pirx_db_open(dbpath, PIRX_DB_READ, &db, &err) || pirx_db_check_schema(db, &err) ||
	    pirx_db_prepare(db, argv[optind], &st, &err)) {
		pirx_cmd_print_err(&err);
		rc = pirx_err_exit_code(err.code);
		goto out;
	}
	for (int i = 0; i < nparams; i++) {
		char *eq = strchr(params[i], '=');
		if (!eq || eq == params[i]) {
			fprintf(stderr, "pirx: --param '%s': expected KEY=VALUE\n", params[i]);
			rc = PIRX_EXIT_USAGE;
			goto out;
		}
		*eq = '\0';
		if (pirx_stmt_bind_named(st, params[i], eq + 1) != 0) {
			fprintf(stderr, "pirx: query '%s' has no parameter '%s'\n", argv[optind], params[i]);
			rc = PIRX_EXIT_USAGE;
			goto out;
		}
	}
	w = pirx_csvw_from_stream(stdout, "standard output");
	for (int i = 0; i < pirx_stmt_columns(st); i++)
		pirx_csvw_text(w, pirx_stmt_column_name(st, i));
	pirx_csvw_end_row(w);
	while ((step = pirx_stmt_step(st, &err)) == 1) {
		int n = pirx_stmt_columns(st);
		for (int i = 0; i < n; i++) {
			switch (pirx_stmt_type(st, i)) {
			case PIRX_COL_NULL: pirx_csvw_empty(w); break;
			case PIRX_COL_INT: pirx_csvw_int(w, pirx_stmt_int64(st, i)); break;
			case PIRX_COL_REAL: pirx_csvw_fixed(w, pirx_stmt_double(st, i), 4); break;
			default: pirx_csvw_text(w, pirx_stmt_text(st, i)); break;
			}
		}
		pirx_csvw_end_row(w);
	}
	if (step < 0) {
		pirx_cmd_print_err(&err);
		rc = PIRX_EXIT_FAIL;
		goto out;
	}
	rc = PIRX_EXIT_OK;
out:
	if (pirx_csvw_close(w, &err) != 0 && rc == PIRX_EXIT_OK) {
		pirx_cmd_print_err(&err);
		rc = PIRX_EXIT_FAIL;
	}
	pirx_stmt_finalize(st);
	pirx_db_close(db);
	free(params);
	return rc;
}
