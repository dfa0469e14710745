#!/usr/bin/env bash
# The README's Quick start, followed literally on a clean checkout (issue 12):
# reads the ```sh block under "## Quick start" in README.md (so that what is
# tested is what the README says, not a copy of it), clones the repository at
# REV into a fresh temporary directory (`git clone --no-local`: nothing of
# this work tree's build, state or uncommitted edits comes along), and runs
# each line of the block, comments stripped, in order, from the checkout's
# root, stopping at the first that exits non-zero. After the demo's line it
# checks what the README promises a person sees: the demo's last lines say
# how to stop the stack, and the stack is still running (`stack.sh status`).
# The stack is left running while the later lines run, as it would be for
# that person; after the last line it is stopped with the command the demo
# printed, and nothing of the checkout may still be running or hold the
# demo's ports. The checkout is removed whatever happens; the commands'
# logs are kept when something failed.
#
# It runs the whole build and test suite (about 20 to 30 minutes on two
# cores), so it is not a ctest test: quickstart_block_test and
# quickstart_clean_checkout_test check this script itself
# (tests/quickstart_test.sh). See docs/testing.md, "The Quick start".
#
# usage: tests/quickstart.sh [--dry-run] [REV]
#   REV        the commit to check out (default HEAD of this repository)
#   --dry-run  print the commands it would run and what it would check,
#              without cloning or running anything
# env: QUICKSTART_README  a file whose Quick start block is followed instead
#                         of REV's README.md (this script's own tests)
# The commands run as the ones a person types into a fresh shell would: in
# this environment, less the knobs that would move the checkout's build,
# state or ports elsewhere (BUILD_DIR, BUILD_TYPE, CTEST_JOBS,
# STACK_STATE_DIR, PGPORT_CELLCHAIN, GRPCPORT_CELLCHAIN, WEBPORT_CELLCHAIN,
# LABEL_PRINTER_PORT and every CELLCHAIN_*), with stdin from /dev/null (as
# CI): run it as root or as a user with password-less sudo.
# Exit: 0 every command and check passed; 1 one failed (named on stderr);
# 2 usage, or no runnable Quick start block, or a port the commands need is
# taken before the start.
set -euo pipefail

readonly PROG="quickstart.sh"
usage() {
  echo "usage: tests/quickstart.sh [--dry-run] [REV]" >&2
  echo "  REV        commit to check out (default HEAD)" >&2
  echo "  --dry-run  print the commands and checks, run nothing" >&2
  echo "  env: QUICKSTART_README (a README to follow instead of REV's)" >&2
}
die() {
  echo "${PROG}: $*" >&2
  exit 1
}
refuse() {
  echo "${PROG}: $*" >&2
  exit 2
}
say() { echo "${PROG}: $*"; }

dry_run=0
rev=""
while (($#)); do
  case "$1" in
    --dry-run) dry_run=1 ;;
    -h | --help)
      usage
      exit 0
      ;;
    -*)
      usage
      exit 2
      ;;
    *)
      [[ -z "${rev}" ]] || {
        usage
        exit 2
      }
      rev="$1"
      ;;
  esac
  shift
done

root="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)"
repo="$(git -C "${root}" rev-parse --show-toplevel 2>/dev/null)" ||
  refuse "${root} is not a git repository: nothing to clone"
sha="$(git -C "${repo}" rev-parse --verify --quiet "${rev:-HEAD}^{commit}")" ||
  refuse "'${rev:-HEAD}' is not a commit of ${repo}"

# --- the Quick start block ----------------------------------------------------

if [[ -n "${QUICKSTART_README:-}" ]]; then
  readme_name="${QUICKSTART_README}"
  readme="$(cat -- "${QUICKSTART_README}")" || refuse "cannot read QUICKSTART_README=${QUICKSTART_README}"
else
  readme_name="README.md at ${sha:0:12}"
  readme="$(git -C "${repo}" show "${sha}:README.md" 2>/dev/null)" ||
    refuse "no README.md at ${sha:0:12}"
fi

# The first ```sh block of the "## Quick start" section, verbatim; exit 3 when
# the section has none, 4 when the block is not closed.
block_rc=0
block="$(awk '
  in_block && /^```/ { in_block = 0; closed = 1; exit }
  in_block { print; next }
  /^## / { in_section = ($0 ~ /^## Quick start[[:space:]]*$/); next }
  in_section && /^```sh[[:space:]]*$/ { in_block = 1; found = 1 }
  END { if (!found) exit 3; if (!closed) exit 4 }
' <<<"${readme}")" || block_rc=$?
case "${block_rc}" in
  0) ;;
  3) refuse "${readme_name} has no \`\`\`sh block under '## Quick start': nothing to follow" ;;
  4) refuse "${readme_name}: the \`\`\`sh block under '## Quick start' is not closed" ;;
  *) refuse "cannot read the Quick start block of ${readme_name} (awk exit ${block_rc})" ;;
esac

# Each line with its comment stripped (a '#' at the start or after a blank
# starts one, as in sh; the README's commands quote no '#'), blank lines
# dropped.
commands=()
while IFS= read -r line; do
  line="${line#"${line%%[![:space:]]*}"}"
  [[ "${line}" != \#* ]] || continue
  line="$(sed -E 's/[[:space:]]+#.*$//; s/[[:space:]]+$//' <<<"${line}")"
  [[ -n "${line}" ]] || continue
  [[ "${line}" != *\\ ]] ||
    refuse "${readme_name}: a Quick start line continues on the next ('${line}'); write one command a line"
  commands+=("${line}")
done <<<"${block}"
((${#commands[@]})) ||
  refuse "${readme_name}: the \`\`\`sh block under '## Quick start' holds no command"

# is_demo CMD: CMD runs the demo (deploy/local/demo.sh), after which the
# stack must be running and the output must say how to stop it.
is_demo() {
  local first="${1%%[[:space:]]*}"
  [[ "${first}" == demo.sh || "${first}" == */demo.sh ]]
}
is_test_run() {
  local first="${1%%[[:space:]]*}"
  [[ "${first}" == tests/run.sh || "${first}" == */tests/run.sh ]]
}

# The TCP ports the commands will listen on, with their defaults (the knobs
# are cleared below): the demo's stack (deploy/local/env.sh, regenheart.sh)
# and the story test tests/run.sh runs (tests/regenheart_story_test.sh).
# PostgreSQL listens on no TCP port.
ports=()
for c in "${commands[@]}"; do
  if is_demo "${c}"; then
    ports+=("7443:the demo's cellchaind" "8443:the demo's web console"
      "19100:the demo's stand-in label printer")
  elif is_test_run "${c}"; then
    ports+=("7453:regenheart_story_test's cellchaind" "8453:regenheart_story_test's web console"
      "19110:regenheart_story_test's label printer")
  fi
done

port_numbers="$(for p in "${ports[@]}"; do printf '%s ' "${p%%:*}"; done)"
port_numbers="${port_numbers% }"

if ((dry_run)); then
  echo "${PROG}: the Quick start of ${readme_name}: ${#commands[@]} command(s)"
  echo "would clone ${repo} at ${sha} (git clone --no-local) into a fresh temporary directory"
  echo "and run, from its root, stopping at the first that fails:"
  for i in "${!commands[@]}"; do
    echo "  $((i + 1)). ${commands[i]}"
    if is_demo "${commands[i]}"; then
      echo "     then check: its last lines say how to stop the stack; deploy/local/stack.sh status exits 0"
    fi
  done
  echo "then: the stop command the demo printed (if a demo ran); nothing of the checkout still running"
  echo "      and no port of theirs still taken (${port_numbers:-none}); the checkout removed"
  exit 0
fi

port_taken() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for p in "${ports[@]}"; do
  ! port_taken "${p%%:*}" ||
    refuse "127.0.0.1:${p%%:*} (${p#*:}) is taken already; stop what holds it (another checkout's stack or story test?) first"
done
if [[ -n "$(git -C "${repo}" status --porcelain --untracked-files=no 2>/dev/null)" ]]; then
  say "note: ${repo} has uncommitted changes; the checkout has ${sha:0:12} only"
fi

# --- the clean checkout ---------------------------------------------------------

work="$(mktemp -d "${TMPDIR:-/tmp}/cellchain-quickstart.XXXXXX")"
# postgres (the stack's cluster runs as that user when we are root) must be
# able to traverse to the checkout; otherwise pg-cluster.sh would move the
# cluster under ~postgres, out of the checkout and out of the leftover check.
chmod 0755 -- "${work}"
checkout="${work}/cellchain"
logs="${work}/logs"
mkdir -- "${logs}"

# The environment a fresh shell has: nothing that moves the build, the state
# or the ports out of the checkout's defaults.
clean_env=(env -u BUILD_DIR -u BUILD_TYPE -u CTEST_JOBS -u STACK_STATE_DIR -u PGPORT_CELLCHAIN
  -u GRPCPORT_CELLCHAIN -u WEBPORT_CELLCHAIN -u LABEL_PRINTER_PORT -u QUICKSTART_README)
while IFS= read -r name; do
  clean_env+=(-u "${name}")
done < <(compgen -e | grep '^CELLCHAIN_' || true)

cmd_pid=""
tail_pid=""
stack_started=0
stack_stopped=0
stop_cmd=""
summary=()

# leftovers: the PIDs of processes whose command line names the checkout.
leftovers() { pgrep -f -- "${checkout}" | grep -vx "$$" || true; }

# shellcheck disable=SC2317  # called through the trap
cleanup() {
  local rc=$? pids
  trap - EXIT
  # An interrupted command: its whole session (setsid below).
  if [[ -n "${cmd_pid}" ]] && kill -0 "${cmd_pid}" 2>/dev/null; then
    kill -TERM -- "-${cmd_pid}" 2>/dev/null || true
    wait "${cmd_pid}" 2>/dev/null || true
  fi
  [[ -z "${tail_pid}" ]] || kill "${tail_pid}" 2>/dev/null || true
  if ((stack_started && !stack_stopped)) && [[ -d "${checkout}" ]]; then
    say "stopping the checkout's stack: ${stop_cmd:-deploy/local/stack.sh down}"
    (cd -- "${checkout}" && "${clean_env[@]}" bash -c "${stop_cmd:-deploy/local/stack.sh down}") \
      </dev/null >>"${logs}/stop.log" 2>&1 || true
  fi
  pids="$(leftovers)"
  if [[ -n "${pids}" ]]; then
    echo "${PROG}: FAIL: still running from the checkout:" >&2
    # shellcheck disable=SC2086  # one PID a word
    ps -o pid=,args= -p ${pids//$'\n'/ } >&2 || true
    # shellcheck disable=SC2086
    kill -TERM ${pids} 2>/dev/null || true
    ((rc != 0)) || rc=1
  fi
  rm -rf -- "${checkout}"
  if ((rc == 0)); then
    rm -rf -- "${work}"
  else
    echo "${PROG}: the commands' output is kept in ${logs}" >&2
  fi
  exit "${rc}"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

say "cloning ${repo} at ${sha:0:12} into ${checkout}"
git clone --quiet --no-local --no-checkout -- "${repo}" "${checkout}" ||
  die "git clone --no-local ${repo} ${checkout} failed"
git -C "${checkout}" -c advice.detachedHead=false checkout --quiet --detach "${sha}" ||
  die "cannot check out ${sha} in the clone (is it on a branch or tag of ${repo}?)"

# run N CMD: CMD from the checkout's root, its output shown as it comes and
# kept in logs/N.log; sets rc and secs. In a session of its own, so that an
# interrupt can stop all it started, and writing to a file, not a pipe, so
# that a daemon it leaves running cannot hold this script's output open.
run() {
  local log="${logs}/$1.log" t0
  t0="$(date +%s)"
  (cd -- "${checkout}" && exec setsid "${clean_env[@]}" bash -c "$2") </dev/null >"${log}" 2>&1 &
  cmd_pid=$!
  # In the background too: a signal's trap runs as soon as `wait` is
  # interrupted, not when a foreground child ends.
  tail -n +1 -F -s 0.2 --pid="${cmd_pid}" -- "${log}" 2>/dev/null &
  tail_pid=$!
  rc=0
  wait "${cmd_pid}" || rc=$?
  cmd_pid=""
  wait "${tail_pid}" 2>/dev/null || true
  tail_pid=""
  secs=$(($(date +%s) - t0))
}
record() { summary+=("$(printf '%5s %8s  %s' "$1" "$2" "$3")"); }
print_summary() {
  echo
  echo "${PROG}: summary (${readme_name}, checkout of ${sha:0:12})"
  printf '%5s %8s  %s\n' exit seconds command
  printf '%s\n' "${summary[@]}"
}
fail() {
  echo "${PROG}: FAIL: $*" >&2
  print_summary
  exit 1
}

for i in "${!commands[@]}"; do
  n=$((i + 1))
  c="${commands[i]}"
  echo
  say "[${n}/${#commands[@]}] \$ ${c}"
  is_demo "${c}" && stack_started=1
  run "${n}" "${c}"
  record "${rc}" "${secs}" "${c}"
  ((rc == 0)) || fail "command ${n} of ${#commands[@]}, '${c}', exited ${rc} after ${secs} s (output: ${logs}/${n}.log)"
  say "[${n}/${#commands[@]}] '${c}': exit 0 in ${secs} s"

  if is_demo "${c}"; then
    # What the README promises: the stack is left running, with a line
    # saying how to stop it among the demo's last.
    stop_line="$(tail -n 5 -- "${logs}/${n}.log" | grep -E '[Ss]top it with: ' | tail -n 1 || true)"
    [[ -n "${stop_line}" ]] ||
      fail "'${c}' did not end by saying how to stop the stack (no 'Stop it with: ...' among its last 5 lines; ${logs}/${n}.log)"
    stop_cmd="$(sed -E 's/.*[Ss]top it with: *//; s/[[:space:]]+$//' <<<"${stop_line}")"
    say "the demo says: ${stop_line}"
    run "${n}-status" "deploy/local/stack.sh status"
    record "${rc}" "${secs}" "(check) deploy/local/stack.sh status"
    ((rc == 0)) || fail "after '${c}' the stack is not running and healthy: deploy/local/stack.sh status exited ${rc}"
  fi
done

if ((stack_started)); then
  echo
  say "stopping the stack as the demo said: ${stop_cmd}"
  run stop "${stop_cmd}"
  stack_stopped=1
  record "${rc}" "${secs}" "(stop) ${stop_cmd}"
  ((rc == 0)) || fail "the demo's stop command '${stop_cmd}' exited ${rc}"
fi

# Nothing of the checkout may outlive its commands (cellchaind, PostgreSQL,
# the stand-in printer, a test's cluster); a daemon may take a moment to go.
for _ in 1 2 3 4 5 6 7 8 9 10; do
  [[ -n "$(leftovers)" ]] || break
  sleep 1
done
if [[ -n "$(leftovers)" ]]; then
  fail "processes of the checkout still run after its commands (listed below, then stopped)"
fi
for p in "${ports[@]}"; do
  ! port_taken "${p%%:*}" || fail "127.0.0.1:${p%%:*} (${p#*:}) is still taken after the commands"
done

print_summary
echo "${PROG}: PASS: the Quick start of ${readme_name} works on a clean checkout of ${sha:0:12}"
