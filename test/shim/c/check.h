/* A few lines of test harness: "ok ..." / "FAIL ..." lines and a failure count for the exit code. */
#ifndef TEST_CHECK_H
#define TEST_CHECK_H

#include <errno.h>
#include <stdio.h>
#include <string.h>

static int failures;

#define CHECK(cond, ...)                                                  \
	do {                                                              \
		if (!(cond)) {                                            \
			printf("FAIL %s:%d: ", __FILE__, __LINE__);       \
			printf(__VA_ARGS__);                              \
			printf(" (errno %s)\n", strerrorname_np(errno) ? strerrorname_np(errno) : "0"); \
			failures++;                                       \
		}                                                         \
	} while (0)

/* `expr` must fail with -1 and errno `want`; prints "errno NAME: WANT". */
#define EXPECT_ERRNO(name, want, expr)                                                   \
	do {                                                                             \
		errno = 0;                                                               \
		long rc_ = (long)(expr);                                                 \
		int e_ = errno;                                                          \
		if (rc_ == -1 && e_ == (want)) {                                         \
			printf("errno %s: %s\n", name, strerrorname_np(want));           \
		} else {                                                                 \
			printf("FAIL errno %s: rc %ld errno %s, want %s\n", name, rc_,   \
			       e_ ? strerrorname_np(e_) : "0", strerrorname_np(want));   \
			failures++;                                                      \
		}                                                                        \
	} while (0)

static inline int finish(void)
{
	printf(failures ? "FAILED %d\n" : "PASSED\n", failures);
	fflush(stdout);
	return failures ? 1 : 0;
}

#endif
