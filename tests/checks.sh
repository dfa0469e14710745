# shellcheck shell=bash disable=SC2154  # $out is the sourcing test's
# The checks of the shell tests (tests/*_test.sh), sourced: each check of
# the output in $out that fails is counted in $failures and said on stderr,
# and the test goes on, so that one run names every failed check.
#   fail WHAT              count a failed check
#   expect TEXT WHAT       $out holds TEXT
#   expect_line LINE WHAT  $out has LINE as a whole line
#   expect_match ERE WHAT  a line of $out matches the extended regex ERE
#   expect_not TEXT WHAT   $out does not hold TEXT

failures=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}
expect() {
  grep -qF -- "$1" <<<"${out}" || fail "$2: no '$1' in the output"
}
expect_line() {
  grep -qxF -- "$1" <<<"${out}" || fail "$2: no line '$1' in the output"
}
expect_match() {
  grep -qE -- "$1" <<<"${out}" || fail "$2: no line like '$1' in the output"
}
expect_not() {
  ! grep -qF -- "$1" <<<"${out}" || fail "$2: '$1' in the output"
}
