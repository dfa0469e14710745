# shellcheck shell=bash
# The helpers shared by demo.sh and regenheart.sh (sourced after env.sh):
# a numbered step heading, every command shown before it runs, a refusal
# checked by its reason, ids captured from a command's output, and the web
# console's lines of the closing summary. A failure ends the script, since
# a demo that carries on after a broken step would show what did not happen. Not thread-safe: one script at a time
# (they share $step_no and $OUT).

# Kept when sourced again (demo.sh sources regenheart.sh, which sources this).
step_no="${step_no:-0}"
bold="" plain=""
if [[ -t 1 ]]; then
  bold=$'\033[1m'
  plain=$'\033[0m'
fi
# step HEADING...: the next numbered heading.
step() {
  step_no=$((step_no + 1))
  printf '\n%s== %d. %s%s\n' "${bold}" "${step_no}" "$*" "${plain}"
}
die() {
  echo "demo: $*" >&2
  exit 1
}
# cli WHO ARGS...: shows the CLI command line (paths relative to the PKI),
# then runs it; a failure ends the demo.
cli() {
  local who="$1"
  shift
  local client
  client="$(client_of "${who}")"
  printf '$ %s --target=%s --ca=ca.crt --cert=%s.crt --key=%s.key %s\n' \
    "${client#"${STACK_ROOT}/"}" "${STACK_LISTEN}" "${who}" "${who}" "$*"
  cellchain_as "${who}" "$@" || die "'${client##*/} $*' failed (exit $?)"
}
# show PERSON CERT ARGS...: the command line of the workstation's client
# (client_of: cellchain, cellchain-qa, cellchain-pharmacy) as PERSON (their
# session file, relative to the state directory) at CERT's workstation.
show() {
  local person="$1" who="$2" client
  shift 2
  client="$(client_of "${who}")"
  printf '$ %s --target=%s --ca=ca.crt --cert=%s.crt --key=%s.key --session-file=sessions/%s' \
    "${client#"${STACK_ROOT}/"}" "${STACK_LISTEN}" "${who}" "${who}" "${person}"
  printf ' %q' "$@"
  printf '\n'
}
# run_as PERSON CERT ARGS...: shows and runs the CLI as PERSON; a failure ends
# the demo. The command reads run_as's stdin.
run_as() {
  local person="$1" who="$2"
  shift 2
  show "${person}" "${who}" "$@"
  cellchain_person "${person}" "${who}" "$@" || die "'$(basename -- "$(client_of "${who}")") $*' as ${person} failed (exit $?)"
}
# keep_as PERSON CERT ARGS...: run_as, its output printed and also kept in
# $OUT for capture (a function, not $(...), so that a failure ends the demo).
keep_as() {
  local person="$1" who="$2" rc=0
  shift 2
  show "${person}" "${who}" "$@"
  OUT="$(cellchain_person "${person}" "${who}" "$@")" || rc=$?
  printf '%s\n' "${OUT}"
  ((rc == 0)) || die "'$(basename -- "$(client_of "${who}")") $*' as ${person} failed (exit ${rc})"
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
  ((rc != 0)) || die "'$(basename -- "$(client_of "${who}")") $*' as ${person} was ACCEPTED"
  [[ "${out}" == *"(reason: ${reason})"* ]] || die "refused, but not with reason ${reason}"
  echo "-> refused (${reason}), as expected"
}
# capture PATTERN TEXT: the first match of PATTERN's first group (sed -E).
capture() {
  sed -nE "s/.*${1}.*/\1/p" <<<"$2" | head -n 1
}
# need NAME VALUE: ends the demo when a captured VALUE is empty.
need() {
  [[ -n "$2" ]] || die "no $1 in the answer above"
}
# web_console_where: the closing summary's lines on the web console — its
# URL, the CA a browser must trust and QA's login (where the dev-only
# password is, as for the CLI's logins, not the password) — or that it does
# not answer.
web_console_where() {
  if web_answers "${STACK_WEB_LISTEN}"; then
    cat <<EOF
  web console  ${STACK_WEB_URL} (HTTPS; the browser must trust the dev CA ${STACK_PKI}/ca.crt)
               QA: log in as ${STACK_QA_USER} (${STACK_QA_NAME}); the dev-only password is STACK_QA_PASSWORD in deploy/local/env.sh
               log ${STACK_WEB_LOG}
EOF
  else
    echo "  web console  NOT answering on ${STACK_WEB_URL} (see deploy/local/stack.sh status)"
  fi
}
