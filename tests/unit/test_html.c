/*
 * test_html: HTML and Markdown escaping, and the SVG inliner: what a
 * gnuplot file becomes, and every kind of active content it refuses.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "pirx/html.h"
#include "pirx/md.h"

static void test_escape(void **state)
{
	struct pirx_buf b;

	(void)state;
	pirx_buf_init(&b);
	pirx_html_escape_str(&b, "a & b < c > d \"e\" 'f' \x01g\n");
	assert_string_equal(pirx_buf_str(&b), "a &amp; b &lt; c &gt; d &quot;e&quot; &#39;f&#39; g\n");
	pirx_buf_reset(&b);
	pirx_html_escape_str(&b, NULL);
	pirx_html_escape(&b, "x\0y", 3);
	assert_int_equal(b.len, 2);
	pirx_buf_reset(&b);
	pirx_md_escape_str(&b, "a|b *c* _d_ [e](f) <g> #h & ~i~ `j`\nk\\");
	assert_string_equal(pirx_buf_str(&b),
			    "a\\|b \\*c\\* \\_d\\_ \\[e\\](f) \\<g\\> \\#h \\& \\~i\\~ \\`j\\` k\\\\");
	pirx_buf_release(&b);
}

static const char gnuplot_svg[] =
	"<?xml version=\"1.0\" encoding=\"utf-8\"  standalone=\"no\"?>\n"
	"<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" \"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd\">\n"
	"<svg \n width=\"600\" height=\"480\"\n viewBox=\"0 0 600 480\"\n"
	" xmlns=\"http://www.w3.org/2000/svg\"\n xmlns:xlink=\"http://www.w3.org/1999/xlink\"\n>\n"
	"<title>Gnuplot</title>\n<desc>Produced by GNUPLOT 5.4</desc>\n<!-- a comment -->\n"
	"<g id=\"gnuplot_canvas\"><defs><circle id='gpPt5' r='1'/>"
	"<use xlink:href='#gpPt5' id='gpPt6'/></defs>"
	"<text filter='url(#textbox)'>&lt;script>alert(1)&lt;/script> &amp; co</text></g>\n</svg>\n";

static void test_inline(void **state)
{
	struct pirx_buf b;
	struct pirx_err e;

	(void)state;
	pirx_buf_init(&b);
	assert_int_equal(pirx_html_inline_svg(&b, gnuplot_svg, strlen(gnuplot_svg), "c1", "A <chart>", &e), 0);
	assert_string_equal(pirx_buf_str(&b),
			    "<svg viewBox=\"0 0 600 480\" class=\"chart\" role=\"img\" aria-label=\"A &lt;chart&gt;\">\n\n\n\n"
			    "<g id=\"c1-gnuplot_canvas\"><defs><circle id='c1-gpPt5' r='1'/>"
			    "<use xlink:href='#c1-gpPt5' id='c1-gpPt6'/></defs>"
			    "<text filter='url(#c1-textbox)'>&lt;script>alert(1)&lt;/script> &amp; co</text></g>\n</svg>");
	/* No viewBox: made from width and height. */
	pirx_buf_reset(&b);
	assert_int_equal(pirx_html_inline_svg(&b, "<svg width=\"10\" height=\"5\"></svg>", 33, "p", NULL, &e), 0);
	assert_string_equal(pirx_buf_str(&b), "<svg viewBox=\"0 0 10 5\" class=\"chart\" role=\"img\"></svg>");
	pirx_buf_release(&b);
}

static void test_refuse(void **state)
{
	static const char *const bad[] = {
		"<svg><script>alert(1)</script></svg>",
		"<svg><SCRIPT>alert(1)</SCRIPT></svg>",
		"<svg onload=\"alert(1)\"></svg>",
		"<svg><g ONCLICK='x'></g></svg>",
		"<svg><foreignObject><div/></foreignObject></svg>",
		"<svg><image href=\"http://example.com/x.png\"/></svg>",
		"<svg><a href=\"javascript:alert(1)\"><text>x</text></a></svg>",
		"<svg><use xlink:href=\"http://example.com/s.svg#a\"/></svg>",
		"<svg><rect fill=\"url(http://example.com/p)\"/></svg>",
		"<svg><rect style=\"background:url('https://x')\"/></svg>",
		"<svg><style>@import url(x)</style></svg>",
		"<svg><![CDATA[<script>x</script>]]></svg>",
		"<svg><text>&xxe;</text></svg>",
		"<svg><g></svg>",
		"<svg><rect x=1/></svg>",
		"no svg at all",
	};
	struct pirx_buf b;
	struct pirx_err e;

	(void)state;
	pirx_buf_init(&b);
	pirx_buf_puts(&b, "before");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (pirx_html_inline_svg(&b, bad[i], strlen(bad[i]), "p", NULL, &e) != PIRX_EINPUT)
			fail_msg("accepted: %s", bad[i]);
		assert_string_equal(pirx_buf_str(&b), "before");
		assert_non_null(strstr(e.msg, "chart refused"));
	}
	pirx_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_inline),
		cmocka_unit_test(test_refuse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
