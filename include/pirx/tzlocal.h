/*
 * tzlocal: local wall-clock time in IANA time zones, through the system's
 * tz database (Debian tzdata under /usr/share/zoneinfo, or $TZDIR).
 *
 * No offset tables are written by hand: a zone's UTC-offset changes are
 * read once from the C library (TZ set to the zone, localtime_r stepped
 * over the range asked for, each change located to the second; TZ is
 * restored afterwards) and kept as a small sorted table, so that local
 * time of any instant in the range is a binary search and some arithmetic.
 * The range grows on demand when an instant outside it is asked for.
 *
 * Not thread-safe while a zone is being loaded or extended (it sets TZ).
 */
#ifndef PIRX_TZLOCAL_H
#define PIRX_TZLOCAL_H

#include <stdint.h>

typedef struct pirx_tzlocal pirx_tzlocal;

#include <stddef.h>

#define PIRX_TZ_NAME_MAX 256

/*
 * 1 when name is a usable zone name: not empty, at most 200 bytes of
 * [A-Za-z0-9_+-/] in components separated by single '/', no component "."
 * or "..", no leading '/', and a TZif file of that name exists in the tz
 * database, matched exactly or else ignoring case ("europe/berlin" is
 * Europe/Berlin: roster exports are not careful with case). 0 otherwise
 * (path tricks, POSIX TZ strings, unknown names).
 */
int pirx_tzlocal_known(const char *name);
/* As pirx_tzlocal_known, and writes the tz database's spelling of the
 * name to out (n bytes). */
int pirx_tzlocal_resolve(const char *name, char *out, size_t n);

/*
 * The zone name (must satisfy pirx_tzlocal_known) with its offsets over
 * at least [from, to), or UTC (no changes) when name is NULL. Returns the
 * zone (free with pirx_tzlocal_free), or NULL when name is not known.
 */
pirx_tzlocal *pirx_tzlocal_new(const char *name, int64_t from, int64_t to);
void pirx_tzlocal_free(pirx_tzlocal *z);

/*
 * UTC offset in seconds (local = t + offset) at instant t. When next is
 * not NULL, *next is set to the first instant after t at which the offset
 * changes (INT64_MAX when it does not within the range held, which then
 * grows to cover t).
 */
int32_t pirx_tzlocal_offset(pirx_tzlocal *z, int64_t t, int64_t *next);

/* Local wall-clock fields of an instant. */
struct pirx_local_time {
	int64_t day;     /* local calendar day, days since 1970-01-01 */
	int year, month, mday;   /* month 1-12 */
	int wday;        /* 0 Sunday .. 6 Saturday */
	int sec_of_day;  /* 0 .. 86399 */
	int32_t offset;  /* seconds east of UTC */
};

/*
 * Fills *lt with the local time of t and returns the first instant after
 * t at which the local clock reaches one of the hours in hours[0..nhours)
 * (each 0-23, e.g. 8, 18, 22), the local date changes, or the offset
 * changes, whichever comes first. Between t and that instant the local
 * clock runs evenly, so a piece [t, returned) lies wholly inside one hour
 * band of one local day.
 */
int64_t pirx_tzlocal_piece(pirx_tzlocal *z, int64_t t, const int *hours, int nhours,
			   struct pirx_local_time *lt);

#endif
