/*
 * cmd: the subcommands main.c dispatches to. Each parses its own options
 * (getopt_long, argv[0] is the subcommand's name), prints its own errors
 * and returns an exit code from SPEC section 5.
 */
#ifndef PIRX_CMD_H
#define PIRX_CMD_H

#define PIRX_VERSION "0.1.0"

int pirx_cmd_load(int argc, char **argv);
int pirx_cmd_check(int argc, char **argv);
int pirx_cmd_report(int argc, char **argv);
int pirx_cmd_query(int argc, char **argv);
int pirx_cmd_gen(int argc, char **argv);
int pirx_cmd_import(int argc, char **argv);

/*
 * The body of `pirx load` after option parsing: validates dir, builds the
 * database in a scratch file beside db_path and renames it into place,
 * printing problems, warnings and the summary. Returns an exit code.
 * `pirx report --corpus` loads through here too, with scratch_db set: its
 * database is a temporary file, so messages name the corpus instead.
 */
int pirx_cmd_load_corpus(const char *dir, const char *db_path, int skip_invalid,
			 int scratch_db);

/* Prints "pirx: " and an error record (location first) to stderr. */
struct pirx_err;
void pirx_cmd_print_err(const struct pirx_err *err);
/* Prints the usage line of a command to stderr; returns PIRX_EXIT_USAGE. */
int pirx_cmd_usage(const char *name);

#endif
