/*
 * test_template: placeholders, escaping by default, raw values, comments,
 * and the errors a template typo must raise.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "pirx/html.h"
#include "pirx/template.h"

static int render(const char *tmpl, pirx_template_vars *v, struct pirx_buf *out, struct pirx_err *err)
{
	pirx_buf_reset(out);
	return pirx_template_render(tmpl, "t.tmpl", v, pirx_html_escape, out, err);
}

static void test_fill(void **state)
{
	pirx_template_vars *v = pirx_template_vars_new();
	struct pirx_buf b;
	struct pirx_err e;

	(void)state;
	pirx_buf_init(&b);
	pirx_template_set(v, "month", "June 2026");
	pirx_template_setf(v, "n", "%d", 42);
	pirx_template_set(v, "label", "<script>&'\"");
	pirx_template_set_raw(v, "section", "<p>ok</p>");
	assert_int_equal(render("# {{month}}: {{ n }} {{label}}{{! a comment }}\n{{section}}{{n}}", v, &b, &e), 0);
	assert_string_equal(pirx_buf_str(&b),
			    "# June 2026: 42 &lt;script&gt;&amp;&#39;&quot;\n<p>ok</p>42");
	/* Setting again replaces; no escape function inserts as is. */
	pirx_template_set(v, "n", "7");
	pirx_buf_reset(&b);
	assert_int_equal(pirx_template_render("{{n}}{{label}}", "t", v, NULL, &b, &e), 0);
	assert_string_equal(pirx_buf_str(&b), "7<script>&'\"");
	assert_string_equal(pirx_template_get(v, "n"), "7");
	assert_null(pirx_template_get(v, "nope"));
	/* Text without placeholders, single braces. */
	assert_int_equal(render("a { b } c", v, &b, &e), 0);
	assert_string_equal(pirx_buf_str(&b), "a { b } c");
	pirx_template_vars_clear(v);
	assert_null(pirx_template_get(v, "n"));
	pirx_buf_release(&b);
	pirx_template_vars_free(v);
	pirx_template_vars_free(NULL);
}

static void test_errors(void **state)
{
	pirx_template_vars *v = pirx_template_vars_new();
	struct pirx_buf b;
	struct pirx_err e;

	(void)state;
	pirx_buf_init(&b);
	pirx_template_set(v, "x", "1");
	pirx_buf_puts(&b, "kept");
	assert_int_equal(pirx_template_render("line\n{{y}}", "t.tmpl", v, NULL, &b, &e), PIRX_EINPUT);
	assert_string_equal(pirx_buf_str(&b), "kept");   /* nothing appended on failure */
	assert_int_equal(e.line, 2);
	assert_string_equal(e.file, "t.tmpl");
	assert_non_null(strstr(e.msg, "unknown placeholder '{{y}}'"));
	assert_int_equal(render("{{x", v, &b, &e), PIRX_EINPUT);
	assert_non_null(strstr(e.msg, "unclosed"));
	assert_int_equal(render("{{x y}}", v, &b, &e), PIRX_EINPUT);
	assert_int_equal(render("{{}}", v, &b, &e), PIRX_EINPUT);
	pirx_buf_release(&b);
	pirx_template_vars_free(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fill),
		cmocka_unit_test(test_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
