/* The error helpers: err buffers inside, one line on stderr at the edge, "vnode: ...". */
#include <stdarg.h>
#include <stdio.h>
#include "runtime.h"

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

int vnode_err(char *err, size_t errlen, int e, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = err_vfill(err, errlen, e, fmt, ap);
	va_end(ap);
	return r;
}

int exit_with(int status, const char *err)
{
	errorf("%s", err);
	return status;
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
