#!/usr/bin/env bash
# A record-signing key rotated on two cellchaind replicas, one restarted at
# a time, as docs/operations.md ("Key rotation") tells a site to do it
# (issue 26): a stack of its own (deploy/local/stack.sh up --no-build in
# STATE_DIR, on ports apart from the others'), its cellchaind replaced by two
# replicas A and B, each hosting every service and taking part in the
# sequencer's election, as the Kubernetes Deployment's pods do. Then:
#   1. a replica given the new custody key before it is registered refuses
#      to start (SIGNING_KEY_NOT_REGISTERED);
#   2. the new key's line is added to the keyring beside the old one and
#      `cellchaind migrate --keyring` registers it;
#   3. first rollout: A, then B, restarted with the new keyring, still
#      signing with the old key;
#   4. second rollout: A, then B, restarted with the new key; between the
#      two, A signs with the new key and B with the old, whichever leads the
#      sequencer;
#   5. every record is in the log, none refused; each replica signed with
#      the key expected; `cellchain audit verify` as QA finds nothing.
#   6. what the one-step order (new key and keyring in one rollout) does:
#      a third key registered, the replica that does not lead the
#      sequencer restarted with it while the leader still has the older
#      keyring; a lot registered through it is acknowledged, and the
#      leader holds its signed record (pending, not refused, an error
#      sequencer.records_held naming the key in its log); once the leader
#      is restarted with the third key and keyring too, the record is
#      integrated, none refused, and verify finds nothing.
#   7. the checkpoint (sequencer) key rotated (decision 0021): a next key
#      beside the current one in both replicas' key directory, restarted one
#      at a time, so checkpoints carry both signatures; QA's CLI, which
#      pinned the old key, still verifies, refuses to drop the old key, and
#      pins the new one (`audit pin-key --add`); then the old key retired
#      (sequencer.retired-1.pub), restarted again: checkpoints by the new
#      key alone, `audit verify` (also --since a checkpoint saved before the
#      rotation) finds nothing, the old key is dropped from the pin, and a
#      whole-log export verifies offline with both keys but not with the
#      new one alone.
# The stack is destroyed at the end (KEEP_STACK=1 keeps it). A script that
# prints what it saw, not a ctest test; about a minute.
#
# usage: tests/ha/key_rotation.sh [BUILD_DIR [STATE_DIR]]
#   (build first: cmake --build B --target cellchaind cellchain
#    cellchain-qa cellchain-pharmacy)
# env: PGPORT_CELLCHAIN (55486), GRPCPORT_CELLCHAIN (7486; B on the next
#      port), KEEP_STACK (0)
# Exit: 0 when every step did what is said above; 1 otherwise.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=../lib/stack_env.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/../lib/stack_env.sh" \
  key-rotation-stack 55486 7486 "$@"
PROG=key_rotation.sh
# shellcheck source-path=SCRIPTDIR source=../../deploy/local/stack-lib.sh
source "${root}/deploy/local/stack-lib.sh"
say() { echo "${PROG}: $(date -u +%T) $*"; }
[[ -x "${STACK_CELLCHAIND}" && -x "${STACK_CLI}" ]] ||
  die "build cellchaind and cellchain first (${STACK_BIN})"

failures=0
check() { # check WHAT OK: prints WHAT as passed or FAILED
  if [[ "$2" == 1 ]]; then say "ok: $1"; else
    say "FAILED: $1"
    failures=$((failures + 1))
  fi
}

# shellcheck disable=SC2317  # called through the trap
cleanup() {
  local r
  for r in A B; do stop_daemon "${STACK_RUN}/replica${r}.pid" >/dev/null 2>&1 || true; done
  if [[ "${KEEP_STACK:-0}" == 1 ]]; then
    say "KEEP_STACK=1: stack left up in ${STACK_STATE_DIR}"
  else
    "${stack}" destroy >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT
"${stack}" destroy >/dev/null 2>&1 || true
"${stack}" up --no-build >"${STACK_STATE_DIR}.up.log" 2>&1 || {
  tail -n 30 "${STACK_STATE_DIR}.up.log" >&2
  die "stack.sh up --no-build failed (${STACK_STATE_DIR}.up.log)"
}
# Its cellchaind and web console go: the replicas below replace them.
stop_process cellchain-web "${STACK_WEB_PIDFILE}" >/dev/null
stop_daemon "${STACK_PIDFILE}" >/dev/null

sql() { psql -X -q -t -A -v ON_ERROR_STOP=1 "${STACK_PG_CONNINFO}" -c "$1"; }

# --- keys: the dev PKI's, and new custody keys beside them ---------------------
keys="${STACK_STATE}/rotation"
rm -rf -- "${keys}"
mkdir -p -- "${keys}"
# keyring_line PEM: "custody:<first 16 hex of SHA-256(raw)> <base64 raw>",
# as deploy/local/pki.sh writes the keyring.
keyring_line() {
  local raw
  raw="$(openssl pkey -in "$1" -pubout -outform DER | tail -c 32 | base64 -w0)"
  printf 'custody:%s %s\n' "$(printf '%s' "${raw}" | base64 -d | sha256sum | cut -c1-16)" "${raw}"
}
# new_signing_dir NAME: a copy of the PKI's signing directory with a new
# custody key; prints the key's keyring line.
new_signing_dir() {
  cp -a -- "${STACK_PKI}/signing" "${keys}/$1"
  rm -f -- "${keys}/$1/keyring"
  (umask 077 && openssl genpkey -algorithm ed25519 -out "${keys}/$1/custody.key")
  openssl pkey -in "${keys}/$1/custody.key" -pubout -out "${keys}/$1/custody.pub"
  keyring_line "${keys}/$1/custody.key"
}
old_line="$(keyring_line "${STACK_PKI}/signing/custody.key")"
new_line="$(new_signing_dir new)"
third_line="$(new_signing_dir third)"
old_id="${old_line%% *}" new_id="${new_line%% *}" third_id="${third_line%% *}"
keyring1="${STACK_PKI}/signing/keyring"
keyring2="${keys}/keyring2"
keyring3="${keys}/keyring3"
cat -- "${keyring1}" >"${keyring2}"
echo "${new_line}" >>"${keyring2}"
cat -- "${keyring2}" >"${keyring3}"
echo "${third_line}" >>"${keyring3}"
say "custody keys: old ${old_id}, new ${new_id}, third ${third_id}"

# --- the replicas ------------------------------------------------------------------
declare -A port=([A]="${STACK_GRPC_PORT}" [B]="$((STACK_GRPC_PORT + 1))")
declare -A keydir=([A]="${STACK_PKI}/signing" [B]="${STACK_PKI}/signing")
declare -A ring=([A]="${keyring1}" [B]="${keyring1}")
# serve_args R: `cellchaind serve` flags of replica R (its key directory and
# keyring as set), into STACK_SERVE_ARGS.
serve_args() {
  local i
  stack_serve_args "127.0.0.1:${port[$1]}" \
    "${STACK_PG_SERVE_CONNINFO} application_name=replica$1" all
  for i in "${!STACK_SERVE_ARGS[@]}"; do
    case "${STACK_SERVE_ARGS[i]}" in
      --signing-key-dir=*) STACK_SERVE_ARGS[i]="--signing-key-dir=${keydir[$1]}" ;;
      --keyring=*) STACK_SERVE_ARGS[i]="--keyring=${ring[$1]}" ;;
    esac
  done
}
start_replica() {
  local pidfile="${STACK_RUN}/replica$1.pid" log="${STACK_LOGS}/replica$1.log"
  serve_args "$1"
  start_daemon "${pidfile}" "${log}" "127.0.0.1:${port[$1]}" "${STACK_SERVE_ARGS[@]}" >/dev/null
  wait_healthy "${pidfile}" "${log}" "127.0.0.1:${port[$1]}" >/dev/null
}
restart_replica() {
  stop_daemon "${STACK_RUN}/replica$1.pid" >/dev/null
  start_replica "$1"
  say "replica $1 restarted: keys $(basename -- "${keydir[$1]}"), keyring $(basename -- "${ring[$1]}")"
}
leader() {
  sql "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a USING (pid)
       WHERE l.locktype = 'advisory' AND l.granted AND a.application_name LIKE 'replica_'
       LIMIT 1"
}

# A lot Tina registers through replica R; prints its lot's entity id.
writes=0
register_through() {
  writes=$((writes + 1))
  STACK_LISTEN="127.0.0.1:${port[$1]}" cellchain_person rot-tina clients/lab-ws-01 \
    custody register --type=reagent_lot --local-code="ROT-$1-${writes}-$(date +%s%N)" >/dev/null
}
# The key that signed the last custody record written through replica R's
# sessions (application_name is per session, so: the last custody record).
last_custody_key() {
  sql "SELECT key_id FROM cellchain_audit.records WHERE service = 'custody'
       ORDER BY recorded_at DESC LIMIT 1"
}
expect_write() { # expect_write R KEY_ID: a write through R, signed by KEY_ID
  register_through "$1" || {
    check "a lot registered through replica $1" 0
    return 0
  }
  local got
  got="$(last_custody_key)"
  check "a lot registered through replica $1 is signed by ${got} (expected $2)" \
    "$([[ "${got}" == "$2" ]] && echo 1 || echo 0)"
}
wait_integrated() { # until nothing is pending (20 s at most)
  local i
  for ((i = 0; i < 80; i++)); do
    [[ "$(sql 'SELECT count(*) FROM cellchain_audit.pending')" == 0 ]] && return 0
    sleep 0.25
  done
  return 1
}
refused() { sql 'SELECT count(*) FROM cellchain_audit.refused_records'; }

start_replica A
start_replica B
cellchain_person rot-tina clients/lab-ws-01 login --user-id="${STACK_TECH_USER}" \
  --password-stdin <<<"${STACK_TECH_PASSWORD}" >/dev/null
cellchain_person rot-quinn clients/qa-ws-01 login --user-id="${STACK_QA_USER}" \
  --password-stdin <<<"${STACK_QA_PASSWORD}" >/dev/null
say "replicas A (${port[A]}) and B (${port[B]}) up; sequencer leader: $(leader)"
expect_write A "${old_id}"

# 1. The new key before it is registered.
stop_daemon "${STACK_RUN}/replicaB.pid" >/dev/null
keydir[B]="${keys}/new" ring[B]="${keyring2}"
serve_args B
early="$(timeout 30 "${STACK_CELLCHAIND}" "${STACK_SERVE_ARGS[@]}" 2>&1 || true)"
check "a replica with the unregistered new key stops at startup (SIGNING_KEY_NOT_REGISTERED)" \
  "$(grep -q SIGNING_KEY_NOT_REGISTERED <<<"${early}" && echo 1 || echo 0)"
keydir[B]="${STACK_PKI}/signing" ring[B]="${keyring1}"
start_replica B

# 2. Register it: the keyring lists both keys.
"${STACK_CELLCHAIND}" migrate --pg="${STACK_PG_CONNINFO}" --keyring="${keyring2}" \
  >"${keys}/migrate2.log" 2>&1 || die "migrate --keyring failed (${keys}/migrate2.log)"
check "migrate --keyring registered the new key beside the old" \
  "$([[ "$(sql "SELECT count(*) FROM cellchain_audit.signing_keys WHERE key_id IN ('${old_id}', '${new_id}')")" == 2 ]] && echo 1 || echo 0)"

# 3. First rollout: the keyring.
ring[A]="${keyring2}"
restart_replica A
expect_write B "${old_id}"
ring[B]="${keyring2}"
restart_replica B
expect_write A "${old_id}"

# 4. Second rollout: the key.
keydir[A]="${keys}/new"
restart_replica A
say "sequencer leader: $(leader)"
expect_write A "${new_id}"
expect_write B "${old_id}"
keydir[B]="${keys}/new"
restart_replica B
say "sequencer leader: $(leader)"
expect_write B "${new_id}"
expect_write A "${new_id}"

# 5. Every record in the log, none refused, the log verified.
check "every record integrated within 20 s" "$(wait_integrated && echo 1 || echo 0)"
check "no record refused by the sequencer ($(refused))" "$([[ "$(refused)" == 0 ]] && echo 1 || echo 0)"
missing="$(sql 'SELECT count(*) FROM cellchain_audit.records r
                WHERE NOT EXISTS (SELECT 1 FROM cellchain_audit.log_entries e
                                  WHERE e.record_id = r.record_id)')"
check "every record in the log (${missing} not)" "$([[ "${missing}" == 0 ]] && echo 1 || echo 0)"
say "custody records by key: $(sql "SELECT string_agg(key_id || ' ' || n, ', ' ORDER BY key_id)
  FROM (SELECT key_id, count(*) n FROM cellchain_audit.records WHERE service = 'custody'
        GROUP BY key_id) k")"
for r in A B; do
  if STACK_LISTEN="127.0.0.1:${port[$r]}" cellchain_person rot-quinn clients/qa-ws-01 \
    audit verify >"${keys}/verify${r}.log" 2>&1; then ok=1; else ok=0; fi
  check "cellchain audit verify through replica ${r}: $(tail -n 1 "${keys}/verify${r}.log")" "${ok}"
done

# 6. The one-step order: key and keyring in one rollout.
"${STACK_CELLCHAIND}" migrate --pg="${STACK_PG_CONNINFO}" --keyring="${keyring3}" \
  >"${keys}/migrate3.log" 2>&1 || die "migrate --keyring failed (${keys}/migrate3.log)"
lead="$(leader)"
follower=B
[[ "${lead}" == replicaB ]] && follower=A
say "one-step rollout: replica ${follower} gets the third key and keyring3 while ${lead} leads with keyring2"
keydir[${follower}]="${keys}/third" ring[${follower}]="${keyring3}"
restart_replica "${follower}"
before="$(refused)"
if register_through "${follower}"; then acked=1; else acked=0; fi
check "the lot registered through replica ${follower} is acknowledged" "${acked}"
sleep 2 # many sequencer batches (idle poll 50 ms)
after="$(refused)"
held="$(sql 'SELECT count(*) FROM cellchain_audit.pending')"
say "refused_records: ${before} -> ${after}; pending after 2 s: ${held}"
check "the leader with the older keyring did not refuse that acknowledged write's record" \
  "$([[ "${after}" == "${before}" ]] && echo 1 || echo 0)"
check "it holds it pending (${held})" "$([[ "${held}" -ge 1 ]] && echo 1 || echo 0)"
check "its log names the held key (sequencer.records_held)" \
  "$(grep -- "event=sequencer.records_held" "${STACK_LOGS}/${lead}.log" | grep -qF -- "${third_id}" && echo 1 || echo 0)"
keydir[${lead#replica}]="${keys}/third" ring[${lead#replica}]="${keyring3}"
restart_replica "${lead#replica}"
say "sequencer leader: $(leader)"
check "the held record integrated once the rollout is done" "$(wait_integrated && echo 1 || echo 0)"
check "still none refused ($(refused))" "$([[ "$(refused)" == "${before}" ]] && echo 1 || echo 0)"

STACK_LISTEN="127.0.0.1:${port[A]}" cellchain_person rot-quinn clients/qa-ws-01 \
  audit verify >"${keys}/verify-after.log" 2>&1 && ok=1 || ok=0
check "cellchain audit verify through replica A after it" "${ok}"
say "cellchain audit verify through replica A after it:"
sed -n '1,12s/^/  /p' -- "${keys}/verify-after.log"

# 7. The checkpoint key. Both replicas read ${keys}/third now.
signing="${keys}/third"
origin="cellchain.local/audit"
# vkey PUB: the note verifier key string of the Ed25519 public key PUB (PEM)
# for the log's origin, as an operator computes it for QA.
vkey() { "${STACK_BIN}/cellchain-verify" vkey --name "${origin}" "$1"; }
qa() { STACK_LISTEN="127.0.0.1:${port[A]}" cellchain_person rot-quinn clients/qa-ws-01 "$@"; }
old_vkey="$(vkey "${signing}/sequencer.pub")"
qa audit checkpoint --save="${keys}/before-rotation.checkpoint" >/dev/null
(umask 077 && openssl genpkey -algorithm ed25519 -out "${signing}/sequencer.next.key")
openssl pkey -in "${signing}/sequencer.next.key" -pubout -out "${signing}/sequencer.next.pub"
new_vkey="$(vkey "${signing}/sequencer.next.pub")"
say "checkpoint keys: old $(cut -d+ -f1,2 <<<"${old_vkey}"), new $(cut -d+ -f1,2 <<<"${new_vkey}")"
signatures() { qa audit checkpoint | grep -c '^— ' || true; }
# rollout R N WHEN: both replicas restarted, a lot registered through R; the
# latest checkpoint then carries N signature lines.
rollout() {
  restart_replica A
  restart_replica B
  register_through "$1" && wait_integrated && sleep 0.5
  check "$3 a checkpoint carries $2 signature line(s) ($(signatures))" \
    "$([[ "$(signatures)" == "$2" ]] && echo 1 || echo 0)"
}
rollout A 2 "during the transition"
check "QA's CLI, pinned to the old key, still verifies the log" \
  "$(qa audit verify >"${keys}/verify-transition.log" 2>&1 && echo 1 || echo 0)"
check "it refuses to drop the old key before the new one is pinned" \
  "$(qa audit pin-key --remove="${old_vkey}" >/dev/null 2>&1 && echo 0 || echo 1)"
check "audit pin-key --add pins the new key" \
  "$(qa audit pin-key --add="${new_vkey}" >"${keys}/pin.log" 2>&1 && echo 1 || echo 0)"
mv -- "${signing}/sequencer.pub" "${signing}/sequencer.retired-1.pub"
rm -f -- "${signing}/sequencer.key"
mv -- "${signing}/sequencer.next.pub" "${signing}/sequencer.pub"
mv -- "${signing}/sequencer.next.key" "${signing}/sequencer.key"
rollout B 1 "after the retirement"
check "cellchain audit verify after the retirement" \
  "$(qa audit verify >"${keys}/verify-retired.log" 2>&1 && echo 1 || echo 0)"
check "cellchain audit verify --since a checkpoint saved before the rotation" \
  "$(qa audit verify --since="${keys}/before-rotation.checkpoint" >/dev/null 2>&1 && echo 1 || echo 0)"
check "audit pin-key --remove drops the retired key" \
  "$(qa audit pin-key --remove="${old_vkey}" >"${keys}/unpin.log" 2>&1 && echo 1 || echo 0)"
sed 's/^/  /' -- "${keys}/unpin.log"
rm -rf -- "${keys}/export"
qa audit export --out="${keys}/export" >/dev/null
offline() { "${STACK_BIN}/cellchain-verify" bundle --keyring "${keyring3}" "$@" "${keys}/export" >"${keys}/offline.log" 2>&1; }
check "the export verifies offline with --vkey old --vkey new" \
  "$(offline --vkey "${old_vkey}" --vkey "${new_vkey}" && echo 1 || echo 0)"
check "but not with the new key alone (its older checkpoints)" \
  "$(offline --vkey "${new_vkey}" && echo 0 || echo 1)"
say "cellchain audit verify after the retirement: $(tail -n 1 "${keys}/verify-retired.log")"
say "${failures} check(s) failed"
((failures == 0))
