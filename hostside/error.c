/* The one error-reporting helper: a single line on stderr, "vnode: ...". */
#include <stdarg.h>
#include <stdio.h>
#include "vnode.h"

static void vreport(const char *fmt, va_list ap)
{
	char line[2048];
	vsnprintf(line, sizeof(line), fmt, ap);
	fprintf(stderr, "vnode: %s\n", line);
}

void errorf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport(fmt, ap);
	va_end(ap);
}

/* Progress for the operator, on stdout. */
void notef(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}
