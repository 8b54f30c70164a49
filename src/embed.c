/*
 * embed: lookup in the tables the build generates from queries/ and
 * reports/. The tables themselves live in build/gen/.
 */
#include "pirx/embed.h"

#include <string.h>

const struct pirx_embed *pirx_embed_find(const struct pirx_embed *table, const char *name)
{
	for (const struct pirx_embed *e = table; e->name; e++)
		if (strcmp(e->name, name) == 0)
			return e;
	return NULL;
}
