# shellcheck shell=bash disable=SC2034  # root and stack: for the sourcing script
# The opening of the scripts that run a stack of their own
# (tests/load/run.sh, tests/faults/run.sh, tests/ha/key_rotation.sh): the
# repository, the build, the stack's state directory and ports, and
# deploy/local/env.sh's STACK_* names from them. Sourced first, with the script's own defaults:
#   source "$(dirname -- "${BASH_SOURCE[0]}")/../lib/stack_env.sh" \
#     STATE_NAME PGPORT GRPCPORT "$@"
# where "$@" is the script's [BUILD_DIR [STATE_DIR]] (default: root/build
# and BUILD_DIR/STATE_NAME), and PGPORT and GRPCPORT are the defaults of
# PGPORT_CELLCHAIN and GRPCPORT_CELLCHAIN (each script has its own, apart
# from the dev stack's and the tests'), which the environment overrides.
# Sets root (the repository) and stack (deploy/local/stack.sh); exports
# BUILD_DIR, STACK_STATE_DIR, PGPORT_CELLCHAIN and GRPCPORT_CELLCHAIN.

root="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd)"
export BUILD_DIR="${4:-${root}/build}"
export STACK_STATE_DIR="${5:-${BUILD_DIR}/$1}"
export PGPORT_CELLCHAIN="${PGPORT_CELLCHAIN:-$2}"
export GRPCPORT_CELLCHAIN="${GRPCPORT_CELLCHAIN:-$3}"
stack="${root}/deploy/local/stack.sh"
# shellcheck source-path=SCRIPTDIR source=../../deploy/local/env.sh
source "${root}/deploy/local/env.sh"
