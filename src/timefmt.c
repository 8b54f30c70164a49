/*
 * timefmt: a strict hand-written parser for the one timestamp grammar SPEC
 * section 2 allows, and calendar arithmetic on Unix seconds. No libc time
 * functions are used, so results never depend on TZ or locale.
 */
#include "pirx/timefmt.h"

#include <stdio.h>
#include <string.h>

int64_t pirx_days_from_civil(int year, int month, int day)
{
	/* Shift the year to start in March so that Feb 29 is the last day. */
	int64_t y = (int64_t)year - (month <= 2);
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t mp = (month + 9) % 12;
	int64_t doy = (153 * mp + 2) / 5 + day - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

void pirx_civil_from_days(int64_t days, int *year, int *month, int *day)
{
	int64_t z = days + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int64_t d = doy - (153 * mp + 2) / 5 + 1;
	int64_t m = mp < 10 ? mp + 3 : mp - 9;

	*year = (int)(yoe + era * 400 + (m <= 2));
	*month = (int)m;
	*day = (int)d;
}

static int is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int pirx_days_in_month(int year, int month)
{
	static const int len[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	if (month == 2 && is_leap(year))
		return 29;
	return len[month - 1];
}

/* Reads exactly k decimal digits at s[*i]; -1 when they are not there. */
static int digits(const char *s, size_t n, size_t *i, int k)
{
	int v = 0;

	for (int j = 0; j < k; j++) {
		if (*i >= n || s[*i] < '0' || s[*i] > '9')
			return -1;
		v = v * 10 + (s[*i] - '0');
		(*i)++;
	}
	return v;
}

static int fail(const char **why, const char *text)
{
	if (why)
		*why = text;
	return -1;
}

int pirx_time_parse(const char *s, size_t n, int64_t *out, const char **why)
{
	size_t i = 0;
	int y, mo, d, h, mi, sec = 0, off = 0;

	if ((y = digits(s, n, &i, 4)) < 0 || i >= n || s[i++] != '-')
		return fail(why, "expected YYYY-MM-DD");
	if ((mo = digits(s, n, &i, 2)) < 0 || i >= n || s[i++] != '-')
		return fail(why, "expected YYYY-MM-DD");
	if ((d = digits(s, n, &i, 2)) < 0)
		return fail(why, "expected YYYY-MM-DD");
	if (mo < 1 || mo > 12)
		return fail(why, "month is out of range 01-12");
	if (d < 1 || d > pirx_days_in_month(y, mo))
		return fail(why, "day does not exist in that month");
	if (i >= n)
		return fail(why, "expected a time of day after the date");
	if (s[i] != 'T' && s[i] != 't' && s[i] != ' ')
		return fail(why, "expected 'T' or a space between date and time");
	i++;
	if ((h = digits(s, n, &i, 2)) < 0 || i >= n || s[i++] != ':')
		return fail(why, "expected HH:MM");
	if ((mi = digits(s, n, &i, 2)) < 0)
		return fail(why, "expected HH:MM");
	if (h > 23)
		return fail(why, "hour is out of range 00-23");
	if (mi > 59)
		return fail(why, "minute is out of range 00-59");
	if (i < n && s[i] == ':') {
		i++;
		if ((sec = digits(s, n, &i, 2)) < 0)
			return fail(why, "expected two digits of seconds");
		if (sec > 60)
			return fail(why, "second is out of range 00-59");
		if (sec == 60)
			sec = 59;
		if (i < n && (s[i] == '.' || s[i] == ',')) {
			size_t start = ++i;
			while (i < n && s[i] >= '0' && s[i] <= '9')
				i++;
			if (i == start)
				return fail(why, "expected digits after the decimal point");
		}
	}
	if (i < n && (s[i] == 'Z' || s[i] == 'z')) {
		i++;
	} else if (i < n && (s[i] == '+' || s[i] == '-')) {
		int sign = s[i++] == '-' ? -1 : 1;
		int oh, om;
		if ((oh = digits(s, n, &i, 2)) < 0)
			return fail(why, "expected an offset as +HH:MM");
		if (i < n && s[i] == ':')
			i++;
		if ((om = digits(s, n, &i, 2)) < 0)
			return fail(why, "expected an offset as +HH:MM");
		if (oh > 23 || om > 59)
			return fail(why, "offset is out of range");
		off = sign * (oh * 3600 + om * 60);
	}
	if (i != n)
		return fail(why, "unexpected text after the time");
	*out = pirx_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - off;
	return 0;
}

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

void pirx_time_format(int64_t t, char *out)
{
	int64_t days = floor_div(t, 86400);
	int64_t rem = t - days * 86400;
	int y, m, d;

	char tmp[64];

	pirx_civil_from_days(days, &y, &m, &d);
	if (y >= 0 && y <= 9999) {
		/* Digit by digit: reports write a time on hundreds of thousands
		 * of rows, and snprintf was a tenth of the action-item step. */
		int hh = (int)(rem / 3600), mi = (int)(rem / 60 % 60), ss = (int)(rem % 60);
		out[0] = (char)('0' + y / 1000);
		out[1] = (char)('0' + y / 100 % 10);
		out[2] = (char)('0' + y / 10 % 10);
		out[3] = (char)('0' + y % 10);
		out[4] = '-';
		out[5] = (char)('0' + m / 10);
		out[6] = (char)('0' + m % 10);
		out[7] = '-';
		out[8] = (char)('0' + d / 10);
		out[9] = (char)('0' + d % 10);
		out[10] = 'T';
		out[11] = (char)('0' + hh / 10);
		out[12] = (char)('0' + hh % 10);
		out[13] = ':';
		out[14] = (char)('0' + mi / 10);
		out[15] = (char)('0' + mi % 10);
		out[16] = ':';
		out[17] = (char)('0' + ss / 10);
		out[18] = (char)('0' + ss % 10);
		out[19] = 'Z';
		out[20] = '\0';
		return;
	}
	/* Years past 9999 do not fit the format; they cannot come from a parse. */
	snprintf(tmp, sizeof(tmp), "%04d-%02d-%02dT%02d:%02d:%02dZ", y, m, d,
		 (int)(rem / 3600), (int)(rem / 60 % 60), (int)(rem % 60));
	memcpy(out, tmp, PIRX_TIME_STRLEN - 1);
	out[PIRX_TIME_STRLEN - 1] = '\0';
}

int pirx_month_of(int64_t t)
{
	/* The month found last, per thread: the report asks for the months
	 * of rows that come in runs of one month (a responder's pages in
	 * time order, incidents by start), nearly a million times at 100k
	 * incidents, and a comparison is cheaper than the calendar. */
	static _Thread_local int64_t from = 1, to = 0;
	static _Thread_local int last;
	int y, m, d;

	if (t >= from && t < to)
		return last;
	pirx_civil_from_days(floor_div(t, 86400), &y, &m, &d);
	last = y * 12 + (m - 1);
	from = pirx_month_start(last);
	to = pirx_month_start(last + 1);
	return last;
}

int64_t pirx_month_start(int m)
{
	int y = m >= 0 ? m / 12 : -((-m + 11) / 12);
	int mo = m - y * 12 + 1;

	return pirx_days_from_civil(y, mo, 1) * 86400;
}

void pirx_month_format(int m, char *out)
{
	int y = m >= 0 ? m / 12 : -((-m + 11) / 12);
	char tmp[32];

	snprintf(tmp, sizeof(tmp), "%04d-%02d", y, m - y * 12 + 1);
	memcpy(out, tmp, PIRX_MONTH_STRLEN - 1);
	out[PIRX_MONTH_STRLEN - 1] = '\0';
}

int pirx_month_parse(const char *s, int *m)
{
	size_t i = 0, n = 0;
	int y, mo;

	while (s[n])
		n++;
	if ((y = digits(s, n, &i, 4)) < 0 || i >= n || s[i++] != '-')
		return -1;
	if ((mo = digits(s, n, &i, 2)) < 0 || i != n || mo < 1 || mo > 12)
		return -1;
	*m = y * 12 + (mo - 1);
	return 0;
}
