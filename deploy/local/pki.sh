#!/usr/bin/env bash
# Development PKI for cellchain, made with the openssl command line.
#
#   DIR/ca.crt, DIR/ca.key                    dev root CA (ECDSA P-256, 10 years)
#   DIR/server/<name>.crt|.key                serverAuth; SAN DNS:localhost,
#                                             IP:127.0.0.1, DNS:<name>.cellchain.local
#   DIR/clients/<name>.crt|.key               clientAuth; /O=cellchain-dev/OU=workstation/CN=<name>
#                                             (server/web: the web console's HTTPS
#                                             certificate; clients/web-console: the
#                                             console's own, calling cellchaind)
#   DIR/clients/lab-ws-01-rekeyed.crt|.key    clientAuth; the SAME subject as lab-ws-01
#                                             with another key (sessions are bound to
#                                             the key: a copied token must not work)
#   DIR/signing/<service>.key|.pub            Ed25519 ledger signing keys (PKCS#8 / SPKI PEM)
#   DIR/signing/keyring                       the record-signing keys QA trusts:
#                                             "<key id> <base64 raw key>" per line
#                                             (every signer but the sequencer)
#   DIR/field-keys                            AES-256 key ring for identifying data at rest
#   DIR/request-hash-key                      HMAC key of idempotency's stored request hashes
#   DIR/rogue/ca.crt|.key                     ANOTHER CA, trusted by nobody
#   DIR/rogue/clients/intruder.crt|.key       a client cert from it (must be refused)
#
# Leaf certs: ECDSA P-256, SHA-256, 825 days. Private keys are mode 0600.
# Idempotent: existing material is checked (chains to its CA, key matches cert)
# and kept, never overwritten; only what is missing is made. --force deletes and
# regenerates everything (ledger signatures made with the old keys then no
# longer verify against the new public keys).
set -euo pipefail

readonly PROG="${0##*/}"
readonly SERVERS=(cellchaind identity donor manufacturing qc dose clinical custody labels audit web)
readonly CLIENTS=(lab-ws-01 qa-ws-01 pharmacy-ws-01 clinic-ws-01 admin-cli demo web-console)
readonly SIGNERS=(identity donor manufacturing qc dose clinical custody labels audit system sequencer)
readonly CA_DAYS=3650
readonly LEAF_DAYS=825

usage() {
  echo "usage: ${PROG} [--force] DIR" >&2
  echo "  makes (or checks and completes) the dev PKI in DIR; --force regenerates all of it" >&2
}

die() {
  echo "${PROG}: $*" >&2
  exit 1
}

force=0
dir=""
while (($# > 0)); do
  case "$1" in
    --force) force=1 ;;
    -h | --help)
      usage
      exit 0
      ;;
    -*)
      usage
      exit 2
      ;;
    *)
      [[ -z "${dir}" ]] || {
        usage
        exit 2
      }
      dir="$1"
      ;;
  esac
  shift
done
[[ -n "${dir}" ]] || {
  usage
  exit 2
}
command -v openssl >/dev/null || die "openssl not found; run deploy/local/install-deps.sh"

# Directories (and any missing parents) are world-traversable; files are
# created inside a 0700 work dir and get their final mode before moving in.
umask 022
mkdir -p -- "${dir}"
dir="$(cd -- "${dir}" && pwd)"
work="$(mktemp -d "${dir}/.pki-tmp.XXXXXX")"
trap 'rm -rf -- "${work}"' EXIT

if ((force)); then
  echo "${PROG}: --force: removing the existing PKI in ${dir}"
  rm -rf -- "${dir}/ca.crt" "${dir}/ca.key" "${dir}/server" "${dir}/clients" \
    "${dir}/signing" "${dir}/rogue" "${dir}/field-keys" "${dir}/request-hash-key"
fi
mkdir -p -- "${dir}/server" "${dir}/clients" "${dir}/signing" "${dir}/rogue/clients"
umask 077
chmod 0755 -- "${dir}" "${dir}/server" "${dir}/clients" "${dir}/signing" "${dir}/rogue" \
  "${dir}/rogue/clients"

generated=0
kept=0

# openssl reads no system config: everything it needs is here.
cat >"${work}/openssl.cnf" <<'EOF'
[req]
distinguished_name = dn
prompt = no
[dn]
CN = placeholder
[v3_ca]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
EOF
export OPENSSL_CONF="${work}/openssl.cnf"

# Writes a file atomically: src is moved over dst (same filesystem).
install_file() {
  local src="$1" dst="$2" mode="$3"
  chmod "${mode}" -- "${src}"
  mv -f -- "${src}" "${dst}"
}

new_ec_key() {
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
    -pkeyopt ec_param_enc:named_curve -out "$1" 2>/dev/null
}

serial() { echo "0x$(openssl rand -hex 16)"; }

# 0 if the cert's public key is the key's.
key_matches() {
  local crt="$1" key="$2"
  [[ "$(openssl x509 -in "${crt}" -noout -pubkey)" == "$(openssl pkey -in "${key}" -pubout)" ]]
}

warn_if_expiring() {
  openssl x509 -in "$1" -noout -checkend $((30 * 86400)) >/dev/null ||
    echo "${PROG}: warning: $1 expires within 30 days; run with --force to renew" >&2
}

# make_ca PREFIX SUBJECT: PREFIX.crt / PREFIX.key
make_ca() {
  local prefix="$1" subject="$2"
  if [[ -f "${prefix}.crt" && -f "${prefix}.key" ]]; then
    key_matches "${prefix}.crt" "${prefix}.key" ||
      die "${prefix}.key does not match ${prefix}.crt; fix it or run with --force"
    warn_if_expiring "${prefix}.crt"
    kept=$((kept + 1))
    return
  fi
  [[ ! -e "${prefix}.crt" ]] ||
    die "${prefix}.crt exists without its key; run with --force to regenerate the PKI"
  if [[ ! -f "${prefix}.key" ]]; then
    new_ec_key "${work}/ca.key"
    install_file "${work}/ca.key" "${prefix}.key" 0600
  fi
  openssl req -x509 -new -key "${prefix}.key" -sha256 -days "${CA_DAYS}" \
    -subj "${subject}" -extensions v3_ca -set_serial "$(serial)" -out "${work}/ca.crt"
  install_file "${work}/ca.crt" "${prefix}.crt" 0644
  generated=$((generated + 1))
}

# make_leaf CA_PREFIX OUT_PREFIX SUBJECT KIND(server|client) [SAN]
make_leaf() {
  local ca="$1" out="$2" subject="$3" kind="$4" san="${5:-}"
  local purpose=sslclient eku=clientAuth
  if [[ "${kind}" == server ]]; then
    purpose=sslserver
    eku=serverAuth
  fi
  if [[ -f "${out}.crt" && -f "${out}.key" ]]; then
    openssl verify -CAfile "${ca}.crt" -purpose "${purpose}" "${out}.crt" >/dev/null 2>&1 ||
      die "${out}.crt does not verify against ${ca}.crt as ${eku}; run with --force to regenerate"
    key_matches "${out}.crt" "${out}.key" ||
      die "${out}.key does not match ${out}.crt; run with --force to regenerate"
    warn_if_expiring "${out}.crt"
    kept=$((kept + 1))
    return
  fi
  [[ ! -e "${out}.crt" ]] ||
    die "${out}.crt exists without its key; run with --force to regenerate"
  if [[ ! -f "${out}.key" ]]; then
    new_ec_key "${work}/leaf.key"
    install_file "${work}/leaf.key" "${out}.key" 0600
  fi
  {
    echo "[ext]"
    echo "basicConstraints = critical, CA:FALSE"
    echo "keyUsage = critical, digitalSignature, keyAgreement"
    echo "extendedKeyUsage = ${eku}"
    echo "subjectKeyIdentifier = hash"
    echo "authorityKeyIdentifier = keyid"
    [[ -z "${san}" ]] || echo "subjectAltName = ${san}"
  } >"${work}/leaf.ext"
  openssl req -new -key "${out}.key" -subj "${subject}" -out "${work}/leaf.csr"
  openssl x509 -req -in "${work}/leaf.csr" -CA "${ca}.crt" -CAkey "${ca}.key" \
    -set_serial "$(serial)" -days "${LEAF_DAYS}" -sha256 \
    -extfile "${work}/leaf.ext" -extensions ext -out "${work}/leaf.crt" 2>/dev/null
  install_file "${work}/leaf.crt" "${out}.crt" 0644
  generated=$((generated + 1))
}

# make_signing_key PREFIX: PREFIX.key (Ed25519, PKCS#8) and PREFIX.pub
make_signing_key() {
  local prefix="$1"
  if [[ -f "${prefix}.key" && -f "${prefix}.pub" ]]; then
    [[ "$(openssl pkey -in "${prefix}.key" -pubout)" == "$(cat -- "${prefix}.pub")" ]] ||
      die "${prefix}.pub does not match ${prefix}.key; run with --force to regenerate"
    kept=$((kept + 1))
    return
  fi
  [[ ! -e "${prefix}.pub" ]] ||
    die "${prefix}.pub exists without its private key; run with --force to regenerate"
  if [[ ! -f "${prefix}.key" ]]; then
    openssl genpkey -algorithm ED25519 -out "${work}/sign.key"
    install_file "${work}/sign.key" "${prefix}.key" 0600
  fi
  openssl pkey -in "${prefix}.key" -pubout -out "${work}/sign.pub"
  install_file "${work}/sign.pub" "${prefix}.pub" 0644
  generated=$((generated + 1))
}

# make_keyring FILE: one line per record-signing key, "<service>:<first 16 hex
# of SHA-256(raw key)> <base64 of the raw 32-byte key>" (services/ledger/
# keyring.h). Derived from the public keys each run, so it always lists them.
make_keyring() {
  local file="$1" name raw
  {
    echo "# cellchain record-signing keyring (dev PKI): <key id> <base64 raw Ed25519 public key>"
    for name in "${SIGNERS[@]}"; do
      [[ "${name}" != sequencer ]] || continue
      raw="$(openssl pkey -pubin -in "${dir}/signing/${name}.pub" -outform DER | tail -c 32 | base64 -w0)"
      printf '%s:%s %s\n' "${name}" \
        "$(printf '%s' "${raw}" | base64 -d | sha256sum | cut -c1-16)" "${raw}"
    done
  } >"${work}/keyring"
  install_file "${work}/keyring" "${file}" 0644
}

# make_field_keys FILE: the key ring that seals identifying data at rest
# (AES-256-GCM, "<id> <base64 of 32 bytes>" per line, the last one current).
# Kept once made: a new key would leave every sealed value unreadable.
# Rotation appends a line (docs/services/donor.md).
make_field_keys() {
  local file="$1"
  if [[ -f "${file}" ]]; then
    kept=$((kept + 1))
    return
  fi
  printf 'dev1 %s\n' "$(openssl rand -base64 32)" >"${work}/field-keys"
  install_file "${work}/field-keys" "${file}" 0600
  generated=$((generated + 1))
}

# make_request_hash_key FILE: the key of idempotency's stored request
# hashes (HMAC-SHA-256; the base64 of 32 bytes). Kept once made: a new key
# only makes retries of requests in flight at the change refused.
make_request_hash_key() {
  local file="$1"
  if [[ -f "${file}" ]]; then
    kept=$((kept + 1))
    return
  fi
  openssl rand -base64 32 >"${work}/request-hash-key"
  install_file "${work}/request-hash-key" "${file}" 0600
  generated=$((generated + 1))
}

# A CA replaced under existing leaves would make every leaf fail verification:
# make_leaf then stops with a clear message instead of re-issuing silently.
make_ca "${dir}/ca" "/O=cellchain-dev/CN=cellchain-dev root CA"
for name in "${SERVERS[@]}"; do
  make_leaf "${dir}/ca" "${dir}/server/${name}" "/O=cellchain-dev/OU=service/CN=${name}" \
    server "DNS:localhost, IP:127.0.0.1, DNS:${name}.cellchain.local"
done
for name in "${CLIENTS[@]}"; do
  make_leaf "${dir}/ca" "${dir}/clients/${name}" \
    "/O=cellchain-dev/OU=workstation/CN=${name}" client
done
for name in "${SIGNERS[@]}"; do
  make_signing_key "${dir}/signing/${name}"
done
make_keyring "${dir}/signing/keyring"
make_field_keys "${dir}/field-keys"
make_request_hash_key "${dir}/request-hash-key"
# A certificate reissued to lab-ws-01's name with a new key.
make_leaf "${dir}/ca" "${dir}/clients/lab-ws-01-rekeyed" \
  "/O=cellchain-dev/OU=workstation/CN=lab-ws-01" client
make_ca "${dir}/rogue/ca" "/O=rogue/CN=rogue CA"
# Same-looking subject as a real workstation: only the issuer differs.
make_leaf "${dir}/rogue/ca" "${dir}/rogue/clients/intruder" \
  "/O=cellchain-dev/OU=workstation/CN=intruder" client

echo "pki: ${dir}: CA + ${#SERVERS[@]} server + ${#CLIENTS[@]} client certs (+ lab-ws-01 rekeyed)," \
  "${#SIGNERS[@]} Ed25519 signing keys, field key ring, request hash key, rogue CA + intruder" \
  "(${generated} made, ${kept} kept)"
