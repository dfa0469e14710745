#!/usr/bin/env bash
# The plots of docs/performance.md ("Whole stack under load") from the
# machine-readable lines tests/load/run.sh keeps (STATE_DIR.figures: SUMMARY
# and KIND lines, each ending records=<records stored at the run's start>).
# Several files (repeated runs) are drawn as separate series, so that the
# noise between runs shows.
#
# usage: tests/load/plot.sh OUT_DIR FIGURES...
# writes OUT_DIR/load_concurrency.png (audited writes/s and write p99
#   against concurrency, one line per run and log size) and
#   OUT_DIR/load_growth.png (p50 and p99 of each read kind and of
#   RegisterItem against records stored, at the concurrency given by PLOT_CONCURRENCY, 4).
# Needs gnuplot: installs Debian's gnuplot-nox when it is missing (apt, no
# other network).
set -euo pipefail

[[ $# -ge 2 ]] || {
  echo "usage: $0 OUT_DIR FIGURES..." >&2
  exit 2
}
out="$1"
shift
concurrency="${PLOT_CONCURRENCY:-4}"
if ! command -v gnuplot >/dev/null; then
  echo "plot.sh: installing gnuplot-nox (Debian)" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q gnuplot-nox >/dev/null
fi
mkdir -p -- "${out}"
work="$(mktemp -d)"
trap 'rm -rf -- "${work}"' EXIT

# field NAME: the value of NAME=... on the current awk line.
# shellcheck disable=SC2016  # awk's program, not the shell's expansions
extract='function field(name,   i, kv) {
  for (i = 2; i <= NF; i++) { split($i, kv, "="); if (kv[1] == name) return kv[2] }
  return ""
}
# The log size class of a run: 10k, 100k, 1M (runs at one size start a few
# thousand records apart, as each run adds its own).
function size(records) { return 10 ^ int(log(records) / log(10) + 0.3) }'

# One data file per run and size: concurrency writes/s write_p99.
plot_c=""
plot_p=""
growth=""    # p99 against records stored, one series per run and kind
growth50=""  # p50, the same series
run=0
for figures in "$@"; do
  run=$((run + 1))
  mapfile -t sizes < <(awk "${extract}"'
      $1 == "SUMMARY" && field("records") != "" { print size(field("records")) }' \
    "${figures}" | sort -un)
  for s in "${sizes[@]}"; do
    data="${work}/c.${run}.${s}"
    awk "${extract}"' $1 == "SUMMARY" && size(field("records")) == s {
        print field("concurrency"), field("writes_per_s"), field("write_p99_ms") }' \
      s="${s}" "${figures}" | sort -n >"${data}"
    title="$(awk -v s="${s}" 'BEGIN { printf (s >= 1e6 ? "%gM" : "%gk"), (s >= 1e6 ? s / 1e6 : s / 1e3) }') records, run ${run}"
    plot_c+="${plot_c:+, }'${data}' using 1:2 with linespoints title '${title}'"
    plot_p+="${plot_p:+, }'${data}' using 1:3 with linespoints title '${title}'"
  done
  color=0
  for kind in custody.RegisterItem audit.QueryRecords custody.TraceBackward \
    audit.GetCheckpoint audit.InclusionProof; do
    color=$((color + 1))  # one colour a kind, one dash pattern a run
    data="${work}/g.${run}.${kind}"
    awk "${extract}"' $1 == "KIND" && field("kind") == k && field("concurrency") == c {
        print field("records"), field("p50_ms"), field("p99_ms") }' \
      k="${kind}" c="${concurrency}" "${figures}" | sort -n >"${data}"
    [[ -s "${data}" ]] || continue
    style="with linespoints linecolor ${color} pointtype ${color} dashtype ${run}"
    growth50+="${growth50:+, }'${data}' using 1:2 ${style} title '${kind#*.} (run ${run})'"
    growth+="${growth:+, }'${data}' using 1:3 ${style} notitle"
  done
done

# two_panels FILE SIZE TITLE AXES YLABEL1 PLOT1 YLABEL2 PLOT2: a PNG of two
# plots side by side sharing the x axis set up by AXES (gnuplot commands).
two_panels() {
  gnuplot <<EOF
set terminal pngcairo size $2 font ",10"
set output '${out}/$1'
set multiplot layout 1,2 title "$3"
set grid
$4
set ylabel '$5'
plot $6
set ylabel '$7'
plot $8
unset multiplot
EOF
}

two_panels load_concurrency.png 1100,450 \
  "cellchain stack under load (tests/load/run.sh; shared 2-core machine)" \
  "set xlabel 'concurrent workers'; set logscale x 2; set key top left" \
  'audited writes/s' "${plot_c}" 'audited write p99 (ms)' "${plot_p}"
two_panels load_growth.png 1200,560 \
  "latency per kind against the audit log's size (${concurrency} workers; shared 2-core machine)" \
  "set xlabel 'audit records stored'; set logscale x 10; set xrange [5000:2000000]
set xtics (\"10k\" 10000, \"100k\" 100000, \"1M\" 1000000); set key below horizontal maxrows 2" \
  'p50 latency (ms)' "${growth50}" 'p99 latency (ms)' "${growth}"
echo "plot.sh: wrote ${out}/load_concurrency.png and ${out}/load_growth.png"
