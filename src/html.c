/*
 * html: escaping for report.html and the SVG inliner. The inliner is a
 * small tokenizer over the subset of SVG that gnuplot's svg terminal
 * writes, with an allow list of elements: what it does not know, it
 * refuses, so a chart file can never bring script or a network request
 * into the page. It does not parse XML in general (no CDATA, no
 * entities beyond the five predefined and numeric ones).
 */
#include "pirx/html.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

void pirx_html_escape(struct pirx_buf *out, const char *s, size_t n)
{
	size_t i, run = 0;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		const char *rep = NULL;

		switch (c) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default:
			if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f)
				rep = "";
			break;
		}
		if (rep) {
			pirx_buf_append(out, s + run, i - run);
			pirx_buf_puts(out, rep);
			run = i + 1;
		}
	}
	pirx_buf_append(out, s + run, n - run);
}

void pirx_html_escape_str(struct pirx_buf *out, const char *s)
{
	if (s)
		pirx_html_escape(out, s, strlen(s));
}

/* The elements gnuplot's svg terminal draws with (and a few harmless
 * relatives); title and desc are accepted and dropped. */
static const char *const allowed[] = {
	"svg", "g", "defs", "path", "rect", "circle", "ellipse", "line", "polyline",
	"polygon", "text", "tspan", "use", "filter", "feFlood", "feComposite",
	"feOffset", "feGaussianBlur", "feMerge", "feMergeNode", "clipPath",
	"linearGradient", "radialGradient", "stop", "pattern", "marker", "symbol",
	"title", "desc", NULL
};

static int is_allowed(const char *name, size_t n)
{
	for (const char *const *a = allowed; *a; a++)
		if (strlen(*a) == n && memcmp(*a, name, n) == 0)
			return 1;
	return 0;
}

static int name_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
}

static int name_char(char c)
{
	return name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

static int blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Only &amp; &lt; &gt; &quot; &apos; and numeric references. */
static int entities_ok(const char *s, size_t n)
{
	static const char *const named[] = {"amp;", "lt;", "gt;", "quot;", "apos;", NULL};

	for (size_t i = 0; i < n; i++) {
		if (s[i] != '&')
			continue;
		const char *r = s + i + 1;
		size_t left = n - i - 1, k = 0;
		int ok = 0;
		if (left && *r == '#') {
			k = 1;
			if (k < left && (r[k] == 'x' || r[k] == 'X'))
				k++;
			size_t d = k;
			while (k < left && ((r[k] >= '0' && r[k] <= '9') || (r[k] >= 'a' && r[k] <= 'f') ||
					    (r[k] >= 'A' && r[k] <= 'F')))
				k++;
			ok = k > d && k < left && r[k] == ';';
		} else {
			for (const char *const *e = named; *e && !ok; e++)
				ok = left >= strlen(*e) && memcmp(r, *e, strlen(*e)) == 0;
		}
		if (!ok)
			return 0;
	}
	return 1;
}

static int contains_ci(const char *s, size_t n, const char *needle)
{
	size_t m = strlen(needle);

	for (size_t i = 0; i + m <= n; i++)
		if (strncasecmp(s + i, needle, m) == 0)
			return 1;
	return 0;
}

/* Copies an attribute value, prefixing every local reference "url(#x" and
 * (for href) "#x". Refuses url() that is not local. */
static int copy_value(struct pirx_buf *out, const char *v, size_t n, const char *prefix,
		      int is_href, const char **why)
{
	size_t i = 0;

	if (!entities_ok(v, n)) {
		*why = "an entity reference in an attribute";
		return -1;
	}
	if (contains_ci(v, n, "javascript:") || contains_ci(v, n, "expression(") ||
	    contains_ci(v, n, "@import") || contains_ci(v, n, "data:")) {
		*why = "active content in an attribute";
		return -1;
	}
	if (is_href) {
		if (n == 0 || v[0] != '#') {
			*why = "a link outside the document";
			return -1;
		}
		pirx_buf_printf(out, "#%s-", prefix);
		pirx_buf_append(out, v + 1, n - 1);
		return 0;
	}
	while (i < n) {
		if (i + 4 <= n && strncasecmp(v + i, "url(", 4) == 0) {
			size_t j = i + 4;
			while (j < n && (blank(v[j]) || v[j] == '\'' || v[j] == '"'))
				j++;
			if (j >= n || v[j] != '#') {
				*why = "url() outside the document";
				return -1;
			}
			pirx_buf_append(out, v + i, j - i);
			pirx_buf_printf(out, "#%s-", prefix);
			i = j + 1;
			continue;
		}
		pirx_buf_append(out, v + i, 1);
		i++;
	}
	return 0;
}

/* Parses one start tag's attributes (p points after the name) and writes
 * the allowed ones. Returns the position after '>' or NULL. */
static const char *attributes(struct pirx_buf *out, const char *p, const char *end,
			      const char *prefix, int root, const char *label, const char **why)
{
	char width[32] = "", height[32] = "";
	int has_viewbox = 0;

	for (;;) {
		while (p < end && blank(*p))
			p++;
		if (p >= end) {
			*why = "an unterminated tag";
			return NULL;
		}
		if (*p == '>' || (*p == '/' && p + 1 < end && p[1] == '>'))
			break;
		const char *an = p;
		if (!name_start(*p)) {
			*why = "a malformed attribute";
			return NULL;
		}
		while (p < end && name_char(*p))
			p++;
		size_t anl = (size_t)(p - an);
		while (p < end && blank(*p))
			p++;
		if (p >= end || *p != '=') {
			*why = "an attribute without a value";
			return NULL;
		}
		p++;
		while (p < end && blank(*p))
			p++;
		if (p >= end || (*p != '"' && *p != '\'')) {
			*why = "an unquoted attribute";
			return NULL;
		}
		char q = *p++;
		const char *v = p;
		while (p < end && *p != q && *p != '<')
			p++;
		if (p >= end || *p != q) {
			*why = "an unterminated attribute value";
			return NULL;
		}
		size_t vn = (size_t)(p - v);
		p++;
		if (anl >= 2 && strncasecmp(an, "on", 2) == 0) {
			*why = "an event handler attribute";
			return NULL;
		}
		if ((anl == 5 && strncmp(an, "xmlns", 5) == 0) || (anl > 6 && strncmp(an, "xmlns:", 6) == 0))
			continue;
		if (root && anl == 5 && memcmp(an, "width", 5) == 0) {
			snprintf(width, sizeof(width), "%.*s", (int)(vn < 31 ? vn : 31), v);
			continue;
		}
		if (root && anl == 6 && memcmp(an, "height", 6) == 0) {
			snprintf(height, sizeof(height), "%.*s", (int)(vn < 31 ? vn : 31), v);
			continue;
		}
		if (anl == 7 && memcmp(an, "viewBox", 7) == 0)
			has_viewbox = 1;
		int is_href = (anl == 4 && memcmp(an, "href", 4) == 0) ||
			      (anl == 10 && memcmp(an, "xlink:href", 10) == 0);
		int is_id = anl == 2 && memcmp(an, "id", 2) == 0;
		pirx_buf_puts(out, " ");
		pirx_buf_append(out, an, anl);
		pirx_buf_append(out, "=", 1);
		pirx_buf_append(out, &q, 1);
		if (is_id) {
			if (!entities_ok(v, vn)) {
				*why = "an entity reference in an id";
				return NULL;
			}
			pirx_buf_printf(out, "%s-", prefix);
			pirx_buf_append(out, v, vn);
		} else if (copy_value(out, v, vn, prefix, is_href, why)) {
			return NULL;
		}
		pirx_buf_append(out, &q, 1);
	}
	if (root) {
		if (!has_viewbox && width[0] && height[0])
			pirx_buf_printf(out, " viewBox=\"0 0 %s %s\"", width, height);
		pirx_buf_puts(out, " class=\"chart\" role=\"img\"");
		if (label) {
			pirx_buf_puts(out, " aria-label=\"");
			pirx_html_escape_str(out, label);
			pirx_buf_puts(out, "\"");
		}
	}
	return p;
}

/* Skips an element's content up to its end tag (title, desc: no nesting). */
static const char *skip_element(const char *p, const char *end, const char *name)
{
	char close[48];

	snprintf(close, sizeof(close), "</%s", name);
	for (; p + strlen(close) <= end; p++)
		if (memcmp(p, close, strlen(close)) == 0) {
			const char *gt = memchr(p, '>', (size_t)(end - p));
			return gt ? gt + 1 : NULL;
		}
	return NULL;
}

int pirx_html_inline_svg(struct pirx_buf *out, const char *svg, size_t n, const char *prefix,
			 const char *label, struct pirx_err *err)
{
	const char *end = svg + n, *p = svg, *why = NULL;
	const char *start = NULL, *last = NULL;
	size_t mark = out->len;
	int depth = 0;

	/* The root: the first "<svg" outside comments; the end: its last "</svg>". */
	while (p < end) {
		if (end - p >= 4 && memcmp(p, "<!--", 4) == 0) {
			const char *c = p + 4;
			while (c + 3 <= end && memcmp(c, "-->", 3) != 0)
				c++;
			p = c + 3;
			continue;
		}
		if (end - p >= 5 && memcmp(p, "<svg", 4) == 0 && (blank(p[4]) || p[4] == '>')) {
			start = p;
			break;
		}
		p++;
	}
	for (p = end - 6; start && p >= start; p--)
		if (memcmp(p, "</svg>", 6) == 0) {
			last = p + 6;
			break;
		}
	if (!start || !last) {
		why = "no <svg> element";
		goto fail;
	}
	p = start;
	while (p < last) {
		if (*p != '<') {
			const char *t = p;
			while (p < last && *p != '<')
				p++;
			if (!entities_ok(t, (size_t)(p - t))) {
				why = "an entity reference in text";
				goto fail;
			}
			pirx_buf_append(out, t, (size_t)(p - t));
			continue;
		}
		if (last - p >= 4 && memcmp(p, "<!--", 4) == 0) {
			const char *c = p + 4;
			while (c + 3 <= last && memcmp(c, "-->", 3) != 0)
				c++;
			if (c + 3 > last) {
				why = "an unterminated comment";
				goto fail;
			}
			p = c + 3;
			continue;
		}
		if (p[1] == '!' || p[1] == '?') {
			why = "a declaration, CDATA or processing instruction inside <svg>";
			goto fail;
		}
		int closing = p[1] == '/';
		const char *nm = p + 1 + closing, *q = nm;
		while (q < last && name_char(*q))
			q++;
		size_t nl = (size_t)(q - nm);
		char name[32];
		if (nl == 0 || nl >= sizeof(name) || !is_allowed(nm, nl)) {
			why = "an element that is not a drawing element (script, image, link, ...)";
			goto fail;
		}
		memcpy(name, nm, nl);
		name[nl] = '\0';
		if (closing) {
			while (q < last && blank(*q))
				q++;
			if (q >= last || *q != '>') {
				why = "a malformed end tag";
				goto fail;
			}
			pirx_buf_printf(out, "</%s>", name);
			depth--;
			p = q + 1;
			continue;
		}
		if (strcmp(name, "title") == 0 || strcmp(name, "desc") == 0) {
			if (!(p = skip_element(q, last, name))) {
				why = "an unterminated title or desc";
				goto fail;
			}
			continue;
		}
		pirx_buf_printf(out, "<%s", name);
		if (!(q = attributes(out, q, last, prefix, p == start, label, &why)))
			goto fail;
		if (*q == '/') {
			pirx_buf_puts(out, "/>");
			p = q + 2;
		} else {
			pirx_buf_puts(out, ">");
			depth++;
			p = q + 1;
		}
	}
	if (depth != 0) {
		why = "unbalanced tags";
		goto fail;
	}
	return 0;
fail:
	out->len = mark;
	if (out->data)
		out->data[mark] = '\0';
	return pirx_err_set(err, PIRX_EINPUT, NULL, 0, NULL, "chart refused: %s", why);
}
