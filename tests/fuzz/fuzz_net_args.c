/* NETWORK, BRIDGES, ADDRS and GATEWAY together (netns/parse.c's vn_config_init), as the
 * input's lines: NETWORK, then BRIDGES elements up to a "-" line, then ADDRS elements up
 * to another, then GATEWAY. */
#include "fuzz.h"
#include "vnet.h"

#define MAXEL 40  /* past the limits, which the parser must refuse */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_string(data, size), err[512] = "", *rest, *line;
	const char *el[2][MAXEL], *network = NULL, *gateway = NULL;
	unsigned n[2] = { 0, 0 }, part = 0;
	struct vn_config c;
	if (!s)
		return 0;
	rest = s;
	network = strsep(&rest, "\n");
	while ((line = strsep(&rest, "\n")) && part < 2) {
		if (!strcmp(line, "-"))
			part++;
		else if (n[part] < MAXEL)
			el[part][n[part]++] = line;
	}
	gateway = line;
	(void)vn_config_init(&c, "fz1", network, el[0], n[0], el[1], n[1], gateway, err, sizeof(err));
	if (!memchr(err, 0, sizeof(err)))
		abort();
	free(s);
	return 0;
}
