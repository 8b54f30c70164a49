#include "pirx/mdreview.h"
int pirx_mdreview_convert_dir(const char *a, const char *b, const struct pirx_import_opts *o, struct pirx_import_stats *s, struct pirx_err *e){(void)a;(void)b;(void)o;(void)s;return pirx_err_set(e, PIRX_EUSAGE, NULL,0,NULL,"markdown import is not ready");}
