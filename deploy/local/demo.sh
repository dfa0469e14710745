#!/usr/bin/env bash
# The cellchain demo: brings the local stack up, walks through its security
# (mTLS, refusals, sessions, roles, audit), then plays the RegenHeart story
# (regenheart.sh) through the real clients. Leaves the stack running (stop:
# deploy/local/stack.sh down). Each step is a function in STEPS.
set -euo pipefail

here="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source-path=SCRIPTDIR source=env.sh
source "${here}/env.sh"
# shellcheck source-path=SCRIPTDIR source=demo-lib.sh
source "${here}/demo-lib.sh"
# shellcheck source-path=SCRIPTDIR source=regenheart.sh
source "${here}/regenheart.sh"

usage() {
  echo "usage: deploy/local/demo.sh [--no-up | --no-build]" >&2
  echo "  --no-up     skip \`stack.sh up\` (the stack must already be running)" >&2
  echo "  --no-build  \`stack.sh up --no-build\`: use the binaries in BUILD_DIR/bin" >&2
}

bring_up=1
up_args=()
case "${1:-}" in
  "") ;;
  --no-up) bring_up=0 ;;
  --no-build) up_args=(--no-build) ;;
  -h | --help)
    usage
    exit 0
    ;;
  *)
    usage
    exit 2
    ;;
esac

step_up() {
  step "Bring the local stack up (build, PKI, PostgreSQL, migrations, cellchaind)"
  if ((bring_up)); then
    "${STACK_DIR}/stack.sh" up "${up_args[@]}"
  else
    "${STACK_DIR}/stack.sh" status || die "the stack is not up; run without --no-up"
  fi
}

step_mtls_calls() {
  step "Talk to cellchaind over mutual TLS as workstation 'demo'"
  echo "(client certificate ${STACK_PKI}/clients/demo.crt, CA ${STACK_PKI}/ca.crt)"
  cli clients/demo system version
  # ping answers with the database round trip and the subject the server saw.
  cli clients/demo system ping
}

step_refusals() {
  step "Strangers are refused"
  local out rc

  echo "A client certificate from another CA (rogue/clients/intruder, same-looking subject):"
  rc=0
  out="$(STACK_CLI_TIMEOUT=15 cellchain_as rogue/clients/intruder system ping 2>&1)" || rc=$?
  printf '%s\n' "${out}" | sed 's/^/  | /'
  ((rc != 0)) || die "the rogue certificate was ACCEPTED"
  ((rc != 124)) || die "the rogue call timed out instead of being refused"
  echo "-> refused (exit ${rc}), as expected"

  echo
  echo "A TLS client without any certificate (openssl s_client):"
  rc=0
  out="$(s_client 10 2>&1)" || rc=$?
  printf '%s\n' "${out}" | grep -E 'alert|unexpected eof|reset' | sed 's/^/  | /' || true
  ((rc != 124)) || die "the certificate-less connection was kept open, not refused"
  ((rc != 0)) || die "the certificate-less connection was ACCEPTED"
  grep -qE 'alert|unexpected eof|reset' <<<"${out}" ||
    die "the connection failed, but not as a refusal (see above)"
  local seen
  seen="$(grep -a 'did not return a certificate' "${STACK_LOG}" | tail -n 1 |
    sed 's/^.*\][[:space:]]*//' || true)"
  [[ -z "${seen}" ]] || printf '  server log: %s\n' "${seen}"
  echo "-> the server dropped it during the handshake, as expected"

  echo
  echo "For contrast, the same command with clients/demo's certificate stays connected:"
  rc=0
  s_client 3 -cert "${STACK_PKI}/clients/demo.crt" -key "${STACK_PKI}/clients/demo.key" \
    >/dev/null 2>&1 || rc=$?
  ((rc == 124)) || die "the connection with a valid certificate ended early (exit ${rc})"
  echo "-> still open after 3 s (closed by the demo)"
}

# s_client SECONDS [ARGS...]: a bare TLS connection to cellchaind that waits for
# the server to close it, killed after SECONDS (exit 124).
s_client() {
  local secs="$1"
  shift
  timeout "${secs}" openssl s_client -connect "${STACK_LISTEN}" -CAfile "${STACK_PKI}/ca.crt" \
    -verify_hostname localhost -verify_return_error -alpn h2 -ign_eof "$@" </dev/null
}

step_no_session() {
  step "Without logging in, a workstation gets version and ping, nothing else"
  echo "(nobody has logged in with session file sessions/nobody)"
  rm -f -- "${STACK_SESSIONS}/nobody"
  refused nobody clients/demo SESSION_REQUIRED audit checkpoint
}

step_admin() {
  step "Ada Admin logs in at workstation admin-cli and looks at the users"
  echo "(users made by stack.sh up: the bootstrap admin, and qa.quinn created by her)"
  login_as ada clients/admin-cli "${STACK_ADMIN_USER}" "${STACK_ADMIN_PASSWORD}"
  run_as ada clients/admin-cli whoami
  run_as ada clients/admin-cli user list
}

step_qa() {
  step "Quinn Quality (QA) logs in at workstation qa-ws-01"
  login_as quinn clients/qa-ws-01 "${STACK_QA_USER}" "${STACK_QA_PASSWORD}"
  run_as quinn clients/qa-ws-01 whoami
}

step_audit() {
  step "Quinn reads, proves and verifies the audit trail (QA)"
  echo "Every user change and login so far is a signed audit record; Quinn's own:"
  run_as quinn clients/qa-ws-01 audit query --entity-type=user --entity-id="${STACK_QA_USER}"
  run_as quinn clients/qa-ws-01 audit history --entity-type=user --entity-id="${STACK_QA_USER}"
  run_as quinn clients/qa-ws-01 audit verify
  local bundle="${STACK_STATE}/demo-bundle"
  rm -rf -- "${bundle}"
  run_as quinn clients/qa-ws-01 audit export --entity-type=user --out="${bundle}"
  # QA holds the keyring of the record-signing keys, apart from the database.
  local keyring="${STACK_PKI}/signing/keyring"
  printf '$ %s bundle --keyring %s %s\n' "${STACK_BIN#"${STACK_ROOT}/"}/cellchain-verify" \
    "${keyring#"${STACK_ROOT}/"}" "${bundle#"${STACK_ROOT}/"}"
  "${STACK_BIN}/cellchain-verify" bundle --keyring "${keyring}" "${bundle}" ||
    die "the exported bundle does not verify offline"
}

step_roles() {
  step "Roles are enforced by the server: QA reads users but may not create them"
  echo "(cellchain-qa offers no user commands; through cellchain, which offers all, the server refuses)"
  STACK_CLIENT=cellchain refused quinn clients/qa-ws-01 ROLE_NOT_ALLOWED user create --user-id=tech.tara \
    --printed-name="Tara Tech" --roles=technician --password-stdin <<<"never-used temporary pw"
  echo "And an admin administers users but may not verify the audit trail (QA's task):"
  refused ada clients/admin-cli ROLE_NOT_ALLOWED audit verify
}

step_where() {
  step "What runs where"
  cat <<EOF
  cellchaind   ${STACK_LISTEN} (gRPC, mutual TLS only), pid $(cat "${STACK_PIDFILE}" 2>/dev/null || echo '?')
               log ${STACK_LOG}
  PostgreSQL   Unix socket ${STACK_PG}/run, port ${STACK_PG_PORT}, no TCP listener
               log ${STACK_PG}/log/postgresql.log
               psql: deploy/local/pg-cluster.sh ${STACK_PG} psql -d cellchain
  dev PKI      ${STACK_PKI} (CA, server, workstation certs, Ed25519 signing keys)
  users        ${STACK_ADMIN_USER} (admin), ${STACK_QA_USER} (qa), ${STACK_TECH_USER} and ${STACK_TECH2_USER}
               (technician), ${STACK_QC_USER} and ${STACK_QC2_USER} (qc_analyst), ${STACK_PHARM_USER} (pharmacist),
               ${STACK_CLIN1_USER} and ${STACK_CLIN2_USER} (clinician); dev-only passwords in deploy/local/env.sh
  sessions     ${STACK_SESSIONS}/ada, /quinn, /tina, /tom, /otto, /ana, /phil, /cleo and
               /carl, still logged in (until idle or expired)
  story        ${RH_OUT} (labels, the exported bundle, QA's saved checkpoint)
  state        ${STACK_STATE} (deploy/local/stack.sh destroy removes it)
  clients      ${STACK_BIN}/: cellchain (every command), cellchain-qa (QA's
               workstation), cellchain-pharmacy (the pharmacy's), cellchain-label,
               cellchain-verify; each --help lists its commands
               ${STACK_CLI} --target=${STACK_LISTEN} --ca=… --cert=… --key=… system ping
               as Quinn: source deploy/local/env.sh; cellchain_person quinn clients/qa-ws-01 whoami
EOF
  web_console_where
}

STEPS=(step_up step_mtls_calls step_refusals step_no_session step_admin step_qa step_audit
  step_roles regenheart_story step_where)
for s in "${STEPS[@]}"; do
  "${s}"
done

printf '\nThe stack is still running. Stop it with: deploy/local/stack.sh down\n'
