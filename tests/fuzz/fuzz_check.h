// FUZZ_CHECK: how a fuzz target states a promise of the code it drives. A
// broken promise prints what was expected and aborts, which libFuzzer and
// the replay driver (replay_main.cc) both report as a crash with the input
// that caused it. Not for production code: a parser reports bad input
// through its Status; a broken FUZZ_CHECK is a bug in the parser.
//
// Thread-safety: stateless.
#ifndef CELLCHAIN_TESTS_FUZZ_FUZZ_CHECK_H_
#define CELLCHAIN_TESTS_FUZZ_FUZZ_CHECK_H_

#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(condition, what)                                        \
  do {                                                                     \
    if (!(condition)) {                                                    \
      std::fprintf(stderr, "%s:%d: FUZZ_CHECK(%s) failed: %s\n", __FILE__, \
                   __LINE__, #condition, what);                            \
      std::abort();                                                        \
    }                                                                      \
  } while (false)

#endif  // CELLCHAIN_TESTS_FUZZ_FUZZ_CHECK_H_
