/* netns/'s error helper (include/shared.h has the convention). */
#include <stdarg.h>
#include <stdio.h>

#include "vnet_base.h"

int vn_err(char *err, size_t errlen, int e, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = err_vfill(err, errlen, e, fmt, ap);
	va_end(ap);
	return r;
}
