/*
 * plot: the gnuplot adapter (gnuplot syntax lives only here).
 *
 * A chart is a small table of rows (x, then numeric columns) and a list of
 * series drawn from its columns. pirx_plot_write puts three files in the
 * charts directory: NAME.dat (the table, tab-separated, first line the
 * column titles), NAME.gp (a script that draws NAME.svg and NAME.png from
 * NAME.dat; `gnuplot NAME.gp` inside the directory redraws them) and then
 * runs gnuplot on it as a child process, without a shell, at once or
 * later with the other charts of a batch.
 *
 * Corpus text (cluster labels, responder names, series titles) reaches
 * gnuplot only through NAME.dat, cleaned of quotes, tabs and line breaks,
 * and read as column headers or tic labels: never as script text.
 */
#ifndef PIRX_PLOT_H
#define PIRX_PLOT_H

#include "pirx/err.h"

typedef struct pirx_plot pirx_plot;

enum pirx_plot_x {
	PIRX_PLOT_X_MONTH,    /* rows start with a month index */
	PIRX_PLOT_X_NUMBER,   /* rows start with a number */
	PIRX_PLOT_X_LABEL     /* rows start with a text label (categories) */
};

enum pirx_plot_style {
	PIRX_PLOT_LINE,       /* line through col */
	PIRX_PLOT_LINEPOINTS, /* line with points */
	PIRX_PLOT_BAND,       /* shaded band between col and col2 */
	PIRX_PLOT_STEPS,      /* step function (survival curves) */
	PIRX_PLOT_STACKED,    /* stacked bars, one segment per series */
	PIRX_PLOT_BARS        /* one bar per row (labels on the x axis) */
};

/*
 * A new chart. name is the file stem ([a-z0-9_-] only; anything else is
 * replaced by '_'); ncols is the number of numeric columns each row has.
 * Free with pirx_plot_free.
 */
pirx_plot *pirx_plot_new(const char *name, enum pirx_plot_x x, int ncols);
void pirx_plot_free(pirx_plot *p);

/* Chart text written by pirx itself (not corpus text); NULL to omit. */
void pirx_plot_title(pirx_plot *p, const char *title);
void pirx_plot_labels(pirx_plot *p, const char *xlabel, const char *ylabel);
/* Log scale on y; a fixed y range (NaN for automatic). */
void pirx_plot_ylog(pirx_plot *p, int on);
void pirx_plot_yrange(pirx_plot *p, double lo, double hi);

/* Column titles, 1-based numeric column (may be corpus text). */
void pirx_plot_column(pirx_plot *p, int col, const char *title);

/* Starts a row; then pirx_plot_value once per numeric column, in order. */
void pirx_plot_row_month(pirx_plot *p, int month);
void pirx_plot_row_number(pirx_plot *p, double x);
void pirx_plot_row_label(pirx_plot *p, const char *label);
/* The next column's value; NaN means missing. */
void pirx_plot_value(pirx_plot *p, double v);

/*
 * Adds a series drawn from numeric column col (and col2 for BAND), titled
 * by the column title of col (or untitled when notitle is set).
 */
void pirx_plot_series(pirx_plot *p, enum pirx_plot_style style, int col, int col2,
		      int notitle);

/* Number of rows added so far. */
int pirx_plot_rows(const pirx_plot *p);

/*
 * Charts drawn by one gnuplot: starting gnuplot costs about as much as
 * drawing three charts, and a report draws eight. It starts with the
 * first chart, or with pirx_plot_batch_start, and draws each chart as it
 * is written, while the caller goes on; pirx_plot_batch_draw waits for
 * the last. All charts of a batch are in its directory.
 *
 * A batch started before a fork is shared: both processes hand it charts.
 * In the fork, pirx_plot_batch_draw and pirx_plot_batch_free only let go
 * of it (its charts are handed over); the process that started it draws
 * it, once the fork has let go, and so waits for every chart.
 */
typedef struct pirx_plot_batch pirx_plot_batch;

pirx_plot_batch *pirx_plot_batch_new(const char *dir);
/* Starts b's gnuplot now (its failure is reported by the draw). */
void pirx_plot_batch_start(pirx_plot_batch *b);
/* Charts waiting to be drawn. */
int pirx_plot_batch_count(const pirx_plot_batch *b);
/*
 * Waits until every chart of b is drawn (in the order they were written)
 * and empties b. Returns 0, or PIRX_EIO (gnuplot missing or failing: err
 * names the script and line gnuplot names). NULL or empty does nothing.
 * pirx_plot_batch_free of a batch not drawn stops its gnuplot.
 */
int pirx_plot_batch_draw(pirx_plot_batch *b, struct pirx_err *err);
void pirx_plot_batch_free(pirx_plot_batch *b);

/*
 * Writes NAME.dat and NAME.gp into dir, then renders NAME.svg and
 * NAME.png with gnuplot (the program named by $PIRX_GNUPLOT, default
 * "gnuplot"): now when later is NULL (or for another directory), else
 * by later's gnuplot, done when later is drawn. Returns 0, or PIRX_EIO (files not written, or
 * gnuplot missing or failing: err says which).
 */
int pirx_plot_write(pirx_plot *p, const char *dir, pirx_plot_batch *later,
		    struct pirx_err *err);

#endif
