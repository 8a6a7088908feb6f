/* tiocsti [--tty] LINE: pushes LINE and a newline into the input of the terminal on fd
 * 0 (--tty: the controlling one, /dev/tty), as if typed (bubblewrap's CVE-2017-5226);
 * tiocsti --pending: how many bytes wait in fd 0's terminal's input, so that a test sees
 * what a shell would read next. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "--pending")) {
		int n = -1;
		if (ioctl(0, FIONREAD, &n) < 0)
			perror("tiocsti: FIONREAD");
		printf("%d\n", n);
		return n < 0;
	}
	int fd = 0;
	if (argc == 3 && !strcmp(argv[1], "--tty")) {
		if ((fd = open("/dev/tty", O_RDWR)) < 0) {
			perror("tiocsti: /dev/tty");
			return 1;
		}
		argv++, argc--;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: tiocsti [--tty] LINE | --pending\n");
		return 2;
	}
	for (const char *p = argv[1];; p++) {
		char c = *p ? *p : '\n';
		if (ioctl(fd, TIOCSTI, &c) < 0) {
			perror("tiocsti: TIOCSTI");
			return 1;
		}
		if (!*p)
			return 0;
	}
}
