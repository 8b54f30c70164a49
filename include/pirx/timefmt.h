/*
 * timefmt: strict ISO 8601 / RFC 3339 instants and calendar months.
 *
 * Instants are int64_t Unix seconds, UTC (fractions of a second are cut
 * toward the past). Months are "month indexes": year * 12 + (month - 1),
 * so that consecutive months differ by one.
 */
#ifndef PIRX_TIMEFMT_H
#define PIRX_TIMEFMT_H

#include <stddef.h>
#include <stdint.h>

/* Room for "YYYY-MM-DDTHH:MM:SSZ" and its NUL. */
#define PIRX_TIME_STRLEN 21
/* Room for "YYYY-MM" and its NUL. */
#define PIRX_MONTH_STRLEN 8

/*
 * Parses s[0..n) as YYYY-MM-DD[T| ]HH:MM[:SS[.fff...]][Z|+HH:MM|-HH:MM]
 * (no offset means UTC) into *out. The date must exist (no Feb 30), hour
 * 0-23, minute 0-59, second 0-59 (a leap second 60 is accepted and counted
 * as 59), offsets up to 23:59. Surrounding blanks are not accepted: trim
 * first. Returns 0, or -1 with *why set to a static explanation
 * ("month 13 is out of range").
 */
int pirx_time_parse(const char *s, size_t n, int64_t *out, const char **why);

/* Writes t as "YYYY-MM-DDTHH:MM:SSZ" into out (PIRX_TIME_STRLEN bytes). */
void pirx_time_format(int64_t t, char *out);

/* Days since 1970-01-01 of a proleptic Gregorian date (month 1-12). */
int64_t pirx_days_from_civil(int year, int month, int day);
/* Inverse of pirx_days_from_civil. */
void pirx_civil_from_days(int64_t days, int *year, int *month, int *day);
/* Number of days in a month of a year (1-12). */
int pirx_days_in_month(int year, int month);

/* The UTC month index of instant t. */
int pirx_month_of(int64_t t);
/* The first instant (00:00:00Z) of month index m. */
int64_t pirx_month_start(int m);
/* Writes month index m as "YYYY-MM" into out (PIRX_MONTH_STRLEN bytes). */
void pirx_month_format(int m, char *out);
/* Parses "YYYY-MM" into a month index. Returns 0, or -1 when malformed. */
int pirx_month_parse(const char *s, int *m);

#endif
