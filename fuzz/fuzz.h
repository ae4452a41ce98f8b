/*
 * fuzz.h - shared by the libFuzzer targets in fuzz/ and by
 * tests/unit/test_hostile.c, which includes each target's source to replay
 * tests/fixtures/fuzz/ with the very same invariants.
 *
 * FUZZ_CHECK(cond) fails the run when an invariant does not hold: under
 * libFuzzer by abort() (so the input is saved as a crash artifact); the
 * test build defines FUZZ_FAIL first to turn it into a test failure.
 * FUZZ_ENTRY is the entry point's name; the test build renames each one.
 */
#ifndef PODCUE_FUZZ_H
#define PODCUE_FUZZ_H

#include <stdio.h>
#include <stdlib.h>

#ifndef FUZZ_FAIL
#define FUZZ_FAIL(what)                                                      \
	do {                                                                 \
		fprintf(stderr, "invariant failed: %s (%s:%d)\n", what,      \
			__FILE__, __LINE__);                                 \
		abort();                                                     \
	} while (0)
#endif

#define FUZZ_CHECK(cond)                                                     \
	do {                                                                 \
		if (!(cond))                                                 \
			FUZZ_FAIL(#cond);                                    \
	} while (0)

#ifndef FUZZ_ENTRY
#define FUZZ_ENTRY LLVMFuzzerTestOneInput
#endif

#endif
