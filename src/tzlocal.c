/*
 * tzlocal: local time through the system tz database. This module owns
 * the only use of TZ/tzset/localtime_r in pirx; callers get offsets and
 * local-day pieces, never struct tm.
 *
 * Why stepping localtime_r rather than reading TZif files: Debian may ship
 * "slim" TZif files whose recent transitions exist only as a POSIX rule in
 * the footer; the C library already evaluates both, exactly. A zone's
 * offsets are sampled every 6 hours (no zone has changed its offset twice
 * within 6 hours) and each change is located to the second by bisection.
 * The table is built for the range first asked for and rebuilt wider when
 * an instant outside it comes up; it never reaches past the years
 * 1900..2200, beyond which the edge offset is used.
 */
#include "pirx/tzlocal.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "pirx/mem.h"
#include "pirx/timefmt.h"

#define STEP (6 * 3600)
#define DAY 86400
#define GROW (183 * (int64_t)DAY)
/* 1900-01-01 and 2200-01-01, Unix seconds. */
#define EDGE_LO (-2208988800LL)
#define EDGE_HI (7258118400LL)

struct pirx_tzlocal {
	char *name;      /* NULL for UTC */
	int64_t lo, hi;  /* the table covers [lo, hi) */
	size_t n;
	int64_t *at;     /* at[0] = lo; off[i] holds on [at[i], at[i+1]) */
	int32_t *off;
};

static int is_tzif(const char *path)
{
	char magic[4];
	FILE *fp = fopen(path, "rb");
	int ok;

	if (!fp)
		return 0;
	ok = fread(magic, 1, 4, fp) == 4 && memcmp(magic, "TZif", 4) == 0;
	fclose(fp);
	return ok;
}

/*
 * Case-insensitive lookup of name under dir, one component at a time
 * ("europe/berlin" finds Europe/Berlin). Where two entries differ only in
 * case, the smaller in byte order wins, so the answer never depends on the
 * directory's order. Writes the tz database's spelling to out.
 */
static int fold_lookup(const char *dir, const char *name, char *out, size_t n)
{
	char path[4096];
	size_t used;

	if ((size_t)snprintf(path, sizeof(path), "%s", dir) >= sizeof(path))
		return 0;
	used = 0;
	out[0] = '\0';
	while (*name) {
		const char *slash = strchr(name, '/');
		size_t len = slash ? (size_t)(slash - name) : strlen(name);
		char best[256] = "";
		struct dirent *e;
		DIR *d = opendir(path);

		if (!d || len >= sizeof(best)) {
			if (d)
				closedir(d);
			return 0;
		}
		while ((e = readdir(d)) != NULL)
			if (strlen(e->d_name) == len && strncasecmp(e->d_name, name, len) == 0 &&
			    (!best[0] || strcmp(e->d_name, best) < 0))
				snprintf(best, sizeof(best), "%s", e->d_name);
		closedir(d);
		if (!best[0])
			return 0;
		if (strlen(path) + 1 + len >= sizeof(path) || used + len + 2 > n)
			return 0;
		strcat(strcat(path, "/"), best);
		used += (size_t)snprintf(out + used, n - used, "%s%s", used ? "/" : "", best);
		name += len + (slash ? 1 : 0);
	}
	return is_tzif(path);
}

int pirx_tzlocal_known(const char *name)
{
	char canon[PIRX_TZ_NAME_MAX];

	return pirx_tzlocal_resolve(name, canon, sizeof(canon));
}

int pirx_tzlocal_resolve(const char *name, char *out, size_t n)
{
	const char *dir = getenv("TZDIR");
	char path[4096];
	size_t len, comp = 0;

	if (!name || !*name || name[0] == '/' || strcmp(name, "localtime") == 0)
		return 0;
	len = strlen(name);
	if (len > 200)
		return 0;
	for (size_t i = 0; i <= len; i++) {
		char c = name[i];
		if (c == '/' || c == '\0') {
			/* Component name[i - comp .. i): not empty, not "." or "..". */
			if (comp == 0 || (comp == 1 && name[i - 1] == '.') ||
			    (comp == 2 && name[i - 1] == '.' && name[i - 2] == '.'))
				return 0;
			comp = 0;
			continue;
		}
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '+' || c == '-' || c == '.'))
			return 0;
		comp++;
	}
	if (!dir || !*dir)
		dir = "/usr/share/zoneinfo";
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >= sizeof(path) || len >= n)
		return 0;
	if (is_tzif(path)) {
		memcpy(out, name, len + 1);
		return 1;
	}
	return fold_lookup(dir, name, out, n);
}

static int32_t sample(int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!localtime_r(&tt, &tm))
		return 0;
	return (int32_t)tm.tm_gmtoff;
}

/* Rebuilds z's table over [lo, hi) (already clamped and aligned). */
static void build(pirx_tzlocal *z, int64_t lo, int64_t hi)
{
	const char *old = getenv("TZ");
	char *saved = old ? pirx_xstrdup(old) : NULL;
	char *tz = pirx_xmalloc(strlen(z->name) + 2);
	size_t cap = 64;
	int32_t cur;

	tz[0] = ':';
	strcpy(tz + 1, z->name);
	setenv("TZ", tz, 1);
	tzset();
	free(z->at);
	free(z->off);
	z->at = pirx_xreallocarray(NULL, cap, sizeof(*z->at));
	z->off = pirx_xreallocarray(NULL, cap, sizeof(*z->off));
	z->n = 1;
	z->at[0] = lo;
	z->off[0] = cur = sample(lo);
	for (int64_t t = lo; t < hi; t += STEP) {
		int64_t u = t + STEP < hi ? t + STEP : hi - 1;
		int32_t o = sample(u);
		int64_t a = t, b = u;

		if (o == cur)
			continue;
		/* sample(a) == cur, sample(b) != cur: the first changed second. */
		while (b - a > 1) {
			int64_t mid = a + (b - a) / 2;
			if (sample(mid) == cur)
				a = mid;
			else
				b = mid;
		}
		if (z->n == cap) {
			cap *= 2;
			z->at = pirx_xreallocarray(z->at, cap, sizeof(*z->at));
			z->off = pirx_xreallocarray(z->off, cap, sizeof(*z->off));
		}
		cur = sample(b);
		z->at[z->n] = b;
		z->off[z->n] = cur;
		z->n++;
	}
	z->lo = lo;
	z->hi = hi;
	if (saved)
		setenv("TZ", saved, 1);
	else
		unsetenv("TZ");
	tzset();
	free(saved);
	free(tz);
}

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static int64_t clamp(int64_t t)
{
	return t < EDGE_LO ? EDGE_LO : t > EDGE_HI ? EDGE_HI : t;
}

/* Grows the table so that it covers t (as far as the edges allow). */
static void cover(pirx_tzlocal *z, int64_t t)
{
	int64_t lo = z->lo, hi = z->hi;

	if (t >= lo && t < hi)
		return;
	if (t < lo)
		lo = floor_div(t - GROW, DAY) * DAY;
	if (t >= hi)
		hi = (floor_div(t + GROW, DAY) + 1) * DAY;
	lo = clamp(lo);
	hi = clamp(hi);
	if (lo == z->lo && hi == z->hi)
		return;
	build(z, lo, hi);
}

pirx_tzlocal *pirx_tzlocal_new(const char *name, int64_t from, int64_t to)
{
	char canon[PIRX_TZ_NAME_MAX];
	pirx_tzlocal *z;
	int64_t lo, hi;

	if (name && !pirx_tzlocal_resolve(name, canon, sizeof(canon)))
		return NULL;
	z = pirx_xcalloc(1, sizeof(*z));
	if (!name)
		return z;
	z->name = pirx_xstrdup(canon);
	if (to <= from)
		to = from + 1;
	lo = clamp(floor_div(from, DAY) * DAY - DAY);
	hi = clamp((floor_div(to, DAY) + 2) * DAY);
	if (hi <= lo)
		hi = lo + DAY;
	build(z, lo, hi);
	return z;
}

void pirx_tzlocal_free(pirx_tzlocal *z)
{
	if (!z)
		return;
	free(z->name);
	free(z->at);
	free(z->off);
	free(z);
}

int32_t pirx_tzlocal_offset(pirx_tzlocal *z, int64_t t, int64_t *next)
{
	size_t a, b;

	if (!z->name) {
		if (next)
			*next = INT64_MAX;
		return 0;
	}
	cover(z, t);
	if (t < z->lo) {
		if (next)
			*next = z->lo;
		return z->off[0];
	}
	if (t >= z->hi) {
		if (next)
			*next = INT64_MAX;
		return z->off[z->n - 1];
	}
	/* The last at[i] <= t. */
	a = 0;
	b = z->n;
	while (b - a > 1) {
		size_t mid = a + (b - a) / 2;
		if (z->at[mid] <= t)
			a = mid;
		else
			b = mid;
	}
	if (next)
		*next = a + 1 < z->n ? z->at[a + 1] : z->hi;
	return z->off[a];
}

int64_t pirx_tzlocal_piece(pirx_tzlocal *z, int64_t t, const int *hours, int nhours,
			   struct pirx_local_time *lt)
{
	int64_t next, local, bound;
	int32_t off = pirx_tzlocal_offset(z, t, &next);
	int sod;

	local = t + off;
	lt->day = floor_div(local, DAY);
	sod = (int)(local - lt->day * DAY);
	lt->sec_of_day = sod;
	lt->offset = off;
	lt->wday = (int)(((lt->day + 4) % 7 + 7) % 7);  /* 1970-01-01 was a Thursday */
	pirx_civil_from_days(lt->day, &lt->year, &lt->month, &lt->mday);
	bound = (lt->day + 1) * DAY;
	for (int i = 0; i < nhours; i++) {
		int64_t b = lt->day * DAY + (int64_t)hours[i] * 3600;
		if (hours[i] * 3600 > sod && b < bound)
			bound = b;
	}
	bound -= off;
	return bound < next ? bound : next;
}
