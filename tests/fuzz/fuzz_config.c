/* The config parser (hostside/config.c) on any bytes, as a file's contents. */
#include "config.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conf c;
	char err[512];
	if (conf_parse("/fuzz/config", (const char *)data, size, &c, err, sizeof(err)) == 0) {
		for (unsigned i = 0; i < c.nentries; i++)
			(void)conf_value(&c, c.entries[i].key, NULL);
		conf_free(&c);
	}
	return 0;
}
