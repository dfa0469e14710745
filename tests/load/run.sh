#!/usr/bin/env bash
# The whole stack under load (docs/performance.md, "Whole stack under
# load"): a stack of its own (deploy/local/stack.sh up --no-build in
# STATE_DIR, on ports apart from the dev stack's and the tests'), then
# build/bin/load_bench at each concurrency (its pgbench comparison
# included), a table of the figures, and the stack destroyed whatever
# happens. Figures, not a test: it never fails on a missed target.
#
# usage: tests/load/run.sh [BUILD_DIR [STATE_DIR]]
#   (build first: cmake --build B --target load_bench load_prefill cellchaind cellchain
#    cellchain-qa cellchain-pharmacy)
# env: CONCURRENCY ("1 4 16"), DURATION (seconds per run, 20),
#      PGPORT_CELLCHAIN (55472), GRPCPORT_CELLCHAIN (7473),
#      RECORDS (unset: the log as the stack starts; "10000 100000 1000000":
#        how cost grows with the log -- before the runs at each size,
#        build/bin/load_prefill fills the log up to that many signed,
#        integrated records, and a second table gives each kind's p50/p99
#        per size; build the load_prefill target too. The pre-filled log does
#        not pass `cellchain audit verify`: made-up record bytes.),
#      MIX (unset: technicians and QA, the mix of the earlier figures;
#        "wide": QC analysts and a pharmacist read their worklists, enter and
#        review results and release, issue and take back doses too, on what
#        tests/load/wide_setup.sh makes once after the stack is up: a few
#        minutes, its output in STATE_DIR.wide-setup.log),
#      WIDE_DOSES (12: MIX=wide's pool of doses awaiting release, shared by
#        all the runs; a release consumes one, 5 pharmacy writes a dose),
#      PROFILE_SQL (1: the stack's PostgreSQL preloads pg_stat_statements and
#        each run prints, after its load, the top statements of the cellchain
#        database by total execution time, per audited write, and the
#        statements, transactions and round trips a write, and the server's
#        CPU a write by process (each service's backends, the WAL writer,
#        autovacuum...); the extension costs
#        every statement a little, so compare figures with it on or off, not
#        across)
# The full output of each run is kept in STATE_DIR[.r<R>].c<N>.log and the
# acknowledged writes in STATE_DIR[.r<R>].c<N>.acked; the machine-readable
# lines of all runs (SUMMARY, KIND, each with records=R) in STATE_DIR.figures
# for tests/load/plot.sh.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=../lib/stack_env.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/../lib/stack_env.sh" \
  load-stack 55472 7473 "$@"
concurrency="${CONCURRENCY:-1 4 16}"
duration="${DURATION:-20}"
bench="${STACK_BIN}/load_bench"
[[ -x "${bench}" ]] || {
  echo "run.sh: ${bench} missing; build the load_bench target first" >&2
  exit 1
}

profile=()
if [[ "${PROFILE_SQL:-}" == 1 ]]; then
  export PGSTATSTATEMENTS_CELLCHAIN=1  # read by pg-cluster.sh at start
  profile=(--profile-sql=cellchain)
fi

# shellcheck disable=SC2317  # called through the trap
destroy() { "${stack}" destroy >/dev/null 2>&1 || true; }
trap destroy EXIT
destroy

"${stack}" up --no-build >"${STACK_STATE_DIR}.up.log" 2>&1 || {
  tail -n 40 "${STACK_STATE_DIR}.up.log" >&2
  echo "run.sh: stack.sh up --no-build failed (${STACK_STATE_DIR}.up.log)" >&2
  exit 1
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), $(uname -sr)"
echo "stack: ${STACK_LISTEN}, PostgreSQL socket ${STACK_PG}/run port ${STACK_PG_PORT}"
summaries=()
wide=()
if [[ "${MIX:-}" == wide ]]; then
  echo "=== MIX=wide: setting up the lot and ${WIDE_DOSES:-12} doses (${STACK_STATE_DIR}.wide-setup.log)"
  "${root}/tests/load/wide_setup.sh" "${WIDE_DOSES:-12}" "${STACK_STATE_DIR}.wide" \
    >"${STACK_STATE_DIR}.wide-setup.log" 2>&1 || {
    tail -n 20 "${STACK_STATE_DIR}.wide-setup.log" >&2
    echo "run.sh: tests/load/wide_setup.sh failed (${STACK_STATE_DIR}.wide-setup.log)" >&2
    exit 1
  }
  wide=(--qc-user="${STACK_QC_USER}" --pharm-user="${STACK_PHARM_USER}"
    --qc2-user="${STACK_QC2_USER}" --wide-setup="${STACK_STATE_DIR}.wide")
fi
records_list="${RECORDS:-}"
figures="${STACK_STATE_DIR}.figures"
: >"${figures}"
for r in ${records_list:-none}; do
  if [[ "${r}" != none ]]; then
    echo "=== pre-filling the log to ${r} records"
    "${STACK_BIN}/load_prefill" --pg="${STACK_PG_CONNINFO}" \
      --signing-key="${STACK_PKI}/signing/custody.key" --service=custody \
      --records="${r}" || {
      echo "run.sh: load_prefill to ${r} records failed" >&2
      exit 1
    }
  fi
  for c in ${concurrency}; do
    tag="${STACK_STATE_DIR}${records_list:+.r${r}}.c${c}"
    log="${tag}.log"
    rm -f -- "${tag}.acked"
    stored="$(/usr/lib/postgresql/15/bin/psql "${STACK_PG_CONNINFO}" -XAtc \
      'SELECT count(*) FROM cellchain_audit.records')"
    echo "=== concurrency ${c}, ${duration} s, ${stored} records stored"
    LOAD_TECH_PASSWORD="${STACK_TECH_PASSWORD}" \
      LOAD_TECH2_PASSWORD="${STACK_TECH2_PASSWORD}" \
      LOAD_QA_PASSWORD="${STACK_QA_PASSWORD}" \
      LOAD_QC_PASSWORD="${STACK_QC_PASSWORD}" \
      LOAD_PHARM_PASSWORD="${STACK_PHARM_PASSWORD}" \
      LOAD_QC2_PASSWORD="${STACK_QC2_PASSWORD}" \
      LOAD_CLIN_PASSWORD="${STACK_CLIN1_PASSWORD}" \
      "${bench}" --target="${STACK_LISTEN}" --pki="${STACK_PKI}" \
      --tech-user="${STACK_TECH_USER}" --tech2-user="${STACK_TECH2_USER}" \
      --qa-user="${STACK_QA_USER}" "${wide[@]}" "${profile[@]}" \
      --concurrency="${c}" --duration="${duration}" \
      --acked-out="${tag}.acked" \
      --cellchaind-pidfile="${STACK_PIDFILE}" \
      --postmaster-pidfile="${STACK_PG}/data/postmaster.pid" \
      --pg="host=${STACK_PG}/run port=${STACK_PG_PORT} user=postgres" \
      2>&1 | tee "${log}" || echo "run.sh: load_bench at concurrency ${c} failed (see ${log})"
    summaries+=("$(grep '^SUMMARY ' "${log}" || echo "SUMMARY concurrency=${c} (no figures: see ${log})")")
    grep -E '^(SUMMARY|KIND) ' "${log}" | sed "s/\$/ records=${stored}/" >>"${figures}" || true
    if ! "${stack}" status >/dev/null 2>&1; then
      # Said loudly, with the server's last words, then the daemon is
      # restarted (the database kept) so the next concurrency still runs.
      echo "run.sh: cellchaind is NOT running after the run at concurrency ${c}; last lines of ${STACK_LOG}:"
      tail -n 5 -- "${STACK_LOG}" | cut -c1-300
      "${stack}" up --no-build >>"${STACK_STATE_DIR}.up.log" 2>&1 ||
        echo "run.sh: cellchaind could not be restarted"
      summaries+=("SUMMARY concurrency=${c} CELLCHAIND_DIED=1")
    fi
  done
done

echo "=== all runs (audited writes vs pgbench single-row INSERT, same concurrency)"
printf '%-5s %12s %10s %10s %10s %7s %12s %12s %7s\n' clients "writes/s" "w p99 ms" \
  "all/s" "all p99" errors "lag p99 ms" "pgbench tx/s" ratio
for s in "${summaries[@]}"; do
  awk -v line="${s}" 'BEGIN {
    n = split(line, w, " ")
    for (i = 2; i <= n; i++) { split(w[i], kv, "="); f[kv[1]] = kv[2] }
    if (f["CELLCHAIND_DIED"]) {
      printf "%-5s cellchaind DIED during this run (restarted for the next)\n", f["concurrency"]
      exit
    }
    ratio = (f["pgbench_tps"] > 0) ? f["writes_per_s"] / f["pgbench_tps"] : 0
    printf "%-5s %12s %10s %10s %10s %7s %12s %12s %7.3f\n", f["concurrency"],
      f["writes_per_s"], f["write_p99_ms"], f["all_per_s"], f["all_p99_ms"],
      f["errors"], f["lag_p99_ms"], f["pgbench_tps"], ratio
  }'
done

[[ -n "${records_list}" ]] || exit 0
echo "=== how cost grows with the log (p50/p99 ms per kind; lag = checkpoint lag p99 ms)"
awk '
  { delete f; for (i = 2; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] } }
  $1 == "SUMMARY" { key = f["records"] " " f["concurrency"]; if (!(key in seen)) { seen[key] = 1; order[++n] = key }
                    wps[key] = f["writes_per_s"]; lag[key] = f["lag_p99_ms"] }
  $1 == "KIND" { key = f["records"] " " f["concurrency"]; cell[key, f["kind"]] = sprintf("%.1f/%.1f", f["p50_ms"], f["p99_ms"]) }
  END {
    split("custody.RegisterItem audit.QueryRecords custody.TraceBackward audit.GetCheckpoint audit.InclusionProof", k, " ")
    printf "%9s %3s %9s %12s %12s %12s %12s %12s %8s\n", "records", "c", "writes/s", "Register", "QueryRecords", "TraceBackwd", "Checkpoint", "InclProof", "lag p99"
    for (i = 1; i <= n; i++) {
      split(order[i], rc, " ")
      printf "%9s %3s %9s", rc[1], rc[2], wps[order[i]]
      for (j = 1; j <= 5; j++) printf " %12s", cell[order[i], k[j]]
      printf " %8s\n", lag[order[i]]
    }
  }' "${figures}"
