/*
 * html: what it takes to put text and charts into a self-contained HTML
 * page: escaping, and turning a gnuplot SVG file into markup that can be
 * inlined safely (no script, no event handler, no reference outside the
 * document).
 */
#ifndef PIRX_HTML_H
#define PIRX_HTML_H

#include <stddef.h>

#include "pirx/err.h"
#include "pirx/mem.h"

/* Appends s[0..n) with & < > " ' escaped as entities (text and attribute
 * values alike). NUL bytes and other C0 controls but tab and newline are
 * dropped. Matches pirx_template_escape_fn. */
void pirx_html_escape(struct pirx_buf *out, const char *s, size_t n);
/* Same for a NUL-terminated string (NULL: nothing). */
void pirx_html_escape_str(struct pirx_buf *out, const char *s);

/*
 * Appends the <svg> element of an SVG document (svg[0..n), e.g. a file
 * gnuplot wrote) to out, ready to inline in HTML: the XML prolog, doctype,
 * comments, fixed width and height and namespace declarations are removed,
 * every id (and each "#id" reference to it) gets the prefix "PREFIX-" so
 * that several charts can share one page, and label (may be NULL) becomes
 * the element's aria-label. Only a known set of drawing elements and
 * attributes is accepted: anything else (script, foreignObject, image,
 * event handlers, links or url() outside the document, entities) makes it
 * fail. Returns 0, or PIRX_EINPUT with err saying what was refused; out
 * is then unchanged.
 */
int pirx_html_inline_svg(struct pirx_buf *out, const char *svg, size_t n, const char *prefix,
			 const char *label, struct pirx_err *err);

#endif
