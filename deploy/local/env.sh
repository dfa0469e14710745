# shellcheck shell=bash disable=SC2034  # the variables are for the sourcing scripts
# Paths and ports of the local stack; sourced by stack.sh and demo.sh
# (usage: source deploy/local/env.sh). Knobs (env):
#   PGPORT_CELLCHAIN    PostgreSQL port (socket only)         default 54329
#   GRPCPORT_CELLCHAIN  cellchaind's mTLS gRPC port on 127.0.0.1  default 7443
#   WEBPORT_CELLCHAIN   the web console's HTTPS port on 127.0.0.1
#                       default GRPCPORT_CELLCHAIN + 1000 (8443), so that a
#                       test's stack on its own gRPC port has its own
#   BUILD_DIR           CMake build directory                 default <repo>/build
#   STACK_STATE_DIR     all the stack's state (PKI, database, logs, sessions)
#                       default <repo>/deploy/local/state; a test's stack
#                       keeps its own (tests/regenheart_story_test.sh)
# (Not CELLCHAIN_*: cellchaind reads CELLCHAIN_<FLAG> as its own flags.)

STACK_ROOT="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd)"
STACK_DIR="${STACK_ROOT}/deploy/local"
STACK_STATE="${STACK_STATE_DIR:-${STACK_DIR}/state}"
STACK_PKI="${STACK_STATE}/pki"
STACK_PG="${STACK_STATE}/pg"
STACK_RUN="${STACK_STATE}/run"
STACK_LOGS="${STACK_STATE}/logs"
STACK_PIDFILE="${STACK_RUN}/cellchaind.pid"
STACK_LOG="${STACK_LOGS}/cellchaind.log"
STACK_PG_PORT="${PGPORT_CELLCHAIN:-54329}"
STACK_GRPC_PORT="${GRPCPORT_CELLCHAIN:-7443}"
STACK_LISTEN="127.0.0.1:${STACK_GRPC_PORT}"
STACK_BUILD="${BUILD_DIR:-${STACK_ROOT}/build}"
STACK_BIN="${STACK_BUILD}/bin"
STACK_CELLCHAIND="${STACK_BIN}/cellchaind"
STACK_CLI="${STACK_BIN}/cellchain"
# The web console (clients/web, cellchain-web): HTTPS on loopback with the
# PKI's server/web certificate, calling cellchaind over mTLS as the
# workstation clients/web-console.
STACK_WEB="${STACK_BIN}/cellchain-web"
STACK_WEB_PORT="${WEBPORT_CELLCHAIN:-$((STACK_GRPC_PORT + 1000))}"
STACK_WEB_LISTEN="127.0.0.1:${STACK_WEB_PORT}"
STACK_WEB_URL="https://localhost:${STACK_WEB_PORT}/"
STACK_WEB_PIDFILE="${STACK_RUN}/cellchain-web.pid"
STACK_WEB_LOG="${STACK_LOGS}/cellchain-web.log"
# migrate runs as the superuser (it creates schemas and roles); serve gets no
# user: cellchaind appends each hosted service's own role.
STACK_PG_CONNINFO="host=${STACK_PG}/run port=${STACK_PG_PORT} user=postgres dbname=cellchain"
STACK_PG_SERVE_CONNINFO="host=${STACK_PG}/run port=${STACK_PG_PORT} dbname=cellchain"
# stack_serve_args LISTEN CONNINFO SERVICES: the flags of `cellchaind serve`
# for this stack's PKI, listening on LISTEN, connecting with CONNINFO and
# hosting SERVICES, into the array STACK_SERVE_ARGS (stack.sh's daemon:
# STACK_LISTEN, STACK_PG_SERVE_CONNINFO, all; tests/faults/run.sh's standby
# sequencer: the audit service alone).
stack_serve_args() {
  STACK_SERVE_ARGS=(serve
    --listen="$1"
    --tls-cert="${STACK_PKI}/server/cellchaind.crt"
    --tls-key="${STACK_PKI}/server/cellchaind.key"
    --tls-ca="${STACK_PKI}/ca.crt"
    --pg="$2"
    --signing-key-dir="${STACK_PKI}/signing"
    --keyring="${STACK_PKI}/signing/keyring"
    --field-key-file="${STACK_PKI}/field-keys"
    --request-hash-key-file="${STACK_PKI}/request-hash-key"
    --services="$3")
}
# The CLI's session files, one per person (cellchain --session-file).
STACK_SESSIONS="${STACK_STATE}/sessions"

# DEV-ONLY THROWAWAY CREDENTIALS, like the dev PKI: the users `stack.sh up`
# makes in the local database so that the demo can log in. Published here on
# purpose; never use them, or this stack, for anything real.
#   admin     Ada Admin      admin  (cellchaind bootstrap-admin)
#   qa.quinn  Quinn Quality  qa     (created by admin with a temporary
#                                    password, then changed by Quinn)
#   tech.tina Tina Tech      technician  (the same way)
#   pharm.phil Phil Pharmacist pharmacist (the same way)
#   tech.tom  Tom Second     technician  (the RegenHeart story's second
#                                         pair of eyes; the same way)
#   qc.otto   Otto Analyst   qc_analyst  (screening and release tests)
#   qc.ana    Ana Reviewer   qc_analyst  (reviews Otto's results)
#   clin.cleo Cleo Clinician clinician   (the cath lab's two clinicians,
#   clin.carl Carl Cardiologist clinician  at workstation clinic-ws-01)
STACK_ADMIN_USER="admin"
STACK_ADMIN_NAME="Ada Admin"
STACK_ADMIN_PASSWORD="dev-only Ada 2026 pw"
STACK_QA_USER="qa.quinn"
STACK_QA_NAME="Quinn Quality"
STACK_QA_TEMP_PASSWORD="dev-only first-day pw"
STACK_QA_PASSWORD="dev-only Quinn 2026 pw"
STACK_TECH_USER="tech.tina"
STACK_TECH_NAME="Tina Tech"
STACK_TECH_TEMP_PASSWORD="dev-only lab first-day pw"
STACK_TECH_PASSWORD="dev-only Tina 2026 pw"
STACK_PHARM_USER="pharm.phil"
STACK_PHARM_NAME="Phil Pharmacist"
STACK_PHARM_TEMP_PASSWORD="dev-only pharmacy first-day pw"
STACK_PHARM_PASSWORD="dev-only Phil 2026 pw"
STACK_TECH2_USER="tech.tom"
STACK_TECH2_NAME="Tom Second"
STACK_TECH2_TEMP_PASSWORD="dev-only lab first-day pw 2"
STACK_TECH2_PASSWORD="dev-only Tom 2026 pw"
STACK_QC_USER="qc.otto"
STACK_QC_NAME="Otto Analyst"
STACK_QC_TEMP_PASSWORD="dev-only qc first-day pw"
STACK_QC_PASSWORD="dev-only Otto 2026 pw"
STACK_QC2_USER="qc.ana"
STACK_QC2_NAME="Ana Reviewer"
STACK_QC2_TEMP_PASSWORD="dev-only qc first-day pw 2"
STACK_QC2_PASSWORD="dev-only Ana 2026 pw"
STACK_CLIN1_USER="clin.cleo"
STACK_CLIN1_NAME="Cleo Clinician"
STACK_CLIN1_TEMP_PASSWORD="dev-only clinic first-day pw"
STACK_CLIN1_PASSWORD="dev-only Cleo 2026 pw"
STACK_CLIN2_USER="clin.carl"
STACK_CLIN2_NAME="Carl Cardiologist"
STACK_CLIN2_TEMP_PASSWORD="dev-only clinic first-day pw 2"
STACK_CLIN2_PASSWORD="dev-only Carl 2026 pw"

# client_of CERT_PREFIX: the client a workstation runs — QA's workstations
# cellchain-qa, the pharmacy's cellchain-pharmacy (each offers its role's
# commands of cellchain's), every other one cellchain. $STACK_CLIENT (a
# binary's name in $STACK_BIN), when set, is used instead.
client_of() {
  if [[ -n "${STACK_CLIENT:-}" ]]; then
    echo "${STACK_BIN}/${STACK_CLIENT}"
    return
  fi
  case "$1" in
    */qa-ws-*) echo "${STACK_BIN}/cellchain-qa" ;;
    */pharmacy-ws-*) echo "${STACK_BIN}/cellchain-pharmacy" ;;
    *) echo "${STACK_CLI}" ;;
  esac
}

# cellchain_as CERT_PREFIX ARGS...: the workstation's client (client_of) over
# mTLS with $STACK_PKI/<prefix>.crt and .key, e.g. `cellchain_as clients/demo
# system ping`; killed after $STACK_CLI_TIMEOUT seconds (default 30).
cellchain_as() {
  local who="$1"
  shift
  timeout "${STACK_CLI_TIMEOUT:-30}" "$(client_of "${who}")" --target="${STACK_LISTEN}" --ca="${STACK_PKI}/ca.crt" \
    --cert="${STACK_PKI}/${who}.crt" --key="${STACK_PKI}/${who}.key" "$@"
}

# cellchain_person PERSON CERT_PREFIX ARGS...: cellchain_as CERT_PREFIX with
# PERSON's own session file ($STACK_SESSIONS/PERSON), e.g.
# `cellchain_person quinn clients/qa-ws-01 whoami`. An exported
# CELLCHAIN_SESSION_TOKEN would override the file: it is blanked.
cellchain_person() {
  local person="$1" who="$2"
  shift 2
  CELLCHAIN_SESSION_TOKEN="" cellchain_as "${who}" --session-file="${STACK_SESSIONS}/${person}" "$@"
}

# web_answers LISTEN: cellchain-web on LISTEN answers GET / with 200 over
# HTTPS, its certificate verified against the stack's CA for localhost (as
# a browser trusting the dev CA would).
web_answers() {
  local answer
  answer="$(printf 'GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n' |
    timeout 5 openssl s_client -quiet -connect "$1" -servername localhost \
      -CAfile "${STACK_PKI}/ca.crt" -verify_hostname localhost -verify_return_error 2>/dev/null)" ||
    return 1
  [[ "${answer}" == "HTTP/1.1 200 "* ]]
}
