#!/usr/bin/env bash
# The cellchain demo: brings the local stack up, then walks through what it
# does, step by step. Leaves the stack running (stop: deploy/local/stack.sh down).
# Each step is a function; later issues add steps to STEPS.
set -euo pipefail

here="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source-path=SCRIPTDIR source=env.sh
source "${here}/env.sh"

usage() {
  echo "usage: deploy/local/demo.sh [--no-up]" >&2
  echo "  --no-up  skip \`stack.sh up\` (the stack must already be running)" >&2
}

bring_up=1
case "${1:-}" in
  "") ;;
  --no-up) bring_up=0 ;;
  -h | --help)
    usage
    exit 0
    ;;
  *)
    usage
    exit 2
    ;;
esac

step_no=0
bold="" plain=""
if [[ -t 1 ]]; then
  bold=$'\033[1m'
  plain=$'\033[0m'
fi
step() {
  step_no=$((step_no + 1))
  printf '\n%s== %d. %s%s\n' "${bold}" "${step_no}" "$*" "${plain}"
}
# cli WHO ARGS...: shows the CLI command line (paths relative to the PKI),
# then runs it; a failure ends the demo.
cli() {
  local who="$1"
  shift
  printf '$ %s --target=%s --ca=ca.crt --cert=%s.crt --key=%s.key %s\n' \
    "${STACK_CLI#"${STACK_ROOT}/"}" "${STACK_LISTEN}" "${who}" "${who}" "$*"
  cellchain_as "${who}" "$@" || die "'cellchain $*' failed (exit $?)"
}
die() {
  echo "demo: $*" >&2
  exit 1
}
# show PERSON CERT ARGS...: the command line of `cellchain` as PERSON (their
# session file, relative to the state directory) at CERT's workstation.
show() {
  local person="$1" who="$2"
  shift 2
  printf '$ %s --target=%s --ca=ca.crt --cert=%s.crt --key=%s.key --session-file=sessions/%s' \
    "${STACK_CLI#"${STACK_ROOT}/"}" "${STACK_LISTEN}" "${who}" "${who}" "${person}"
  printf ' %q' "$@"
  printf '\n'
}
# run_as PERSON CERT ARGS...: shows and runs the CLI as PERSON; a failure ends the demo.
run_as() {
  local person="$1" who="$2"
  shift 2
  show "${person}" "${who}" "$@"
  cellchain_person "${person}" "${who}" "$@" || die "'cellchain $*' as ${person} failed (exit $?)"
}
# login_as PERSON CERT USER PASSWORD: logs USER in, the password piped in as a
# person's password manager or script would (never an argument).
login_as() {
  local person="$1" who="$2" user="$3" password="$4"
  echo "(the password is piped in from deploy/local/env.sh: dev only)"
  show "${person}" "${who}" login --user-id="${user}" --password-stdin
  cellchain_person "${person}" "${who}" login --user-id="${user}" --password-stdin <<<"${password}" ||
    die "${user} could not log in (exit $?)"
}
# refused PERSON CERT REASON ARGS...: a command that must be refused with
# REASON; shows the refusal and goes on. Being accepted ends the demo. The
# command reads refused's stdin.
refused() {
  local person="$1" who="$2" reason="$3" out rc=0
  shift 3
  show "${person}" "${who}" "$@"
  out="$(cellchain_person "${person}" "${who}" "$@" 2>&1)" || rc=$?
  printf '%s\n' "${out}" | sed 's/^/  | /'
  ((rc != 0)) || die "'cellchain $*' as ${person} was ACCEPTED"
  [[ "${out}" == *"(reason: ${reason})"* ]] || die "refused, but not with reason ${reason}"
  echo "-> refused (${reason}), as expected"
}

step_up() {
  step "Bring the local stack up (build, PKI, PostgreSQL, migrations, cellchaind)"
  if ((bring_up)); then
    "${STACK_DIR}/stack.sh" up
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
  step "Roles are enforced: QA reads users but may not create them"
  refused quinn clients/qa-ws-01 ROLE_NOT_ALLOWED user create --user-id=tech.tara \
    --printed-name="Tara Tech" --roles=technician --password-stdin <<<"never-used temporary pw"
  echo "And an admin administers users but may not verify the audit trail (QA's task):"
  refused ada clients/admin-cli ROLE_NOT_ALLOWED audit verify
}

# capture PATTERN TEXT: the first match of PATTERN's first group (sed -E).
capture() {
  sed -nE "s/.*${1}.*/\1/p" <<<"$2" | head -n 1
}

step_custody() {
  step "Tina (technician) gives a donor lot its DIN and registers what is made from it"
  login_as tina clients/lab-ws-01 "${STACK_TECH_USER}" "${STACK_TECH_PASSWORD}"
  local out din lot medium vessel dose handoff
  show tina clients/lab-ws-01 custody din --fin=A9999
  out="$(cellchain_person tina clients/lab-ws-01 custody din --fin=A9999)" || die "no DIN"
  printf '%s\n' "${out}"
  din="$(capture 'data structure +(=[A-Z0-9]+)' "${out}")"
  [[ -n "${din}" ]] || die "no DIN data structure in the answer"
  # register ARGS...: runs `custody register` as Tina; prints the item id.
  register() {
    local o
    show tina clients/lab-ws-01 custody register "$@" >&2
    o="$(cellchain_person tina clients/lab-ws-01 custody register "$@")" ||
      die "'custody register $*' failed"
    printf '%s\n' "${o}" >&2
    capture 'registered (itm_[A-Za-z0-9]+)' "${o}"
  }
  lot="$(register --type=donor_lot --din="${din}" --description="cord, donor D-0042")"
  medium="$(register --type=reagent_lot --local-code="MEDIUM-$$" --description="alpha-MEM + 5 % hPL")"
  vessel="$(register --type=culture_vessel --local-code="P0-$$" \
    --parents="${lot}:processing,${medium}:material")"
  dose="$(register --type=dose_bag --local-code="DOSE-$$" --patient-id=RH-017 \
    --parents="${vessel}:formulation" --description="1e7 viable cells in 20 ml")"
  register --type=dose_bag --local-code="DOSE2-$$" --parents="${vessel}:formulation" >/dev/null

  step "Tina hands the dose to Phil (pharmacy); his scan of the wrong bag is refused"
  show tina clients/lab-ws-01 custody handoff --item-id="${dose}" --to-user="${STACK_PHARM_USER}" \
    --condition="cool box, 4 °C"
  out="$(cellchain_person tina clients/lab-ws-01 custody handoff --item-id="${dose}" \
    --to-user="${STACK_PHARM_USER}" --condition="cool box, 4 °C")" || die "handoff failed"
  printf '%s\n' "${out}"
  handoff="$(capture 'handoff (hnd_[A-Za-z0-9]+)' "${out}")"
  login_as phil clients/pharmacy-ws-01 "${STACK_PHARM_USER}" "${STACK_PHARM_PASSWORD}"
  echo "(the scanner types the bag's label: DOSE2-$$, the other patient's bag)"
  refused phil clients/pharmacy-ws-01 SCAN_MISMATCH custody accept --handoff-id="${handoff}" \
    --scan=- <<<"DOSE2-$$"
  echo "(now the right bag: DOSE-$$)"
  show phil clients/pharmacy-ws-01 custody accept --handoff-id="${handoff}" --scan=-
  cellchain_person phil clients/pharmacy-ws-01 custody accept --handoff-id="${handoff}" \
    --scan=- <<<"DOSE-$$" || die "the right scan was refused"

  step "Quinn (QA) recalls the donor lot: everything made from it goes on hold"
  run_as quinn clients/qa-ws-01 custody recall --item-id="${lot}" \
    --reason="maternal HBV NAT reactive on lookback"
  refused phil clients/pharmacy-ws-01 ITEM_ON_HOLD custody end --item-id="${dose}" \
    --outcome=infused --patient-id=RH-017
  echo "The dose traced back to its donor, reagent lot and operators, each link with its signed record:"
  run_as quinn clients/qa-ws-01 custody trace --item-id="${dose}"
  echo "And the audit trail still verifies, custody's snapshots against their rows included:"
  run_as quinn clients/qa-ws-01 audit verify
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
  users        ${STACK_ADMIN_USER} (admin), ${STACK_QA_USER} (qa), ${STACK_TECH_USER} (technician),
               ${STACK_PHARM_USER} (pharmacist); dev-only passwords in deploy/local/env.sh
  sessions     ${STACK_SESSIONS}/ada, /quinn, /tina and /phil, still logged in (until idle or expired)
  state        ${STACK_STATE} (deploy/local/stack.sh destroy removes it)
  CLI          ${STACK_CLI} --target=${STACK_LISTEN} --ca=… --cert=… --key=… system ping
               as Quinn: source deploy/local/env.sh; cellchain_person quinn clients/qa-ws-01 whoami
EOF
}

STEPS=(step_up step_mtls_calls step_refusals step_no_session step_admin step_qa step_audit
  step_roles step_custody step_where)
for s in "${STEPS[@]}"; do
  "${s}"
done

printf '\nThe stack is still running. Stop it with: deploy/local/stack.sh down\n'
