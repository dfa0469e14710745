#!/usr/bin/env bash
# What the analysts' and the pharmacists' writes in load_bench's wider mix
# (tests/load/run.sh MIX=wide) need, made ONCE before the timed runs through
# the real clients over mTLS, as the stack's people, by the RegenHeart
# story's own chapters (deploy/local/regenheart.sh, sourced):
#   - a donor, a cord lot, materials and equipment, and a batch harvested
#     into a product lot, whose QC lot QA releases (14 results entered by
#     Otto, reviewed by Ana);
#   - one patient and DOSES orders, each with its dose prepared from that
#     lot, counted, verified by the second technician, labelled, handed to
#     the pharmacist and accepted by him with a scan of its label: a dose
#     awaiting release in his hands, for one load worker each;
#   - a second donor's batch, its QC lot opened under the same
#     specification and one sample drawn for every test, no result entered:
#     the lot the analysts enter results on during the load.
#
# usage: tests/load/wide_setup.sh DOSES OUT
# Writes OUT (read by load_bench --wide-setup=OUT, tests/load/wide_writes.h):
#   patient SUBJECT_ID DATE_OF_BIRTH INITIALS
#   clinician USER_ID
#   sample SAMPLE_ID LOT_ID                (the analysts' lot and its sample)
#   test CODE|VALUE|UNIT                   (a value in specification; UNIT may be empty)
#   dose DOSE_ID ORDER_ID BAG_ITEM_ID SCAN (SCAN: the bag label's Data Matrix)
# The environment is tests/load/run.sh's (env.sh's STACK_* for its stack);
# its chapters print every command they run. Takes about a minute per batch.
set -euo pipefail

[[ $# -eq 2 && "$1" =~ ^[1-9][0-9]*$ ]] || {
  echo "usage: tests/load/wide_setup.sh DOSES OUT" >&2
  exit 2
}
ws_doses="$1" ws_out="$2"
ws_root="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source-path=SCRIPTDIR source=../../deploy/local/regenheart.sh
source "${ws_root}/deploy/local/regenheart.sh"
trap regenheart_cleanup EXIT

# The batch's chapters, as the story plays them (without the cryobank).
ws_batch() {
  ch_donor
  ch_cord
  ch_processing
  ch_passages
  ch_product
}

start_printer
ch_people
ch_materials
ch_equipment
ws_batch
ch_qc
ch_order
{
  echo "patient ${RH_SUBJECT} ${RH_DOB} ${RH_INITIALS}"
  echo "clinician ${STACK_CLIN1_USER}"
} >"${ws_out}.tmp"

for ((i = 1; i <= ws_doses; i++)); do
  step "Load dose ${i} of ${ws_doses}: ordered, prepared, verified, handed to the pharmacy"
  keep_as "${cleo[@]}" dose order-create --subject-id="${RH_SUBJECT}" --heparin-iu-per-ml=100 \
    --planned-infusion-at="$(rfc3339 $(($(server_now) + 7200)))" \
    --prescriber="Dr. Cleo Clinician" --cells=1e7 --volume-ml=20
  ws_order="$(capture '(ord_[A-Za-z0-9_-]+)' "${OUT}")"
  need "order" "${ws_order}"
  prepare_dose "${ws_order}" "load-dose-${i}"
  ws_scan="$(datamatrix "${RH_LABELS}/load-dose-${i}.zpl")"
  keep_as "${tina[@]}" custody handoff --item-id="${prepared_bag}" \
    --to-user="${STACK_PHARM_USER}" --condition="cool box, 2-8 °C"
  ws_handoff="$(capture 'handoff (hnd_[A-Za-z0-9_-]+)' "${OUT}")"
  need "handoff" "${ws_handoff}"
  run_as "${phil[@]}" custody accept --handoff-id="${ws_handoff}" --scan=- <<<"${ws_scan}"
  echo "dose ${prepared_dose} ${ws_order} ${prepared_bag} ${ws_scan}" >>"${ws_out}.tmp"
done

step "The analysts' lot: a second batch, its QC lot opened, one sample for every test"
ws_batch
keep_as "${otto[@]}" qc lot-open --batch-id="${batch}" --spec-name="RH-RELEASE"
ws_lot="$(capture '(qcl_[A-Za-z0-9_-]+)' "${OUT}")"
need "QC lot" "${ws_lot}"
ws_tests=(VIABILITY CD73 CD90 CD105 CD34 CD45 CD14_CD11B CD19_CD79A HLA_DR STERILITY
  MYCOPLASMA ENDOTOXIN KARYOTYPE VIABLE_CELL_COUNT)
keep_as "${tina[@]}" qc sample-draw --batch-id="${batch}" \
  --tests="$(IFS=,; echo "${ws_tests[*]}")" --drawn-at="$(at $((product_at + 1)))" \
  --description="5 ml of the product lot"
ws_sample="$(capture '(smp_[A-Za-z0-9_-]+)' "${OUT}")"
need "sample" "${ws_sample}"
{
  echo "sample ${ws_sample} ${ws_lot}"
  # The values ch_qc enters: each in specification.
  for code in "${ws_tests[@]}"; do
    case "${code}" in
      VIABILITY) echo "test ${code}|91.0|%" ;;
      CD73 | CD90 | CD105) echo "test ${code}|98.7|%" ;;
      STERILITY) echo "test ${code}|no growth|" ;;
      MYCOPLASMA) echo "test ${code}|not detected|" ;;
      ENDOTOXIN) echo "test ${code}|0.12|[EU]/mL" ;;
      KARYOTYPE) echo "test ${code}|normal|" ;;
      VIABLE_CELL_COUNT) echo "test ${code}|3.0E7|cells" ;;
      *) echo "test ${code}|0.6|%" ;;
    esac
  done
} >>"${ws_out}.tmp"
mv -- "${ws_out}.tmp" "${ws_out}"
echo "wide_setup: ${ws_doses} dose(s) and the analysts' sample in ${ws_out}"
