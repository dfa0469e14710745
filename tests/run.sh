#!/usr/bin/env bash
# The project's test command: installs the Debian packages, configures and
# builds everything into build/ (Ninja, RelWithDebInfo), then runs every ctest
# test. Extra arguments go to ctest (e.g. `tests/run.sh -L unit`).
# Leaves no PostgreSQL running, whatever happens.
set -euo pipefail

usage() {
  echo "usage: tests/run.sh [ctest args...]" >&2
  echo "  env: BUILD_DIR (default build), BUILD_TYPE (default RelWithDebInfo)," >&2
  echo "       CTEST_JOBS (default 2), CELLCHAIN_TEST_CXX_FLAGS (a new build" >&2
  echo "       dir's RelWithDebInfo flags, default -O2 -g1 -DNDEBUG)," >&2
  echo "       CELLCHAIN_UNITY_BUILD (a new build dir's, default ON)" >&2
}
case "${1:-}" in
  -h | --help)
    usage
    exit 0
    ;;
esac

root="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)"
cd -- "${root}"
build="${BUILD_DIR:-build}"
build_type="${BUILD_TYPE:-RelWithDebInfo}"
jobs="${CTEST_JOBS:-2}"

# Backstop for the pg_cluster fixture's cleanup (skipped when ctest is killed).
# shellcheck disable=SC2317  # called through the trap
stop_test_cluster() {
  local pg_state
  # Written at configure time by cmake/CellchainTesting.cmake.
  [[ -f "${build}/test-state.path" ]] || return 0
  pg_state="$(cat -- "${build}/test-state.path")/pg"
  if [[ -f "${pg_state}/data/postmaster.pid" ]]; then
    echo "run.sh: stopping the test PostgreSQL left running in ${pg_state}"
    deploy/local/pg-cluster.sh "${pg_state}" stop || true
  fi
}
trap stop_test_cluster EXIT
trap 'exit 130' INT TERM HUP

now() { date +%s; }
t0="$(now)"
deploy/local/install-deps.sh

echo "run.sh: configure ${build} (${build_type})"
configure=(cmake -S . -B "${build}")
# shellcheck source-path=SCRIPTDIR source=../deploy/local/new-build.sh
source deploy/local/new-build.sh
if [[ ! -f "${build}/CMakeCache.txt" ]]; then
  new_build_args "${build_type}"
  configure+=("${NEW_BUILD_ARGS[@]}")
fi
"${configure[@]}"

echo "run.sh: build with -j$(nproc)"
t1="$(now)"
cmake --build "${build}" -j "$(nproc)"
t2="$(now)"
echo "run.sh: build took $((t2 - t1)) s"

echo "run.sh: ctest -j${jobs}"
rc=0
ctest --test-dir "${build}" --output-on-failure --no-tests=error -j "${jobs}" "$@" || rc=$?
t3="$(now)"
echo "run.sh: build $((t2 - t1)) s, tests $((t3 - t2)) s, total $((t3 - t0)) s"
if ((rc != 0)); then
  echo "run.sh: FAILED (ctest exit ${rc})"
fi
exit "${rc}"
