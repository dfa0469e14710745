#!/usr/bin/env bash
# Checks of tests/quickstart.sh, which follows the README's Quick start on a
# clean checkout but takes 20 minutes or more, so ctest checks the script
# itself in seconds:
#   block           the README's Quick start block, as --dry-run reads it,
#                   is the demo and then the test suite, each a command of
#                   its own, comments stripped; a README without the block,
#                   or with an empty one, is refused before anything runs
#   clean-checkout  with READMEs whose blocks are quick commands
#                   (QUICKSTART_README): each line runs, in order, in a
#                   fresh clone of HEAD at its root; the first to fail stops
#                   the run, named with its exit status; a process left
#                   running from the checkout fails the run and is stopped;
#                   a demo that does not say how to stop the stack fails;
#                   the clone is gone afterwards whatever happened
#
# usage: tests/quickstart_test.sh block|clean-checkout
# Exit 77 (a ctest skip) when the demo's port is taken, so that the demo
# case cannot run here.
set -euo pipefail

(($# == 1)) || {
  echo "usage: tests/quickstart_test.sh block|clean-checkout" >&2
  exit 2
}
root="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)"
quickstart="${root}/tests/quickstart.sh"
tmp="$(mktemp -d)"
trap 'rm -rf -- "${tmp}"' EXIT

# shellcheck source-path=SCRIPTDIR source=checks.sh
source "${root}/tests/checks.sh"
# quickstart README_OR_EMPTY ARGS...: runs the script, output in out, exit in rc.
quickstart() {
  local readme="$1"
  shift
  rc=0
  out="$(QUICKSTART_README="${readme}" "${quickstart}" "$@" 2>&1)" || rc=$?
}
# readme FILE LINES...: a README whose Quick start block holds LINES.
readme() {
  local f="$1"
  shift
  {
    printf '# a project\n\n## Quick start\n\nFrom the root:\n\n```sh\n'
    printf '%s\n' "$@"
    # shellcheck disable=SC2016  # backquotes, not an expansion
    printf '```\n\n## Layout\n\n```sh\necho not-the-quick-start\n```\n'
  } >"${f}"
}
# checkout_gone: the clone the last run named no longer exists.
checkout_gone() {
  local dir
  dir="$(sed -nE 's/^quickstart\.sh: cloning .* into (.*)$/\1/p' <<<"${out}")"
  if [[ -z "${dir}" ]]; then
    fail "$1: the run named no checkout"
  elif [[ -e "${dir}" ]]; then
    fail "$1: the checkout ${dir} is still there"
  fi
  # A failed run keeps its commands' logs beside it; not ours to keep.
  [[ -z "${dir}" ]] || rm -rf -- "${dir%/cellchain}"
}

case "$1" in
  block)
    quickstart "${root}/README.md" --dry-run
    ((rc == 0)) || fail "--dry-run on README.md exited ${rc}"
    expect "the Quick start of ${root}/README.md: 2 command(s)" "the block's size"
    expect_line "  1. deploy/local/demo.sh" "the demo, first, its comment stripped"
    expect "     then check: its last lines say how to stop the stack; deploy/local/stack.sh status exits 0" \
      "the demo's promises"
    expect_line "  2. tests/run.sh" "the test suite, second, its comment stripped"
    expect_not "cloning" "a dry run clones nothing"

    readme "${tmp}/none.md" x
    sed -i 's/^## Quick start$/## Getting started/' "${tmp}/none.md"
    quickstart "${tmp}/none.md" --dry-run
    ((rc == 2)) || fail "a README without a Quick start: exit ${rc}, not 2"
    expect "has no \`\`\`sh block under '## Quick start': nothing to follow" "no block"

    readme "${tmp}/empty.md" "# only a comment" ""
    quickstart "${tmp}/empty.md" --dry-run
    ((rc == 2)) || fail "an empty Quick start block: exit ${rc}, not 2"
    expect "the \`\`\`sh block under '## Quick start' holds no command" "empty block"
    ;;

  clean-checkout)
    head="$(git -C "${root}" rev-parse HEAD)"

    # shellcheck disable=SC2016  # $(pwd) is for the command, not for us
    readme "${tmp}/ok.md" "true   # a comment, stripped" \
      'git rev-parse HEAD && test -f README.md && echo "ran in $(pwd)"'
    quickstart "${tmp}/ok.md"
    ((rc == 0)) || fail "two quick commands: exit ${rc}, not 0"
    expect "${head}" "the clone is at HEAD"
    dir="$(sed -nE 's/^quickstart\.sh: cloning .* into (.*)$/\1/p' <<<"${out}")"
    expect "ran in ${dir:-?}" "the second command ran from the checkout's root"
    expect " exit  seconds  command" "the summary"
    grep -qE '^ +0 +[0-9]+  true$' <<<"${out}" || fail "the summary has no 'true' with exit 0"
    expect_not "not-the-quick-start" "only the Quick start block runs"
    expect "PASS: the Quick start of ${tmp}/ok.md works on a clean checkout" "the verdict"
    checkout_gone "two quick commands"

    readme "${tmp}/fails.md" "true" "exit 3" "echo never-run"
    quickstart "${tmp}/fails.md"
    ((rc == 1)) || fail "a failing command: exit ${rc}, not 1"
    expect "FAIL: command 2 of 3, 'exit 3', exited 3 after" "the failing command named"
    expect_not "never-run" "nothing after the failing command"
    grep -qE '^ +3 +[0-9]+  exit 3$' <<<"${out}" || fail "the summary has no 'exit 3' with exit 3"
    checkout_gone "a failing command"

    # shellcheck disable=SC2016  # $PWD is for the command, not for us
    readme "${tmp}/leak.md" '(exec -a "$PWD/left-behind" sleep 300) >/dev/null 2>&1 &' "true"
    quickstart "${tmp}/leak.md"
    ((rc == 1)) || fail "a process left running from the checkout: exit ${rc}, not 1"
    expect "FAIL: processes of the checkout still run after its commands" "the leftover found"
    dir="$(sed -nE 's/^quickstart\.sh: cloning .* into (.*)$/\1/p' <<<"${out}")"
    expect "${dir:-?}/left-behind 300" "the leftover listed"
    ! pgrep -f -- "${dir:-?}/left-behind" >/dev/null || fail "the leftover still runs after the run"
    checkout_gone "a process left running"

    if (exec 3<>/dev/tcp/127.0.0.1/7443) 2>/dev/null; then
      echo "SKIP: 127.0.0.1:7443 is taken (a demo stack runs here): the demo's case not run" >&2
      ((failures == 0)) || exit 1
      exit 77
    fi
    # demo.sh --help is quick and ends without saying how to stop a stack.
    readme "${tmp}/demo.md" "deploy/local/demo.sh --help" "echo never-run"
    quickstart "${tmp}/demo.md"
    ((rc == 1)) || fail "a demo that does not say how to stop the stack: exit ${rc}, not 1"
    expect "did not end by saying how to stop the stack" "the demo's missing line"
    expect "stopping the checkout's stack: deploy/local/stack.sh down" "the stack stopped anyway"
    expect_not "never-run" "nothing after the failed check"
    checkout_gone "a demo that does not say how to stop the stack"
    ;;

  *)
    echo "usage: tests/quickstart_test.sh block|clean-checkout" >&2
    exit 2
    ;;
esac

if ((failures)); then
  echo "${failures} check(s) failed; the last run's output:" >&2
  printf '%s\n' "${out}" >&2
  exit 1
fi
echo "quickstart $1: every check passed"
