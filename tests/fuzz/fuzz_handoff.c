/* The monitor hand-off (hostside/handoff.c): the input's NUL-separated words as argv. */
#include "fuzz.h"
#include "handoff.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_string(data, size), *argv[64], err[512];
	struct handoff h;
	int argc = 0;
	if (!s)
		return 0;
	for (size_t at = 0; at <= size && argc < 64; at += strlen(s + at) + 1)
		argv[argc++] = s + at;
	handoff_init(&h);
	(void)handoff_parse(argc, argv, &h, err, sizeof(err));
	free(s);
	return 0;
}
