#!/usr/bin/env bash
# Installs every Debian package cellchain needs to build, test and run.
# The list lives in deploy/local/packages.txt (one package per line); another
# list may be given instead (deploy/ha/stack.sh: deploy/ha/packages.txt).
#
# Fast no-op when everything is installed (dpkg-query only). Otherwise runs
# apt-get update + apt-get install, non-interactively: directly as root, through
# `sudo -n` as another user, or fails listing what is missing.
set -euo pipefail

usage() {
  echo "usage: ${0##*/} [--check] [LIST]" >&2
  echo "  --check  only report missing packages (exit 1 if any)" >&2
  echo "  LIST     the package list (default: packages.txt beside this script)" >&2
}

here="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)"
check_only=0
list="${here}/packages.txt"
while (($# > 0)); do
  case "$1" in
    --check) check_only=1 ;;
    -h | --help) usage; exit 0 ;;
    -*) usage; exit 2 ;;
    *)
      [[ "${list}" == "${here}/packages.txt" ]] || { usage; exit 2; }
      list="$1"
      ;;
  esac
  shift
done
[[ -r "${list}" ]] || { echo "install-deps: cannot read ${list}" >&2; exit 1; }

packages=()
while IFS= read -r line; do
  line="${line%%#*}"
  line="${line//[[:space:]]/}"
  [[ -n "${line}" ]] && packages+=("${line}")
done <"${list}"

# Prints the packages of "$@" that are not fully installed.
missing_packages() {
  local pkg status
  for pkg in "$@"; do
    status="$(dpkg-query -W -f='${Status}' "${pkg}" 2>/dev/null || true)"
    [[ "${status}" == "install ok installed" ]] || printf '%s\n' "${pkg}"
  done
}

command -v dpkg-query >/dev/null || {
  echo "install-deps: dpkg-query not found; this script supports Debian 12 only" >&2
  exit 1
}

mapfile -t missing < <(missing_packages "${packages[@]}")
if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#packages[@]} packages installed"
  exit 0
fi
echo "install-deps: missing: ${missing[*]}"
((check_only)) && exit 1

if ((EUID == 0)); then
  as_root=()
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
  as_root=(sudo -n)
else
  echo "install-deps: not root and no password-less sudo; install these as root:" >&2
  echo "  apt-get update && apt-get install -y ${missing[*]}" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
  --no-install-recommends "${missing[@]}" </dev/null

mapfile -t still < <(missing_packages "${packages[@]}")
if ((${#still[@]} > 0)); then
  echo "install-deps: still missing after install: ${still[*]}" >&2
  exit 1
fi
echo "install-deps: installed ${#missing[@]} package(s): ${missing[*]}"
