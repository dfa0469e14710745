#!/usr/bin/env bash
# The local cellchain stack: dev PKI, a PostgreSQL cluster and cellchaind, all
# state in deploy/local/state/ (git-ignored). See deploy/local/README.md.
set -euo pipefail

here="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source-path=SCRIPTDIR source=env.sh
source "${here}/env.sh"
# shellcheck source-path=SCRIPTDIR source=new-build.sh
source "${here}/new-build.sh"
# shellcheck source-path=SCRIPTDIR source=stack-lib.sh
source "${here}/stack-lib.sh"
readonly PROG="stack.sh"

usage() {
  cat >&2 <<EOF
usage: deploy/local/stack.sh COMMAND
  up [--no-build]  install deps, build, PKI, PostgreSQL, migrate, bootstrap the
            admin, start cellchaind, wait healthy, make the demo users
            (--no-build: use the binaries already in BUILD_DIR/bin)
  start     start cellchaind alone and wait until healthy, the rest as up
            left it (PostgreSQL must be running): a restart after a crash
  down      stop cellchaind (SIGTERM) and PostgreSQL; keeps all state
  status    what runs, where; exit 0 only if everything is up and healthy
  destroy   down, then delete deploy/local/state (PKI, database, logs)
  logs [-f] last lines of the cellchaind and PostgreSQL logs (-f: follow)
env: PGPORT_CELLCHAIN (${STACK_PG_PORT}), GRPCPORT_CELLCHAIN (${STACK_GRPC_PORT}), BUILD_DIR (${STACK_BUILD})
EOF
}

pg() { "${STACK_DIR}/pg-cluster.sh" "${STACK_PG}" "$@"; }

# The stack's one cellchaind. --training-clock: the local stack is a training
# stack, whose clock the administrator moves forward (audited) to play what
# takes real time (docs/decisions/0017-training-clock.md); production never
# runs so.
start_stack_daemon() {
  stack_serve_args "${STACK_LISTEN}" "${STACK_PG_SERVE_CONNINFO}" all
  start_daemon "${STACK_PIDFILE}" "${STACK_LOG}" "${STACK_LISTEN}" \
    "${STACK_SERVE_ARGS[@]}" --training-clock
  wait_healthy "${STACK_PIDFILE}" "${STACK_LOG}" "${STACK_LISTEN}"
}

# --- commands -----------------------------------------------------------------

cmd_up() {
  local do_build=1
  case "${1:-}" in
    "") ;;
    --no-build) do_build=0 ;;
    *) die "unknown option '$1' for up" ;;
  esac
  "${STACK_DIR}/install-deps.sh"
  if ((do_build)); then
    build
  else
    [[ -x "${STACK_CELLCHAIND}" && -x "${STACK_CLI}" ]] ||
      die "--no-build: ${STACK_CELLCHAIND} or ${STACK_CLI} missing"
  fi
  "${STACK_DIR}/pki.sh" "${STACK_PKI}"
  pg init --port "${STACK_PG_PORT}"
  pg start
  pg createdb cellchain
  # The owner registers the record-signing keys QA trusts; services cannot.
  say "migrating: cellchaind migrate --pg=\"${STACK_PG_CONNINFO}\" --keyring=${STACK_PKI}/signing/keyring"
  "${STACK_CELLCHAIND}" migrate --pg="${STACK_PG_CONNINFO}" \
    --keyring="${STACK_PKI}/signing/keyring" || die "migrations failed"
  bootstrap_admin
  start_stack_daemon
  provision_users
  say "up: gRPC (mTLS) ${STACK_LISTEN}; PostgreSQL socket ${STACK_PG}/run port ${STACK_PG_PORT}"
  say "a TRAINING stack: cellchaind runs on a training clock (--training-clock) that the"
  say "administrator moves forward, audited (cellchain system clock, system clock-advance)"
}

cmd_start() {
  (($# == 0)) || die "start takes no arguments"
  [[ -x "${STACK_CELLCHAIND}" ]] || die "${STACK_CELLCHAIND} missing; run up first"
  pg status >/dev/null || die "PostgreSQL is not running; run up"
  start_stack_daemon
}

cmd_down() {
  stop_daemon "${STACK_PIDFILE}"
  pg stop
}

cmd_status() {
  local rc=0 pid
  if pid="$(daemon_pid "${STACK_PIDFILE}")"; then
    if healthy "${STACK_LISTEN}"; then
      echo "cellchaind: running, healthy (pid ${pid}, ${STACK_LISTEN}, log ${STACK_LOG})"
    else
      echo "cellchaind: running, NOT healthy (pid ${pid}, ${STACK_LISTEN}, log ${STACK_LOG})"
      rc=1
    fi
  else
    echo "cellchaind: stopped"
    rc=3
  fi
  echo -n "postgresql: "
  pg status || rc=3
  echo "state:      ${STACK_STATE}"
  return "${rc}"
}

cmd_destroy() {
  cmd_down
  pg destroy
  rm -rf -- "${STACK_STATE}"
  say "destroyed ${STACK_STATE}"
}

cmd_logs() {
  local pglog="${STACK_PG}/log/postgresql.log"
  if [[ "${1:-}" == -f ]]; then
    exec tail -n 20 -F -- "${STACK_LOG}" "${pglog}"
  fi
  local f
  for f in "${STACK_LOG}" "${pglog}"; do
    echo "=== ${f}"
    if [[ -r "${f}" ]]; then tail -n 40 -- "${f}"; else echo "(none yet)"; fi
  done
}

(($# >= 1)) || {
  usage
  exit 2
}
command="$1"
shift
case "${command}" in
  up) cmd_up "$@" ;;
  start) cmd_start "$@" ;;
  down) cmd_down "$@" ;;
  status) cmd_status "$@" ;;
  destroy) cmd_destroy "$@" ;;
  logs) cmd_logs "$@" ;;
  -h | --help) usage ;;
  *)
    usage
    exit 2
    ;;
esac
