/*
 * gen: the seeded synthetic corpus generator behind `pirx gen`.
 *
 * Writes a whole corpus (SPEC section 2: incidents.csv, factors.csv,
 * action_items.csv, responders.csv, pages.csv, roster.csv) plus the ground
 * truth factor_modes.csv that says which failure mode each factor text
 * paraphrases. The same options (seed included) always give byte-identical
 * files; nothing depends on the clock, the locale or TZ. docs/gen.md
 * describes the distributions.
 */
#ifndef PIRX_GEN_H
#define PIRX_GEN_H

#include <stdint.h>

#include "pirx/err.h"

/* Which phrase bank factor texts come from (src/gen_text.c). */
enum pirx_gen_phrases {
	PIRX_GEN_PHRASES_STANDARD,  /* the bank the clustering was tuned on (default) */
	PIRX_GEN_PHRASES_HELD_OUT,  /* written blind to the taxonomy; since tuned on too */
	PIRX_GEN_PHRASES_UNSEEN     /* written blind to everything, scored once */
};

/* How severities are written in incidents.csv. */
enum pirx_gen_sev_style {
	PIRX_GEN_SEV_SEVN,    /* SEV1..SEV5 (default) */
	PIRX_GEN_SEV_MIXED    /* a mix of SEVn, Pn, n and words, per row */
};

struct pirx_gen_opts {
	uint64_t seed;          /* default 1 */
	long incidents;         /* total incidents; 0: months * per_month */
	int per_month;          /* mean incidents a month when incidents == 0 (70) */
	int start_month;        /* month index of the first month (2025-01) */
	int months;             /* span in months (18) */
	double trend_pct;       /* % change of the median ttr per month (0) */
	int trend_noise;        /* 1: each month's medians wobble (default 1) */
	int overloaded;         /* responders carrying far more load (0) */
	enum pirx_gen_sev_style sev_style;
	enum pirx_gen_phrases phrases; /* bank of the factor texts (standard);
				    * the rest of the corpus is the same
				    * whichever it is */
};

/* What pirx_gen_write wrote: row counts per file. */
struct pirx_gen_stats {
	long incidents, open_incidents, factors, action_items, responders,
	     pages, roster;
};

/* Fills *o with the defaults listed above. */
void pirx_gen_opts_init(struct pirx_gen_opts *o);

/*
 * Writes the corpus into the directory dir (created with its parents when
 * missing). Each file is written beside its target under a scratch name
 * and renamed into place only when every file is complete, so a failed run
 * leaves the previous files; other files in dir are left alone. Fills
 * *stats when not NULL. Returns 0, PIRX_EUSAGE for impossible options
 * (months < 1, overloaded larger than the roster, ...) or PIRX_EIO, with
 * err set.
 */
int pirx_gen_write(const char *dir, const struct pirx_gen_opts *o,
		   struct pirx_gen_stats *stats, struct pirx_err *err);

/*
 * The generator's random stream (xoshiro256**, seeded through splitmix64):
 * its own rather than GSL's so that the corpus bytes never change with a
 * library version. Open so that callers can keep one on the stack.
 */
struct pirx_gen_rng {
	uint64_t s[4];
};

void pirx_gen_rng_seed(struct pirx_gen_rng *r, uint64_t seed);
uint64_t pirx_gen_rng_next(struct pirx_gen_rng *r);
/* Uniform on [0, 1). */
double pirx_gen_rng_uniform(struct pirx_gen_rng *r);
/* Uniform integer in [0, n), n > 0. */
uint32_t pirx_gen_rng_below(struct pirx_gen_rng *r, uint32_t n);
/* Standard normal draw (Box-Muller). */
double pirx_gen_rng_normal(struct pirx_gen_rng *r);

/*
 * The factor phrase bank (src/gen_text.c): failure modes, each with a
 * category and many independently written paraphrase templates.
 */
int pirx_gen_mode_count(void);
/* Stable snake_case name of mode m ("cert_expiry"), as in factor_modes.csv. */
const char *pirx_gen_mode_name(int m);
/* "technical", "process", "communication" or "external". */
const char *pirx_gen_mode_category(int m);
/* Relative frequency weight of mode m (> 0). */
double pirx_gen_mode_weight(int m);
/* How an incident this mode triggered is usually mitigated ("rolling back
 * the release"); NULL for modes that do not trigger incidents. */
const char *pirx_gen_mode_fix(int m);
/* 1 when mode m can trigger an incident (technical or external). */
int pirx_gen_mode_is_trigger(int m);

/*
 * Writes one paraphrase of mode m from the standard bank into out (size n,
 * always NUL-terminated, at most n - 1 bytes), mentioning service and
 * other_service where a template asks, with numbers, now and then an
 * abbreviation or a typo. Returns the length written.
 */
int pirx_gen_factor_text(struct pirx_gen_rng *r, int m, const char *service,
			 const char *other_service, char *out, int n);
/* The same from the given bank; the standard bank draws exactly as
 * pirx_gen_factor_text does. */
int pirx_gen_factor_text_from(struct pirx_gen_rng *r, enum pirx_gen_phrases bank,
			      int m, const char *service, const char *other_service,
			      char *out, int n);
/* How many templates mode m has in bank (0 for an unknown mode), and the
 * k-th of them unfilled, slots and all ("the TLS cert on {s} expired");
 * NULL when k is out of range. Static strings. */
int pirx_gen_template_count(enum pirx_gen_phrases bank, int m);
const char *pirx_gen_template(enum pirx_gen_phrases bank, int m, int k);

#endif
