/*
 * gen: builds a synthetic corpus, row by row, straight into six CSV files
 * (and the ground truth factor_modes.csv). Only the sorted start instants
 * are held in memory (8 bytes an incident); every other value is drawn,
 * formatted into a large output buffer and forgotten, so a million
 * incidents take seconds and a few megabytes.
 *
 * Randomness comes from three independent xoshiro256** streams: one for
 * start instants, one for durations (a fixed number of draws per incident,
 * so that changing --trend moves only the durations and nothing else), and
 * one for everything else. The phrase bank lives in gen_text.c. The
 * distributions are documented in docs/gen.md.
 */
#include "pirx/gen.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "pirx/fsutil.h"
#include "pirx/mem.h"
#include "pirx/timefmt.h"

/* ---- random stream ---------------------------------------------------- */

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void pirx_gen_rng_seed(struct pirx_gen_rng *r, uint64_t seed)
{
	uint64_t x = seed;

	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&x);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t pirx_gen_rng_next(struct pirx_gen_rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

double pirx_gen_rng_uniform(struct pirx_gen_rng *r)
{
	return (double)(pirx_gen_rng_next(r) >> 11) * 0x1.0p-53;
}

uint32_t pirx_gen_rng_below(struct pirx_gen_rng *r, uint32_t n)
{
	return (uint32_t)(((pirx_gen_rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

double pirx_gen_rng_normal(struct pirx_gen_rng *r)
{
	double u1 = 1.0 - pirx_gen_rng_uniform(r);   /* (0, 1]: log is finite */
	double u2 = pirx_gen_rng_uniform(r);

	return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

void pirx_gen_opts_init(struct pirx_gen_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->seed = 1;
	o->per_month = 70;
	o->start_month = 2025 * 12;
	o->months = 18;
	o->trend_noise = 1;
	o->sev_style = PIRX_GEN_SEV_SEVN;
	o->phrases = PIRX_GEN_PHRASES_STANDARD;
}

/* ---- the fictional organisation --------------------------------------- */

struct team {
	const char *name;
	const char *tz;
};

static const struct team teams[] = {
	{"payments", "Europe/Berlin"},
	{"checkout", "America/New_York"},
	{"identity", "America/Los_Angeles"},
	{"platform", "UTC"},
	{"data", "Asia/Kolkata"},
	{"search", "Europe/Berlin"},
	{"messaging", "Australia/Sydney"},
	{"storefront", "America/New_York"},
};
#define NTEAMS ((int)(sizeof(teams) / sizeof(teams[0])))

struct service {
	const char *name;
	int team;
	double weight;   /* how incident-prone */
};

static const struct service services[] = {
	{"payments-api", 0, 9}, {"billing-worker", 0, 4}, {"ledger-db", 0, 3},
	{"checkout-web", 1, 8}, {"cart-service", 1, 5}, {"pricing-api", 1, 3},
	{"auth-service", 2, 7}, {"sso-gateway", 2, 3}, {"user-profile", 2, 2},
	{"edge-lb", 3, 5}, {"k8s-ingress", 3, 6}, {"service-mesh", 3, 3}, {"ci-runner", 3, 2},
	{"events-pipeline", 4, 6}, {"warehouse-etl", 4, 4}, {"kafka-cluster", 4, 4},
	{"search-api", 5, 5}, {"indexer", 5, 3},
	{"notifications", 6, 5}, {"email-sender", 6, 3}, {"push-gateway", 6, 2},
	{"catalog-api", 7, 6}, {"image-resizer", 7, 2}, {"recommendations", 7, 3},
	{"inventory-sync", 7, 4},
};
#define NSERVICES ((int)(sizeof(services) / sizeof(services[0])))

/* IANA zones and their standard offsets in minutes (DST is ignored: the
 * offset only shapes when overloaded people get paged). */
static const struct {
	const char *tz;
	int off_min;
} zones[] = {
	{"Europe/Berlin", 60}, {"America/New_York", -300}, {"America/Los_Angeles", -480},
	{"UTC", 0}, {"Asia/Kolkata", 330}, {"Australia/Sydney", 600}, {"Europe/London", 0},
};
#define NZONES ((int)(sizeof(zones) / sizeof(zones[0])))

static const char *const first_names[] = {
	"alice", "bo", "carmen", "dmitri", "emeka", "farah", "gustav", "hana",
	"ines", "jonas", "kavya", "liam", "mei", "nadia", "oscar", "priya",
	"quentin", "rosa", "sanjay", "tomasz", "uma", "victor", "wen", "xavier",
	"yara", "zoe", "aarav", "bianca", "chen", "daria", "elif", "felix",
	"greta", "hugo", "ivan", "julia", "kenji", "lena", "mateo", "noor",
	"olga", "pablo", "ravi", "sara", "theo", "ursula", "vikram", "wanda",
	"yusuf", "zara", "amir", "beatriz", "cyrus", "dana", "erik", "fatima",
	"gabriel", "helga", "isaac", "jade"
};
static const char *const last_names[] = {
	"nguyen", "schmidt", "garcia", "ivanov", "okafor", "haddad", "berg", "sato",
	"costa", "weber", "iyer", "murphy", "lin", "rahman", "lund", "shah",
	"dubois", "silva", "patel", "nowak", "kim", "moreau", "zhang", "rossi",
	"mensah", "park", "gupta", "ferrari", "wang", "popescu", "yilmaz", "fischer"
};
#define NPEOPLE ((int)(sizeof(first_names) / sizeof(first_names[0])))

struct person {
	char name[40];
	int team;
	int zone;
	int overloaded;
};

/* ---- buffered CSV output ---------------------------------------------- */

#define OBUF_CAP (1u << 20)

struct out {
	FILE *fp;
	char *target;   /* final path */
	char *tmp;      /* scratch path beside it */
	char *buf;
	size_t len;
	int failed;
	int col;
};

static void o_flush(struct out *o)
{
	if (o->len && fwrite(o->buf, 1, o->len, o->fp) != o->len)
		o->failed = errno ? errno : EIO;
	o->len = 0;
}

static void o_raw(struct out *o, const char *s, size_t n)
{
	if (o->len + n > OBUF_CAP)
		o_flush(o);
	if (n > OBUF_CAP) {
		if (fwrite(s, 1, n, o->fp) != n)
			o->failed = errno ? errno : EIO;
		return;
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
}

static void o_sep(struct out *o)
{
	if (o->col++)
		o_raw(o, ",", 1);
}

static void o_text(struct out *o, const char *s)
{
	size_t n = strlen(s);

	o_sep(o);
	if (strpbrk(s, ",\"\n\r") == NULL) {
		o_raw(o, s, n);
		return;
	}
	o_raw(o, "\"", 1);
	for (const char *p = s; *p; p++) {
		if (*p == '"')
			o_raw(o, "\"", 1);
		o_raw(o, p, 1);
	}
	o_raw(o, "\"", 1);
}

static void o_empty(struct out *o)
{
	o_sep(o);
}

/* A zero-padded id such as INC-000123 or AI-0000042. */
static void o_id(struct out *o, const char *prefix, unsigned long v, int width)
{
	char tmp[48], digits[24];
	size_t pl = strlen(prefix);
	int k, nd = 0;

	memcpy(tmp, prefix, pl);
	do {
		digits[nd++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	k = (int)pl;
	for (int i = nd; i < width; i++)
		tmp[k++] = '0';
	while (nd)
		tmp[k++] = digits[--nd];
	tmp[k] = '\0';
	o_text(o, tmp);
}

static void put2(char *p, int v)
{
	p[0] = (char)('0' + v / 10);
	p[1] = (char)('0' + v % 10);
}

/* Writes t as YYYY-MM-DDTHH:MM:SSZ without printf (millions of calls). */
static void o_time(struct out *o, int64_t t)
{
	char s[PIRX_TIME_STRLEN];
	int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
	int rem = (int)(t - days * 86400);
	int y, m, d;

	pirx_civil_from_days(days, &y, &m, &d);
	put2(s, y / 100);
	put2(s + 2, y % 100);
	s[4] = '-';
	put2(s + 5, m);
	s[7] = '-';
	put2(s + 8, d);
	s[10] = 'T';
	put2(s + 11, rem / 3600);
	s[13] = ':';
	put2(s + 14, rem / 60 % 60);
	s[16] = ':';
	put2(s + 17, rem % 60);
	s[19] = 'Z';
	o_sep(o);
	o_raw(o, s, 20);
}

/* An instant, or an empty cell when t < 0 (unknown or not yet happened). */
static void o_time_opt(struct out *o, int64_t t)
{
	if (t < 0)
		o_empty(o);
	else
		o_time(o, t);
}

static void o_end(struct out *o)
{
	o_raw(o, "\n", 1);
	o->col = 0;
}

static mode_t g_umask(void)
{
	mode_t m = umask(0);

	umask(m);
	return m;
}

static int o_open(struct out *o, const char *dir, const char *name, const char *header,
		  struct pirx_err *err)
{
	memset(o, 0, sizeof(*o));
	o->target = pirx_fs_join(dir, name);
	o->tmp = pirx_fs_temp_file_beside(o->target, err);
	if (!o->tmp)
		return PIRX_EIO;
	o->fp = fopen(o->tmp, "wb");
	/* The scratch file is private (0600); the corpus files are not. */
	if (o->fp)
		chmod(o->tmp, 0666 & ~g_umask());
	if (!o->fp)
		return pirx_err_set(err, PIRX_EIO, o->tmp, 0, NULL, "cannot write: %s",
				    strerror(errno));
	o->buf = pirx_xmalloc(OBUF_CAP);
	o_raw(o, header, strlen(header));
	o_raw(o, "\n", 1);
	return 0;
}

/* Flushes and closes; 0 or PIRX_EIO. The scratch file stays until commit. */
static int o_close(struct out *o, struct pirx_err *err)
{
	int rc = 0;

	if (!o->fp)
		return 0;
	o_flush(o);
	if (fclose(o->fp) != 0 && !o->failed)
		o->failed = errno ? errno : EIO;
	o->fp = NULL;
	if (o->failed)
		rc = pirx_err_set(err, PIRX_EIO, o->target, 0, NULL, "cannot write: %s",
				  strerror(o->failed));
	return rc;
}

static void o_release(struct out *o, int keep)
{
	if (o->fp)
		fclose(o->fp);
	if (o->tmp && !keep)
		remove(o->tmp);
	free(o->tmp);
	free(o->target);
	free(o->buf);
	memset(o, 0, sizeof(*o));
}

/* ---- generation ------------------------------------------------------- */

enum { F_INC, F_FAC, F_MODES, F_ACT, F_RESP, F_PAGE, F_ROSTER, NFILES };

static const struct {
	const char *name;
	const char *header;
} files[NFILES] = {
	{"incidents.csv", "id,title,severity,service,team,started_at,detected_at,"
	 "acknowledged_at,mitigated_at,resolved_at,review_at,summary"},
	{"factors.csv", "id,incident_id,category,text"},
	{"factor_modes.csv", "factor_id,incident_id,mode,category"},
	{"action_items.csv", "id,incident_id,title,owner,team,priority,created_at,"
	 "due_at,completed_at,status"},
	{"responders.csv", "incident_id,responder,role,joined_at,left_at"},
	{"pages.csv", "responder,paged_at,incident_id,urgency"},
	{"roster.csv", "responder,team,timezone"},
};

struct gen {
	const struct pirx_gen_opts *o;
	struct pirx_gen_rng r;      /* everything else */
	struct pirx_gen_rng rdur;   /* durations only */
	struct pirx_gen_rng rtext;  /* held-out or unseen factor texts only */
	struct out f[NFILES];
	struct person people[NPEOPLE];
	int64_t begin, end;         /* corpus span [begin, end) */
	double *month_mult;         /* median multiplier per month */
	int linger_mode[NSERVICES]; /* a failure that keeps coming back */
	int64_t linger_until[NSERVICES];
	double mode_cum[64];        /* cumulative mode weights */
	double trig_cum[64];        /* same, trigger modes only */
	double proc_cum[64];        /* same, the other modes (process, comms) */
	int id_width;
	unsigned long action_seq;
	struct pirx_gen_stats st;
};

static double lognormal(struct pirx_gen_rng *r, double median, double sigma)
{
	return median * exp(sigma * pirx_gen_rng_normal(r));
}

static int pick_cum(struct pirx_gen_rng *r, const double *cum, int n)
{
	double u = pirx_gen_rng_uniform(r) * cum[n - 1];

	for (int i = 0; i < n; i++)
		if (u < cum[i])
			return i;
	return n - 1;
}

static int local_hour(const struct person *p, int64_t t)
{
	int64_t l = t + (int64_t)zones[p->zone].off_min * 60;
	int64_t s = l % 86400;

	if (s < 0)
		s += 86400;
	return (int)(s / 3600);
}

static int is_sleep_hour(int h)
{
	return h >= 22 || h < 8;
}

static void build_roster(struct gen *g)
{
	int home[NTEAMS];

	for (int t = 0; t < NTEAMS; t++) {
		home[t] = 0;
		for (int z = 0; z < NZONES; z++)
			if (strcmp(zones[z].tz, teams[t].tz) == 0)
				home[t] = z;
	}
	for (int i = 0; i < NPEOPLE; i++) {
		struct person *p = &g->people[i];
		const char *last = last_names[(i * 7 + i / 8) % (int)(sizeof(last_names) / sizeof(last_names[0]))];
		snprintf(p->name, sizeof(p->name), "%s.%s", first_names[i], last);
		p->team = i % NTEAMS;
		/* Most people sit in their team's zone; every fifth elsewhere. */
		p->zone = i % 5 == 4 ? (home[p->team] + 1 + i / 5) % NZONES : home[p->team];
		p->overloaded = 0;
	}
	/* Overloaded responders: distinct people drawn by the seed. */
	for (int k = 0; k < g->o->overloaded; k++) {
		int i;
		do
			i = (int)pirx_gen_rng_below(&g->r, NPEOPLE);
		while (g->people[i].overloaded);
		g->people[i].overloaded = 1;
	}
}

/* Start instants: days weighted weekday 1 / weekend 0.5, hours by a
 * daytime-heavy profile that still leaves plenty of nights. */
static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

static int64_t *draw_starts(const struct pirx_gen_opts *o, int64_t begin, int64_t end, long n)
{
	static const double hour_w[24] = {
		3, 2.5, 2, 2, 2, 2.5, 3, 4, 6, 8, 9, 9,
		8, 9, 9, 9, 8, 7, 6, 5, 4.5, 4, 3.5, 3
	};
	double cum[24], acc = 0;
	struct pirx_gen_rng r;
	int64_t ndays = (end - begin) / 86400;
	int64_t *t = pirx_xreallocarray(NULL, (size_t)(n > 0 ? n : 1), sizeof(int64_t));

	for (int h = 0; h < 24; h++)
		cum[h] = (acc += hour_w[h]);
	pirx_gen_rng_seed(&r, o->seed ^ 0x5354415254ULL);
	for (long i = 0; i < n; i++) {
		int64_t day;
		for (;;) {
			day = (int64_t)pirx_gen_rng_below(&r, (uint32_t)ndays);
			int64_t wd = ((begin / 86400 + day) % 7 + 7 + 3) % 7;   /* 0 = Monday */
			if (wd < 5 || pirx_gen_rng_uniform(&r) < 0.5)
				break;
		}
		int h = pick_cum(&r, cum, 24);
		t[i] = begin + day * 86400 + h * 3600 + (int64_t)pirx_gen_rng_below(&r, 3600);
	}
	qsort(t, (size_t)n, sizeof(int64_t), cmp_i64);
	return t;
}

static const char *const sev_words[5][2] = {
	{"critical", "critical"}, {"major", "high"}, {"medium", "moderate"},
	{"minor", "low"}, {"info", "none"}
};

static void write_severity(struct gen *g, int sev)
{
	char s[16];   /* "SEV5"; room for any int, so -O1 builds do not warn */
	int style = g->o->sev_style == PIRX_GEN_SEV_MIXED ? (int)pirx_gen_rng_below(&g->r, 4) : 0;

	if (style == 3) {
		o_text(&g->f[F_INC], sev_words[sev - 1][pirx_gen_rng_below(&g->r, 2)]);
		return;
	}
	if (style == 0)
		snprintf(s, sizeof(s), "SEV%d", sev);
	else if (style == 1)
		snprintf(s, sizeof(s), "P%d", sev);
	else
		snprintf(s, sizeof(s), "%d", sev);
	o_text(&g->f[F_INC], s);
}

static const char *const symptoms[] = {
	"%s elevated 5xx errors", "%s latency degradation", "%s unavailable",
	"Partial outage of %s", "%s: failed requests for some users", "%s degraded",
	"Slow responses from %s", "%s jobs stuck", "Errors in %s", "%s timeouts",
	"%s down in one region", "Intermittent failures in %s"
};
static const char *const impacts[] = {
	"failed requests", "slow pages", "errors at login", "delayed notifications",
	"missing data", "timeouts", "failed payments", "stale results"
};
static const char *const fixes[] = {
	"restarting the pods", "shifting traffic away", "scaling out", "rolling back",
	"a manual workaround", "restarting the service"
};
static const char *const actions[] = {
	"Add alerting on %s error rate", "Write a runbook for %s recovery",
	"Add a canary stage to the %s deploy", "Load test %s at 3x peak",
	"Raise the connection limit for %s", "Document the owner of %s",
	"Add a circuit breaker around calls from %s", "Automate certificate renewal for %s",
	"Review the on-call escalation policy", "Add an integration test for %s",
	"Set up disk usage alerts for %s", "Tune autoscaling limits for %s",
	"Add a status page template for %s", "Remove stale feature flags in %s",
	"Practice the failover of %s", "Add request coalescing to the %s cache",
	"Validate config changes for %s in CI", "Fix the memory leak in %s",
	"Reduce noisy alerts for %s", "Schedule batch jobs for %s off peak",
	"Pin dependency versions in %s", "Add a dry run to %s migrations",
	"Track vendor status for %s dependencies", "Share the timeline with support"
};

/* Copies tpl into out (size n) with its one "%s" replaced by svc. */
static void subst(char *out, size_t n, const char *tpl, const char *svc)
{
	const char *p = strstr(tpl, "%s");
	size_t len = 0;

	if (!p) {
		snprintf(out, n, "%s", tpl);
		return;
	}
	len = (size_t)(p - tpl);
	snprintf(out, n, "%.*s%s%s", (int)len, tpl, svc, p + 2);
}

static int pick_service(struct gen *g, const double *cum)
{
	return pick_cum(&g->r, cum, NSERVICES);
}

/* Chooses the incident's failure modes (1-3, distinct; the first one a
 * trigger, maybe the one lingering on the service). Returns how many. */
static int choose_modes(struct gen *g, int svc, int64_t started, int *chosen)
{
	static const double nfac_cum[3] = {0.12, 0.38, 1.0};   /* 1, 2, 3: mean 2.5 */
	int nmodes = pirx_gen_mode_count();
	int n = 1 + pick_cum(&g->r, nfac_cum, 3);

	for (int k = 0; k < n; k++) {
		int m;
		for (;;) {
			if (k == 0 && g->linger_until[svc] > started &&
			    pirx_gen_rng_uniform(&g->r) < 0.6)
				m = g->linger_mode[svc];
			else if (k == 0)
				m = pick_cum(&g->r, g->trig_cum, nmodes);
			else if (pirx_gen_rng_uniform(&g->r) < 0.45)
				m = pick_cum(&g->r, g->proc_cum, nmodes);
			else
				m = pick_cum(&g->r, g->mode_cum, nmodes);
			int dup = 0;
			for (int j = 0; j < k; j++)
				dup |= chosen[j] == m;
			if (!dup)
				break;
		}
		chosen[k] = m;
		/* A trigger may linger on this service for a few weeks. */
		if (k == 0 && g->linger_until[svc] <= started && pirx_gen_rng_uniform(&g->r) < 0.25) {
			g->linger_mode[svc] = m;
			g->linger_until[svc] = started + (14 + (int64_t)pirx_gen_rng_below(&g->r, 28)) * 86400;
		}
	}
	return n;
}

static void gen_factors(struct gen *g, const char *inc_id, int svc, int svc2,
			const int *chosen, int n)
{
	char fid[64], text[320];
	const char *svcname = services[svc].name;
	int other = svc2 >= 0 ? svc2 : (svc + 1 + (int)pirx_gen_rng_below(&g->r, NSERVICES - 1)) % NSERVICES;

	for (int k = 0; k < n; k++) {
		int m = chosen[k];
		snprintf(fid, sizeof(fid), "%s#%d", inc_id, k + 1);
		/* The standard text is always drawn from the main stream, so that
		 * a held-out or unseen corpus has the same incidents, factors and
		 * everything else as the standard one of its seed: only the texts
		 * differ, and those come from a stream of their own. */
		pirx_gen_factor_text(&g->r, m, svcname, services[other].name, text, (int)sizeof(text));
		if (g->o->phrases != PIRX_GEN_PHRASES_STANDARD)
			pirx_gen_factor_text_from(&g->rtext, g->o->phrases, m, svcname,
						  services[other].name, text, (int)sizeof(text));
		o_text(&g->f[F_FAC], fid);
		o_text(&g->f[F_FAC], inc_id);
		o_text(&g->f[F_FAC], pirx_gen_mode_category(m));
		o_text(&g->f[F_FAC], text);
		o_end(&g->f[F_FAC]);
		o_text(&g->f[F_MODES], fid);
		o_text(&g->f[F_MODES], inc_id);
		o_text(&g->f[F_MODES], pirx_gen_mode_name(m));
		o_text(&g->f[F_MODES], pirx_gen_mode_category(m));
		o_end(&g->f[F_MODES]);
		g->st.factors++;
	}
}

static void write_page(struct gen *g, int who, int64_t at, const char *inc_id, int high)
{
	struct out *o = &g->f[F_PAGE];

	if (at < g->begin || at >= g->end)
		return;
	o_text(o, g->people[who].name);
	o_time(o, at);
	if (inc_id)
		o_text(o, inc_id);
	else
		o_empty(o);
	o_text(o, high ? "high" : "low");
	o_end(o);
	g->st.pages++;
}

/* Picks k distinct responders, favouring the incident's team and, strongly,
 * the overloaded people (above all at their night). */
static int pick_responders(struct gen *g, int team, int64_t at, int k, int *who)
{
	double w[NPEOPLE], total = 0;
	int n = 0;

	for (int i = 0; i < NPEOPLE; i++) {
		const struct person *p = &g->people[i];
		w[i] = p->team == team ? 1.0 : 0.04;
		if (p->overloaded)
			w[i] *= is_sleep_hour(local_hour(p, at)) ? 12.0 : 4.0;
		total += w[i];
	}
	while (n < k && total > 0) {
		double u = pirx_gen_rng_uniform(&g->r) * total;
		int i = 0;
		for (; i < NPEOPLE - 1; i++) {
			if (u < w[i])
				break;
			u -= w[i];
		}
		if (w[i] <= 0)
			continue;
		who[n++] = i;
		total -= w[i];
		w[i] = 0;
	}
	return n;
}

struct times {
	int64_t started, detected, acked, mitigated, resolved, review;  /* true */
};

static void gen_responders(struct gen *g, const char *inc_id, int team, int sev,
			   const struct times *tt)
{
	static const double nresp_cum[4] = {0.30, 0.65, 0.87, 1.0};
	int k = 1 + pick_cum(&g->r, nresp_cum, 4);
	int who[4];
	int high;

	if (sev <= 2 && k < 3)
		k++;
	k = pick_responders(g, team, tt->started, k, who);
	for (int j = 0; j < k; j++) {
		struct out *o = &g->f[F_RESP];
		int64_t joined = tt->acked;
		int64_t left;
		const char *role = "responder";

		if (j > 0)
			joined += (int64_t)lognormal(&g->r, 360, 1.0);
		if (joined > tt->mitigated)
			joined = tt->mitigated;
		if (k >= 2 && j == 0)
			role = "incident commander";
		else if (j == k - 1 && k >= 3 && pirx_gen_rng_uniform(&g->r) < 0.6)
			role = "comms";
		/* Pages first: the page precedes joining. */
		high = sev <= 3 ? pirx_gen_rng_uniform(&g->r) < 0.92 : pirx_gen_rng_uniform(&g->r) < 0.2;
		{
			int64_t paged = j == 0 ? tt->detected + (int64_t)pirx_gen_rng_below(&g->r, 120)
					       : joined - 60 - (int64_t)pirx_gen_rng_below(&g->r, 540);
			if (paged < tt->detected)
				paged = tt->detected;
			if (paged > joined)
				paged = joined;
			write_page(g, who[j], paged, inc_id, high);
			if (pirx_gen_rng_uniform(&g->r) < 0.15)
				write_page(g, who[j], paged + 300, inc_id, high);
		}
		if (joined >= g->end)
			continue;
		left = tt->resolved - 1200 + (int64_t)pirx_gen_rng_below(&g->r, 1800);
		if (left < joined + 60)
			left = joined + 60;
		if (pirx_gen_rng_uniform(&g->r) < 0.25 || left >= g->end)
			left = -1;   /* until resolved (or still engaged) */
		o_text(o, inc_id);
		o_text(o, g->people[who[j]].name);
		o_text(o, role);
		o_time(o, joined);
		o_time_opt(o, left);
		o_end(o);
		g->st.responders++;
	}
}

/* Pages that belong to no incident: noisy alerts, mostly by day, except
 * for the overloaded who get them at night as well. */
static void gen_stray_pages(struct gen *g, int64_t from)
{
	double u = pirx_gen_rng_uniform(&g->r);
	int n = u < 0.55 ? 0 : u < 0.85 ? 1 : 2;

	for (int j = 0; j < n; j++) {
		int who = (int)pirx_gen_rng_below(&g->r, NPEOPLE);
		int64_t at;

		if (!g->people[who].overloaded && pirx_gen_rng_uniform(&g->r) < 0.5)
			who = (int)pirx_gen_rng_below(&g->r, NPEOPLE);
		at = from + (int64_t)pirx_gen_rng_below(&g->r, 86400);
		if (g->people[who].overloaded) {
			/* Several times more, many of them in the sleep band. */
			for (int extra = 0; extra < 3; extra++) {
				int64_t t = from + (int64_t)pirx_gen_rng_below(&g->r, 86400);
				if (pirx_gen_rng_uniform(&g->r) < 0.6) {
					int64_t off = (int64_t)zones[g->people[who].zone].off_min * 60;
					int64_t day = (t + off) / 86400;
					int h = (22 + (int)pirx_gen_rng_below(&g->r, 10)) % 24;
					t = day * 86400 + h * 3600 + (int64_t)pirx_gen_rng_below(&g->r, 3600) - off;
				}
				write_page(g, who, t, NULL, pirx_gen_rng_uniform(&g->r) < 0.5);
			}
		} else if (is_sleep_hour(local_hour(&g->people[who], at)) &&
			   pirx_gen_rng_uniform(&g->r) < 0.5) {
			continue;
		}
		write_page(g, who, at, NULL, pirx_gen_rng_uniform(&g->r) < 0.3);
	}
}

static void gen_actions(struct gen *g, const char *inc_id, int svc, int team, int sev,
			int64_t review)
{
	static const double n_cum[7] = {0.07, 0.19, 0.37, 0.60, 0.80, 0.93, 1.0};  /* 0..6 */
	static const double prio_cum[3] = {0.30, 0.75, 1.0};
	static const char *const prio[3] = {"must-fix", "should-fix", "nice-to-have"};
	static const double due_p[3] = {0.95, 0.85, 0.70};
	static const int due_lo[3] = {10, 21, 45}, due_span[3] = {9, 25, 75};
	static const double done_p[3] = {0.82, 0.62, 0.38};
	static const double done_med_days[3] = {8, 20, 35};
	int n = pick_cum(&g->r, n_cum, 7);
	char title[160];

	if (sev == 1 && pirx_gen_rng_uniform(&g->r) < 0.5)
		n += 1 + (int)pirx_gen_rng_below(&g->r, 2);
	for (int k = 0; k < n; k++) {
		struct out *o = &g->f[F_ACT];
		int p = pick_cum(&g->r, prio_cum, 3);
		int t = pirx_gen_rng_uniform(&g->r) < 0.9 ? team : (int)pirx_gen_rng_below(&g->r, NTEAMS);
		/* The owner: someone in the owning team. */
		int owner = t + NTEAMS * (int)pirx_gen_rng_below(&g->r, (uint32_t)((NPEOPLE - 1 - t) / NTEAMS + 1));
		int64_t due = -1, done = -1;
		const char *status = "open";

		subst(title, sizeof(title),
		      actions[pirx_gen_rng_below(&g->r, (uint32_t)(sizeof(actions) / sizeof(actions[0])))],
		      services[svc].name);
		if (pirx_gen_rng_uniform(&g->r) < due_p[p])
			due = review + (due_lo[p] + (int64_t)pirx_gen_rng_below(&g->r, (uint32_t)due_span[p])) * 86400;
		if (pirx_gen_rng_uniform(&g->r) < 0.06) {
			status = "cancelled";
		} else if (pirx_gen_rng_uniform(&g->r) < done_p[p]) {
			int64_t at = review + 3600 + (int64_t)lognormal(&g->r, done_med_days[p] * 86400, 0.8);
			if (at < g->end) {
				done = at;
				status = "done";
			}
		}
		o_id(o, "AI-", ++g->action_seq, 7);
		o_text(o, inc_id);
		o_text(o, title);
		o_text(o, g->people[owner].name);
		o_text(o, teams[t].name);
		o_text(o, prio[p]);
		o_time(o, review);
		o_time_opt(o, due);
		o_time_opt(o, done);
		o_text(o, status);
		o_end(o);
		g->st.action_items++;
	}
}

static void gen_incident(struct gen *g, long i, int64_t started, const double *svc_cum)
{
	static const double sev_cum[5] = {0.03, 0.15, 0.50, 0.85, 1.0};
	static const double tta_sev[5] = {0.4, 0.6, 1.0, 1.3, 1.8};
	static const double review_p[5] = {0.97, 0.97, 0.85, 0.6, 0.35};
	struct out *o = &g->f[F_INC];
	struct pirx_gen_rng *rd = &g->rdur;
	char inc_id[32], buf[256];
	int month = pirx_month_of(started) - g->o->start_month;
	double mult = g->month_mult[month];
	int sev = 1 + pick_cum(&g->r, sev_cum, 5);
	int svc = pick_service(g, svc_cum), svc2 = -1, team = services[svc].team;
	struct times tt;
	int chosen[3], nf;
	const char *fix;

	/* Durations in minutes: a fixed number of draws from rdur. */
	double ttr = 120.0 * mult * exp(1.0 * pirx_gen_rng_normal(rd));
	double gap = 0.98 + 0.45 * pirx_gen_rng_normal(rd);
	double ttd = 8.0 * mult * exp(1.0 * pirx_gen_rng_normal(rd));
	double tta = 5.0 * tta_sev[sev - 1] * exp(0.9 * pirx_gen_rng_normal(rd));
	double ttm;

	if (ttr < 3)
		ttr = 3;
	if (gap < 0.02)
		gap = 0.02;
	ttm = ttr * exp(-gap);
	if (ttd + tta > 0.9 * ttm) {
		double s = 0.9 * ttm / (ttd + tta);
		ttd *= s;
		tta *= s;
	}
	tt.started = started;
	tt.detected = started + (int64_t)llround(ttd * 60);
	tt.acked = tt.detected + (int64_t)llround(tta * 60);
	tt.mitigated = started + (int64_t)llround(ttm * 60);
	if (tt.mitigated < tt.acked)
		tt.mitigated = tt.acked;
	tt.resolved = started + (int64_t)llround(ttr * 60);
	if (tt.resolved < tt.mitigated)
		tt.resolved = tt.mitigated;
	tt.review = -1;
	if (tt.resolved < g->end && pirx_gen_rng_uniform(&g->r) < review_p[sev - 1]) {
		tt.review = tt.resolved + (int64_t)lognormal(&g->r, 5 * 86400.0, 0.7);
		if (tt.review >= g->end)
			tt.review = -1;
	}
	if (pirx_gen_rng_uniform(&g->r) < 0.12) {
		svc2 = pick_service(g, svc_cum);
		if (svc2 == svc)
			svc2 = -1;
	}

	nf = choose_modes(g, svc, started, chosen);
	fix = pirx_gen_mode_fix(chosen[0]);
	if (!fix || pirx_gen_rng_uniform(&g->r) < 0.3)
		fix = fixes[pirx_gen_rng_below(&g->r, (uint32_t)(sizeof(fixes) / sizeof(fixes[0])))];

	snprintf(inc_id, sizeof(inc_id), "INC-%0*ld", g->id_width, i + 1);
	o_text(o, inc_id);
	subst(buf, sizeof(buf),
	      symptoms[pirx_gen_rng_below(&g->r, (uint32_t)(sizeof(symptoms) / sizeof(symptoms[0])))],
	      services[svc].name);
	o_text(o, buf);
	write_severity(g, sev);
	if (svc2 >= 0) {
		snprintf(buf, sizeof(buf), "%s;%s", services[svc].name, services[svc2].name);
		o_text(o, buf);
	} else {
		o_text(o, services[svc].name);
	}
	o_text(o, teams[team].name);
	o_time(o, started);
	/* About 5% of incidents lack each of detected_at and acknowledged_at. */
	o_time_opt(o, pirx_gen_rng_uniform(&g->r) < 0.05 || tt.detected >= g->end ? -1 : tt.detected);
	o_time_opt(o, pirx_gen_rng_uniform(&g->r) < 0.05 || tt.acked >= g->end ? -1 : tt.acked);
	o_time_opt(o, tt.mitigated >= g->end ? -1 : tt.mitigated);
	o_time_opt(o, tt.resolved >= g->end ? -1 : tt.resolved);
	o_time_opt(o, tt.review);
	snprintf(buf, sizeof(buf), "Users saw %s on %s for about %ld minutes; mitigated by %s.",
		 impacts[pirx_gen_rng_below(&g->r, (uint32_t)(sizeof(impacts) / sizeof(impacts[0])))],
		 services[svc].name, (long)llround(ttm), fix);
	o_text(o, buf);
	o_end(o);
	g->st.incidents++;
	if (tt.resolved >= g->end)
		g->st.open_incidents++;

	gen_factors(g, inc_id, svc, svc2, chosen, nf);
	gen_responders(g, inc_id, team, sev, &tt);
	if (tt.review >= 0)
		gen_actions(g, inc_id, svc, team, sev, tt.review);
	gen_stray_pages(g, started);
}

int pirx_gen_write(const char *dir, const struct pirx_gen_opts *o,
		   struct pirx_gen_stats *stats, struct pirx_err *err)
{
	struct gen *g = NULL;
	int64_t *starts = NULL;
	double svc_cum[NSERVICES], acc = 0;
	long n;
	int rc = -1, nmodes = pirx_gen_mode_count();

	if (o->months < 1 || o->months > 1200)
		return pirx_err_set(err, PIRX_EUSAGE, NULL, 0, NULL, "--months must be 1..1200");
	if (o->incidents < 0 || o->incidents > 100000000L)
		return pirx_err_set(err, PIRX_EUSAGE, NULL, 0, NULL, "--incidents must be 0..100000000");
	if (o->per_month < 1 || o->per_month > 1000000)
		return pirx_err_set(err, PIRX_EUSAGE, NULL, 0, NULL, "--per-month must be 1..1000000");
	if (o->overloaded < 0 || o->overloaded > NPEOPLE / 2)
		return pirx_err_set(err, PIRX_EUSAGE, NULL, 0, NULL,
				    "--overloaded must be 0..%d", NPEOPLE / 2);
	if (!(o->trend_pct > -50 && o->trend_pct < 100))
		return pirx_err_set(err, PIRX_EUSAGE, NULL, 0, NULL,
				    "--trend must be above -50 and below 100 (percent per month)");
	if (o->start_month < 1971 * 12 || o->start_month + o->months > 9999 * 12)
		return pirx_err_set(err, PIRX_EUSAGE, NULL, 0, NULL, "--start is out of range");
	if (o->phrases != PIRX_GEN_PHRASES_STANDARD && o->phrases != PIRX_GEN_PHRASES_HELD_OUT &&
	    o->phrases != PIRX_GEN_PHRASES_UNSEEN)
		return pirx_err_set(err, PIRX_EUSAGE, NULL, 0, NULL,
				    "--phrases must be standard, held-out or unseen");
	if (nmodes > 64)
		return pirx_err_set(err, PIRX_EUSAGE, NULL, 0, NULL, "too many failure modes");
	if (pirx_fs_mkdir_p(dir, err) != 0)
		return PIRX_EIO;

	g = pirx_xcalloc(1, sizeof(*g));
	g->o = o;
	g->begin = pirx_month_start(o->start_month);
	g->end = pirx_month_start(o->start_month + o->months);
	pirx_gen_rng_seed(&g->r, o->seed);
	pirx_gen_rng_seed(&g->rdur, o->seed ^ 0x4455524154494f4eULL);
	/* Each bank its own text stream ("HELDOUT", "UNSEEN" in ASCII). */
	pirx_gen_rng_seed(&g->rtext, o->seed ^ (o->phrases == PIRX_GEN_PHRASES_UNSEEN
						? 0x554e5345454eULL : 0x48454c444f5554ULL));
	n = o->incidents ? o->incidents : (long)o->months * o->per_month;
	g->id_width = 6;
	for (long v = n; v >= 1000000; v /= 10)
		g->id_width++;

	/* Month medians: the trend, and unless asked otherwise a wobble of
	 * about 5% (log scale) so that months differ as real ones do. */
	{
		struct pirx_gen_rng rm;
		pirx_gen_rng_seed(&rm, o->seed ^ 0x4d4f4e5448ULL);
		g->month_mult = pirx_xreallocarray(NULL, (size_t)o->months, sizeof(double));
		for (int m = 0; m < o->months; m++) {
			double noise = 0.05 * pirx_gen_rng_normal(&rm);
			g->month_mult[m] = exp(m * log1p(o->trend_pct / 100.0) +
					       (o->trend_noise ? noise : 0.0));
		}
	}
	for (int s = 0; s < NSERVICES; s++)
		svc_cum[s] = (acc += services[s].weight);
	acc = 0;
	for (int m = 0; m < nmodes; m++)
		g->mode_cum[m] = (acc += pirx_gen_mode_weight(m));
	acc = 0;
	for (int m = 0; m < nmodes; m++)
		g->trig_cum[m] = (acc += pirx_gen_mode_is_trigger(m) ? pirx_gen_mode_weight(m) : 0.0);
	acc = 0;
	for (int m = 0; m < nmodes; m++)
		g->proc_cum[m] = (acc += pirx_gen_mode_is_trigger(m) ? 0.0 : pirx_gen_mode_weight(m));

	for (int f = 0; f < NFILES; f++)
		if (o_open(&g->f[f], dir, files[f].name, files[f].header, err) != 0)
			goto out;

	build_roster(g);
	for (int i = 0; i < NPEOPLE; i++) {
		struct out *ro = &g->f[F_ROSTER];
		o_text(ro, g->people[i].name);
		o_text(ro, teams[g->people[i].team].name);
		o_text(ro, zones[g->people[i].zone].tz);
		o_end(ro);
		g->st.roster++;
	}

	starts = draw_starts(o, g->begin, g->end, n);
	for (long i = 0; i < n; i++)
		gen_incident(g, i, starts[i], svc_cum);

	for (int f = 0; f < NFILES; f++)
		if (o_close(&g->f[f], err) != 0)
			goto out;
	for (int f = 0; f < NFILES; f++) {
		if (rename(g->f[f].tmp, g->f[f].target) != 0) {
			pirx_err_set(err, PIRX_EIO, g->f[f].target, 0, NULL,
				     "cannot rename into place: %s", strerror(errno));
			goto out;
		}
		free(g->f[f].tmp);
		g->f[f].tmp = NULL;
	}
	if (stats)
		*stats = g->st;
	rc = 0;
out:
	if (rc != 0)
		rc = err && err->code ? err->code : PIRX_EIO;
	if (g) {
		for (int f = 0; f < NFILES; f++)
			o_release(&g->f[f], 0);
		free(g->month_mult);
		free(g);
	}
	free(starts);
	return rc;
}
