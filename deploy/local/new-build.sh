# shellcheck shell=bash
# new_build_args BUILD_TYPE: sets NEW_BUILD_ARGS, the cmake arguments of a
# build dir made from scratch — by tests/run.sh and by stack.sh (the demo's
# build), so that the README's two commands build once, alike, and the test
# command only adds what the demo did not build. Sourced.
#
# Such a build needs line tables (-g1: a backtrace or a failure names
# file:line), not full variable information, which costs about a quarter of
# the compile time; and, made once from scratch, it is a unity build, each
# target's sources compiled as a few combined files, which parses the common
# headers far fewer times (docs/testing.md, "Build time"). A developer's own
# build dir, configured by hand, keeps one object per source, so that an edit
# recompiles one file.
#
# It is compiled by clang and linked by lld (both from packages.txt): the
# same tree takes about 30 % less CPU to compile than with GCC 12, test code
# at -O0 most of all, and lld links the ~100 test binaries faster than GNU
# ld (docs/testing.md, "Build time"). GCC stays supported and warning-free:
# CELLCHAIN_COMPILER=gcc, or a build dir configured by hand.
# env: CELLCHAIN_TEST_CXX_FLAGS (RelWithDebInfo's flags, default
# -O2 -g1 -DNDEBUG), CELLCHAIN_UNITY_BUILD (default ON), CELLCHAIN_COMPILER
# (clang, the default, or gcc)
new_build_args() {
  # shellcheck disable=SC2034  # for the sourcing script
  NEW_BUILD_ARGS=(-G Ninja
    -DCMAKE_BUILD_TYPE="$1"
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="${CELLCHAIN_TEST_CXX_FLAGS:--O2 -g1 -DNDEBUG}"
    -DCELLCHAIN_UNITY_BUILD="${CELLCHAIN_UNITY_BUILD:-ON}")
  case "${CELLCHAIN_COMPILER:-clang}" in
    clang)
      NEW_BUILD_ARGS+=(-DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++
        -DCMAKE_EXE_LINKER_FLAGS=-fuse-ld=lld
        -DCMAKE_SHARED_LINKER_FLAGS=-fuse-ld=lld)
      ;;
    gcc) NEW_BUILD_ARGS+=(-DCMAKE_C_COMPILER=gcc -DCMAKE_CXX_COMPILER=g++) ;;
    *)
      echo "new-build.sh: CELLCHAIN_COMPILER must be clang or gcc, not '${CELLCHAIN_COMPILER}'" >&2
      return 2
      ;;
  esac
}
