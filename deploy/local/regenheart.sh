#!/usr/bin/env bash
# The RegenHeart story, played through the real clients (cellchain,
# cellchain-label, cellchain-verify) against the local stack: a birth
# mother's cord becomes a released product lot of umbilical-cord MSCs, every
# step signed, verified by a second person, labelled and traced, and the
# audit trail verified online and offline.
#
# The lab's weeks are replayed from its records: the cord was collected
# $RH_DAYS_AGO days ago (default 36) and every step is entered at the time it
# happened, each late entry with its reason, as GMP has a paper batch record
# transcribed. Real times are needed: a passage's cells may not double faster
# than every 15 h (IMPLAUSIBLE_GROWTH).
#
# demo.sh sources this file and calls regenheart_story after its own steps;
# run alone (deploy/local/regenheart.sh) it plays the story on a running
# stack (deploy/local/stack.sh up). Each run makes a new donor, batch and
# lots, so it can be played again on the same stack.
#
# Outputs: deploy/local/state/regenheart/ (labels/*.zpl, bundle/, story.log
# when demo.sh's output is teed there).
set -euo pipefail

rh_here="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source-path=SCRIPTDIR source=env.sh
source "${rh_here}/env.sh"
# shellcheck source-path=SCRIPTDIR source=demo-lib.sh
source "${rh_here}/demo-lib.sh"

RH_OUT="${STACK_STATE}/regenheart"
RH_LABELS="${RH_OUT}/labels"
RH_BUNDLE="${RH_OUT}/bundle"
# The stand-in Zebra printer (file-printer.py): 127.0.0.1:$LABEL_PRINTER_PORT.
RH_PRINTER_PORT="${LABEL_PRINTER_PORT:-19100}"
RH_PRINTER_PID=""
# Why every entry below is made after the fact.
RH_PAPER="transcribed from the paper batch record for the demo"
# When the cord was collected (Unix seconds); every time is hours after it.
RH_COLLECTED=$(($(date -u +%s) - ${RH_DAYS_AGO:-36} * 86400))

# at HOURS: RFC 3339 (UTC) HOURS after the cord's collection (may be < 0).
at() {
  date -u -d "@$((RH_COLLECTED + $1 * 3600))" +%FT%TZ
}
# day DAYS: the date DAYS from today (UTC).
day() {
  date -u -d "@$(($(date -u +%s) + $1 * 86400))" +%F
}

# The people of the story: session file name, workstation, password.
# What the story makes: material and equipment ids by lot and asset tag,
# passage steps by number.
declare -A mat=() eqp=()
passage=()

tina=(tina clients/lab-ws-01)
tom=(tom clients/lab-ws-01)
otto=(otto clients/lab-ws-01)
quinn=(quinn clients/qa-ws-01)
phil=(phil clients/pharmacy-ws-01)

# signed PERSON CERT PASSWORD ARGS...: keep_as with the password piped in
# (an electronic signature re-enters it).
signed() {
  local person="$1" who="$2" password="$3"
  shift 3
  keep_as "${person}" "${who}" "$@" --password-stdin <<<"${password}"
}
tina_signs() { signed "${tina[@]}" "${STACK_TECH_PASSWORD}" manufacturing "$@"; }
quinn_signs() { signed "${quinn[@]}" "${STACK_QA_PASSWORD}" "$@"; }
# tom_verifies STEP REVISION: the second technician's four-eyes check.
tom_verifies() {
  signed "${tom[@]}" "${STACK_TECH2_PASSWORD}" manufacturing verify --step-id="$1" \
    --revision="$2"
}
revision() { capture 'revision ([0-9]+)' "${OUT}"; }

ch_people() {
  step "RegenHeart: umbilical-cord stem cells for a heart, from a birth mother to a patient"
  cat <<EOF
The lab's weeks are replayed from its records: the cord was collected on
$(at 0 | cut -c1-10) and every step is entered at the time it happened, late,
with the reason "${RH_PAPER}".
Each command is shown before it runs; ids are read from the answers.
EOF
  step "The people, each with their roles, log in at their workstations"
  login_as ada clients/admin-cli "${STACK_ADMIN_USER}" "${STACK_ADMIN_PASSWORD}"
  run_as ada clients/admin-cli user list
  login_as tina clients/lab-ws-01 "${STACK_TECH_USER}" "${STACK_TECH_PASSWORD}"
  login_as tom clients/lab-ws-01 "${STACK_TECH2_USER}" "${STACK_TECH2_PASSWORD}"
  login_as otto clients/lab-ws-01 "${STACK_QC_USER}" "${STACK_QC_PASSWORD}"
  login_as quinn clients/qa-ws-01 "${STACK_QA_USER}" "${STACK_QA_PASSWORD}"
  login_as phil clients/pharmacy-ws-01 "${STACK_PHARM_USER}" "${STACK_PHARM_PASSWORD}"
  run_as tom clients/lab-ws-01 whoami
  echo "Before the story, QA keeps the log's signed checkpoint and key, apart from the database:"
  run_as "${quinn[@]}" audit checkpoint --save="${RH_OUT}/checkpoint-before.txt"
}

ch_donor() {
  step "A birth mother consents and is screened (Tina records, Otto enters the panel)"
  echo "(her name, date of birth and record number are piped in and stored sealed)"
  show "${tina[@]}" donor register --delivered-at="$(at -1)" --identifying-stdin
  OUT="$(cellchain_person "${tina[@]}" donor register --delivered-at="$(at -1)" \
    --identifying-stdin <<<$'name=Maria Example\ndate_of_birth=1994-03-02\nmrn=MRN-4711')" ||
    die "donor register failed"
  printf '%s\n' "${OUT}"
  donor="$(capture 'donor (DNR-[0-9A-Z]+) registered' "${OUT}")"
  need "donor code" "${donor}"
  run_as "${tina[@]}" donor consent --donor-code="${donor}" --form-version="UC-ICF v3.2" \
    --consented-at="$(at $((-24 * 6)))" --taken-by="Dr. Ines Obregon" --witness="Nurse Paul Kim"
  local -a panel=()
  local t
  for t in HIV12_AB HIV1_NAT HBSAG HBC_AB HBV_NAT HCV_AB HCV_NAT HTLV_AB SYPHILIS WNV_NAT \
    TCRUZI_AB CMV_AB; do
    panel+=("--test=${t}:non_reactive")
  done
  run_as "${otto[@]}" donor screen --donor-code="${donor}" --drawn-at="$(at -24)" \
    --method=CMIA --kit-lot=K-2291 "${panel[@]}"
}

ch_cord() {
  step "The cord arrives at the lab: its lot gets a DIN and waits in quarantine"
  keep_as "${tina[@]}" donor receive --donor-code="${donor}" --delivered-at="$(at -1)" \
    --collected-at="$(at 0)" --received-at="$(at 5)" --min-celsius=3.5 --max-celsius=6 \
    --weight-grams=42.5
  cord="$(capture 'lot (lot_[A-Za-z0-9_-]+) received' "${OUT}")"
  need "cord lot" "${cord}"
  din="$(capture 'DIN ([A-Z][0-9]{4} [0-9]{2} [0-9]{6})' "${OUT}")"
  din="${din// /}"
  need "DIN" "${din}"
  step "QA determines the mother eligible and releases the cord lot (signed)"
  quinn_signs donor determine --donor-code="${donor}"
  quinn_signs donor release-lot --lot-id="${cord}"
  run_as "${quinn[@]}" donor lot --lot-id="${cord}"
}

ch_materials() {
  step "Materials are received into quarantine; QA releases them, and rejects one"
  # Not $(material ...): keep_as must end the demo on a failure.
  local kind name lot
  for spec in "medium|MEM alpha|ME-2291" "supplement|human platelet lysate|PL-77" \
    "digestion_enzyme|collagenase NB 6|CN-310" "cryoprotectant|CryoStor CS10|CS-5521" \
    "medium|MEM alpha|ME-2292"; do
    # Each run its own supplier lots ($$): a lot is received once.
    IFS='|' read -r kind name lot <<<"${spec}"
    keep_as "${tina[@]}" manufacturing material-receive --kind="${kind}" --name="${name}" \
      --supplier="BioSupply GmbH" --supplier-lot="${lot}-$$" --expires-on="$(day 365)" \
      --received-at="$(at -48)" --late-entry-reason="${RH_PAPER}"
    mat["${lot}"]="$(capture 'material (mat_[A-Za-z0-9_-]+)' "${OUT}")"
  done
  medium="${mat[ME-2291]}" lysate="${mat[PL-77]}" enzyme="${mat[CN-310]}" dmso="${mat[CS-5521]}"
  bad_medium="${mat[ME-2292]}"
  need "material id" "${medium}"
  for m in "${medium}" "${lysate}" "${enzyme}" "${dmso}"; do
    quinn_signs manufacturing material-release --material-id="${m}" --released-at="$(at -24)" \
      --late-entry-reason="${RH_PAPER}"
  done
  quinn_signs manufacturing material-reject --material-id="${bad_medium}" \
    --reason="certificate of analysis missing"
}

ch_equipment() {
  step "QA registers the calibrated equipment and the storage locations"
  local kind name tag
  for spec in "biosafety_cabinet|Herasafe 2030i|BSC-01" "incubator|Heracell 240i|INC-01" \
    "controlled_rate_freezer|CryoMed 7456|CRF-01"; do
    IFS='|' read -r kind name tag <<<"${spec}"
    keep_as "${quinn[@]}" manufacturing equipment-register --kind="${kind}" --name="${name}" \
      --asset-tag="${tag}-$$" --calibrated-on="$(day -60)" --calibration-due="$(day 300)" \
      --calibration-reference="CAL-${tag}"
    eqp["${tag}"]="$(capture 'equipment (eqp_[A-Za-z0-9_-]+)' "${OUT}")"
  done
  cabinet="${eqp[BSC-01]}" incubator="${eqp[INC-01]}" crf="${eqp[CRF-01]}"
  need "equipment id" "${crf}"
  keep_as "${quinn[@]}" custody location-add --kind=site --name="Cell Therapy Unit $$"
  site="$(capture 'location (loc_[A-Za-z0-9_-]+)' "${OUT}")"
  keep_as "${quinn[@]}" custody location-add --kind=room --name="Culture room" \
    --parent-location="${site}"
  culture="$(capture 'location (loc_[A-Za-z0-9_-]+)' "${OUT}")"
  keep_as "${quinn[@]}" custody location-add --kind=room --name="Cryo room" \
    --parent-location="${site}"
  local cryo_room tank rack
  cryo_room="$(capture 'location (loc_[A-Za-z0-9_-]+)' "${OUT}")"
  keep_as "${quinn[@]}" custody location-add --kind=freezer --name="LN2 tank 1" \
    --parent-location="${cryo_room}"
  tank="$(capture 'location (loc_[A-Za-z0-9_-]+)' "${OUT}")"
  keep_as "${quinn[@]}" custody location-add --kind=rack --name="Rack A" \
    --parent-location="${tank}"
  rack="$(capture 'location (loc_[A-Za-z0-9_-]+)' "${OUT}")"
  keep_as "${quinn[@]}" custody location-add --kind=box --name="Box 1" \
    --parent-location="${rack}"
  box="$(capture 'location (loc_[A-Za-z0-9_-]+)' "${OUT}")"
  positions=()
  local p
  for p in A1 A2; do
    keep_as "${quinn[@]}" custody location-add --kind=position --name="${p}" \
      --parent-location="${box}"
    positions+=("$(capture 'location (loc_[A-Za-z0-9_-]+)' "${OUT}")")
  done
  need "position" "${positions[1]}"
}

ch_processing() {
  step "Tina starts the batch from the released cord lot, 18 h after its collection"
  keep_as "${tina[@]}" manufacturing batch-start --lot-id="${cord}" --started-at="$(at 18)" \
    --late-entry-reason="${RH_PAPER}"
  batch="$(capture 'batch (bat_[A-Za-z0-9_-]+) started' "${OUT}")"
  need "batch" "${batch}"

  step "Processing: the cord tissue digested into P0 (a rejected material is refused)"
  local -a processing=(processing --batch-id="${batch}" --location-id="${culture}"
    --method=enzymatic --tissue-grams=20 --vessel-type="T175 flask" --vessel-count=2
    --seeded-at="$(at 19)" --seeded-cells=2.5e5 --material="${enzyme}:1 vial"
    --equipment="${cabinet}" --equipment="${incubator}" --late-entry-reason="${RH_PAPER}")
  echo "(the medium lot QA rejected, ME-2292-$$, picked up by mistake:)"
  refused "${tina[@]}" MATERIAL_NOT_RELEASED manufacturing "${processing[@]}" \
    --material="${bad_medium}:500 ml" --password-stdin <<<"${STACK_TECH_PASSWORD}"
  tina_signs "${processing[@]}" --material="${medium}:500 ml"
  p0="$(capture 'step (stp_[A-Za-z0-9_-]+) \(processing P0' "${OUT}")"
  need "P0 step" "${p0}"
  echo "Day 7: P0 harvested, 2.5e5 -> 4e6 viable cells"
  tina_signs harvest --step-id="${p0}" --harvested-at="$(at $((19 + 168)))" \
    --harvested-cells=4e6 --viability=95 --confluence=85 --material="${lysate}:50 ml" \
    --late-entry-reason="${RH_PAPER}"
  local rev
  rev="$(revision)"
  echo "Four eyes: Tina may not verify her own step; Tom does."
  refused "${tina[@]}" FOUR_EYES_SAME_PERSON manufacturing verify --step-id="${p0}" \
    --revision="${rev}" --password-stdin <<<"${STACK_TECH_PASSWORD}"
  tom_verifies "${p0}" "${rev}"
}

ch_passages() {
  step "Passages P1-P4: seeded and labelled, counted at harvest, each verified by Tom"
  echo "(labels go to a stand-in Zebra printer on 127.0.0.1:${RH_PRINTER_PORT} that writes each label's ZPL to a file)"
  local n=1 source="${p0}" seeded=1e6 harvested=8e6 t=$((19 + 168 + 1)) step_id rev
  # Four days a passage; three doublings each (32 h doubling time).
  local -a seeds=(1e6 1e6 2e6 4e6) harvests=(8e6 8e6 1.6e7 3.2e7)
  for n in 1 2 3 4; do
    seeded="${seeds[n - 1]}" harvested="${harvests[n - 1]}"
    echo "P${n}: ${seeded} cells seeded at $(at "${t}")"
    tina_signs passage-seed --source-step-id="${source}" --location-id="${culture}" \
      --vessel-type="T175 flask" --vessel-count=1 --seeded-at="$(at "${t}")" \
      --seeded-cells="${seeded}" --material="${medium}:30 ml" --equipment="${incubator}" \
      --leftover=carried --late-entry-reason="${RH_PAPER}"
    step_id="$(capture "step (stp_[A-Za-z0-9_-]+) \\(passage P${n}" "${OUT}")"
    need "P${n} step" "${step_id}"
    flask="$(capture 'flask (itm_[A-Za-z0-9_-]+)' "${OUT}")"
    need "P${n} flask" "${flask}"
    print_label "${flask}" "p${n}-flask"
    if ((n == 2)); then
      echo "(P2's count typed as 8e8 instead of 8e6: 9.6 doublings in 96 h is faster than"
      echo " these cells grow, so it is refused and nothing is recorded)"
      refused "${tina[@]}" IMPLAUSIBLE_GROWTH manufacturing harvest --step-id="${step_id}" \
        --harvested-at="$(at $((t + 96)))" --harvested-cells=8e8 --viability=93 \
        --confluence=90 --late-entry-reason="${RH_PAPER}" --password-stdin \
        <<<"${STACK_TECH_PASSWORD}"
    fi
    tina_signs harvest --step-id="${step_id}" --harvested-at="$(at $((t + 96)))" \
      --harvested-cells="${harvested}" --viability=93 --confluence=90 \
      --late-entry-reason="${RH_PAPER}"
    rev="$(revision)"
    tom_verifies "${step_id}" "${rev}"
    passage[n]="${step_id}"
    source="${step_id}"
    t=$((t + 96 + 1))
  done
  # t is now P4's harvest + 1 h.
  product_at="${t}"
}

ch_cryobank() {
  step "Cryobank: two labelled vials of P2's cells frozen into the master bank"
  tina_signs cryopreserve --source-step-id="${passage[2]}" --bank=master --cells-per-vial=1e6 \
    --frozen-at="$(at $((19 + 168 + 1 + 2 * 97 + 2)))" --viability=92 \
    --positions="${positions[0]},${positions[1]}" --material="${dmso}:2 ml" \
    --equipment="${crf}" --late-entry-reason="${RH_PAPER}"
  local cryo
  cryo="$(capture 'step (stp_[A-Za-z0-9_-]+) \(cryopreservation P2' "${OUT}")"
  need "cryopreservation step" "${cryo}"
  vials=()
  mapfile -t vials < <(sed -nE 's/^ *vial (itm_[A-Za-z0-9_-]+) at .*/\1/p' <<<"${OUT}")
  need "vial" "${vials[0]:-}"
  print_label "${vials[0]}" cryovial-1
  print_label "${vials[1]}" cryovial-2
  tom_verifies "${cryo}" "$(revision)"
}

ch_product() {
  step "Product harvest: P4's cells become the product lot (3e7 cells in 30 ml)"
  tina_signs product-harvest --source-step-id="${passage[4]}" --harvested-at="$(at "${product_at}")" \
    --harvested-cells=3e7 --viability=91 --volume-ml=30 --late-entry-reason="${RH_PAPER}"
  product="$(capture 'product lot (itm_[A-Za-z0-9_-]+) harvested' "${OUT}")"
  need "product lot" "${product}"
  local harvest_step
  harvest_step="$(capture 'step (stp_[A-Za-z0-9_-]+) \(product_harvest' "${OUT}")"
  tom_verifies "${harvest_step}" "$(revision)"
  echo "QA reads the batch record: every step, its counts, doublings and signatures"
  run_as "${quinn[@]}" manufacturing batch-show --batch-id="${batch}"
  run_as "${quinn[@]}" manufacturing growth-curve --batch-id="${batch}"
}

ch_pending() {
  step "Release tests, QA disposition, the dose, the infusion: not in this build yet"
  cat <<'EOF'
The cellchain CLI's qc, dose and clinical groups are still being written, so
the story cannot yet play, through the clients, the release tests and QA's
disposition, the patient's order, the dose of 1e7 cells in 20 ml prepared and
verified, pharmacy release, the bedside check by two clinicians, the infusion
at 2 ml/min over 10 minutes or the day 1-5 observations (the services exist in
cellchaind). The story goes on with what the clients do today.
EOF
}

# print_label ITEM NAME: Tina prints ITEM's label through the labels service
# to the file printer; the ZPL goes to $RH_LABELS/NAME.zpl.
print_label() {
  local item="$1" name="$2" before newest
  before="$(find "${RH_LABELS}/spool" -name 'job-*.zpl' | wc -l)"
  printf '$ %s station --target=%s --ca=ca.crt --cert=lab-ws-01.crt --key=lab-ws-01.key --session-file=sessions/tina print --item=%s --printer=127.0.0.1:%s --dpi=203\n' \
    "${STACK_BIN#"${STACK_ROOT}/"}/cellchain-label" "${STACK_LISTEN}" "${item}" "${RH_PRINTER_PORT}"
  label_station print --item="${item}" --printer="127.0.0.1:${RH_PRINTER_PORT}" --dpi=203 ||
    die "the label of ${item} was not printed"
  local i
  for ((i = 0; i < 50; i++)); do
    (($(find "${RH_LABELS}/spool" -name 'job-*.zpl' | wc -l) > before)) && break
    sleep 0.1
  done
  newest="$(find "${RH_LABELS}/spool" -name 'job-*.zpl' | sort | tail -n 1)"
  [[ -n "${newest}" ]] || die "the printer received no label"
  mv -- "${newest}" "${RH_LABELS}/${name}.zpl"
  echo "-> ${RH_LABELS#"${STACK_ROOT}/"}/${name}.zpl; applied, then scanned:"
  scan_label "${item}" "${RH_LABELS}/${name}.zpl" || die "the label of ${item} did not scan as its own"
}
# label_station ARGS...: cellchain-label station as Tina at lab-ws-01 (the
# CLI's session file: one login serves both).
label_station() {
  CELLCHAIN_SESSION_TOKEN="" timeout "${STACK_CLI_TIMEOUT:-30}" "${STACK_BIN}/cellchain-label" \
    station --target="${STACK_LISTEN}" --ca="${STACK_PKI}/ca.crt" \
    --cert="${STACK_PKI}/clients/lab-ws-01.crt" --key="${STACK_PKI}/clients/lab-ws-01.key" \
    --session-file="${STACK_SESSIONS}/tina" "$@"
}
# datamatrix ZPL_FILE: the data of the label's Data Matrix (^BX ... ^FD...^FS,
# ^FH's _XX hex escapes undone), what a 2-D scanner reads from it.
datamatrix() {
  awk 'BEGIN { RS = "\\^FS" } /\^BX/ { sub(/.*\^FD/, ""); print; exit }' "$1" |
    perl -pe 's/_([0-9A-Fa-f]{2})/chr(hex($1))/ge'
}
# scan_label ITEM ZPL_FILE: Tina scans the label she applied to ITEM; the
# station asks the labels service whether it is ITEM's. Exit 1: FAIL.
scan_label() {
  local data
  data="$(datamatrix "$2")"
  need "Data Matrix in $2" "${data}"
  printf '$ %s station ... verify --item=%s   (the scanner reads: %s)\n' \
    "${STACK_BIN#"${STACK_ROOT}/"}/cellchain-label" "$1" "${data}"
  label_station verify --item="$1" <<<"${data}"
}

# start_printer: the stand-in label printer, in the background until the
# story ends.
start_printer() {
  rm -rf -- "${RH_LABELS}"
  mkdir -p -- "${RH_LABELS}/spool"
  if (exec 3<>"/dev/tcp/127.0.0.1/${RH_PRINTER_PORT}") 2>/dev/null; then
    die "127.0.0.1:${RH_PRINTER_PORT} is taken; set LABEL_PRINTER_PORT"
  fi
  python3 "${rh_here}/file-printer.py" "${RH_PRINTER_PORT}" "${RH_LABELS}/spool" &
  RH_PRINTER_PID=$!
  local i
  for ((i = 0; i < 50; i++)); do
    (exec 3<>"/dev/tcp/127.0.0.1/${RH_PRINTER_PORT}") 2>/dev/null && return 0
    sleep 0.1
  done
  die "the stand-in label printer did not start"
}

ch_labels() {
  step "A label on the wrong vial is caught by its scan; the donation's labels reconciled"
  echo "(had vial 2's label been stuck on vial 1, the scan says so:)"
  local rc=0
  scan_label "${vials[0]}" "${RH_LABELS}/cryovial-2.zpl" || rc=$?
  ((rc == 1)) || die "another vial's label was not failed (exit ${rc})"
  echo "-> FAIL, as expected (exit 1), naming the vial the label belongs to"
  echo "(vial 1's own label, scanned again: the last scan of each label decides)"
  scan_label "${vials[0]}" "${RH_LABELS}/cryovial-1.zpl" || die "vial 1's own label failed"
  echo "The donation's labels, reconciled by DIN (printed, verified, voided, discrepancies):"
  printf '$ %s station ... reconcile --din=%s\n' \
    "${STACK_BIN#"${STACK_ROOT}/"}/cellchain-label" "${din}"
  label_station reconcile --din="${din}" || die "reconcile failed"
}

ch_custody() {
  step "Tina hands the product lot to Phil (pharmacy); his scan of the wrong item is refused"
  keep_as "${tina[@]}" custody handoff --item-id="${product}" --to-user="${STACK_PHARM_USER}" \
    --condition="cool box, 4 °C"
  local handoff
  handoff="$(capture 'handoff (hnd_[A-Za-z0-9_-]+)' "${OUT}")"
  need "handoff" "${handoff}"
  echo "(Phil scans a cryovial's label instead of the product lot's)"
  refused "${phil[@]}" SCAN_MISMATCH custody accept --handoff-id="${handoff}" --scan=- \
    <<<"$(datamatrix "${RH_LABELS}/cryovial-2.zpl")"
  # The product lot's tube carries its DIN (flags 00) and product code.
  local code scan
  code="$(cellchain_person "${quinn[@]}" custody show --item-id="${product}" |
    sed -nE 's/^ *product_code +(=<[A-Z0-9]+).*/\1/p')"
  scan="=${din}00${code}"
  echo "(now the product lot's tube: ${scan})"
  show "${phil[@]}" custody accept --handoff-id="${handoff}" --scan=-
  cellchain_person "${phil[@]}" custody accept --handoff-id="${handoff}" --scan=- <<<"${scan}" ||
    die "the right scan was refused"
}

ch_trace() {
  step "QA traces the product lot backward: donor, materials, equipment, operators"
  run_as "${quinn[@]}" custody trace --direction=backward --item-id="${product}"
}

ch_audit() {
  step "QA verifies the audit trail and exports the donation's records for an inspector"
  run_as "${quinn[@]}" audit verify
  rm -rf -- "${RH_BUNDLE}"
  run_as "${quinn[@]}" audit export --din="${din}" --out="${RH_BUNDLE}"
  echo "Offline (no server, no database), against what QA kept: the record-signing keyring,"
  echo "and the log's key saved with the checkpoint before the story:"
  local keyring="${STACK_PKI}/signing/keyring"
  local saved="${RH_OUT}/checkpoint-before.txt" vkey
  vkey="$(sed -n 's/^vkey //p' "${saved}")"
  need "verifier key in ${saved}" "${vkey}"
  printf '$ %s bundle --vkey %s --keyring %s %s\n' \
    "${STACK_BIN#"${STACK_ROOT}/"}/cellchain-verify" "${vkey}" \
    "${keyring#"${STACK_ROOT}/"}" "${RH_BUNDLE#"${STACK_ROOT}/"}"
  # Not --since: that rebuilds the saved checkpoint, which needs the whole
  # log; this bundle is one donation's records.
  "${STACK_BIN}/cellchain-verify" bundle --vkey "${vkey}" --keyring "${keyring}" "${RH_BUNDLE}" ||
    die "the exported bundle does not verify offline"
}

ch_summary() {
  step "What the story did, and where its outputs are"
  cat <<EOF
  donor        ${donor}: consent, 12 screening tests, eligible (QA signed)
  cord lot     ${cord} (DIN ${din:-?}), received, released by QA
  batch        ${batch}: P0 (processing) and P1-P4, every step signed by Tina
               and verified by Tom; a master bank of 2 vials from P2
  product lot  ${product}: 3e7 cells in 30 ml, waiting for QC (QC_PENDING),
               handed to pharmacy with a scan
  refusals     MATERIAL_NOT_RELEASED, FOUR_EYES_SAME_PERSON, IMPLAUSIBLE_GROWTH,
               SCAN_MISMATCH
  labels       ${RH_LABELS}/*.zpl (P1-P4 flasks, 2 cryovials: the ZPL the
               printer received)
  bundle       ${RH_BUNDLE} (verified offline by cellchain-verify)
  logs         ${STACK_LOG}
  not yet      release tests, the dose, the infusion (see above)
EOF
}

regenheart_cleanup() {
  if [[ -n "${RH_PRINTER_PID}" ]]; then
    kill "${RH_PRINTER_PID}" 2>/dev/null || true
    wait "${RH_PRINTER_PID}" 2>/dev/null || true
  fi
  rmdir -- "${RH_LABELS}/spool" 2>/dev/null || true
}

regenheart_story() {
  trap regenheart_cleanup EXIT
  mkdir -p -- "${RH_OUT}" "${STACK_SESSIONS}"
  start_printer
  local ch
  for ch in ch_people ch_donor ch_cord ch_materials ch_equipment ch_processing ch_passages \
    ch_cryobank ch_product ch_pending ch_labels ch_custody ch_trace ch_audit ch_summary; do
    "${ch}"
  done
  regenheart_cleanup
  RH_PRINTER_PID=""
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  case "${1:-}" in
    "") ;;
    -h | --help)
      echo "usage: deploy/local/regenheart.sh   (the stack must be up: deploy/local/stack.sh up)"
      exit 0
      ;;
    *)
      echo "usage: deploy/local/regenheart.sh" >&2
      exit 2
      ;;
  esac
  "${STACK_DIR}/stack.sh" status >/dev/null || die "the stack is not up: deploy/local/stack.sh up"
  regenheart_story
  printf '\nThe stack is still running. Stop it with: deploy/local/stack.sh down\n'
fi
