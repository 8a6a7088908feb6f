/* vnode exec puts a process of the host's into the vnode's pid namespace until its
 * execve. So that no process of the vnode can reach the host's vnode binary through its
 * /proc/PID/exe and write it (runc's CVE-2019-5736), exec runs from a sealed memfd copy
 * of the binary: a file with no name on the host, which no one can write. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>
#include "vnode.h"

extern char **environ;

static bool running_sealed(void)
{
	char exe[64];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	return n > 7 && !strncmp(exe, "/memfd:", 7);
}

int exec_sealed(char **argv, char *err, size_t errlen)
{
	struct stat st;
	if (running_sealed())
		return 0;
	int self = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	int mfd = memfd_create("vnode", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	int r = self < 0 || mfd < 0 || fstat(self, &st) < 0 ? -errno : 0;
	for (off_t off = 0; !r && off < st.st_size;) {
		ssize_t n = sendfile(mfd, self, &off, (size_t)(st.st_size - off));
		r = n > 0 ? 0 : n < 0 ? -errno : -EIO;
	}
	if (!r && fcntl(mfd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) < 0)
		r = -errno;
	if (!r)
		fexecve(mfd, argv, environ);  /* returns only on failure */
	r = r ? r : -errno;
	if (self >= 0)
		close(self);
	if (mfd >= 0)
		close(mfd);
	return vnode_err(err, errlen, -r, "a sealed copy of /proc/self/exe: %s", strerror(-r));
}
