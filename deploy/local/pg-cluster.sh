#!/usr/bin/env bash
# A throwaway/local PostgreSQL 15 cluster kept entirely in one state directory.
#
#   STATE_DIR/data                 PGDATA (initdb --data-checksums, UTF8, C.UTF-8)
#   STATE_DIR/run                  Unix socket directory, mode 0700, owned by the
#                                  cluster owner: this directory IS the access control
#   STATE_DIR/log/postgresql.log   server log
#   STATE_DIR/port                 the port chosen at init
#
# Access: pg_hba has `local all all trust` only, and the server has no TCP
# listener. PGTCP_CELLCHAIN=1 at start adds a listener on 127.0.0.1 (same port)
# with `host all all 127.0.0.1/32 scram-sha-256`; set a password first
# (`psql -c '\password postgres'`), no role has one by default.
#
# Root: initdb and postgres refuse to run as root, so the state directory is
# chowned to the `postgres` OS user and the server commands run through
# `runuser -u postgres --`. Root itself still connects through the socket (root
# bypasses the 0700). If postgres cannot traverse the path to STATE_DIR (e.g. it
# is under /root), the cluster lives in ~postgres/cellchain-clusters/<hash> and
# STATE_DIR is a symlink to it. As any other user the cluster runs as that user.
#
# Port: --port N, else the port recorded at init, else $PGPORT_CELLCHAIN, else
# 54329. Once initialized a cluster keeps its port (so an exported
# PGPORT_CELLCHAIN cannot move the test cluster); `start --port N` changes it.
#
# Profiling: PGSTATSTATEMENTS_CELLCHAIN=1 at start preloads pg_stat_statements
# (what each statement costs; tests/load/run.sh PROFILE_SQL=1). Off by default:
# it costs every statement a little.
set -euo pipefail
umask 022

readonly DEFAULT_PORT=54329
PG_BINDIR="${PG_BINDIR:-/usr/lib/postgresql/15/bin}"
readonly PG_BINDIR
readonly PROG="${0##*/}"

usage() {
  cat >&2 <<EOF
usage: ${PROG} STATE_DIR COMMAND [args]
commands:
  init [--port N]                initdb (no-op if already initialized)
  start [--port N]               start; returns once pg_isready answers
  stop                           fast shutdown (no-op if not running)
  restart [--port N]             stop + start
  status                         exit 0 running, 3 stopped, 4 not initialized
  destroy                        stop if running, then remove STATE_DIR
  psql [psql args]               psql as postgres over the socket (db postgres)
  conninfo                       print the superuser libpq conninfo
  createdb NAME [--template T]   create a database unless it exists
env: PGPORT_CELLCHAIN (port at init), PGTCP_CELLCHAIN=1 (listen on 127.0.0.1),
     PGSTATSTATEMENTS_CELLCHAIN=1 (preload pg_stat_statements),
     PG_BINDIR (default /usr/lib/postgresql/15/bin)
EOF
}

die() {
  echo "${PROG}: $*" >&2
  exit 1
}
note() { echo "${PROG}: $*"; }

(($# >= 2)) || {
  usage
  exit 2
}
[[ "$1" == -h || "$1" == --help ]] && {
  usage
  exit 0
}

# STATE is absolute and normalised but symlinks are kept, so `conninfo` prints
# the path the caller gave. REAL (set by resolve_real) is what postgres sees.
STATE="$(realpath -s -m -- "$1")"
readonly STATE
COMMAND="$2"
shift 2

case "${STATE}" in
  *[[:space:]]* | *\'* | *\"* | *\\* | *,* | *=*)
    die "state dir '${STATE}' must not contain whitespace, quotes, backslashes, ',' or '='"
    ;;
esac
[[ "${STATE}" == / || "${STATE}" == "${HOME:-/nonexistent}" ]] &&
  die "refusing to use '${STATE}' as a state dir"

REAL="${STATE}"
resolve_real() {
  if [[ -e "${STATE}" ]]; then
    REAL="$(readlink -f -- "${STATE}")"
  else
    REAL="${STATE}"
  fi
}
resolve_real

data_dir() { echo "${REAL}/data"; }
is_initialized() { [[ -f "${REAL}/data/PG_VERSION" ]]; }

# --- who runs the server -----------------------------------------------------

# The OS user that owns (or will own) the cluster.
cluster_owner() {
  if ((EUID != 0)); then
    id -un
  elif [[ -d "${REAL}/data" ]]; then
    stat -c %U -- "${REAL}/data"
  else
    echo postgres
  fi
}

# Runs a server-side command as the cluster owner, from / (postgres may not be
# able to read the caller's working directory).
as_owner() {
  local owner
  owner="$(cluster_owner)"
  if ((EUID == 0)); then
    [[ "${owner}" != root ]] || die "${REAL}/data is owned by root; destroy it and init again"
    (cd / && runuser -u "${owner}" -- "$@")
  else
    (cd / && "$@")
  fi
}

# The server is a daemon: it must not keep the caller's descriptors open (a
# `flock` around ctest would stay held for the server's lifetime, a pipe a
# test reads to its end would never close).
close_inherited_fds() {
  local fd
  for fd in /proc/self/fd/*; do
    fd="${fd##*/}"
    if [[ "${fd}" =~ ^[0-9]+$ ]] && ((fd > 2)); then
      eval "exec ${fd}>&-" 2>/dev/null || true
    fi
  done
}

require_binaries() {
  local b
  for b in initdb pg_ctl postgres pg_isready psql; do
    [[ -x "${PG_BINDIR}/${b}" ]] ||
      die "${PG_BINDIR}/${b} not found; run deploy/local/install-deps.sh"
  done
  if ((EUID == 0)); then
    getent passwd postgres >/dev/null ||
      die "no 'postgres' OS user (as root the cluster runs as postgres); run deploy/local/install-deps.sh"
  fi
}

# --- port --------------------------------------------------------------------

PORT_ARG=""
parse_port_arg() {
  while (($# > 0)); do
    case "$1" in
      --port)
        (($# >= 2)) || die "--port needs a value"
        PORT_ARG="$2"
        shift 2
        ;;
      --port=*)
        PORT_ARG="${1#--port=}"
        shift
        ;;
      *) die "unexpected argument '$1' for ${COMMAND}" ;;
    esac
  done
}

valid_port() { [[ "$1" =~ ^[0-9]+$ ]] && (($1 >= 1024 && $1 <= 65535)); }

stored_port() {
  [[ -r "${REAL}/port" ]] && tr -d '[:space:]' <"${REAL}/port"
}

resolve_port() {
  local p
  if [[ -n "${PORT_ARG}" ]]; then
    p="${PORT_ARG}"
  elif p="$(stored_port)" && [[ -n "${p}" ]]; then
    :
  else
    p="${PGPORT_CELLCHAIN:-${DEFAULT_PORT}}"
  fi
  valid_port "${p}" || die "invalid port '${p}' (want 1024-65535)"
  echo "${p}"
}

# Unix socket paths are limited to 107 bytes (sun_path); both the caller's path
# and the real one must fit.
check_socket_path() {
  local port="$1" path
  for path in "${STATE}/run/.s.PGSQL.${port}" "${REAL}/run/.s.PGSQL.${port}"; do
    ((${#path} <= 107)) ||
      die "socket path ${path} is ${#path} bytes; Unix sockets allow 107: use a shorter state dir"
  done
}

# --- placement (root) -----------------------------------------------------------

# Prints the first directory on the way to $1 that user postgres cannot search.
first_untraversable() {
  local path="$1" prefix="" part
  local -a parts
  IFS=/ read -r -a parts <<<"${path#/}"
  for part in "" "${parts[@]}"; do
    prefix="${prefix%/}/${part}"
    [[ -d "${prefix}" ]] || return 1
    if ! runuser -u postgres -- test -x "${prefix}"; then
      echo "${prefix}"
      return 0
    fi
  done
  return 1
}

# Creates STATE (owned by the cluster owner). As root, when postgres cannot
# reach it, the cluster goes to ~postgres/cellchain-clusters/<hash> and STATE
# becomes a symlink to it.
make_state_dir() {
  if ((EUID != 0)); then
    mkdir -p -- "${STATE}"
    chmod 0755 -- "${STATE}"
    resolve_real
    return
  fi
  local parent blocker home target
  parent="$(dirname -- "${STATE}")"
  mkdir -p -- "${parent}"
  if [[ -L "${STATE}" ]]; then
    resolve_real
    mkdir -p -- "${REAL}"
  elif blocker="$(first_untraversable "${parent}")"; then
    home="$(getent passwd postgres | cut -d: -f6)"
    [[ -n "${home}" && -d "${home}" ]] || die "postgres has no home directory to hold the cluster"
    target="${home}/cellchain-clusters/$(printf '%s' "${STATE}" | sha256sum | cut -c1-16)"
    if [[ -d "${STATE}" ]]; then
      rmdir -- "${STATE}" 2>/dev/null ||
        die "${STATE} exists, is not empty, and postgres cannot reach it (${blocker} lacks o+x)"
    fi
    note "postgres cannot traverse ${blocker}; cluster kept in ${target}, symlinked from ${STATE}"
    mkdir -p -- "${target}"
    chown postgres:postgres -- "${home}/cellchain-clusters" "${target}"
    chmod 0700 -- "${home}/cellchain-clusters"
    ln -sfn -- "${target}" "${STATE}"
    resolve_real
  else
    mkdir -p -- "${STATE}"
    resolve_real
  fi
  chown postgres:postgres -- "${REAL}"
  chmod 0755 -- "${REAL}"
}

# Socket and log directories, owned by the cluster owner.
ensure_runtime_dirs() {
  local owner
  owner="$(cluster_owner)"
  mkdir -p -- "${REAL}/run" "${REAL}/log"
  chmod 0700 -- "${REAL}/run"
  chmod 0750 -- "${REAL}/log"
  if ((EUID == 0)); then
    chown "${owner}:" -- "${REAL}/run" "${REAL}/log"
  fi
}

# --- liveness --------------------------------------------------------------------

# 0 if PID is a live (not zombie) postgres process. kill -0, which pg_ctl uses,
# also succeeds on a zombie postmaster, and containers whose init does not reap
# leave exactly that behind after a kill -9.
postgres_alive() {
  local pid="$1" stat state exe
  [[ "${pid}" =~ ^[0-9]+$ ]] || return 1
  stat="$(cat -- "/proc/${pid}/stat" 2>/dev/null)" || return 1
  state="${stat##*) }"
  state="${state%% *}"
  [[ "${state}" != Z && "${state}" != X ]] || return 1
  # Unreadable exe (another user's process): assume it is the postmaster.
  exe="$(readlink -- "/proc/${pid}/exe" 2>/dev/null || true)"
  [[ -z "${exe}" || "${exe##*/}" == postgres* ]]
}

# Removes postmaster.pid / socket lock files whose PID is not a live postgres
# process (left by a crash, or by a reboot that reused the PID).
clear_stale_locks() {
  local f pid
  for f in "${REAL}/data/postmaster.pid" "${REAL}"/run/.s.PGSQL.*.lock; do
    [[ -f "${f}" ]] || continue
    pid="$(head -n 1 -- "${f}" | tr -d '[:space:]')"
    pid="${pid#-}"
    postgres_alive "${pid}" && continue
    note "removing stale ${f##*/} (PID ${pid:-?} is not a running postgres)"
    rm -f -- "${f}"
  done
}

# 0 if the postmaster of this data dir runs.
server_running() {
  is_initialized || return 1
  local pid
  pid="$(head -n 1 -- "${REAL}/data/postmaster.pid" 2>/dev/null | tr -d '[:space:]')" || return 1
  postgres_alive "${pid}"
}

running_port() {
  # Line 4 of postmaster.pid is the port.
  sed -n 4p -- "${REAL}/data/postmaster.pid" 2>/dev/null | tr -d '[:space:]'
}

show_log_tail() {
  local log="${REAL}/log/postgresql.log"
  if [[ -r "${log}" ]]; then
    echo "--- last lines of ${log} ---" >&2
    tail -n 25 -- "${log}" >&2
  fi
}

wait_ready() {
  local port="$1" i
  for ((i = 0; i < 60; i++)); do
    if "${PG_BINDIR}/pg_isready" -q -h "${STATE}/run" -p "${port}" -U postgres -d postgres; then
      return 0
    fi
    sleep 0.5
  done
  show_log_tail
  die "server did not answer pg_isready within 30 s"
}

# --- configuration ----------------------------------------------------------------

sql_quote() { printf "'%s'" "${1//\'/\'\'}"; }

# Written at every start so that the socket path, port and listener always match
# this invocation. Everything else lives in postgresql.conf from initdb.
write_config() {
  local port="$1" listen="''" hba_host="" preload=""
  if [[ "${PGTCP_CELLCHAIN:-0}" == 1 ]]; then
    listen="'127.0.0.1'"
    hba_host="host    all  all  127.0.0.1/32  scram-sha-256"
  fi
  if [[ "${PGSTATSTATEMENTS_CELLCHAIN:-0}" == 1 ]]; then
    preload="
# PGSTATSTATEMENTS_CELLCHAIN=1: per-statement costs (top-level statements)
shared_preload_libraries = 'pg_stat_statements'
pg_stat_statements.max = 5000
pg_stat_statements.track = top
pg_stat_statements.track_planning = on"
  fi
  local conf="${REAL}/data/cellchain.conf" hba="${REAL}/data/pg_hba.conf"
  cat >"${conf}" <<EOF
# Written by deploy/local/pg-cluster.sh at every start: change the script, not this file.
port = ${port}
listen_addresses = ${listen}
unix_socket_directories = $(sql_quote "${REAL}/run")
unix_socket_permissions = 0700
password_encryption = scram-sha-256

max_connections = 300
shared_buffers = 128MB
work_mem = 8MB
maintenance_work_mem = 64MB

# Durability is what this system is about: never turned off here.
fsync = on
synchronous_commit = on
full_page_writes = on

timezone = 'UTC'
log_timezone = 'UTC'
lc_messages = 'C'
log_line_prefix = '%m [%p] %q%u@%d '
log_min_error_statement = error${preload}
EOF
  cat >"${hba}" <<EOF
# Written by deploy/local/pg-cluster.sh at every start.
# Unix socket only: its directory (mode 0700, owned by the cluster owner) is the
# access control. A TCP line appears only with PGTCP_CELLCHAIN=1.
# TYPE  DATABASE USER ADDRESS       METHOD
local   all  all                trust
${hba_host}
EOF
  if ((EUID == 0)); then
    chown "$(cluster_owner):" -- "${conf}" "${hba}"
  fi
  chmod 0600 -- "${conf}" "${hba}"
}

# --- commands ----------------------------------------------------------------------

cmd_init() {
  parse_port_arg "$@"
  require_binaries
  local port
  if is_initialized; then
    port="$(resolve_port)"
    if [[ -n "${PORT_ARG}" && "$(stored_port)" != "${PORT_ARG}" ]]; then
      echo "${PORT_ARG}" >"${REAL}/port"
      note "port changed to ${PORT_ARG} (takes effect at next start)"
    fi
    note "already initialized: ${STATE} (port $(resolve_port))"
    return 0
  fi
  port="$(resolve_port)"
  check_socket_path "${port}"
  make_state_dir
  if [[ -e "${REAL}/data" ]]; then
    note "removing ${REAL}/data left by an interrupted init"
    rm -rf -- "${REAL}/data"
  fi
  local locale=C.UTF-8 available
  available="$(locale -a 2>/dev/null || true)"
  grep -qix 'c.utf-\?8' <<<"${available}" || locale=C
  as_owner "${PG_BINDIR}/initdb" -D "$(data_dir)" -U postgres -E UTF8 \
    --locale="${locale}" --data-checksums --auth-local=trust \
    --auth-host=scram-sha-256 --no-instructions >"${REAL}/initdb.log" 2>&1 || {
    cat "${REAL}/initdb.log" >&2
    die "initdb failed"
  }
  rm -f -- "${REAL}/initdb.log"
  echo "include_if_exists = 'cellchain.conf'" >>"${REAL}/data/postgresql.conf"
  echo "${port}" >"${REAL}/port"
  ensure_runtime_dirs
  write_config "${port}"
  note "initialized ${STATE} (port ${port}, owner $(cluster_owner), locale ${locale})"
}

cmd_start() {
  parse_port_arg "$@"
  require_binaries
  is_initialized || die "${STATE} is not initialized; run: ${PROG} ${STATE} init"
  local port
  port="$(resolve_port)"
  if server_running; then
    local rp
    rp="$(running_port)"
    [[ -z "${PORT_ARG}" || "${rp}" == "${PORT_ARG}" ]] ||
      note "warning: running on port ${rp}; restart to move it to ${PORT_ARG}"
    wait_ready "${rp}"
    note "already running (port ${rp}, socket ${STATE}/run)"
    return 0
  fi
  check_socket_path "${port}"
  echo "${port}" >"${REAL}/port"
  ensure_runtime_dirs
  clear_stale_locks
  write_config "${port}"
  if ! (
    close_inherited_fds
    as_owner "${PG_BINDIR}/pg_ctl" -D "$(data_dir)" -l "${REAL}/log/postgresql.log" \
      -w -t 60 start >/dev/null
  ); then
    show_log_tail
    die "pg_ctl start failed"
  fi
  wait_ready "${port}"
  note "running on port ${port}, socket ${STATE}/run, log ${STATE}/log/postgresql.log"
}

cmd_stop() {
  parse_port_arg "$@"
  require_binaries
  if ! is_initialized; then
    note "not initialized: ${STATE}"
    return 0
  fi
  if ! server_running; then
    note "not running"
    return 0
  fi
  if ! as_owner "${PG_BINDIR}/pg_ctl" -D "$(data_dir)" -m fast -w -t 60 stop >/dev/null; then
    note "fast shutdown failed; trying immediate (crash-safe: WAL replay at next start)"
    as_owner "${PG_BINDIR}/pg_ctl" -D "$(data_dir)" -m immediate -w -t 30 stop >/dev/null ||
      die "could not stop the server of ${REAL}/data"
  fi
  note "stopped"
}

cmd_status() {
  (($# == 0)) || die "status takes no arguments"
  if ! is_initialized; then
    echo "not initialized: ${STATE}"
    return 4
  fi
  if server_running; then
    local pid
    pid="$(head -n 1 -- "${REAL}/data/postmaster.pid")"
    echo "running: pid ${pid}, port $(running_port), socket ${STATE}/run, data ${REAL}/data"
    return 0
  fi
  echo "stopped: ${STATE} (port $(resolve_port))"
  return 3
}

# Only removes a directory made of what this script creates.
cmd_destroy() {
  (($# == 0)) || die "destroy takes no arguments"
  if [[ ! -e "${STATE}" && ! -L "${STATE}" ]]; then
    note "nothing to destroy at ${STATE}"
    return 0
  fi
  local entry
  if [[ -d "${REAL}" ]]; then
    for entry in "${REAL}"/* "${REAL}"/.[!.]*; do
      [[ -e "${entry}" ]] || continue
      case "${entry##*/}" in
        data | run | log | port | initdb.log) ;;
        *) die "refusing to destroy ${STATE}: unexpected entry '${entry##*/}'" ;;
      esac
    done
  fi
  if is_initialized && server_running; then
    cmd_stop
  fi
  rm -rf -- "${REAL}"
  [[ -L "${STATE}" ]] && rm -f -- "${STATE}"
  note "destroyed ${STATE}"
}

pg_env() {
  local port
  port="$(resolve_port)"
  env -u PGSERVICE -u PGPASSWORD -u PGHOSTADDR -u PGOPTIONS \
    PGHOST="${STATE}/run" PGPORT="${port}" PGUSER=postgres PGDATABASE=postgres \
    PGCONNECT_TIMEOUT=10 "$@"
}

require_running() {
  server_running || die "server of ${STATE} is not running; run: ${PROG} ${STATE} start"
}

cmd_psql() {
  require_running
  pg_env "${PG_BINDIR}/psql" -X -v ON_ERROR_STOP=1 "$@"
}

cmd_conninfo() {
  (($# == 0)) || die "conninfo takes no arguments"
  echo "host=${STATE}/run port=$(resolve_port) user=postgres dbname=postgres"
}

cmd_createdb() {
  (($# >= 1)) || die "usage: ${PROG} STATE_DIR createdb NAME [--template T]"
  local name="$1" template=""
  shift
  while (($# > 0)); do
    case "$1" in
      --template)
        (($# >= 2)) || die "--template needs a value"
        template="$2"
        shift 2
        ;;
      --template=*)
        template="${1#--template=}"
        shift
        ;;
      *) die "unexpected argument '$1' for createdb" ;;
    esac
  done
  [[ -n "${name}" ]] || die "empty database name"
  require_running
  local exists
  exists="$(pg_env "${PG_BINDIR}/psql" -X -q -At -v ON_ERROR_STOP=1 -v name="${name}" <<'SQL'
SELECT count(*) FROM pg_database WHERE datname = :'name';
SQL
)"
  if [[ "${exists}" == 1 ]]; then
    note "database ${name} exists"
    return 0
  fi
  if [[ -n "${template}" ]]; then
    pg_env "${PG_BINDIR}/psql" -X -q -v ON_ERROR_STOP=1 -v name="${name}" \
      -v tmpl="${template}" <<'SQL'
CREATE DATABASE :"name" TEMPLATE :"tmpl";
SQL
  else
    pg_env "${PG_BINDIR}/psql" -X -q -v ON_ERROR_STOP=1 -v name="${name}" <<'SQL'
CREATE DATABASE :"name";
SQL
  fi
  note "created database ${name}${template:+ from template ${template}}"
}

case "${COMMAND}" in
  init) cmd_init "$@" ;;
  start) cmd_start "$@" ;;
  stop) cmd_stop "$@" ;;
  restart)
    cmd_stop
    cmd_start "$@"
    ;;
  status) cmd_status "$@" ;;
  destroy) cmd_destroy "$@" ;;
  psql) cmd_psql "$@" ;;
  conninfo) cmd_conninfo "$@" ;;
  createdb) cmd_createdb "$@" ;;
  *)
    usage
    exit 2
    ;;
esac
