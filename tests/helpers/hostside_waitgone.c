/* Waits, by pidfd and not by polling with sleeps, until every named process has
 * exited (a zombie counts as exited): how a test knows a SIGKILL has landed.
 *   hostside_waitgone TIMEOUT_MS PID...    exit 0 all gone, 1 timeout or error */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: hostside_waitgone TIMEOUT_MS PID...\n");
		return 1;
	}
	int timeout = atoi(argv[1]);
	for (int i = 2; i < argc; i++) {
		int fd = (int)syscall(SYS_pidfd_open, atoi(argv[i]), 0);
		if (fd < 0 && errno == ESRCH)
			continue;
		if (fd < 0) {
			perror("pidfd_open");
			return 1;
		}
		struct pollfd p = { fd, POLLIN, 0 };
		int r = poll(&p, 1, timeout);
		close(fd);
		if (r != 1) {
			fprintf(stderr, "hostside_waitgone: %s still running\n", argv[i]);
			return 1;
		}
	}
	return 0;
}
