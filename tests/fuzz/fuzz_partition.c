/* The partition probing (mount/partition.c, libblkid) on a fuzzed disk image: the first
 * byte picks the partition index, the rest is the image, in a memfd. make fuzz runs this
 * target with -fork, so that each input is probed in a child process (libblkid's state
 * and any crash stay there) while the coverage is merged. */
#include <sys/mman.h>
#include <unistd.h>
#include "fuzz.h"
#include "vmount.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vm_extent x;
	char err[512] = "";
	if (size < 1)
		return 0;
	int fd = memfd_create("fuzz-image", MFD_CLOEXEC);
	if (fd < 0)
		abort();
	if (write(fd, data + 1, size - 1) != (ssize_t)(size - 1))
		abort();
	(void)vm_probe_fd(fd, data[0] % 9, VM_PROBE_FS_SAFE, &x, err, sizeof(err));
	(void)vm_probe_fd(fd, data[0] % 9, VM_PROBE_TABLE, &x, err, sizeof(err));
	if (!memchr(err, 0, sizeof(err)))
		abort();
	close(fd);
	return 0;
}
