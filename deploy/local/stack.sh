#!/usr/bin/env bash
# The local cellchain stack: dev PKI, a PostgreSQL cluster and cellchaind, all
# state in deploy/local/state/ (git-ignored). See deploy/local/README.md.
set -euo pipefail

here="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source-path=SCRIPTDIR source=env.sh
source "${here}/env.sh"
# shellcheck source-path=SCRIPTDIR source=new-build.sh
source "${here}/new-build.sh"
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

die() {
  echo "${PROG}: $*" >&2
  exit 1
}
say() { echo "${PROG}: $*"; }
pg() { "${STACK_DIR}/pg-cluster.sh" "${STACK_PG}" "$@"; }

# --- cellchaind process ----------------------------------------------------

# Prints the PID of our running cellchaind, or fails.
daemon_pid() {
  local pid stat state cmdline
  [[ -f "${STACK_PIDFILE}" ]] || return 1
  pid="$(tr -d '[:space:]' <"${STACK_PIDFILE}")"
  [[ "${pid}" =~ ^[0-9]+$ ]] || return 1
  stat="$(cat -- "/proc/${pid}/stat" 2>/dev/null)" || return 1
  state="${stat##*) }"
  [[ "${state%% *}" != Z ]] || return 1
  # A reused PID is not ours.
  cmdline="$(tr '\0' ' ' <"/proc/${pid}/cmdline" 2>/dev/null)" || return 1
  [[ "${cmdline}" == *"cellchaind serve"* ]] || return 1
  echo "${pid}"
}

healthy() {
  [[ -x "${STACK_CLI}" ]] || return 1
  STACK_CLI_TIMEOUT=5 cellchain_as clients/admin-cli system health >/dev/null 2>&1
}

show_daemon_log() {
  if [[ -r "${STACK_LOG}" ]]; then
    echo "--- last lines of ${STACK_LOG} ---" >&2
    tail -n 30 -- "${STACK_LOG}" >&2
  fi
}

start_daemon() {
  mkdir -p -- "${STACK_RUN}" "${STACK_LOGS}"
  local pid
  if pid="$(daemon_pid)"; then
    if [[ "${STACK_CELLCHAIND}" -nt "${STACK_PIDFILE}" ]]; then
      say "cellchaind was rebuilt: restarting it"
      stop_daemon
    else
      say "cellchaind already running (pid ${pid})"
      return 0
    fi
  fi
  # Otherwise the health check could be answered by whatever holds the port.
  if (exec 3<>"/dev/tcp/127.0.0.1/${STACK_GRPC_PORT}") 2>/dev/null; then
    die "127.0.0.1:${STACK_GRPC_PORT} is taken by another process; free it or set GRPCPORT_CELLCHAIN"
  fi
  echo "=== $(date -u +%FT%TZ) stack.sh up: starting cellchaind ===" >>"${STACK_LOG}"
  stack_serve_args "${STACK_LISTEN}" "${STACK_PG_SERVE_CONNINFO}" all
  # setsid: not killed by a Ctrl-C in the terminal that ran `up`.
  # --training-clock: the local stack is a training stack, whose clock the
  # administrator moves forward (audited) to play what takes real time
  # (docs/decisions/0017-training-clock.md); production never runs so.
  setsid nohup "${STACK_CELLCHAIND}" "${STACK_SERVE_ARGS[@]}" --training-clock \
    >>"${STACK_LOG}" 2>&1 </dev/null &
  echo "$!" >"${STACK_PIDFILE}"
  say "cellchaind started (pid $!), waiting until healthy on ${STACK_LISTEN}"
}

wait_healthy() {
  local i
  for ((i = 0; i < 40; i++)); do
    if healthy; then
      say "cellchaind healthy on ${STACK_LISTEN}"
      return 0
    fi
    if ! daemon_pid >/dev/null; then
      show_daemon_log
      die "cellchaind exited during startup"
    fi
    sleep 0.5
  done
  show_daemon_log
  echo "--- last health check ---" >&2
  cellchain_as clients/admin-cli system health >&2 || true
  die "cellchaind not healthy after 20 s (still running; see ${STACK_LOG})"
}

stop_daemon() {
  local pid i
  if ! pid="$(daemon_pid)"; then
    rm -f -- "${STACK_PIDFILE}"
    say "cellchaind not running"
    return 0
  fi
  kill -TERM "${pid}"
  for ((i = 0; i < 60; i++)); do
    daemon_pid >/dev/null || break
    sleep 0.25
  done
  if daemon_pid >/dev/null; then
    say "warning: cellchaind (pid ${pid}) ignored SIGTERM for 15 s; sending SIGKILL"
    kill -KILL "${pid}" 2>/dev/null || true
  fi
  rm -f -- "${STACK_PIDFILE}"
  say "cellchaind stopped"
}

# --- users --------------------------------------------------------------------

# The first administrator, straight into the database (no server needed).
# Exit 3 means an administrator exists already: `up` runs this every time.
bootstrap_admin() {
  local out rc=0
  out="$(CELLCHAIN_BOOTSTRAP_PASSWORD="${STACK_ADMIN_PASSWORD}" "${STACK_CELLCHAIND}" \
    bootstrap-admin --pg="${STACK_PG_SERVE_CONNINFO}" --signing-key-dir="${STACK_PKI}/signing" \
    --user-id="${STACK_ADMIN_USER}" --printed-name="${STACK_ADMIN_NAME}" 2>&1 </dev/null)" || rc=$?
  case "${rc}" in
    0) say "bootstrap-admin: created ${STACK_ADMIN_USER} (${STACK_ADMIN_NAME}); dev password in env.sh" ;;
    3) say "bootstrap-admin: an administrator exists already" ;;
    *)
      printf '%s\n' "${out}" >&2
      die "cellchaind bootstrap-admin failed (exit ${rc})"
      ;;
  esac
}

# ensure_user CERT_PREFIX USER NAME ROLES TEMP_PASSWORD PASSWORD: USER exists and
# has PASSWORD, made as a person would: the admin creates USER with a temporary
# password, USER logs in at CERT_PREFIX's workstation and changes it. A USER
# that exists with a permanent password is left alone.
ensure_user() {
  local cert="$1" user="$2" name="$3" roles="$4" temp="$5" password="$6"
  local shown rc=0
  shown="$(cellchain_person stack-admin clients/admin-cli user show --user-id="${user}" 2>&1)" || rc=$?
  if ((rc != 0)); then
    [[ "${shown}" == *NOT_FOUND* ]] || {
      printf '%s\n' "${shown}" >&2
      die "cannot look up user ${user}"
    }
    cellchain_person stack-admin clients/admin-cli user create --user-id="${user}" \
      --printed-name="${name}" --roles="${roles}" --reason="local stack demo user" \
      --password-stdin <<<"${temp}" >/dev/null || die "cannot create user ${user}"
    shown="temporary: must be changed"
  fi
  if [[ "${shown}" != *"temporary: must be changed"* ]]; then
    say "user ${user} exists"
    return 0
  fi
  cellchain_person "stack-${user}" "${cert}" login --user-id="${user}" --password-stdin \
    <<<"${temp}" >/dev/null || die "${user} cannot log in with the temporary password"
  printf '%s\n%s\n' "${temp}" "${password}" |
    cellchain_person "stack-${user}" "${cert}" passwd --password-stdin >/dev/null ||
    die "${user} cannot change the temporary password"
  cellchain_person "stack-${user}" "${cert}" logout >/dev/null || true
  say "user ${user} (${name}, ${roles}) ready; dev password in env.sh"
}

# The people the demo needs (deploy/local/env.sh).
provision_users() {
  mkdir -p -- "${STACK_SESSIONS}"
  chmod 0700 -- "${STACK_SESSIONS}"
  cellchain_person stack-admin clients/admin-cli login --user-id="${STACK_ADMIN_USER}" \
    --password-stdin <<<"${STACK_ADMIN_PASSWORD}" >/dev/null ||
    die "${STACK_ADMIN_USER} cannot log in; if env.sh's password changed since the database was made, run stack.sh destroy"
  ensure_user clients/qa-ws-01 "${STACK_QA_USER}" "${STACK_QA_NAME}" qa \
    "${STACK_QA_TEMP_PASSWORD}" "${STACK_QA_PASSWORD}"
  ensure_user clients/lab-ws-01 "${STACK_TECH_USER}" "${STACK_TECH_NAME}" technician \
    "${STACK_TECH_TEMP_PASSWORD}" "${STACK_TECH_PASSWORD}"
  ensure_user clients/pharmacy-ws-01 "${STACK_PHARM_USER}" "${STACK_PHARM_NAME}" pharmacist \
    "${STACK_PHARM_TEMP_PASSWORD}" "${STACK_PHARM_PASSWORD}"
  # The RegenHeart story's (regenheart.sh): a second technician for
  # four-eyes verification, two QC analysts (one reviews the other's
  # results) and the cath lab's two clinicians.
  ensure_user clients/lab-ws-01 "${STACK_TECH2_USER}" "${STACK_TECH2_NAME}" technician \
    "${STACK_TECH2_TEMP_PASSWORD}" "${STACK_TECH2_PASSWORD}"
  ensure_user clients/lab-ws-01 "${STACK_QC_USER}" "${STACK_QC_NAME}" qc_analyst \
    "${STACK_QC_TEMP_PASSWORD}" "${STACK_QC_PASSWORD}"
  ensure_user clients/lab-ws-01 "${STACK_QC2_USER}" "${STACK_QC2_NAME}" qc_analyst \
    "${STACK_QC2_TEMP_PASSWORD}" "${STACK_QC2_PASSWORD}"
  ensure_user clients/clinic-ws-01 "${STACK_CLIN1_USER}" "${STACK_CLIN1_NAME}" clinician \
    "${STACK_CLIN1_TEMP_PASSWORD}" "${STACK_CLIN1_PASSWORD}"
  ensure_user clients/clinic-ws-01 "${STACK_CLIN2_USER}" "${STACK_CLIN2_NAME}" clinician \
    "${STACK_CLIN2_TEMP_PASSWORD}" "${STACK_CLIN2_PASSWORD}"
  cellchain_person stack-admin clients/admin-cli logout >/dev/null || true
}

# --- commands -----------------------------------------------------------------

build() {
  local -a configure=(cmake -S "${STACK_ROOT}" -B "${STACK_BUILD}")
  if [[ ! -f "${STACK_BUILD}/CMakeCache.txt" ]]; then
    # As tests/run.sh would: the README's test command then builds only
    # what the demo did not.
    new_build_args RelWithDebInfo
    configure+=("${NEW_BUILD_ARGS[@]}")
    say "configuring ${STACK_BUILD}"
    "${configure[@]}" >/dev/null
  fi
  say "building cellchaind and the clients (cellchain, -qa, -pharmacy, -verify, -label) in ${STACK_BUILD} (incremental)"
  cmake --build "${STACK_BUILD}" --target cellchaind cellchain cellchain-qa cellchain-pharmacy \
    cellchain-verify cellchain-label -j "$(nproc)"
  [[ -x "${STACK_CELLCHAIND}" && -x "${STACK_CLI}" ]] ||
    die "expected ${STACK_CELLCHAIND} and ${STACK_CLI} after the build"
}

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
  start_daemon
  wait_healthy
  provision_users
  say "up: gRPC (mTLS) ${STACK_LISTEN}; PostgreSQL socket ${STACK_PG}/run port ${STACK_PG_PORT}"
  say "a TRAINING stack: cellchaind runs on a training clock (--training-clock) that the"
  say "administrator moves forward, audited (cellchain system clock, system clock-advance)"
}

cmd_start() {
  (($# == 0)) || die "start takes no arguments"
  [[ -x "${STACK_CELLCHAIND}" ]] || die "${STACK_CELLCHAIND} missing; run up first"
  pg status >/dev/null || die "PostgreSQL is not running; run up"
  start_daemon
  wait_healthy
}

cmd_down() {
  stop_daemon
  pg stop
}

cmd_status() {
  local rc=0 pid
  if pid="$(daemon_pid)"; then
    if healthy; then
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
