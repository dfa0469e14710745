# shellcheck shell=bash disable=SC2154  # run_files: set by the sourcing script
# What the fault scripts share (tests/faults/run.sh on a single-node stack,
# tests/ha/run.sh on the HA stack; docs/reliability.md): the settings from
# the environment, the load (tests/load's load_bench with --acked-out) in
# the background, the loop making each fault after GAP seconds of load and
# waiting until a write sent after it was acknowledged, the end of the load,
# and acked_check over what was acknowledged. Sourced after
# deploy/local/env.sh (the STACK_* names: binaries, PKI, users).
#
# The sourcing script sets, before calling these:
#   run_files  the prefix of the run's files: ${run_files}acked (the
#              acknowledged writes), refused (the refused write attempts,
#              one "kind request_id sent_ms answered_ms CODE" line each),
#              faults (one "ms kind" line a fault), bench.log, check.log,
#              stop;
#   make_fault KIND      a function: makes one fault of KIND and calls
#                        note_fault (or says why it skipped it);
#   after_fault          a function: brings the stack back after a fault,
#                        once wait_acked has returned.
# The library sets faults, gap, concurrency and replay (fault_settings),
# bench_pid (start_load) and fault_ms (note_fault).

now_ms() { date +%s%3N; }
say() { echo "run.sh: $(date -u +%T) $*"; }

# fault_settings: FAULTS (of each kind, 3), GAP (seconds of load before each
# fault, 5), CONCURRENCY (load_bench's clients, 4), REPLAY (acknowledged
# writes acked_check replays, 0: all), checked; exit 2 when not numbers.
fault_settings() {
  faults="${FAULTS:-3}"
  gap="${GAP:-5}"
  concurrency="${CONCURRENCY:-4}"
  replay="${REPLAY:-0}"
  [[ "${faults}" =~ ^[1-9][0-9]*$ && "${gap}" =~ ^[1-9][0-9]*$ ]] || {
    echo "run.sh: FAULTS and GAP must be positive numbers" >&2
    exit 2
  }
  [[ "${concurrency}" =~ ^[1-9][0-9]*$ && "${replay}" =~ ^[0-9]+$ ]] || {
    echo "run.sh: CONCURRENCY must be a positive number, REPLAY a number" >&2
    exit 2
  }
}

# need_binaries PATH...: exit 1 naming the first that is not built.
need_binaries() {
  local b
  for b in "$@"; do
    [[ -x "${b}" ]] || {
      echo "run.sh: ${b} missing; build it first (this script's usage names the targets)" >&2
      exit 1
    }
  done
}

machine_line() {
  echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), $(uname -sr), load $(cut -d' ' -f1-3 /proc/loadavg)"
}

# as_load_users TOOL ARG...: replaces the (sub)shell with TOOL, given the
# stack's users' passwords in its environment (never on a command line) and
# their names and the PKI as flags. For load_bench and acked_check, which
# take the three users.
as_load_users() {
  local tool="$1"
  shift
  export LOAD_TECH_PASSWORD="${STACK_TECH_PASSWORD}"
  export LOAD_TECH2_PASSWORD="${STACK_TECH2_PASSWORD}"
  export LOAD_QA_PASSWORD="${STACK_QA_PASSWORD}"
  exec "${tool}" --pki="${STACK_PKI}" --tech-user="${STACK_TECH_USER}" \
    --tech2-user="${STACK_TECH2_USER}" --qa-user="${STACK_QA_USER}" "$@"
}

bench_pid=""
# start_load TARGETS: load_bench in the background (bench_pid) until
# ${run_files}stop appears, every acknowledged write in ${run_files}acked,
# every refused write attempt in ${run_files}refused (made anew).
start_load() {
  (as_load_users "${STACK_BIN}/load_bench" --target="$1" \
    --concurrency="${concurrency}" --duration=3600 \
    --stop-file="${run_files}stop" --acked-out="${run_files}acked" \
    --refused-out="${run_files}refused") \
    >"${run_files}bench.log" 2>&1 &
  bench_pid=$!
}

# stop_load_for_trap: for the scripts' EXIT traps.
stop_load_for_trap() {
  [[ -z "${bench_pid}" ]] || kill -TERM "${bench_pid}" 2>/dev/null || true
}

fault_ms=0
# note_fault KIND: the fault happens now (fault_ms), logged for acked_check.
note_fault() {
  fault_ms="$(now_ms)"
  echo "${fault_ms} $1" >>"${run_files}faults"
}

# wait_acked: waits (60 s at most) until load_bench acknowledges a write
# sent after the fault made at fault_ms, and says how long after it; 1 when
# none came.
wait_acked() {
  local i last
  for ((i = 0; i < 600; i++)); do
    # The last line's write: sent after the fault, acknowledged when.
    last="$(tail -n 1 -- "${run_files}acked" 2>/dev/null |
      awk -v f="${fault_ms}" '$4 >= f {print $5 - f}')"
    if [[ -n "${last}" ]]; then
      say "a write sent after the fault acknowledged ${last} ms after it"
      return 0
    fi
    sleep 0.1
  done
  say "warning: no write acknowledged within 60 s of the fault"
  return 1
}

# run_faults KIND...: FAULTS rounds of the KINDs in turn, each after GAP
# seconds of load: make_fault, wait_acked, after_fault; then GAP seconds
# more and the load stopped. Ends early if load_bench has.
run_faults() {
  local i kinds=("$@")
  for ((i = 0; i < faults * $#; i++)); do
    sleep "${gap}"
    kill -0 "${bench_pid}" 2>/dev/null || {
      say "load_bench ended early; see ${run_files}bench.log"
      break
    }
    make_fault "${kinds[i % $#]}"
    wait_acked || true
    after_fault
  done
  sleep "${gap}"
  touch -- "${run_files}stop"
  local bench_rc=0
  wait "${bench_pid}" || bench_rc=$?
  bench_pid=""
  say "load_bench exited ${bench_rc}"
  grep -E '^(custody|audit|all|audited)|SUMMARY|errors' "${run_files}bench.log" || true
}

# run_acked_check TARGETS: acked_check over ${run_files}acked and faults,
# its output in ${run_files}check.log; sets check_rc.
check_rc=0
run_acked_check() {
  check_rc=0
  (as_load_users "${STACK_BIN}/acked_check" --target="$1" \
    --acked="${run_files}acked" --faults="${run_files}faults" \
    --replay="${replay}") 2>&1 | tee "${run_files}check.log" || check_rc=$?
  say "acked_check exited ${check_rc} (${run_files}check.log)"
}
