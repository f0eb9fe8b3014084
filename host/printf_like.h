/* PRINTF_LIKE(f, v): lets GCC and Clang check the calls of a printf-like function whose
 * format is argument number f and whose values start at argument number v. */
#ifndef HOST_PRINTF_LIKE_H
#define HOST_PRINTF_LIKE_H

#if defined(__GNUC__)
#define PRINTF_LIKE(f, v) __attribute__((format(printf, f, v)))
#else
#define PRINTF_LIKE(f, v)
#endif

#endif
