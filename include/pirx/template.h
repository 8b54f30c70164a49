/*
 * template: a tiny text template engine for the report's wording.
 *
 * A template is text with placeholders "{{name}}" (blanks inside the
 * braces are allowed; a name is letters, digits, '_' and '.'). Each
 * placeholder is replaced by a variable's value, passed through the
 * caller's escape function (HTML or Markdown escaping), unless the
 * variable was set raw: raw values are markup the program built itself
 * and already escaped. There are no loops, conditions or includes: the C
 * code decides what to say, the template only how to word and lay it out.
 * "{{!...}}" is a comment and produces nothing.
 *
 * A placeholder that names no variable, or an unclosed "{{", is an error,
 * so that a typo in a template fails the run instead of printing braces.
 */
#ifndef PIRX_TEMPLATE_H
#define PIRX_TEMPLATE_H

#include <stddef.h>

#include "pirx/err.h"
#include "pirx/mem.h"

/* A set of named values. Opaque; free with pirx_template_vars_free. */
typedef struct pirx_template_vars pirx_template_vars;

pirx_template_vars *pirx_template_vars_new(void);
void pirx_template_vars_free(pirx_template_vars *v);   /* NULL: nothing */
/* Forgets every variable (keeps the memory). */
void pirx_template_vars_clear(pirx_template_vars *v);

/* Sets name to a copy of value (NULL means ""), escaped when rendered.
 * Setting a name again replaces its value. */
void pirx_template_set(pirx_template_vars *v, const char *name, const char *value);
/* Same, printf-style. */
void pirx_template_setf(pirx_template_vars *v, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Sets name to markup inserted verbatim (never corpus text). */
void pirx_template_set_raw(pirx_template_vars *v, const char *name, const char *value);
/* The value of name, or NULL when unset. */
const char *pirx_template_get(const pirx_template_vars *v, const char *name);

/* Appends s[0..n) to out, escaped for the output format. */
typedef void (*pirx_template_escape_fn)(struct pirx_buf *out, const char *s, size_t n);

/*
 * Appends tmpl with its placeholders filled to out. esc escapes values
 * that were not set raw (NULL: inserted as they are). name is the
 * template's name, for messages. Returns 0, or PIRX_EINPUT with err
 * naming the template, its line and the placeholder.
 */
int pirx_template_render(const char *tmpl, const char *name, const pirx_template_vars *v,
			 pirx_template_escape_fn esc, struct pirx_buf *out, struct pirx_err *err);

#endif
