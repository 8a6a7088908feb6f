/* A tiny formatter for vinit's log lines and messages: %s %c %d %u %ld %lld %%.
 * musl's printf family brings floating point and stdio (about 10 KiB) into a
 * binary that must stay under 40 KiB. Always NUL-terminates; truncates. */
#include <stdarg.h>
#include "vinit.h"

struct out {
	char *p, *end;
};

static void put(struct out *o, char c)
{
	if (o->p < o->end)
		*o->p++ = c;
}

static void put_num(struct out *o, unsigned long long v, bool neg)
{
	char digits[24];
	int n = 0;
	do
		digits[n++] = (char)('0' + v % 10);
	while ((v /= 10) && n < 24);
	if (neg)
		put(o, '-');
	while (n)
		put(o, digits[--n]);
}

static void put_signed(struct out *o, long long v)
{
	put_num(o, v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v, v < 0);
}

size_t vfmt(char *buf, size_t size, const char *f, va_list ap)
{
	struct out o = { buf, buf + size - 1 };
	for (; *f; f++) {
		if (*f != '%') {
			put(&o, *f);
			continue;
		}
		int longs = 0;
		while (*++f == 'l')
			longs++;
		switch (*f) {
		case 's': {
			const char *s = va_arg(ap, const char *);
			for (s = s ? s : "(null)"; *s; s++)
				put(&o, *s);
			break;
		}
		case 'c': put(&o, (char)va_arg(ap, int)); break;
		case 'd': put_signed(&o, longs > 1 ? va_arg(ap, long long) : longs ? va_arg(ap, long) : va_arg(ap, int)); break;
		case 'u': put_num(&o, longs > 1 ? va_arg(ap, unsigned long long) : longs ? va_arg(ap, unsigned long) : va_arg(ap, unsigned), false); break;
		case '%': put(&o, '%'); break;
		default: put(&o, '?'); if (!*f) f--; break;
		}
	}
	*o.p = 0;
	return (size_t)(o.p - buf);
}

size_t fmt(char *buf, size_t size, const char *f, ...)
{
	va_list ap;
	va_start(ap, f);
	size_t n = vfmt(buf, size, f, ap);
	va_end(ap);
	return n;
}
