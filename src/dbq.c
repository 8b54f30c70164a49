/*
 * dbq: insert rows queued by one thread, bound and stepped by another.
 *
 * The caller encodes each row into the batch it is filling (a tag byte per
 * item: the statement, each parameter's value, the end of the row). A full
 * batch goes to a FIFO that the writer thread empties in order; the caller
 * takes the next free batch, waiting only when all of them are queued. The
 * writer binds text straight from the batch (no copy) and returns the batch
 * when every row in it has been stepped; rows of a grouped statement are
 * stepped many at a time (run_batch). This module owns no SQL and calls
 * SQLite only through db.h.
 */
#include "pirx/dbq.h"

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "pirx/mem.h"

/* Four batches of 256 KiB: large enough that the lock is taken once per
 * thousand rows or so, small enough to stay in the caches. */
#define NBATCH 4
#define BATCH_BYTES (256 * 1024)

enum { TAG_ROW = 1, TAG_NULL, TAG_INT, TAG_TEXT, TAG_END };

enum { B_FREE, B_CALLER, B_QUEUED };

struct batch {
	char *data;
	size_t len, cap;
	int state;
};

/* A statement whose rows run PIRX_DBQ_MAX_ROWS or fewer at a time. */
struct group {
	pirx_stmt *one, *many;   /* one: NULL when the slot is free */
	int rows, params;
	int pending;             /* rows collected from the current batch */
	const char *row[PIRX_DBQ_MAX_ROWS];   /* their values, in the batch */
};

struct pirx_dbq {
	struct batch b[NBATCH];
	struct group g[PIRX_DBQ_GROUPS];   /* read by the writer, set while drained */
	int cur;                  /* the batch the caller fills */
	int threaded;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t ready;     /* to the writer: a batch is queued, or quit */
	pthread_cond_t done;      /* to the caller: a batch came back */
	int fifo[NBATCH];         /* queued batches, oldest at head */
	unsigned head, tail;
	int busy;                 /* the writer is running a batch */
	int quit;
	atomic_int failed;
	struct pirx_err err;      /* the first failed step */
};

/* ---- running rows (the writer's side) ---------------------------------- */

/* Binds the values of one row, which start at p, to parameters base + 1,
 * base + 2, ..., and NULL to the rest of its params parameters: every
 * parameter is bound before each step, so the statements are rewound
 * without clearing their bindings. Returns where the row's end tag is. */
static const char *bind_values(pirx_stmt *st, const char *p, int base, int params)
{
	int idx = base;

	for (;;) {
		int64_t v;
		size_t n;

		switch (*p++) {
		case TAG_NULL:
			pirx_stmt_bind_null(st, ++idx);
			break;
		case TAG_INT:
			memcpy(&v, p, sizeof(v));
			p += sizeof(v);
			pirx_stmt_bind_int64(st, ++idx, v);
			break;
		case TAG_TEXT:
			memcpy(&n, p, sizeof(n));
			p += sizeof(n);
			/* The batch stays unchanged until the step is done. */
			pirx_stmt_bind_text_static(st, ++idx, p, (long)n);
			p += n;
			break;
		default: /* TAG_END */
			while (idx < base + params)
				pirx_stmt_bind_null(st, ++idx);
			return p - 1;
		}
	}
}

/* Where the row whose values start at p ends (its end tag). */
static const char *skip_values(const char *p)
{
	size_t n;

	for (;;) {
		switch (*p++) {
		case TAG_NULL:
			break;
		case TAG_INT:
			p += sizeof(int64_t);
			break;
		case TAG_TEXT:
			memcpy(&n, p, sizeof(n));
			p += sizeof(n) + n;
			break;
		default:
			return p - 1;
		}
	}
}

static void step(pirx_dbq *q, pirx_stmt *st)
{
	if (pirx_stmt_step(st, &q->err) < 0)
		atomic_store(&q->failed, 1);
	pirx_stmt_rewind(st);
}

static struct group *group_of(pirx_dbq *q, const pirx_stmt *st)
{
	for (int i = 0; i < PIRX_DBQ_GROUPS; i++)
		if (q->g[i].one == st)
			return &q->g[i];
	return NULL;
}

/* Inserts a group's collected rows one by one (the rest of a batch). */
static void flush_singly(pirx_dbq *q, struct group *g)
{
	for (int i = 0; i < g->pending && !atomic_load_explicit(&q->failed, memory_order_relaxed); i++) {
		bind_values(g->one, g->row[i], 0, g->params);
		step(q, g->one);
	}
	g->pending = 0;
}

/*
 * Runs a batch. Rows of a grouped statement are collected and inserted
 * g->rows at a time by its many-row statement; the few left at the end of
 * the batch go one by one. Every table gets its rows in the order they
 * were queued; only rows of different tables may run in another order.
 */
static void run_batch(pirx_dbq *q, const struct batch *b)
{
	const char *p = b->data, *end = b->data + b->len;

	while (p < end && !atomic_load_explicit(&q->failed, memory_order_relaxed)) {
		pirx_stmt *st;
		struct group *g;

		/* *p is TAG_ROW */
		memcpy(&st, p + 1, sizeof(st));
		p += 1 + sizeof(st);
		if (!(g = group_of(q, st))) {
			p = bind_values(st, p, 0, pirx_stmt_param_count(st)) + 1;
			step(q, st);
			continue;
		}
		g->row[g->pending++] = p;
		p = skip_values(p) + 1;
		if (g->pending == g->rows) {
			for (int i = 0; i < g->rows; i++)
				bind_values(g->many, g->row[i], i * g->params, g->params);
			step(q, g->many);
			g->pending = 0;
		}
	}
	for (int i = 0; i < PIRX_DBQ_GROUPS; i++)
		flush_singly(q, &q->g[i]);
}

static void *writer(void *arg)
{
	pirx_dbq *q = arg;

	pthread_mutex_lock(&q->mu);
	for (;;) {
		int i;

		while (q->head == q->tail && !q->quit)
			pthread_cond_wait(&q->ready, &q->mu);
		if (q->head == q->tail)
			break;
		i = q->fifo[q->head++ % NBATCH];
		q->busy = 1;
		pthread_mutex_unlock(&q->mu);
		run_batch(q, &q->b[i]);
		pthread_mutex_lock(&q->mu);
		q->b[i].len = 0;
		q->b[i].state = B_FREE;
		q->busy = 0;
		pthread_cond_broadcast(&q->done);
	}
	pthread_mutex_unlock(&q->mu);
	return NULL;
}

/* ---- queuing rows (the caller's side) ---------------------------------- */

pirx_dbq *pirx_dbq_new(int threaded)
{
	pirx_dbq *q = pirx_xcalloc(1, sizeof(*q));
	sigset_t all, old;

	atomic_init(&q->failed, 0);
	pirx_err_clear(&q->err);
	q->cur = 0;
	q->b[0].state = B_CALLER;
	if (!threaded)
		return q;
	pthread_mutex_init(&q->mu, NULL);
	pthread_cond_init(&q->ready, NULL);
	pthread_cond_init(&q->done, NULL);
	/* Signals go to the caller's thread, which owns the clean-up. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	q->threaded = pthread_create(&q->thread, NULL, writer, q) == 0;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!q->threaded) {
		pthread_mutex_destroy(&q->mu);
		pthread_cond_destroy(&q->ready);
		pthread_cond_destroy(&q->done);
	}
	return q;
}

int pirx_dbq_threaded(const pirx_dbq *q)
{
	return q->threaded;
}

static void grow(struct batch *b, size_t n)
{
	size_t cap = b->cap ? b->cap : BATCH_BYTES + 4096;

	while (cap - b->len < n)
		cap *= 2;
	b->data = pirx_xrealloc(b->data, cap);
	b->cap = cap;
}

/* Appends a tag and room for n more bytes to the caller's batch; returns
 * where those n bytes go. */
static inline char *put(pirx_dbq *q, char tag, size_t n)
{
	struct batch *b = &q->b[q->cur];
	char *p;

	if (b->cap - b->len < n + 1)
		grow(b, n + 1);
	p = b->data + b->len;
	*p = tag;
	b->len += n + 1;
	return p + 1;
}

/* Hands the caller's batch to the writer (or runs it here) and takes a
 * free one. */
static void submit(pirx_dbq *q)
{
	int i;

	if (q->b[q->cur].len == 0)
		return;
	if (!q->threaded) {
		run_batch(q, &q->b[q->cur]);
		q->b[q->cur].len = 0;
		return;
	}
	pthread_mutex_lock(&q->mu);
	q->b[q->cur].state = B_QUEUED;
	q->fifo[q->tail++ % NBATCH] = q->cur;
	pthread_cond_signal(&q->ready);
	for (;;) {
		for (i = 0; i < NBATCH && q->b[i].state != B_FREE; i++)
			;
		if (i < NBATCH)
			break;
		pthread_cond_wait(&q->done, &q->mu);
	}
	q->b[i].state = B_CALLER;
	q->cur = i;
	pthread_mutex_unlock(&q->mu);
}

int pirx_dbq_group(pirx_dbq *q, pirx_stmt *one, pirx_stmt *many, int rows)
{
	struct group *g = group_of(q, one);

	if (!many) {
		if (g)
			memset(g, 0, sizeof(*g));
		return 0;
	}
	if (rows < 2 || rows > PIRX_DBQ_MAX_ROWS || (!g && !(g = group_of(q, NULL))))
		return -1;
	g->one = one;
	g->many = many;
	g->rows = rows;
	g->params = pirx_stmt_param_count(one);
	g->pending = 0;
	return 0;
}

void pirx_dbq_row(pirx_dbq *q, pirx_stmt *st)
{
	memcpy(put(q, TAG_ROW, sizeof(st)), &st, sizeof(st));
}

void pirx_dbq_text(pirx_dbq *q, const char *s, long n)
{
	size_t len = n < 0 ? strlen(s) : (size_t)n;
	char *p = put(q, TAG_TEXT, sizeof(len) + len);

	memcpy(p, &len, sizeof(len));
	memcpy(p + sizeof(len), s, len);
}

void pirx_dbq_int64(pirx_dbq *q, int64_t v)
{
	memcpy(put(q, TAG_INT, sizeof(v)), &v, sizeof(v));
}

void pirx_dbq_null(pirx_dbq *q)
{
	put(q, TAG_NULL, 0);
}

void pirx_dbq_end(pirx_dbq *q)
{
	put(q, TAG_END, 0);
	if (q->b[q->cur].len >= BATCH_BYTES)
		submit(q);
}

int pirx_dbq_failed(const pirx_dbq *q)
{
	return atomic_load_explicit(&q->failed, memory_order_relaxed);
}

int pirx_dbq_drain(pirx_dbq *q, struct pirx_err *err)
{
	submit(q);
	if (q->threaded) {
		pthread_mutex_lock(&q->mu);
		while (q->head != q->tail || q->busy)
			pthread_cond_wait(&q->done, &q->mu);
		pthread_mutex_unlock(&q->mu);
	}
	if (!atomic_load(&q->failed))
		return 0;
	if (err)
		*err = q->err;
	return PIRX_EIO;
}

void pirx_dbq_free(pirx_dbq *q)
{
	if (!q)
		return;
	pirx_dbq_drain(q, NULL);
	if (q->threaded) {
		pthread_mutex_lock(&q->mu);
		q->quit = 1;
		pthread_cond_signal(&q->ready);
		pthread_mutex_unlock(&q->mu);
		pthread_join(q->thread, NULL);
		pthread_mutex_destroy(&q->mu);
		pthread_cond_destroy(&q->ready);
		pthread_cond_destroy(&q->done);
	}
	for (int i = 0; i < NBATCH; i++)
		free(q->b[i].data);
	free(q);
}
