#!/usr/bin/env bash
# The local HA stack (issue 26), on loopback only: 3 etcd members, 3
# PostgreSQL 15 servers each managed by Patroni (synchronous replication,
# strict), and cellchaind replicas each hosting every service and taking part
# in the sequencer's election, connected through libpq's multi-host conninfo
# (decision 0018). Settings and ports: deploy/ha/settings.sh. All state in
# deploy/ha/state/ (git-ignored; HA_STATE_DIR moves it). The PKI, migrations,
# bootstrap admin and demo users are the local stack's (deploy/local).
# See docs/operations.md, "High availability (local)".
set -euo pipefail

here="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source-path=SCRIPTDIR source=settings.sh
source "${here}/settings.sh"
IFS=, read -r -a PG_PORTS <<<"${HA_PG_PORTS}"
IFS=, read -r -a API_PORTS <<<"${HA_PATRONI_API_PORTS}"
IFS=, read -r -a ETCD_PORTS <<<"${HA_ETCD_CLIENT_PORTS}"
IFS=, read -r -a PEER_PORTS <<<"${HA_ETCD_PEER_PORTS}"
IFS=, read -r -a GRPC_PORTS <<<"${HA_GRPC_PORTS}"
HA_STATE="${HA_STATE_DIR:-${here}/state}"
# env.sh's paths then point into HA_STATE (pki, sessions, logs, run), and its
# STACK_LISTEN (the clients' target) at the first replica.
export STACK_STATE_DIR="${HA_STATE}"
export GRPCPORT_CELLCHAIN="${GRPC_PORTS[0]}"
# shellcheck source-path=SCRIPTDIR source=../local/env.sh
source "${here}/../local/env.sh"
# shellcheck source-path=SCRIPTDIR source=../local/new-build.sh
source "${STACK_DIR}/new-build.sh"
# shellcheck source-path=SCRIPTDIR source=../local/stack-lib.sh
source "${STACK_DIR}/stack-lib.sh"
PROG="ha/stack.sh"
PG_BINDIR=/usr/lib/postgresql/15/bin
SECRETS="${HA_STATE}/secrets"
# The multi-host conninfo: cellchaind appends user=cellchain_<service>
# (bootstrap_admin uses it too); migrations run as the superuser. Passwords
# come from SECRETS/pgpass (libpq's PGPASSFILE), never from the command line.
STACK_PG_SERVE_CONNINFO="${HA_PG_CONNINFO}"
STACK_PG_CONNINFO="${HA_PG_CONNINFO} user=postgres"
export PGPASSFILE="${SECRETS}/pgpass"
[[ "${HA_PG_CONNINFO}" == *"port=${HA_PG_PORTS} "* ]] ||
  die "settings.sh: HA_PG_CONNINFO's ports are not HA_PG_PORTS (${HA_PG_PORTS})"

usage() {
  cat >&2 <<EOF
usage: deploy/ha/stack.sh COMMAND
  up [--no-build]  install deps (deploy/ha/packages.txt too), build, PKI, 3 etcd,
            3 Patroni + PostgreSQL 15 (synchronous, strict), migrate through
            the multi-host conninfo, bootstrap the admin, ${#GRPC_PORTS[@]} cellchaind
            replicas, wait healthy, make the demo users
  start     start whatever of etcd, Patroni and the replicas is not running
            (after a crash or a kill -9), the rest as up left it; wait until whole
  status    etcd health, patronictl list (leader, sync standby, lag), each
            cellchaind's health, the sequencer's leader; exit 0 only if all is up
  failover  planned patronictl switchover to the synchronous standby; prints
            the time until a cellchaind acknowledges a write (custody register)
  down      stop cellchaind, Patroni (and so PostgreSQL), etcd; keeps all state
  destroy   down, then delete ${HA_STATE}
ports (deploy/ha/settings.sh, 127.0.0.1): gRPC ${HA_GRPC_PORTS}; PostgreSQL
  ${HA_PG_PORTS}; Patroni REST ${HA_PATRONI_API_PORTS}; etcd ${HA_ETCD_CLIENT_PORTS} (peers ${HA_ETCD_PEER_PORTS})
env: HA_STATE_DIR (${HA_STATE}), BUILD_DIR (${STACK_BUILD})
EOF
}

# --- processes ---------------------------------------------------------------

# alive PIDFILE [CMDLINE_PART]: prints the live PID PIDFILE names whose
# command line holds CMDLINE_PART, or fails.
alive() {
  local pid cmdline
  pid="$(tr -d '[:space:]' 2>/dev/null <"$1")" || return 1
  [[ "${pid}" =~ ^[0-9]+$ ]] || return 1
  [[ "$(cut -d' ' -f3 "/proc/${pid}/stat" 2>/dev/null)" =~ ^[^ZX]$ ]] || return 1
  cmdline="$(tr '\0' ' ' <"/proc/${pid}/cmdline" 2>/dev/null)" || return 1
  [[ "${cmdline}" == *"${2:-}"* ]] || return 1
  echo "${pid}"
}

# stop_pid PIDFILE CMDLINE_PART NAME SECONDS: SIGTERM, SIGKILL after SECONDS.
stop_pid() {
  local pidfile="$1" part="$2" name="$3" i pid
  if ! pid="$(alive "${pidfile}" "${part}")"; then
    rm -f -- "${pidfile}"
    return 0
  fi
  kill -TERM "${pid}"
  for ((i = 0; i < $4 * 4; i++)); do
    alive "${pidfile}" "${part}" >/dev/null || break
    sleep 0.25
  done
  if alive "${pidfile}" "${part}" >/dev/null; then
    say "warning: ${name} (pid ${pid}) ignored SIGTERM for $4 s; sending SIGKILL"
    kill -KILL "${pid}" 2>/dev/null || true
  fi
  rm -f -- "${pidfile}"
  say "${name} stopped (pid ${pid})"
}

# The server side runs as postgres when root (PostgreSQL refuses root).
as_owner() {
  if ((EUID == 0)); then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

# --- etcd -----------------------------------------------------------------------

etcd_endpoints() {
  local IFS=,
  local -a eps=("${ETCD_PORTS[@]/#/127.0.0.1:}")
  echo "${eps[*]}"
}
etcdctl_() { ETCDCTL_API=3 etcdctl --endpoints="$(etcd_endpoints)" --dial-timeout=2s --command-timeout=3s "$@"; }

start_etcd() {
  local i cluster="" name
  for i in 0 1 2; do cluster+="${cluster:+,}etcd$((i + 1))=http://127.0.0.1:${PEER_PORTS[i]}"; done
  for i in 0 1 2; do
    name="etcd$((i + 1))"
    if alive "${STACK_RUN}/${name}.pid" etcd >/dev/null; then continue; fi
    mkdir -p -- "${HA_STATE}/etcd"
    setsid nohup etcd --name "${name}" --data-dir "${HA_STATE}/etcd/${name}" \
      --listen-client-urls "http://127.0.0.1:${ETCD_PORTS[i]}" \
      --advertise-client-urls "http://127.0.0.1:${ETCD_PORTS[i]}" \
      --listen-peer-urls "http://127.0.0.1:${PEER_PORTS[i]}" \
      --initial-advertise-peer-urls "http://127.0.0.1:${PEER_PORTS[i]}" \
      --initial-cluster "${cluster}" --initial-cluster-token "${HA_PATRONI_SCOPE}" \
      --initial-cluster-state new --logger=zap >>"${STACK_LOGS}/${name}.log" 2>&1 </dev/null &
    echo "$!" >"${STACK_RUN}/${name}.pid"
  done
  for ((i = 0; i < 60; i++)); do
    etcdctl_ endpoint health >/dev/null 2>&1 && {
      say "etcd: 3 members healthy on $(etcd_endpoints)"
      return 0
    }
    sleep 0.5
  done
  etcdctl_ endpoint health >&2 || true
  die "etcd not healthy after 30 s (logs: ${STACK_LOGS}/etcd*.log)"
}

# --- Patroni and PostgreSQL --------------------------------------------------------

member_dir() { echo "${HA_STATE}/pg$1"; }
patroni_cfg() { echo "$(member_dir "$1")/patroni.yml"; }
patronictl_() { patronictl -c "$(patroni_cfg 1)" "$@"; }

# Patroni's cluster-wide settings (settings.sh), as KEY=VALUE: bootstrap.dcs
# of a new cluster, and `up` sets them on an existing one.
dcs_settings() {
  printf '%s\n' "ttl=${HA_TTL}" "loop_wait=${HA_LOOP_WAIT}" "retry_timeout=${HA_RETRY_TIMEOUT}" \
    "primary_start_timeout=${HA_PRIMARY_START_TIMEOUT}" \
    "synchronous_mode=${HA_SYNCHRONOUS_MODE}" \
    "synchronous_mode_strict=${HA_SYNCHRONOUS_MODE_STRICT}" \
    "synchronous_node_count=${HA_SYNCHRONOUS_NODE_COUNT}"
}

apply_dcs_settings() {
  local -a sets=()
  local kv
  while IFS= read -r kv; do sets+=(--set "${kv}"); done < <(dcs_settings)
  patronictl_ edit-config --force --quiet "${sets[@]}" >/dev/null ||
    die "patronictl edit-config could not apply settings.sh"
  say "Patroni settings: $(dcs_settings | tr '\n' ' ')"
}

# The passwords (superuser, replication, each service's role): made once,
# kept in SECRETS (0700; files 0600).
secret() {
  local f="${SECRETS}/$1.password"
  if [[ ! -s "${f}" ]]; then
    (umask 077 && openssl rand -hex 24 >"${f}")
  fi
  cat -- "${f}"
}

write_patroni_config() {
  local n="$1" dir port api
  dir="$(member_dir "${n}")"
  port="${PG_PORTS[n - 1]}"
  api="${API_PORTS[n - 1]}"
  mkdir -p -- "${dir}/run"
  chmod 0700 -- "${dir}/run"
  (umask 077 && cat >"${dir}/patroni.yml" <<EOF
# Written by deploy/ha/stack.sh up from deploy/ha/settings.sh: change those.
scope: ${HA_PATRONI_SCOPE}
namespace: /cellchain/
name: pg${n}
restapi:
  listen: 127.0.0.1:${api}
  connect_address: 127.0.0.1:${api}
etcd3:
  hosts: $(etcd_endpoints)
bootstrap:
  dcs:
$(dcs_settings | sed 's/^/    /; s/=/: /')
    postgresql:
      use_pg_rewind: true
      use_slots: true
      parameters:
        synchronous_commit: "${HA_SYNCHRONOUS_COMMIT}"
        wal_level: replica
        wal_log_hints: "on"
        hot_standby: "on"
        max_connections: 300
        max_wal_senders: 10
        max_replication_slots: 10
        password_encryption: scram-sha-256
        fsync: "on"
        full_page_writes: "on"
  initdb:
    - encoding: UTF8
    - locale: C.UTF-8
    - data-checksums
postgresql:
  listen: 127.0.0.1:${port}
  connect_address: 127.0.0.1:${port}
  data_dir: ${dir}/data
  bin_dir: ${PG_BINDIR}
  pgpass: ${dir}/pgpass
  use_unix_socket: true
  authentication:
    superuser:
      username: postgres
      password: "$(secret postgres)"
    replication:
      username: replicator
      password: "$(secret replicator)"
  parameters:
    unix_socket_directories: ${dir}/run
    unix_socket_permissions: "0700"
    shared_buffers: 128MB
    # A standby retries its primary every 200 ms, not every 5 s (the
    # default): after a switchover the new primary's commits wait (strict)
    # until a standby streams from it, which takes a retry once the new
    # primary has made its replication slot; and the standby being promoted
    # may first sleep one interval since its stream from the old primary
    # broke (0.98 s between "received promote request" and "redo done"
    # with 1 s).
    wal_retrieve_retry_interval: 200ms
    logging_collector: "on"
    log_directory: log
    log_filename: postgresql.log
    log_line_prefix: "%m [%p] %q%u@%d "
    timezone: UTC
    log_timezone: UTC
    lc_messages: C
  # The socket directory (0700, the server's owner) is the access control of
  # "local"; over TCP every role needs its SCRAM password.
  pg_hba:
    - local all all trust
    - host replication replicator 127.0.0.1/32 scram-sha-256
    - host all all 127.0.0.1/32 scram-sha-256
EOF
  )
  if ((EUID == 0)); then chown -R postgres: -- "${dir}"; fi
}

start_patroni() {
  local n pidfile started=()
  ((EUID != 0)) || runuser -u postgres -- test -x "${HA_STATE}" ||
    die "user postgres cannot reach ${HA_STATE}; set HA_STATE_DIR to a directory it can"
  for n in 1 2 3; do
    pidfile="$(member_dir "${n}")/patroni.pid"
    if alive "${pidfile}" patroni >/dev/null; then continue; fi
    write_patroni_config "${n}"
    started+=("pg${n}")
    touch -- "${STACK_LOGS}/patroni${n}.log"
    # The PID is Patroni's own (exec), written by it where it may write.
    local -a as=()
    ((EUID != 0)) || as=(runuser -u postgres --)
    # shellcheck disable=SC2016  # $$ and $1 are the inner sh's
    (cd / && setsid nohup "${as[@]}" sh -c 'echo $$ >"$1"; exec patroni "$2"' \
      patroni "${pidfile}" "$(patroni_cfg "${n}")" >>"${STACK_LOGS}/patroni${n}.log" 2>&1 </dev/null &)
  done
  say "Patroni: started ${started[*]:-none} (configs $(member_dir '*')/patroni.yml)"
}

# Prints patronictl list as JSON lines' fields: "member role state lag".
members() {
  patronictl_ list -f json 2>/dev/null | /usr/bin/python3 -c '
import json, sys
for m in json.load(sys.stdin):
    print(m.get("Member"), m.get("Role"), m.get("State"), m.get("Lag in MB", 0))'
}

# Waits until a leader runs and a synchronous standby streams.
wait_cluster() {
  local i out
  for ((i = 0; i < 240; i++)); do
    out="$(members || true)"
    if grep -q ' Leader running ' <<<"${out}" &&
      grep -Eq ' Sync Standby (streaming|running) ' <<<"${out}"; then
      say "Patroni: $(tr '\n' ';' <<<"${out}")"
      return 0
    fi
    sleep 0.5
  done
  patronictl_ list >&2 || true
  die "no Patroni leader with a synchronous standby after 120 s (logs: ${STACK_LOGS}/patroni*.log)"
}

stop_patroni() {
  local n leader pidfile
  leader="$(members | awk '$2 == "Leader" {print $1}' || true)"
  # Standbys first, so that stopping the leader promotes no one.
  for n in 1 2 3; do
    [[ "pg${n}" != "${leader}" ]] || continue
    stop_pid "$(member_dir "${n}")/patroni.pid" patroni "Patroni pg${n}" 60
  done
  for n in 1 2 3; do
    [[ "pg${n}" == "${leader}" ]] || continue
    stop_pid "$(member_dir "${n}")/patroni.pid" patroni "Patroni pg${n} (leader)" 60
  done
}

# postmaster_of N: the live postmaster of member N, or fails.
postmaster_of() {
  local pidfile
  pidfile="$(member_dir "$1")/data/postmaster.pid"
  [[ -r "${pidfile}" ]] || return 1
  head -n 1 -- "${pidfile}" >"${STACK_RUN}/pg$1.postmaster" 2>/dev/null || return 1
  alive "${STACK_RUN}/pg$1.postmaster" postgres
}

# psql_primary DB ARGS...: psql as the superuser on the primary's DB, found
# as cellchaind finds it (the multi-host conninfo).
psql_primary() {
  local db="$1"
  shift
  "${PG_BINDIR}/psql" -X -q -At -v ON_ERROR_STOP=1 -d "${STACK_PG_CONNINFO} dbname=${db}" "$@"
}

# The pgpass cellchaind, migrate and psql read: the superuser's line first,
# then each service role's (roles made by migrate).
write_pgpass() {
  local role
  (
    umask 077
    {
      printf '127.0.0.1:*:*:postgres:%s\n' "$(secret postgres)"
      for role in "$@"; do printf '127.0.0.1:*:*:%s:%s\n' "${role}" "$(secret "${role}")"; done
    } >"${PGPASSFILE}.new"
  )
  mv -f -- "${PGPASSFILE}.new" "${PGPASSFILE}"
}

# Each cellchain_* login role gets its password (ALTER ROLE, replicated).
set_role_passwords() {
  local -a roles
  mapfile -t roles < <(psql_primary cellchain \
    -c "SELECT rolname FROM pg_roles WHERE rolname LIKE 'cellchain\_%' AND rolcanlogin ORDER BY 1")
  ((${#roles[@]} > 0)) || die "no cellchain_* login roles after migrating"
  local role
  for role in "${roles[@]}"; do
    psql_primary cellchain -v role="${role}" -v pw="$(secret "${role}")" \
      <<<"ALTER ROLE :\"role\" PASSWORD :'pw';"
  done
  write_pgpass "${roles[@]}"
  say "passwords set for ${#roles[@]} service roles (${SECRETS})"
}

# --- cellchaind replicas --------------------------------------------------------------

replica_pidfile() { echo "${STACK_RUN}/cellchaind$1.pid"; }
replica_log() { echo "${STACK_LOGS}/cellchaind$1.log"; }
replica_listen() { echo "127.0.0.1:${GRPC_PORTS[$1 - 1]}"; }

start_replicas() {
  local r
  for ((r = 1; r <= ${#GRPC_PORTS[@]}; r++)); do
    # application_name tells the replicas' sessions apart (status: who
    # holds the sequencer's lock).
    stack_serve_args "$(replica_listen "${r}")" \
      "${HA_PG_CONNINFO} application_name=cellchaind${r}" "${HA_CELLCHAIND_SERVICES}"
    start_daemon "$(replica_pidfile "${r}")" "$(replica_log "${r}")" "$(replica_listen "${r}")" \
      "${STACK_SERVE_ARGS[@]}" --sequencer
  done
  for ((r = 1; r <= ${#GRPC_PORTS[@]}; r++)); do
    wait_healthy "$(replica_pidfile "${r}")" "$(replica_log "${r}")" "$(replica_listen "${r}")"
  done
}

stop_replicas() {
  local r
  for ((r = 1; r <= ${#GRPC_PORTS[@]}; r++)); do
    stop_daemon "$(replica_pidfile "${r}")"
  done
}

# The application_name of the session holding the sequencer's advisory lock
# (services/ledger/sequencer.h kSequencerLockKey, "cellsequ").
sequencer_leader() {
  psql_primary cellchain -c "SELECT a.application_name FROM pg_locks l
    JOIN pg_stat_activity a USING (pid) WHERE l.locktype = 'advisory'
    AND l.granted AND ((l.classid::bigint << 32) | l.objid::bigint)
      = x'63656c6c73657175'::bigint" 2>/dev/null || true
}

# --- commands -----------------------------------------------------------------

cmd_up() {
  local do_build=1 t0=${SECONDS}
  case "${1:-}" in
    "") ;;
    --no-build) do_build=0 ;;
    *) die "unknown option '$1' for up" ;;
  esac
  "${STACK_DIR}/install-deps.sh"
  "${STACK_DIR}/install-deps.sh" "${here}/packages.txt"
  if ((do_build)); then
    build
  else
    [[ -x "${STACK_CELLCHAIND}" && -x "${STACK_CLI}" ]] ||
      die "--no-build: ${STACK_CELLCHAIND} or ${STACK_CLI} missing"
  fi
  mkdir -p -- "${STACK_RUN}" "${STACK_LOGS}" "${SECRETS}"
  chmod 0700 -- "${SECRETS}"
  "${STACK_DIR}/pki.sh" "${STACK_PKI}"
  start_etcd
  start_patroni
  wait_cluster
  apply_dcs_settings
  [[ -s "${PGPASSFILE}" ]] || write_pgpass
  psql_primary postgres -c "SELECT 1 FROM pg_database WHERE datname = 'cellchain'" | grep -q 1 ||
    psql_primary postgres -c "CREATE DATABASE cellchain"
  say "migrating through the multi-host conninfo (${HA_PG_CONNINFO} user=postgres)"
  "${STACK_CELLCHAIND}" migrate --pg="${STACK_PG_CONNINFO}" \
    --keyring="${STACK_PKI}/signing/keyring" || die "migrations failed"
  set_role_passwords
  bootstrap_admin
  start_replicas
  provision_users
  say "up in $((SECONDS - t0)) s: gRPC (mTLS) ${HA_GRPC_PORTS/,/ and } on 127.0.0.1; PostgreSQL ${HA_PG_PORTS}"
}

cmd_start() {
  (($# == 0)) || die "start takes no arguments"
  [[ -s "${PGPASSFILE}" ]] || die "${PGPASSFILE} missing; run up first"
  start_etcd
  start_patroni
  wait_cluster
  start_replicas
}

cmd_status() {
  local rc=0 r pid n out
  echo "== etcd ($(etcd_endpoints))"
  local etcd_up=1
  etcdctl_ endpoint health 2>&1 || etcd_up=0
  echo "== Patroni (${HA_PATRONI_SCOPE})"
  if ((etcd_up)); then
    if out="$(patronictl_ list 2>&1)"; then echo "${out}"; else echo "${out}"; rc=1; fi
    out="$(members || true)"
    grep -q ' Leader running ' <<<"${out}" || { echo "no running leader"; rc=1; }
    grep -Eq ' Sync Standby (streaming|running) ' <<<"${out}" || { echo "no synchronous standby"; rc=1; }
  else
    # patronictl would retry the dead etcd for minutes.
    echo "not asked: etcd is not healthy (run up)"
    rc=1
  fi
  for n in 1 2 3; do
    pid="$(postmaster_of "${n}")" || { echo "pg${n}: PostgreSQL not running"; rc=1; }
  done
  echo "== cellchaind"
  for ((r = 1; r <= ${#GRPC_PORTS[@]}; r++)); do
    if pid="$(daemon_pid "$(replica_pidfile "${r}")")"; then
      if healthy "$(replica_listen "${r}")"; then
        echo "cellchaind${r}: running, SERVING (pid ${pid}, $(replica_listen "${r}"))"
      else
        echo "cellchaind${r}: running, NOT healthy (pid ${pid}, $(replica_listen "${r}"))"
        rc=1
      fi
    else
      echo "cellchaind${r}: stopped"
      rc=1
    fi
  done
  echo "sequencer leader: $(sequencer_leader)"
  echo "state: ${HA_STATE}"
  return "${rc}"
}

# A write a person would make: Tina registers a reagent lot. 0 once
# acknowledged.
probe_write() {
  STACK_CLI_TIMEOUT=5 STACK_LISTEN="$1" cellchain_person ha-tina clients/lab-ws-01 \
    custody register --type=reagent_lot --local-code="HA-$2" >/dev/null 2>&1
}

cmd_failover() {
  local out leader candidate t0 t1 i r n=0
  out="$(members)" || die "Patroni does not answer; run up"
  leader="$(awk '$2 == "Leader" {print $1}' <<<"${out}")"
  candidate="$(awk '$2 == "Sync" {print $1; exit}' <<<"${out}")"
  [[ -n "${leader}" && -n "${candidate}" ]] ||
    die "need a leader and a synchronous standby: $(tr '\n' ';' <<<"${out}")"
  mkdir -p -- "${STACK_SESSIONS}"
  cellchain_person ha-tina clients/lab-ws-01 login --user-id="${STACK_TECH_USER}" \
    --password-stdin <<<"${STACK_TECH_PASSWORD}" >/dev/null || die "${STACK_TECH_USER} cannot log in"
  probe_write "${STACK_LISTEN}" "before-$(date +%s%N)" || die "no write acknowledged before the switchover"
  say "switchover: ${leader} -> ${candidate} (patronictl switchover)"
  t0="$(date +%s%3N)"
  patronictl_ switchover --leader "${leader}" --candidate "${candidate}" --force ||
    die "patronictl switchover failed"
  t1="$(date +%s%3N)"
  say "patronictl switchover returned after $((t1 - t0)) ms"
  for ((i = 0; i < 600; i++)); do
    for ((r = 1; r <= ${#GRPC_PORTS[@]}; r++)); do
      n=$((n + 1))
      if probe_write "$(replica_listen "${r}")" "after-${t0}-${n}"; then
        say "first write acknowledged $(($(date +%s%3N) - t0)) ms after the switchover began (cellchaind${r}, attempt ${n}); new leader: $(members | awk '$2 == "Leader" {print $1}')"
        wait_cluster
        say "a synchronous standby again $(($(date +%s%3N) - t0)) ms after the switchover began"
        return 0
      fi
    done
    sleep 0.2
  done
  die "no write acknowledged within 2 min of the switchover (${n} attempts; logs ${STACK_LOGS})"
}

cmd_down() {
  local n
  stop_replicas
  stop_patroni
  for n in 1 2 3; do
    if postmaster_of "${n}" >/dev/null; then
      say "PostgreSQL pg${n} still runs without its Patroni: fast shutdown"
      as_owner "${PG_BINDIR}/pg_ctl" -D "$(member_dir "${n}")/data" -m fast -w -t 60 stop >/dev/null || true
    fi
  done
  for n in 1 2 3; do
    stop_pid "${STACK_RUN}/etcd${n}.pid" etcd "etcd${n}" 15
  done
}

cmd_destroy() {
  cmd_down
  rm -rf -- "${HA_STATE}"
  say "destroyed ${HA_STATE}"
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
  status) cmd_status "$@" ;;
  failover) cmd_failover "$@" ;;
  down) cmd_down "$@" ;;
  destroy) cmd_destroy "$@" ;;
  -h | --help) usage ;;
  *)
    usage
    exit 2
    ;;
esac
