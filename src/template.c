/*
 * template: fills "{{name}}" placeholders from a small variable set. It
 * knows nothing of HTML or Markdown: escaping is the caller's function, so
 * the same engine serves report.md and report.html. Values are few (tens),
 * so lookup is a linear scan.
 */
#include "pirx/template.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct var {
	char *name;
	char *value;
	int raw;
};

struct pirx_template_vars {
	struct var *v;
	size_t n, cap;
};

pirx_template_vars *pirx_template_vars_new(void)
{
	return pirx_xcalloc(1, sizeof(pirx_template_vars));
}

void pirx_template_vars_clear(pirx_template_vars *v)
{
	for (size_t i = 0; i < v->n; i++) {
		free(v->v[i].name);
		free(v->v[i].value);
	}
	v->n = 0;
}

void pirx_template_vars_free(pirx_template_vars *v)
{
	if (!v)
		return;
	pirx_template_vars_clear(v);
	free(v->v);
	free(v);
}

static struct var *find(const pirx_template_vars *v, const char *name, size_t n)
{
	for (size_t i = 0; i < v->n; i++)
		if (strlen(v->v[i].name) == n && memcmp(v->v[i].name, name, n) == 0)
			return &v->v[i];
	return NULL;
}

static void set(pirx_template_vars *v, const char *name, char *value, int raw)
{
	struct var *x = find(v, name, strlen(name));

	if (!x) {
		if (v->n == v->cap) {
			v->cap = v->cap ? v->cap * 2 : 16;
			v->v = pirx_xreallocarray(v->v, v->cap, sizeof(*v->v));
		}
		x = &v->v[v->n++];
		x->name = pirx_xstrdup(name);
	} else {
		free(x->value);
	}
	x->value = value;
	x->raw = raw;
}

void pirx_template_set(pirx_template_vars *v, const char *name, const char *value)
{
	set(v, name, pirx_xstrdup(value ? value : ""), 0);
}

void pirx_template_set_raw(pirx_template_vars *v, const char *name, const char *value)
{
	set(v, name, pirx_xstrdup(value ? value : ""), 1);
}

void pirx_template_setf(pirx_template_vars *v, const char *name, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n > 0) {
		char *s = pirx_xmalloc((size_t)n + 1);
		va_start(ap, fmt);
		vsnprintf(s, (size_t)n + 1, fmt, ap);
		va_end(ap);
		set(v, name, s, 0);
	} else {
		set(v, name, pirx_xstrdup(""), 0);
	}
}

const char *pirx_template_get(const pirx_template_vars *v, const char *name)
{
	const struct var *x = find(v, name, strlen(name));

	return x ? x->value : NULL;
}

static int name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '.';
}

static long line_at(const char *start, const char *p)
{
	long line = 1;

	for (; start < p; start++)
		if (*start == '\n')
			line++;
	return line;
}

int pirx_template_render(const char *tmpl, const char *name, const pirx_template_vars *v,
			 pirx_template_escape_fn esc, struct pirx_buf *out, struct pirx_err *err)
{
	const char *p = tmpl, *open, *close, *a, *b;
	size_t mark = out->len;
	const struct var *x;

	while ((open = strstr(p, "{{"))) {
		pirx_buf_append(out, p, (size_t)(open - p));
		close = strstr(open + 2, "}}");
		if (!close) {
			pirx_err_set(err, PIRX_EINPUT, name, line_at(tmpl, open), NULL,
				     "unclosed '{{' in template");
			goto fail;
		}
		p = close + 2;
		if (open[2] == '!')
			continue;
		a = open + 2;
		b = close;
		while (a < b && (*a == ' ' || *a == '\t'))
			a++;
		while (b > a && (b[-1] == ' ' || b[-1] == '\t'))
			b--;
		for (const char *c = a; c < b; c++) {
			if (!name_char(*c)) {
				pirx_err_set(err, PIRX_EINPUT, name, line_at(tmpl, open), NULL,
					     "'%.*s' is not a placeholder name (letters, digits, '_' and '.')",
					     (int)(close - open - 2 > 60 ? 60 : close - open - 2), open + 2);
				goto fail;
			}
		}
		if (a == b || !(x = find(v, a, (size_t)(b - a)))) {
			pirx_err_set(err, PIRX_EINPUT, name, line_at(tmpl, open), NULL,
				     "unknown placeholder '{{%.*s}}'", (int)(b - a > 60 ? 60 : b - a), a);
			goto fail;
		}
		if (x->raw || !esc)
			pirx_buf_puts(out, x->value);
		else
			esc(out, x->value, strlen(x->value));
	}
	pirx_buf_puts(out, p);
	return 0;
fail:
	out->len = mark;
	if (out->data)
		out->data[mark] = '\0';
	return PIRX_EINPUT;
}
