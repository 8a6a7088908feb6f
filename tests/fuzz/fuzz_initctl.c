/* The /run/initctl stream decoder (init/initctl.c), fed the input in reads of the sizes
 * its first bytes give, as a FIFO would. */
#include "initctl.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct initctl d;
	struct initctl_event ev[8];
	initctl_init(&d);
	size_t at = size ? 1 : 0, chunk = size ? (size_t)data[0] * 7 + 1 : 1;
	while (at < size) {
		size_t n = size - at < chunk ? size - at : chunk;
		unsigned got = initctl_feed(&d, data + at, n, ev, 8);
		if (got > 8)
			abort();
		at += n;
	}
	return 0;
}
