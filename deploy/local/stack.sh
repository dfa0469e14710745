#!/usr/bin/env bash
# The local cellchain stack: dev PKI, a PostgreSQL cluster, cellchaind and the
# web console (cellchain-web), all state in deploy/local/state/ (git-ignored).
# See deploy/local/README.md.
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
            admin, start cellchaind, wait healthy, make the demo users, start
            the web console and wait until it answers
            (--no-build: use the binaries already in BUILD_DIR/bin)
  start     start cellchaind and the web console (those not running) and wait
            until they answer, the rest as up left it (PostgreSQL must be
            running): a restart after a crash
  down      stop the web console and cellchaind (SIGTERM) and PostgreSQL;
            keeps all state
  status    what runs, where; exit 0 only if everything is up and healthy
  destroy   down, then delete deploy/local/state (PKI, database, logs)
  logs [-f] last lines of the cellchaind, web console and PostgreSQL logs
            (-f: follow)
env: PGPORT_CELLCHAIN (${STACK_PG_PORT}), GRPCPORT_CELLCHAIN (${STACK_GRPC_PORT}),
     WEBPORT_CELLCHAIN (${STACK_WEB_PORT}), BUILD_DIR (${STACK_BUILD})
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

# The web console beside it (clients/web, decision 0019): HTTPS on loopback
# with the PKI's server/web certificate (SAN localhost, 127.0.0.1), calling
# cellchaind over mTLS as the workstation clients/web-console. A build
# without cellchain-web (`up --no-build`) runs without it, saying so.
start_stack_web() {
  if [[ ! -x "${STACK_WEB}" ]]; then
    say "no ${STACK_WEB}: the stack runs WITHOUT its web console (build the target cellchain-web, then ${PROG} start)"
    return 0
  fi
  start_process cellchain-web "${STACK_WEB}" "${STACK_WEB_PIDFILE}" "${STACK_WEB_LOG}" \
    "${STACK_WEB_LISTEN}" --listen="${STACK_WEB_LISTEN}" \
    --https-cert="${STACK_PKI}/server/web.crt" --https-key="${STACK_PKI}/server/web.key" \
    --target="${STACK_LISTEN}" --ca="${STACK_PKI}/ca.crt" \
    --cert="${STACK_PKI}/clients/web-console.crt" --key="${STACK_PKI}/clients/web-console.key"
  wait_answering cellchain-web web_answers "${STACK_WEB_PIDFILE}" "${STACK_WEB_LOG}" \
    "${STACK_WEB_LISTEN}" ||
    die "cellchain-web does not answer on ${STACK_WEB_URL} after 20 s (still running; see ${STACK_WEB_LOG})"
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
  start_stack_web
  say "up: gRPC (mTLS) ${STACK_LISTEN}; PostgreSQL socket ${STACK_PG}/run port ${STACK_PG_PORT}"
  if process_pid cellchain-web "${STACK_WEB_PIDFILE}" >/dev/null; then
    say "web console ${STACK_WEB_URL} (HTTPS; its certificate is from the dev CA ${STACK_PKI}/ca.crt)"
  fi
  say "a TRAINING stack: cellchaind runs on a training clock (--training-clock) that the"
  say "administrator moves forward, audited (cellchain system clock, system clock-advance)"
}

cmd_start() {
  (($# == 0)) || die "start takes no arguments"
  [[ -x "${STACK_CELLCHAIND}" ]] || die "${STACK_CELLCHAIND} missing; run up first"
  pg status >/dev/null || die "PostgreSQL is not running; run up"
  start_stack_daemon
  start_stack_web
}

cmd_down() {
  stop_process cellchain-web "${STACK_WEB_PIDFILE}"
  stop_daemon "${STACK_PIDFILE}"
  pg stop
}

# show_process LABEL NAME CHECK WORD PIDFILE LISTEN WHERE LOG: status's line
# of NAME, "LABEL: running, WORD" when `CHECK LISTEN` succeeds (exit 0),
# "running, NOT WORD" (1) or "stopped" (3); WHERE is the address shown.
show_process() {
  local label="$1" name="$2" check="$3" word="$4" pidfile="$5" listen="$6" where="$7" log="$8" pid
  if ! pid="$(process_pid "${name}" "${pidfile}")"; then
    echo "${label}: stopped"
    return 3
  fi
  if "${check}" "${listen}"; then
    echo "${label}: running, ${word} (pid ${pid}, ${where}, log ${log})"
  else
    echo "${label}: running, NOT ${word} (pid ${pid}, ${where}, log ${log})"
    return 1
  fi
}

cmd_status() {
  local rc=0
  show_process cellchaind cellchaind healthy healthy "${STACK_PIDFILE}" "${STACK_LISTEN}" \
    "${STACK_LISTEN}" "${STACK_LOG}" || rc=$?
  if [[ -x "${STACK_WEB}" ]]; then
    show_process "web console" cellchain-web web_answers answering "${STACK_WEB_PIDFILE}" \
      "${STACK_WEB_LISTEN}" "${STACK_WEB_URL}" "${STACK_WEB_LOG}" || rc=$?
  else
    echo "web console: not built (no ${STACK_WEB})"
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
    exec tail -n 20 -F -- "${STACK_LOG}" "${STACK_WEB_LOG}" "${pglog}"
  fi
  local f
  for f in "${STACK_LOG}" "${STACK_WEB_LOG}" "${pglog}"; do
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
