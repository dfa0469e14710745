# shellcheck shell=bash
# What a stack script does with cellchaind, the web console and its people,
# shared by
# deploy/local/stack.sh and deploy/ha/stack.sh (whose replicas each have
# their own pid file, log and port). Source env.sh first and set PROG.
# Usage: source deploy/local/stack-lib.sh

die() {
  echo "${PROG}: $*" >&2
  exit 1
}
say() { echo "${PROG}: $*"; }

# --- processes: cellchaind, cellchain-web ----------------------------------------
# Each is known by a NAME (cellchaind, cellchain-web: its binary's name, in
# messages), a pid file, a log and the address it listens on.

# process_pid NAME PIDFILE: prints the PID of the running NAME (for
# cellchaind, a `cellchaind serve`) that PIDFILE names, or fails.
process_pid() {
  local name="$1" pidfile="$2" pid cmdline want="$1 "
  [[ "${name}" != cellchaind ]] || want="cellchaind serve"
  [[ -f "${pidfile}" ]] || return 1
  pid="$(tr -d '[:space:]' <"${pidfile}")"
  [[ "${pid}" =~ ^[0-9]+$ ]] || return 1
  live "${pid}" || return 1
  # A reused PID is not ours.
  cmdline="$(tr '\0' ' ' <"/proc/${pid}/cmdline" 2>/dev/null)" || return 1
  [[ "${cmdline}" == *"${want}"* ]] || return 1
  echo "${pid}"
}
# live PID: true while PID is a process that is not a zombie.
live() {
  local stat
  stat="$(cat -- "/proc/$1/stat" 2>/dev/null)" || return 1
  stat="${stat##*) }"
  [[ "${stat%% *}" != Z ]]
}
# daemon_pid PIDFILE: process_pid cellchaind PIDFILE.
daemon_pid() { process_pid cellchaind "$1"; }

# healthy LISTEN: cellchaind on LISTEN answers grpc.health.v1 SERVING.
healthy() {
  [[ -x "${STACK_CLI}" ]] || return 1
  STACK_CLI_TIMEOUT=5 STACK_LISTEN="$1" cellchain_as clients/admin-cli system health >/dev/null 2>&1
}

show_daemon_log() {
  if [[ -r "$1" ]]; then
    echo "--- last lines of $1 ---" >&2
    tail -n 30 -- "$1" >&2
  fi
}

# start_process NAME BINARY PIDFILE LOG LISTEN ARGS...: starts `BINARY
# ARGS...` detached, unless the NAME of PIDFILE runs (and was not rebuilt
# since, or STACK_KEEP_RUNNING=1: a fault run restarting only what it
# killed); refuses when another process holds LISTEN's port.
start_process() {
  local name="$1" binary="$2" pidfile="$3" log="$4" listen="$5" pid
  shift 5
  mkdir -p -- "$(dirname -- "${pidfile}")" "$(dirname -- "${log}")"
  if pid="$(process_pid "${name}" "${pidfile}")"; then
    if [[ "${binary}" -nt "${pidfile}" && "${STACK_KEEP_RUNNING:-0}" != 1 ]]; then
      say "${name} was rebuilt: restarting it"
      stop_process "${name}" "${pidfile}"
    else
      say "${name} already running (pid ${pid}, ${listen})"
      return 0
    fi
  fi
  # Otherwise the health check could be answered by whatever holds the port.
  if (exec 3<>"/dev/tcp/${listen%:*}/${listen##*:}") 2>/dev/null; then
    die "${listen} is taken by another process; free it or choose another port"
  fi
  echo "=== $(date -u +%FT%TZ) ${PROG}: starting ${name} ===" >>"${log}"
  # setsid: not killed by a Ctrl-C in the terminal that ran `up`. No
  # descriptor of the caller's beyond 2 is inherited (a lock held by the
  # script that ran `up`, say, would otherwise be held as long as the
  # process lives).
  (
    for fd in /proc/self/fd/*; do
      fd="${fd##*/}"
      if [[ "${fd}" =~ ^[0-9]+$ ]] && ((fd > 2)); then eval "exec ${fd}>&-" 2>/dev/null || true; fi
    done
    exec setsid nohup "${binary}" "$@" >>"${log}" 2>&1 </dev/null
  ) &
  echo "$!" >"${pidfile}"
  say "${name} started (pid $!), waiting until it answers on ${listen}"
}
# start_daemon PIDFILE LOG LISTEN SERVE_ARGS...: start_process of
# `cellchaind SERVE_ARGS...`.
start_daemon() { start_process cellchaind "${STACK_CELLCHAIND}" "$@"; }

# wait_answering NAME CHECK PIDFILE LOG LISTEN: waits up to 20 s until
# `CHECK LISTEN` succeeds; dies, showing NAME's log, when NAME exits; fails
# (its log shown) when it still does not answer.
wait_answering() {
  local name="$1" check="$2" pidfile="$3" log="$4" listen="$5" i
  for ((i = 0; i < 40; i++)); do
    if "${check}" "${listen}"; then
      say "${name} answering on ${listen}"
      return 0
    fi
    if ! process_pid "${name}" "${pidfile}" >/dev/null; then
      show_daemon_log "${log}"
      die "${name} exited during startup"
    fi
    sleep 0.5
  done
  show_daemon_log "${log}"
  return 1
}

# wait_healthy PIDFILE LOG LISTEN: waits up to 20 s for SERVING.
wait_healthy() {
  wait_answering cellchaind healthy "$@" && return 0
  echo "--- last health check ---" >&2
  STACK_LISTEN="$3" cellchain_as clients/admin-cli system health >&2 || true
  die "cellchaind not healthy after 20 s (still running; see $2)"
}

# stop_process NAME PIDFILE: SIGTERM, SIGKILL after 15 s.
stop_process() {
  local name="$1" pidfile="$2" pid i
  if ! pid="$(process_pid "${name}" "${pidfile}")"; then
    rm -f -- "${pidfile}"
    say "${name} not running"
    return 0
  fi
  kill -TERM "${pid}"
  for ((i = 0; i < 60; i++)); do
    process_pid "${name}" "${pidfile}" >/dev/null || break
    sleep 0.25
  done
  if process_pid "${name}" "${pidfile}" >/dev/null; then
    say "warning: ${name} (pid ${pid}) ignored SIGTERM for 15 s; sending SIGKILL"
    kill -KILL "${pid}" 2>/dev/null || true
  fi
  # Its command line goes before it has exited: wait (≤ 5 s) until only a
  # zombie or nothing is left, so that its port is free when we return.
  for ((i = 0; i < 50; i++)); do
    live "${pid}" || break
    sleep 0.1
  done
  rm -f -- "${pidfile}"
  say "${name} stopped (pid ${pid})"
}
# stop_daemon PIDFILE: stop_process cellchaind PIDFILE.
stop_daemon() { stop_process cellchaind "$1"; }

# --- build --------------------------------------------------------------------

# Configures BUILD_DIR if new (source new-build.sh first) and builds cellchaind
# and the clients, incrementally.
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
  say "building cellchaind, the clients (cellchain, -qa, -pharmacy, -verify, -label) and the web console (cellchain-web) in ${STACK_BUILD} (incremental)"
  cmake --build "${STACK_BUILD}" --target cellchaind cellchain cellchain-qa cellchain-pharmacy \
    cellchain-verify cellchain-label cellchain-web -j "$(nproc)"
  [[ -x "${STACK_CELLCHAIND}" && -x "${STACK_CLI}" && -x "${STACK_WEB}" ]] ||
    die "expected ${STACK_CELLCHAIND}, ${STACK_CLI} and ${STACK_WEB} after the build"
}

# --- users --------------------------------------------------------------------

# The first administrator, straight into the database (no server needed),
# through STACK_PG_SERVE_CONNINFO. Exit 3 means an administrator exists
# already: `up` runs this every time.
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

# The people the demo needs (deploy/local/env.sh), through STACK_LISTEN.
provision_users() {
  mkdir -p -- "${STACK_SESSIONS}"
  chmod 0700 -- "${STACK_SESSIONS}"
  cellchain_person stack-admin clients/admin-cli login --user-id="${STACK_ADMIN_USER}" \
    --password-stdin <<<"${STACK_ADMIN_PASSWORD}" >/dev/null ||
    die "${STACK_ADMIN_USER} cannot log in; if env.sh's password changed since the database was made, run ${PROG} destroy"
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
