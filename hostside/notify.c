/* systemd's notification protocol, for a vnode run by a service manager (vnode run, in
 * vnode@.service): one datagram of KEY=VALUE lines to the socket in $NOTIFY_SOCKET
 * (a path, or '@' for an abstract name), as sd_notify(3) describes it. Without
 * $NOTIFY_SOCKET, nothing. Shared with vnode-monitor, which has no libsystemd. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include "runtime.h"

void notify(const char *fmt, ...)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char msg[1024];
	if (!path || !*path || strlen(path) >= sizeof(sa.sun_path))
		return;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	memcpy(sa.sun_path, path, strlen(path));
	if (sa.sun_path[0] == '@')
		sa.sun_path[0] = 0;
	socklen_t len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(path));
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	size_t size = n < 0 ? 0 : (size_t)n < sizeof(msg) ? (size_t)n : sizeof(msg) - 1;
	if (fd < 0 || sendto(fd, msg, size, MSG_NOSIGNAL, (struct sockaddr *)&sa, len) < 0)
		errorf("notifying %s: %s", path, strerror(errno));
	if (fd >= 0)
		close(fd);
}
