#!/usr/bin/env bash
# The README's demo story as a test: a stack of its own (stack.sh up
# --no-build in STATE_DIR, on ports apart from the dev stack's) plays
# deploy/local/regenheart.sh through the real binaries, and the test checks
# what a person watching would see: every refusal named by its rule, the
# counts and doublings, a label file per flask and vial holding the
# donation's DIN, the labels reconciled, the bundle VALID offline; then the
# web console its closing lines print: the URL answers over HTTPS trusting
# the CA they name, the QA user they name logs in with the password where
# they say it is and reads the audit trail (tests/web/console_check.py);
# `stack.sh status` shows the console and `stack.sh down` stops it. The
# stack is destroyed whatever happens.
#
# usage: tests/regenheart_story_test.sh BUILD_DIR STATE_DIR
# env: PGPORT_CELLCHAIN (55442), GRPCPORT_CELLCHAIN (7453),
#      LABEL_PRINTER_PORT (19110); the web console on GRPCPORT_CELLCHAIN + 1000
set -euo pipefail

(($# == 2)) || {
  echo "usage: tests/regenheart_story_test.sh BUILD_DIR STATE_DIR" >&2
  exit 2
}
root="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)"
export BUILD_DIR="$1" STACK_STATE_DIR="$2"
export PGPORT_CELLCHAIN="${PGPORT_CELLCHAIN:-55442}"
export GRPCPORT_CELLCHAIN="${GRPCPORT_CELLCHAIN:-7453}"
export LABEL_PRINTER_PORT="${LABEL_PRINTER_PORT:-19110}"
stack="${root}/deploy/local/stack.sh"

# shellcheck disable=SC2317  # called through the trap
destroy() { "${stack}" destroy >/dev/null 2>&1 || true; }
trap destroy EXIT
destroy

# shellcheck source-path=SCRIPTDIR source=checks.sh
source "${root}/tests/checks.sh"

"${stack}" up --no-build >"${STACK_STATE_DIR}.up.log" 2>&1 || {
  cat "${STACK_STATE_DIR}.up.log" >&2
  echo "FAIL: stack.sh up --no-build" >&2
  exit 1
}
rc=0
out="$("${root}/deploy/local/regenheart.sh" 2>&1)" || rc=$?
printf '%s\n' "${out}" >"${STACK_STATE_DIR}.story.log"
((rc == 0)) || {
  tail -n 40 <<<"${out}" >&2
  echo "FAIL: regenheart.sh exited ${rc} (whole output: ${STACK_STATE_DIR}.story.log)" >&2
  exit 1
}

for reason in MATERIAL_NOT_RELEASED FOUR_EYES_SAME_PERSON IMPLAUSIBLE_GROWTH SCAN_MISMATCH; do
  expect "-> refused (${reason}), as expected" "refusal"
done
expect "-> FAIL, as expected (exit 1), naming the vial the label belongs to" "wrong label"
expect "12 results recorded for DNR-" "screening"
expect "ELIGIBLE" "eligibility"
expect "PD 4.00, cumulative PD 4.00, doubling time 42.0 h" "P0"
expect "PD 3.00, cumulative PD 16.00, doubling time 32.0 h" "P4"
expect "2 vial(s) of 1.00e+06 cells into the master bank" "cryobank"
expect "harvested: 3.00e+07 cells" "product harvest"
expect "concentration       1.00e+06 viable cells/ml" "batch-show"
expect "verified by tech.tom (recorded by tech.tina)" "four eyes"
expect "no discrepancies" "label reconciliation"
expect "custodian pharm.phil" "handoff to the pharmacy"
expect "donor lots    A9999" "trace"
expect "VALID: every check holds" "offline bundle"
expect "The stack is still running" "the ending"

# The release tests, the dose and the cath lab are played once the CLI has
# the qc, dose and clinical groups; until then the story says they wait.
labels_expected=(p1-flask p2-flask p3-flask p4-flask cryovial-1 cryovial-2)
if grep -qF "Release tests: QA approves the specification" <<<"${out}"; then
  expect "is EFFECTIVE: approved by qa.quinn" "specification"
  expect "reviewed by qc.ana" "second analyst's review"
  expect "counted: ACCEPTABLE" "the bag's count"
  expect "verified by tech.tom" "the dose's verification"
  expect "RELEASED by pharm.phil" "pharmacy release"
  expect "pass    LABEL_MISMATCH" "release gates"
  expect "received at the cath lab" "cath lab receipt"
  expect "-> refused (WRONG_PATIENT), as expected" "wrong patient at the bedside"
  expect "bedside check passed" "bedside check"
  # The training clock plays what takes real time (decision 0017).
  expect_match '^training clock: \+[0-9]+d [0-9:]+ \(server time ' "the training clock shown"
  expect_match '^clock advanced by [0-9]+m: ' "the clock moved past the infusion"
  expect "day 1 of RH-" "day 1 of the observation"
  expect "day 5 of RH-" "day 5 of the observation"
  expect "-> refused (DOSE_EXPIRED), as expected" "the expired dose's release refused"
  labels_expected+=(dose-bag-2)
  expect "patients      RH-" "the dose's trace"
  # Each person works at their workstation's client: QA disposes of the lot
  # with cellchain-qa, the pharmacist releases with cellchain-pharmacy.
  expect_match '^\$ [^ ]*/cellchain-qa .*sessions/quinn qc dispose ' "QA's client"
  expect_match '^\$ [^ ]*/cellchain-pharmacy .*sessions/phil dose release ' "the pharmacy's client"
  labels_expected+=(dose-bag)
  [[ -s "${STACK_STATE_DIR}/regenheart/certificate-of-analysis.pdf" ]] ||
    fail "no certificate of analysis"
else
  expect "Release tests, QA disposition, the dose, the infusion: not in this build yet" \
    "what waits for the qc, dose and clinical groups"
fi

din="$(sed -nE 's/.*received: DIN ([A-Z][0-9]{4}) ([0-9]{2}) ([0-9]{6}).*/\1\2\3/p' <<<"${out}" |
  head -n 1)"
[[ -n "${din}" ]] || fail "no DIN in the cord's receipt"
labels="${STACK_STATE_DIR}/regenheart/labels"
for name in "${labels_expected[@]}"; do
  f="${labels}/${name}.zpl"
  if [[ ! -s "${f}" ]]; then
    fail "no label file ${f}"
  elif ! grep -q '^\^XA' "${f}" || ! grep -q "${din:-no DIN}" "${f}"; then
    fail "${f} is not ZPL holding the DIN ${din}"
  fi
  # The PNG of the same label, which the story's scans decode.
  [[ "$(head -c 8 "${f%.zpl}.png" 2>/dev/null | od -An -tx1 | tr -d ' \n')" == 89504e470d0a1a0a ]] ||
    fail "no PNG label ${f%.zpl}.png"
done
[[ -f "${STACK_STATE_DIR}/regenheart/bundle/manifest.json" ]] || fail "no bundle"

# The web console, as the closing lines tell a person to use it (issue 27).
# shellcheck source-path=SCRIPTDIR source=../deploy/local/env.sh
source "${root}/deploy/local/env.sh"
web_url="$(sed -nE 's/^  web console  (https:[^ ]+) .*/\1/p' <<<"${out}")"
web_ca="$(sed -nE 's/.* trust the dev CA ([^ )]+)\).*/\1/p' <<<"${out}")"
web_user="$(sed -nE 's/.* log in as ([^ ]+) \(.*/\1/p' <<<"${out}")"
web_secret="$(sed -nE 's/.* password is ([A-Z0-9_]+) in deploy\/local\/env\.sh.*/\1/p' <<<"${out}")"
if [[ -z "${web_url}" || -z "${web_ca}" || -z "${web_user}" || -z "${web_secret}" ]]; then
  fail "the closing lines give no web console URL, CA, QA user or password's place"
else
  web_rc=0
  web_out="$(python3 "${root}/tests/web/console_check.py" "${web_url}" "${web_ca}" \
    "${web_user}" <<<"${!web_secret:-}" 2>&1)" || web_rc=$?
  printf '%s\n' "${web_out}" >"${STACK_STATE_DIR}.web.log"
  ((web_rc == 0)) || {
    printf '%s\n' "${web_out}" >&2
    fail "the web console at ${web_url} as ${web_user} (exit ${web_rc})"
  }
fi
status_rc=0
status_out="$("${stack}" status 2>&1)" || status_rc=$?
((status_rc == 0)) || fail "stack.sh status exited ${status_rc}: ${status_out}"
grep -qF "web console: running, answering (pid " <<<"${status_out}" ||
  fail "stack.sh status does not show the web console answering: ${status_out}"
web_pid="$(cat -- "${STACK_WEB_PIDFILE}" 2>/dev/null || true)"
"${stack}" down >/dev/null 2>&1 || fail "stack.sh down failed"
if [[ -z "${web_pid}" ]]; then
  fail "no pid file ${STACK_WEB_PIDFILE}"
elif [[ "$(cat -- "/proc/${web_pid}/stat" 2>/dev/null)" =~ \)\ [^Z] ]]; then
  # (a zombie left for init to reap has stopped: only a live process fails)
  fail "cellchain-web (pid ${web_pid}) still runs after stack.sh down"
fi
if (exec 3<>"/dev/tcp/127.0.0.1/${STACK_WEB_PORT}") 2>/dev/null; then
  fail "127.0.0.1:${STACK_WEB_PORT} is still taken after stack.sh down"
fi

if ((failures)); then
  echo "${failures} check(s) failed; the story's output: ${STACK_STATE_DIR}.story.log" >&2
  exit 1
fi
echo "regenheart story: every check passed"
