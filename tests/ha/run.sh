#!/usr/bin/env bash
# Faults under load on the local HA stack (issue 26; docs/operations.md,
# "High availability (local)"): deploy/ha/stack.sh up --no-build unless it
# runs already, then tests/load's load_bench against both cellchaind
# replicas (--target=a,b: round robin, a dead one skipped) with --acked-out
# while this script makes, in turn, the faults of KINDS:
#   switchover  a planned `patronictl switchover` to the synchronous standby;
#   postgres    kill -9 of the primary's postmaster alone (its Patroni lives
#               on; the synchronous standby takes over);
#   node        kill -9 of the primary's Patroni and postmaster together (the
#               leader key expires after Patroni's ttl);
#   cellchaind  kill -9 of a cellchaind replica (each in turn);
#   sequencer   kill -9 of the replica holding the sequencer's lock;
# each kind FAULTS times, each after GAP seconds of load and once the
# previous one's first write was acknowledged again; what was killed is
# started again (deploy/ha/stack.sh start) and the stack is whole before the
# next fault. Then tests/faults' acked_check checks every
# acknowledged write (state, signed audit record, the log verified end to
# end, replays with the same request ids writing nothing twice) and prints,
# per fault kind, the time from the fault to the first acknowledged write
# (p50, max); before that, per fault, the longest pause in
# acknowledgements and the write attempts refused from the fault until
# writes flowed again (by gRPC code; load_bench's --refused-out), per kind their p50 and max, and per switchover whether
# the third member's Patroni slept its fixed 2 s first. A script that prints figures, not a ctest
# test. The load, the fault loop and acked_check are tests/faults/lib.sh's,
# shared with tests/faults/run.sh.
#
# usage: tests/ha/run.sh [BUILD_DIR]
#   (deploy/ha/stack.sh up builds cellchaind and the clients; this script
#    builds load_bench and acked_check when they are missing, so that on a
#    fresh clone `deploy/ha/stack.sh up` then `tests/ha/run.sh` is all. To
#    run newer binaries, build first: cmake --build B --target load_bench
#    acked_check cellchaind cellchain cellchain-qa cellchain-pharmacy)
# env: FAULTS (3 of each kind), KINDS ("switchover postgres node cellchaind
#      sequencer"), GAP (seconds, 5), CONCURRENCY (4),
#      REPLAY (writes replayed, 0: all; 0), HA_STATE_DIR (deploy/ha/state),
#      KEEP_STACK (1: leave the stack up, the default; 0: down at the end)
# Files in STATE/ha-run/: up.log, bench.log, acked, refused, faults, gaps,
# check.log.
# Exit: 0 when nothing was lost or written twice and the log verifies; 1
# otherwise, or when the stack could not be brought up or back.
set -euo pipefail

root="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd)"
export BUILD_DIR="${1:-${root}/build}"
ha="${root}/deploy/ha/stack.sh"
# shellcheck source-path=SCRIPTDIR source=../../deploy/ha/settings.sh
source "${root}/deploy/ha/settings.sh"
IFS=, read -r -a pg_ports <<<"${HA_PG_PORTS}"
IFS=, read -r -a grpc_ports <<<"${HA_GRPC_PORTS}"
targets="$(printf '127.0.0.1:%s,' "${grpc_ports[@]}")"
targets="${targets%,}"
read -r -a kinds <<<"${KINDS:-switchover postgres node cellchaind sequencer}"
export STACK_STATE_DIR="${HA_STATE_DIR:-${root}/deploy/ha/state}"
# `deploy/ha/stack.sh start` restarts what a fault killed, never a running
# replica (not even when the shared build dir has a newer cellchaind).
export STACK_KEEP_RUNNING=1
export GRPCPORT_CELLCHAIN="${HA_GRPC_PORTS%%,*}"
# shellcheck source-path=SCRIPTDIR source=../../deploy/local/env.sh
source "${root}/deploy/local/env.sh"
# shellcheck source-path=SCRIPTDIR source=../faults/lib.sh
source "${root}/tests/faults/lib.sh"
fault_settings
# The load tools, which `deploy/ha/stack.sh up` does not build: built here
# when missing (never rebuilt when present: a run in a shared build dir
# takes the binaries as they are). cellchaind and the clients are up's.
tools=()
for t in load_bench acked_check; do [[ -x "${STACK_BIN}/${t}" ]] || tools+=("${t}"); done
if ((${#tools[@]} > 0)) && [[ -f "${STACK_BUILD}/CMakeCache.txt" ]]; then
  say "building ${tools[*]} in ${STACK_BUILD} (missing)"
  cmake --build "${STACK_BUILD}" --target "${tools[@]}" || exit 1
fi
need_binaries "${STACK_BIN}/load_bench" "${STACK_BIN}/acked_check" \
  "${STACK_CELLCHAIND}"
for k in "${kinds[@]}"; do
  [[ " switchover postgres node cellchaind sequencer " == *" ${k} "* ]] || {
    echo "run.sh: unknown fault kind '${k}' in KINDS" >&2
    exit 2
  }
done

out="${STACK_STATE}/ha-run"
run_files="${out}/"
patronictl_() { patronictl -c "${STACK_STATE}/pg1/patroni.yml" "$@"; }

# shellcheck disable=SC2317  # called through the trap
cleanup() {
  stop_load_for_trap
  if [[ "${KEEP_STACK:-1}" == 0 ]]; then "${ha}" down >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT

mkdir -p -- "${out}"
rm -f -- "${out}"/{up.log,bench.log,acked,refused,faults,gaps,gaps.tsv,check.log,stop}
if ! "${ha}" status >/dev/null 2>&1; then
  say "bringing the HA stack up (${out}/up.log)"
  "${ha}" up --no-build >"${out}/up.log" 2>&1 || {
    tail -n 40 "${out}/up.log" >&2
    echo "run.sh: deploy/ha/stack.sh up --no-build failed (${out}/up.log)" >&2
    exit 1
  }
fi

# Member N (1-3) whose PostgreSQL is the primary, asked over its socket.
primary_member() {
  local n
  for n in 1 2 3; do
    if [[ "$("/usr/lib/postgresql/15/bin/psql" -X -At -h "${STACK_STATE}/pg${n}/run" \
      -p "${pg_ports[n - 1]}" -U postgres -d postgres \
      -c 'SELECT pg_is_in_recovery()' 2>/dev/null)" == f ]]; then
      echo "${n}"
      return 0
    fi
  done
  return 1
}

# "leader sync" member names from patronictl list.
leader_and_sync() {
  patronictl_ list -f json 2>/dev/null | /usr/bin/python3 -c '
import json, sys
m = json.load(sys.stdin)
lead = [x["Member"] for x in m if x.get("Role") == "Leader" and x.get("State") == "running"]
sync = [x["Member"] for x in m if x.get("Role") == "Sync Standby"]
print(lead[0] if lead else "-", sync[0] if sync else "-")'
}

do_switchover() {
  local leader sync
  read -r leader sync <<<"$(leader_and_sync)"
  if [[ "${leader}" == - || "${sync}" == - ]]; then
    say "no leader with a synchronous standby now: switchover skipped"
    return 0
  fi
  note_fault switchover
  patronictl_ switchover --leader "${leader}" --candidate "${sync}" --force >/dev/null ||
    say "warning: patronictl switchover ${leader} -> ${sync} failed"
  say "switchover ${leader} -> ${sync} returned after $(($(now_ms) - fault_ms)) ms"
}

# kill_replica R WHAT: kill -9 cellchaind replica R, the fault logged as WHAT.
kill_replica() {
  local pid
  pid="$(tr -d '[:space:]' <"${STACK_RUN}/cellchaind$1.pid")"
  kill -KILL "${pid}"
  note_fault "$2"
  say "cellchaind$1 (pid ${pid}) killed"
}

replica_turn=0
do_kill_cellchaind() {
  replica_turn=$((replica_turn % ${#grpc_ports[@]} + 1))
  kill_replica "${replica_turn}" cellchaind
}

do_kill_sequencer() {
  local leader
  leader="$("${ha}" status 2>/dev/null | sed -n 's/^sequencer leader: cellchaind//p')"
  if [[ ! "${leader}" =~ ^[0-9]+$ ]]; then
    say "no replica holds the sequencer's lock now: skipped"
    return 0
  fi
  kill_replica "${leader}" sequencer
}

do_kill_node() {
  local n pg patroni
  n="$(primary_member)" || {
    say "no primary now: node fault skipped"
    return 0
  }
  pg="$(head -n 1 -- "${STACK_STATE}/pg${n}/data/postmaster.pid")"
  patroni="$(tr -d '[:space:]' <"${STACK_STATE}/pg${n}/patroni.pid")"
  kill -KILL "${patroni}" "${pg}"
  note_fault node
  say "primary node pg${n} killed: Patroni (pid ${patroni}) and its postmaster (pid ${pg})"
}

do_kill_postgres() {
  local n pid
  n="$(primary_member)" || {
    say "no primary now: postgres fault skipped"
    return 0
  }
  pid="$(head -n 1 -- "${STACK_STATE}/pg${n}/data/postmaster.pid")"
  kill -KILL "${pid}"
  note_fault postgres
  say "primary pg${n}'s postmaster (pid ${pid}) killed"
}

# shellcheck disable=SC2317  # called by run_faults
make_fault() {
  case "$1" in
    switchover) do_switchover ;;
    postgres) do_kill_postgres ;;
    node) do_kill_node ;;
    cellchaind) do_kill_cellchaind ;;
    sequencer) do_kill_sequencer ;;
  esac
}

# Once a write sent after the fault was acknowledged: what was killed
# started again, then (120 s at most) until Patroni's whole list runs.
# shellcheck disable=SC2317  # called by run_faults
after_fault() {
  local i
  "${ha}" start >>"${out}/up.log" 2>&1 || {
    tail -n 20 "${out}/up.log" >&2
    echo "run.sh: deploy/ha/stack.sh start failed after the fault" >&2
    exit 1
  }
  for ((i = 0; i < 120; i++)); do
    "${ha}" status >/dev/null 2>&1 && return 0
    sleep 1
  done
  say "warning: the HA stack not whole 120 s after the fault"
}

machine_line
say "HA stack ${targets}; load ${concurrency} clients; ${faults} faults of each kind, ${gap} s of load before each and after the last"
start_load "${targets}"
run_faults "${kinds[@]}"
# A member whose PostgreSQL was killed rejoins as a standby (crash recovery,
# pg_rewind) while the others serve: wait (120 s) until all of it is up.
for ((i = 0; i < 60; i++)); do
  "${ha}" status >/dev/null 2>&1 && break
  sleep 2
done
"${ha}" status >/dev/null 2>&1 || {
  "${ha}" status >&2 || true
  echo "run.sh: the HA stack is not whole 120 s after the faults" >&2
  exit 1
}
say "the HA stack whole again (deploy/ha/stack.sh status exit 0)"

# Per fault, from the acknowledged writes: the first write sent after the
# fault, acknowledged how long after it (acked_check's figure too); the
# longest pause between two acknowledgements from it to the next fault (a
# minute at most): what a user waits after a switchover, whose writes sent
# just after it began still reach the old primary before it demotes; and
# the write attempts refused (answered with an error) from the fault until
# writes flowed again, by gRPC code: what the users were told meanwhile.
# "Flowed again" is the later of that first acknowledgement and the end of
# the longest pause: after a switchover the first write sent is still
# acknowledged by the old primary within ms, and the pause (and the
# refusals) come seconds later, as it demotes. With no write acknowledged
# after the fault, until the next fault or a minute.
# gaps.tsv: "kind pause_ms refused" a fault, for the summary by kind.
[[ -f "${out}/refused" ]] || : >"${out}/refused"
awk -v tsv="${out}/gaps.tsv" '
  FILENAME == ARGV[1] { at[++n] = $1; what[n] = $2; next }
  FILENAME == ARGV[2] { sent[++m] = $4; acked[m] = $5; next }
  { rat[++r] = $4; rcode[r] = $5 }
  END {
    for (i = 1; i <= n; i++) {
      first = -1; pause = 0; prev = -1; resumed = -1
      end = (i < n && at[i + 1] < at[i] + 60000) ? at[i + 1] : at[i] + 60000
      for (j = 1; j <= m; j++) {
        if (sent[j] >= at[i] && (first < 0 || acked[j] < first)) first = acked[j]
        if (acked[j] < at[i] - 1000 || acked[j] > end) continue
        if (prev >= 0 && acked[j] - prev > pause) {
          pause = acked[j] - prev; resumed = acked[j]
        }
        prev = acked[j]
      }
      until = first < 0 ? end : (resumed > first ? resumed : first)
      refused = 0; codes = ""
      split("", by)
      for (j = 1; j <= r; j++) {
        if (rat[j] < at[i] || rat[j] > until) continue
        refused++
        by[rcode[j]]++
      }
      for (c in by) codes = codes (codes == "" ? "" : ", ") c " " by[c]
      printf "fault %d %s: first write sent after it acknowledged %s ms after it; longest pause in acknowledgements %d ms; %d write attempts refused until writes flowed again%s\n",
        i, what[i], first < 0 ? "never" : first - at[i], pause, refused,
        codes == "" ? "" : " (" codes ")"
      print what[i], pause, refused > tsv
    }
  }' "${out}/faults" "${out}/acked" "${out}/refused" 2>/dev/null | tee "${out}/gaps" ||
  say "no faults made or no write acknowledged: no pauses to report"
# By kind, the p50 (the middle one) and max of the longest pauses and of
# the refused write attempts.
p50_max() {
  local -a sorted
  read -r -a sorted <<<"$(tr ' ' '\n' <<<"$1" | sort -n | tr '\n' ' ')"
  echo "${sorted[(${#sorted[@]} - 1) / 2]} ${sorted[-1]} ${#sorted[@]}"
}
awk '{ p[$1] = p[$1] " " $2; r[$1] = r[$1] " " $3 }
  END { for (k in p) print k "\t" p[k] "\t" r[k] }' "${out}/gaps.tsv" 2>/dev/null |
  while IFS=$'\t' read -r kind pauses refusals; do
    read -r pause_p50 pause_max count <<<"$(p50_max "${pauses}")"
    read -r refused_p50 refused_max _ <<<"$(p50_max "${refusals}")"
    echo "pause after ${kind} (${count} faults): p50 ${pause_p50} ms, max ${pause_max} ms; refused writes: p50 ${refused_p50} / max ${refused_max} per fault"
  done

# Per switchover: whether the third member's Patroni slept its fixed 2 s
# before following the new primary (Patroni's ha.py, when its loop runs
# between the old primary's release of the leader key and the candidate's
# taking it: docs/reliability.md, "The switchover's pause, phase by phase").
# That path alone logs "following a different leader because i am not the
# healthiest node"; its time, between the fault and the next one, tells.
third_member_slept() {
  local -a follows=() lines=()
  local line ms at kind next i=0 n
  [[ -s "${out}/faults" ]] || return 0
  while IFS= read -r line; do
    ms="$(date -d "${line:0:19}" +%s 2>/dev/null)" || continue
    follows+=("$((ms * 1000 + 10#${line:20:3}))")
  done < <(cat -- "${STACK_LOGS}"/patroni*.log 2>/dev/null |
    grep -a 'following a different leader because i am not the healthiest node')
  mapfile -t lines <"${out}/faults"
  for ((i = 0; i < ${#lines[@]}; i++)); do
    read -r at kind <<<"${lines[i]}"
    [[ "${kind}" == switchover ]] || continue
    next=$((at + 60000))
    if ((i + 1 < ${#lines[@]})) && ((${lines[i + 1]%% *} < next)); then next="${lines[i + 1]%% *}"; fi
    n=0
    for ms in "${follows[@]}"; do ((ms >= at && ms < next)) && n=$((n + 1)); done
    echo "fault $((i + 1)) switchover: the third member's Patroni slept 2 s before following the new primary: $( ((n > 0)) && echo yes || echo no)"
  done
}
third_member_slept

run_acked_check "${targets}"
((check_rc == 0))
