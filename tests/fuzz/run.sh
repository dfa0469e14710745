#!/usr/bin/env bash
# The fuzzing benchmark (issue 13, "Bad input"; docs/testing.md, "Fuzzing"):
# builds the fuzz targets with clang and libFuzzer (ASan, UBSan) in a build
# directory of their own, runs each for a fixed time and prints, per target,
# the executions, executions per second, coverage (libFuzzer's cov: and ft:),
# the corpus it ended with, and any crash, leak, timeout or out-of-memory
# input it found.
#
#   tests/fuzz/run.sh [SECONDS] [TARGET...]
#
# SECONDS: each target's budget (-max_total_time), default 60. TARGET: names
# as in tests/fuzz/<name>_fuzzer.cc (default: every one). Environment:
#   CELLCHAIN_FUZZ_BUILD  the build directory (default <repo>/build-fuzz),
#                         configured once with CC=clang CXX=clang++
#                         -DCELLCHAIN_FUZZ=ON; only the fuzz targets and the
#                         libraries they link are built there
#   CELLCHAIN_FUZZ_JOBS   parallel compile jobs (default: ninja's)
# The build holds /tmp/cellchain-build.lock, as every build on the shared
# machines does. Each run's corpus, log and findings are kept in
# <build>/fuzz-runs/<target>/ (the seed corpus in tests/fuzz/corpus is only
# read). Exit status: 0 when no target found anything, 1 when one did, 2 for
# a bad command line or a failed build.
set -euo pipefail

usage() {
  echo "usage: $0 [SECONDS] [TARGET...]" >&2
  exit 2
}

seconds=60
if [[ $# -gt 0 ]]; then
  [[ $1 =~ ^[1-9][0-9]*$ ]] || usage
  seconds=$1
  shift
fi

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${CELLCHAIN_FUZZ_BUILD:-$root/build-fuzz}

targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then
  for source in "$here"/*_fuzzer.cc; do
    name=$(basename "$source" _fuzzer.cc)
    targets+=("$name")
  done
fi
for name in "${targets[@]}"; do
  [[ -f $here/${name}_fuzzer.cc ]] || {
    echo "$0: no target $name (tests/fuzz/${name}_fuzzer.cc)" >&2
    exit 2
  }
done

if [[ ! -f $build/CMakeCache.txt ]]; then
  echo "== configuring $build (clang, CELLCHAIN_FUZZ=ON)"
  # Warnings stay warnings: the project's -Werror list names GCC warnings
  # clang does not know.
  mkdir -p "$build"
  CC=clang CXX=clang++ cmake -S "$root" -B "$build" -G Ninja \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCELLCHAIN_FUZZ=ON \
    -DCELLCHAIN_WERROR=OFF >"$build/configure.log" 2>&1 || {
    cat "$build/configure.log" >&2
    echo "$0: configuring $build failed" >&2
    exit 2
  }
fi

binaries=()
for name in "${targets[@]}"; do binaries+=("${name}_fuzzer"); done
echo "== building ${binaries[*]} (waiting for /tmp/cellchain-build.lock)"
jobs=()
[[ -n ${CELLCHAIN_FUZZ_JOBS:-} ]] && jobs=(-j "$CELLCHAIN_FUZZ_JOBS")
if ! flock /tmp/cellchain-build.lock \
  cmake --build "$build" "${jobs[@]}" --target "${binaries[@]}"; then
  echo "$0: the build failed" >&2
  exit 2
fi

# The figures of libFuzzer's last status line ("#123 DONE cov: 1 ft: 2
# corp: 3/45b ... exec/s: 67 rss: 89Mb") and of -print_final_stats=1.
field() { # field LOG REGEX: the first capture of REGEX on the last line matching it
  grep -aoE "$2" "$1" | tail -n 1 | sed -E "s|$2|\\1|" || true
}

found_any=0
summary=()
for name in "${targets[@]}"; do
  binary=$build/tests/fuzz/${name}_fuzzer
  work=$build/fuzz-runs/$name
  rm -rf "$work"
  mkdir -p "$work/corpus"
  max_len=$(cat "$build/tests/fuzz/${name}_fuzzer.max_len")
  echo "== $name: ${seconds} s (max_len $max_len)"
  status=0
  # New inputs go to $work/corpus; the seeds are read from the second dir.
  "$binary" -max_total_time="$seconds" -max_len="$max_len" -timeout=10 \
    -print_final_stats=1 -artifact_prefix="$work/" \
    "$work/corpus" "$here/corpus/$name" >"$work/fuzz.log" 2>&1 || status=$?
  runs=$(field "$work/fuzz.log" 'stat::number_of_executed_units: ([0-9]+)')
  rate=$(field "$work/fuzz.log" 'stat::average_exec_per_sec: +([0-9]+)')
  cov=$(field "$work/fuzz.log" 'cov: ([0-9]+)')
  ft=$(field "$work/fuzz.log" 'ft: ([0-9]+)')
  corp=$(field "$work/fuzz.log" 'corp: ([0-9]+/[0-9]+[a-zA-Z]*)')
  findings=$(find "$work" -maxdepth 1 -type f \
    \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' \
    -o -name 'oom-*' -o -name 'slow-unit-*' \) | sort)
  line=$(printf '%-16s %10s execs %8s exec/s  cov %5s  ft %6s  corpus %-12s' \
    "$name" "${runs:-?}" "${rate:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}")
  if [[ -n $findings || $status -ne 0 ]]; then
    found_any=1
    line+="  FOUND (exit $status): ${findings:-see $work/fuzz.log}"
    grep -aE 'ERROR: |FUZZ_CHECK|SUMMARY' "$work/fuzz.log" | head -n 5 || true
  else
    line+="  nothing found"
  fi
  echo "$line"
  summary+=("$line")
done

echo
echo "== fuzzing, ${seconds} s per target, clang $(clang++ -dumpversion)," \
  "$(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ), $(git -C "$root" rev-parse --short HEAD)"
printf '%s\n' "${summary[@]}"
exit "$found_any"
