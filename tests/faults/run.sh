#!/usr/bin/env bash
# Faults under load (docs/reliability.md, "Faults"; issue 13): a stack of its
# own (deploy/local/stack.sh up --no-build in STATE_DIR, on ports apart from
# the dev stack's, the tests' and tests/load's), plus a second cellchaind
# hosting only the audit service as a standby sequencer; then load_bench
# with --acked-out while this script kill -9s, in turn:
#   cellchaind  the daemon serving every RPC (its sequencer with it when it
#               leads), restarted by stack.sh start;
#   postgres    PostgreSQL's postmaster (its backends die with it),
#               restarted by deploy/local/pg-cluster.sh start;
#   sequencer   whichever process holds the sequencer's advisory lock (the
#               leader, told apart by its session's application_name): the
#               standby, started again as before, or cellchaind, then
#               restarted by stack.sh start;
# each kind FAULTS times, each fault after GAP seconds of load and once the
# previous one's first write was acknowledged again. Then, the stack up,
# acked_check checks every acknowledged write (state, signed audit record,
# the log verified, replays with the same request ids writing nothing twice)
# and the time from each fault to the first acknowledged write after it;
# last, network_probe's network faults: cellchaind stopped (SIGSTOP) for 2 s
# under a call with a 500 ms deadline (DEADLINE_EXCEEDED, then a retry with
# the same request id: the lot exists once, with one record), and a call to
# a peer that is down (UNAVAILABLE, nothing written).
# The stack is destroyed at the end whatever happens (KEEP_STACK=1 keeps
# it). A script that prints figures, not a ctest test. The load, the fault
# loop and acked_check are tests/faults/lib.sh's, shared with tests/ha/run.sh.
#
# usage: tests/faults/run.sh [BUILD_DIR [STATE_DIR]]
#   (build first: cmake --build B --target load_bench acked_check
#    network_probe cellchaind cellchain cellchain-qa cellchain-pharmacy)
# env: FAULTS (3 of each kind), GAP (seconds, 5), CONCURRENCY (4),
#      REPLAY (writes replayed, 0: all; 0), PGPORT_CELLCHAIN (55482),
#      GRPCPORT_CELLCHAIN (7483), STANDBY_PORT (7484), KEEP_STACK (0)
# Files beside STATE_DIR: .up.log, .bench.log, .acked, .faults, .check.log,
# .standby.log, and the stack's .cellchaind.log and .postgresql.log.
# Exit: 0 when nothing was lost, written twice or found, and the network
# probes held; 1 otherwise, or when the stack could not be brought up or
# back.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=../lib/stack_env.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/../lib/stack_env.sh" \
  faults-stack 55482 7483 "$@"
standby_port="${STANDBY_PORT:-7484}"
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "${root}/tests/faults/lib.sh"
fault_settings
probe="${STACK_BIN}/network_probe"
need_binaries "${STACK_BIN}/load_bench" "${STACK_BIN}/acked_check" \
  "${probe}" "${STACK_CELLCHAIND}"

out="${STACK_STATE_DIR}"
run_files="${out}."
pgc() { "${STACK_DIR}/pg-cluster.sh" "${STACK_PG}" "$@"; }

standby_pid=""
# shellcheck disable=SC2317  # called through the trap
cleanup() {
  stop_load_for_trap
  [[ -z "${standby_pid}" ]] || kill -KILL "${standby_pid}" 2>/dev/null || true
  cp -f -- "${STACK_LOG}" "${out}.cellchaind.log" 2>/dev/null || true
  cp -f -- "${STACK_PG}/log/postgresql.log" "${out}.postgresql.log" 2>/dev/null || true
  if [[ "${KEEP_STACK:-0}" == 1 ]]; then
    echo "run.sh: KEEP_STACK=1: stack left up in ${STACK_STATE_DIR}"
  else
    "${stack}" destroy >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT
"${stack}" destroy >/dev/null 2>&1 || true
rm -f -- "${out}".{up.log,bench.log,acked,faults,check.log,standby.log,stop,cellchaind.log,postgresql.log}

"${stack}" up --no-build >"${out}.up.log" 2>&1 || {
  tail -n 40 "${out}.up.log" >&2
  echo "run.sh: stack.sh up --no-build failed (${out}.up.log)" >&2
  exit 1
}

# The standby sequencer: cellchaind hosting the audit service alone (every
# service hosts no sequencer but audit's), its sessions named so that the
# lock's holder can be told apart from the main cellchaind's.
start_standby() {
  stack_serve_args "127.0.0.1:${standby_port}" \
    "${STACK_PG_SERVE_CONNINFO} application_name=faults-standby" audit
  setsid "${STACK_CELLCHAIND}" "${STACK_SERVE_ARGS[@]}" \
    >>"${out}.standby.log" 2>&1 </dev/null &
  standby_pid=$!
  # Killed on purpose: no job notice from bash.
  disown "${standby_pid}"
}
start_standby

# The application_name of the session holding the sequencer's lock
# (services/ledger/sequencer.h kSequencerLockKey, "cellsequ"), or nothing.
leader_name() {
  pgc psql -d cellchain -At -c "SELECT a.application_name FROM pg_locks l
    JOIN pg_stat_activity a USING (pid) WHERE l.locktype = 'advisory'
    AND l.granted AND ((l.classid::bigint << 32) | l.objid::bigint)
      = x'63656c6c73657175'::bigint" 2>/dev/null || true
}

postmaster_pid() { head -n 1 -- "${STACK_PG}/data/postmaster.pid" 2>/dev/null; }

# Waits (10 s at most) until none of the PIDs is a live process.
wait_gone() {
  local pid i state
  for ((i = 0; i < 100; i++)); do
    local alive=0
    for pid in "$@"; do
      state="$(awk '{print $3}' "/proc/${pid}/stat" 2>/dev/null || true)"
      [[ -n "${state}" && "${state}" != Z ]] && alive=1
    done
    ((alive)) || return 0
    sleep 0.1
  done
  say "warning: still alive 10 s after SIGKILL: $*"
}

restart_cellchaind() {
  "${stack}" start >>"${out}.up.log" 2>&1 || {
    tail -n 20 "${out}.up.log" >&2
    echo "run.sh: cellchaind could not be restarted" >&2
    exit 1
  }
}

# kill_cellchaind [WHAT]: kill -9 the main cellchaind, the fault logged as
# WHAT (default cellchaind), and restart it.
kill_cellchaind() {
  local pid t0
  pid="$(tr -d '[:space:]' <"${STACK_PIDFILE}")"
  kill -KILL "${pid}"
  note_fault "${1:-cellchaind}"
  wait_gone "${pid}"
  t0="$(now_ms)"
  restart_cellchaind
  say "cellchaind (pid ${pid}) killed, restarted healthy in $(($(now_ms) - t0)) ms"
}

kill_postgres() {
  local pid children t0
  pid="$(postmaster_pid)"
  # Its children, to wait for: they exit once they see the postmaster gone,
  # and a new postmaster must not start beside them.
  children="$(pgrep -P "${pid}" | tr '\n' ' ' || true)"
  kill -KILL "${pid}"
  note_fault postgres
  # shellcheck disable=SC2086  # one PID per word
  wait_gone "${pid}" ${children}
  t0="$(now_ms)"
  pgc start >>"${out}.up.log" 2>&1 || {
    tail -n 20 "${out}.up.log" >&2
    echo "run.sh: PostgreSQL could not be restarted" >&2
    exit 1
  }
  say "postmaster (pid ${pid}) killed, its processes gone after $((t0 - fault_ms)) ms, PostgreSQL restarted in $(($(now_ms) - t0)) ms"
}

kill_sequencer() {
  local leader
  leader="$(leader_name)"
  if [[ "${leader}" == faults-standby ]]; then
    kill -KILL "${standby_pid}"
    note_fault sequencer
    wait_gone "${standby_pid}"
    start_standby
    say "sequencer leader (the standby) killed and started again"
  elif [[ -n "${leader}" ]]; then
    say "sequencer leader is cellchaind's own (${leader})"
    kill_cellchaind sequencer
  else
    say "no sequencer holds the lock now (a takeover under way): skipped"
  fi
}

# shellcheck disable=SC2317  # called by run_faults
make_fault() {
  case "$1" in
    cellchaind) kill_cellchaind ;;
    postgres) kill_postgres ;;
    sequencer) kill_sequencer ;;
  esac
}
# Each kill above restarts what it killed: nothing more to do.
after_fault() { :; }

machine_line
say "stack ${STACK_LISTEN}, standby sequencer 127.0.0.1:${standby_port}; load ${concurrency} clients; ${faults} faults of each kind, ${gap} s of load before each and after the last"
start_load "${STACK_LISTEN}"
run_faults cellchaind postgres sequencer
"${stack}" status >/dev/null 2>&1 || {
  "${stack}" status >&2 || true
  echo "run.sh: the stack is not healthy after the faults" >&2
  exit 1
}

run_acked_check "${STACK_LISTEN}"

# The network faults, on the stack as it is now: cellchaind stopped past a
# client's deadline, and a peer that is down (a port nothing listens on).
probe_rc=0
down_port=$((standby_port + 1))
if (exec 3<>"/dev/tcp/127.0.0.1/${down_port}") 2>/dev/null; then
  say "127.0.0.1:${down_port} is taken: no peer-down probe"
  down_port=""
fi
for mode in slow ${down_port:+down}; do
  LOAD_TECH_PASSWORD="${STACK_TECH_PASSWORD}" \
    LOAD_QA_PASSWORD="${STACK_QA_PASSWORD}" \
    "${probe}" --mode="${mode}" --target="${STACK_LISTEN}" --pki="${STACK_PKI}" \
    --tech-user="${STACK_TECH_USER}" --qa-user="${STACK_QA_USER}" \
    --cellchaind-pid="$(tr -d '[:space:]' <"${STACK_PIDFILE}")" \
    --down-target="127.0.0.1:${down_port}" 2>&1 | tee -a "${out}.check.log" ||
    probe_rc=1
done
say "network probes: $( ((probe_rc == 0)) && echo held || echo FAILED)"
((check_rc == 0 && probe_rc == 0))
