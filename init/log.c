/* The console log: one line per message, prefixed with "vinit: ", written with a
 * single write(2) so lines from vinit and rc never interleave mid-line. */
#include <stdarg.h>
#include <unistd.h>
#include "vinit.h"

bool vlog_quiet;

static void vwrite(const char *fmt, va_list ap)
{
	char line[512] = "vinit: ";
	size_t len = 7 + vfmt(line + 7, sizeof(line) - 8, fmt, ap);
	line[len++] = '\n';
	/* The console may be gone; there is nobody left to tell. */
	if (write(STDERR_FILENO, line, len) < 0)
		return;
}

void vlog(const char *fmt, ...)
{
	va_list ap;
	if (vlog_quiet)
		return;
	va_start(ap, fmt);
	vwrite(fmt, ap);
	va_end(ap);
}

void verr(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vwrite(fmt, ap);
	va_end(ap);
}
