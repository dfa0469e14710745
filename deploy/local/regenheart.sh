#!/usr/bin/env bash
# The RegenHeart story, played through the real clients (cellchain,
# cellchain-label, cellchain-verify) against the local stack: a birth
# mother's cord becomes a lot of umbilical-cord MSCs, released by QA after
# its tests, and one patient's dose, released by the pharmacy and checked at
# the cath lab's bedside; every step signed, checked by a second person,
# labelled and traced, and the audit trail verified online and offline.
# The release tests and the dose need the CLI's qc and dose groups: without
# them the story stops at the product lot and says so.
#
# The lab's weeks are replayed from its records: the cord was collected
# $RH_DAYS_AGO days ago (default 40) and every step is entered at the time it
# happened, each late entry with its reason, as GMP has a paper batch record
# transcribed. Real times are needed: a passage's cells may not double faster
# than every 15 h (IMPLAUSIBLE_GROWTH). The dose, its release and the bedside
# check take the server's clock: they happen now. The local stack is a
# training stack (cellchaind --training-clock, docs/decisions/
# 0017-training-clock.md): what takes real time afterwards is played by the
# administrator moving its clock forward, each move audited — past the
# infusion's 10 minutes, then a day at a time for the observations of days
# 2-5, and past the 6 hours after which a second dose, prepared and left
# unreleased, expires (DOSE_EXPIRED).
#
# demo.sh sources this file and calls regenheart_story after its own steps;
# run alone (deploy/local/regenheart.sh) it plays the story on a running
# stack (deploy/local/stack.sh up). Each run makes a new donor, batch and
# lots, so it can be played again on the same stack.
#
# Outputs: deploy/local/state/regenheart/ (labels/*.zpl and *.png, the
# certificate of analysis, bundle/, QA's saved checkpoint). Not thread-safe: one story at a
# time per stack (the printer's port, the session files).
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
RH_COLLECTED=$(($(date -u +%s) - ${RH_DAYS_AGO:-40} * 86400))

# at HOURS: RFC 3339 (UTC) HOURS after the cord's collection (may be < 0).
at() {
  date -u -d "@$((RH_COLLECTED + $1 * 3600))" +%FT%TZ
}
# day DAYS: the date DAYS from today (UTC).
day() {
  date -u -d "@$(($(date -u +%s) + $1 * 86400))" +%F
}
# server_now: the server's time (Unix seconds), which on the training stack
# is ahead of this machine's by the offset its clock was advanced by.
server_now() {
  local shown
  shown="$(cellchain_person ada clients/admin-cli system clock)" || die "system clock failed"
  shown="$(capture 'server time ([0-9TZ:-]+)' "${shown}")"
  need "server time" "${shown}"
  date -u -d "${shown}" +%s
}
# rfc3339 SECONDS: Unix seconds as RFC 3339 (UTC).
rfc3339() {
  date -u -d "@$1" +%FT%TZ
}
# advance BY REASON: Ada moves the training clock forward (audited), then
# shows it. She logs in first: a move of hours or days ends every session.
advance() {
  login_as ada clients/admin-cli "${STACK_ADMIN_USER}" "${STACK_ADMIN_PASSWORD}"
  run_as ada clients/admin-cli system clock-advance --by="$1" --reason="$2"
}
# relogin NAME...: the people named log in again at their workstations (their
# sessions ended while the clock moved).
relogin() {
  local name
  for name in "$@"; do
    case "${name}" in
      tina) login_as tina clients/lab-ws-01 "${STACK_TECH_USER}" "${STACK_TECH_PASSWORD}" ;;
      tom) login_as tom clients/lab-ws-01 "${STACK_TECH2_USER}" "${STACK_TECH2_PASSWORD}" ;;
      quinn) login_as quinn clients/qa-ws-01 "${STACK_QA_USER}" "${STACK_QA_PASSWORD}" ;;
      phil) login_as phil clients/pharmacy-ws-01 "${STACK_PHARM_USER}" "${STACK_PHARM_PASSWORD}" ;;
      cleo) login_as cleo clients/clinic-ws-01 "${STACK_CLIN1_USER}" "${STACK_CLIN1_PASSWORD}" ;;
      *) die "relogin: who is ${name}?" ;;
    esac
  done
}

# What the story makes: material and equipment ids by lot and asset tag,
# passage steps by number.
declare -A mat=() eqp=()
passage=()

# The people of the story: session file name, workstation.
tina=(tina clients/lab-ws-01)
tom=(tom clients/lab-ws-01)
cleo=(cleo clients/clinic-ws-01)
otto=(otto clients/lab-ws-01)
ana=(ana clients/lab-ws-01)
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
The dose, its release and the bedside check happen now, by the server's clock.
Each command is shown before it runs; ids are read from the answers.
EOF
  step "The people, each with their roles, log in at their workstations"
  login_as ada clients/admin-cli "${STACK_ADMIN_USER}" "${STACK_ADMIN_PASSWORD}"
  run_as ada clients/admin-cli user list
  login_as tina clients/lab-ws-01 "${STACK_TECH_USER}" "${STACK_TECH_PASSWORD}"
  login_as tom clients/lab-ws-01 "${STACK_TECH2_USER}" "${STACK_TECH2_PASSWORD}"
  login_as otto clients/lab-ws-01 "${STACK_QC_USER}" "${STACK_QC_PASSWORD}"
  login_as ana clients/lab-ws-01 "${STACK_QC2_USER}" "${STACK_QC2_PASSWORD}"
  login_as quinn clients/qa-ws-01 "${STACK_QA_USER}" "${STACK_QA_PASSWORD}"
  login_as phil clients/pharmacy-ws-01 "${STACK_PHARM_USER}" "${STACK_PHARM_PASSWORD}"
  login_as cleo clients/clinic-ws-01 "${STACK_CLIN1_USER}" "${STACK_CLIN1_PASSWORD}"
  # Dr. Carl co-signs at Dr. Cleo's bedside workstation with his password;
  # his own session is for his own work.
  login_as carl clients/clinic-ws-01 "${STACK_CLIN2_USER}" "${STACK_CLIN2_PASSWORD}"
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
    "heparin|heparin sodium 5000 IU/ml|HE-118" "saline|0.9 % sodium chloride|NS-904" \
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
  heparin="${mat[HE-118]}" saline="${mat[NS-904]}"
  for m in "${medium}" "${lysate}" "${enzyme}" "${dmso}" "${heparin}" "${saline}"; do
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

# has_command GROUP COMMAND: this cellchain has the command (its --help
# names it; an unknown one prints the general usage).
has_command() {
  "${STACK_CLI}" "$@" --help 2>/dev/null | head -n 1 | grep -q "^Usage: cellchain $* "
}
# The qc, dose and clinical chapters need all three groups: a dose is made
# only from a lot QA released, and only an issued dose reaches the cath lab.
whole_story() {
  has_command qc lot-open && has_command dose prepare && has_command clinical infuse
}

ch_qc() {
  step "Release tests: QA approves the specification, Otto enters the results, Ana reviews them"
  keep_as "${quinn[@]}" qc spec-create --spec-name="RH-RELEASE" --product="UC-MSC, RegenHeart" \
    --use-default
  local spec
  spec="$(capture '(spc_[A-Za-z0-9_-]+)' "${OUT}")"
  need "specification" "${spec}"
  quinn_signs qc spec-approve --spec-id="${spec}"
  keep_as "${otto[@]}" qc lot-open --batch-id="${batch}" --spec-name="RH-RELEASE"
  qc_lot="$(capture '(qcl_[A-Za-z0-9_-]+)' "${OUT}")"
  need "QC lot" "${qc_lot}"
  local -a tests=(VIABILITY CD73 CD90 CD105 CD34 CD45 CD14_CD11B CD19_CD79A HLA_DR STERILITY
    MYCOPLASMA ENDOTOXIN KARYOTYPE VIABLE_CELL_COUNT)
  local joined
  joined="$(IFS=,; echo "${tests[*]}")"
  keep_as "${tina[@]}" qc sample-draw --batch-id="${batch}" --tests="${joined}" \
    --drawn-at="$(at $((product_at + 1)))" --description="5 ml of the product lot"
  local sample
  sample="$(capture '(smp_[A-Za-z0-9_-]+)' "${OUT}")"
  need "sample" "${sample}"
  local code value unit result tested=$((product_at + 24))
  for code in "${tests[@]}"; do
    case "${code}" in
      VIABILITY) value=91.0 unit=% ;;
      CD73 | CD90 | CD105) value=98.7 unit=% ;;
      STERILITY) value="no growth" unit="" ;;
      MYCOPLASMA) value="not detected" unit="" ;;
      ENDOTOXIN) value=0.12 unit="[EU]/mL" ;;
      KARYOTYPE) value=normal unit="" ;;
      VIABLE_CELL_COUNT) value=3.0E7 unit=cells ;;
      *) value=0.6 unit=% ;;
    esac
    # Sterility's culture reads after 14 days.
    [[ "${code}" == STERILITY ]] && tested=$((product_at + 14 * 24))
    signed "${otto[@]}" "${STACK_QC_PASSWORD}" qc result-enter --sample-id="${sample}" \
      --test="${code}" --value="${value}" ${unit:+--unit="${unit}"} --tested-at="$(at "${tested}")" \
      --instrument="QC lab"
    result="$(capture '(res_[A-Za-z0-9_-]+)' "${OUT}")"
    need "result" "${result}"
    signed "${ana[@]}" "${STACK_QC2_PASSWORD}" qc result-review --result-id="${result}"
  done
  step "QA releases the lot (signed), every gate shown; the certificate of analysis"
  quinn_signs qc dispose --lot-id="${qc_lot}" --disposition=released
  run_as "${otto[@]}" qc certificate --lot-id="${qc_lot}" --out="${RH_OUT}/certificate-of-analysis.pdf"
}

# The patient, as the order sheet and the wristband give them.
RH_SUBJECT="RH-$$"
RH_DOB="1961-04-12"
RH_INITIALS="JD"

ch_order() {
  step "The patient: Phil registers the trial subject, Dr. Cleo orders one dose"
  echo "(name and record number are piped in and stored sealed)"
  show "${phil[@]}" dose patient-register --subject-id="${RH_SUBJECT}" \
    --date-of-birth="${RH_DOB}" --initials="${RH_INITIALS}" --identifying-stdin
  cellchain_person "${phil[@]}" dose patient-register --subject-id="${RH_SUBJECT}" \
    --date-of-birth="${RH_DOB}" --initials="${RH_INITIALS}" --identifying-stdin \
    <<<$'name=John Doe\nmrn=MRN-0017' || die "patient-register failed"
  keep_as "${cleo[@]}" dose order-create --subject-id="${RH_SUBJECT}" --heparin-iu-per-ml=100 \
    --planned-infusion-at="$(rfc3339 $(($(server_now) + 7200)))" \
    --prescriber="Dr. Cleo Clinician" --cells=1e7 --volume-ml=20
  order="$(capture '(ord_[A-Za-z0-9_-]+)' "${OUT}")"
  need "order" "${order}"
}

ch_dose() {
  step "The dose, 1x10^7 cells in 20 ml: Tina prepares and counts it, Tom verifies it"
  echo "What the product lot's count (1e6 cells/ml, 91 % viable) gives:"
  run_as "${tina[@]}" dose calculate --cells-per-ml=1e6 --viability=91 --cells=1e7 --volume-ml=20
  prepare_dose "${order}" dose-bag
  dose="${prepared_dose}" bag="${prepared_bag}"
}

# prepare_dose ORDER LABEL: Tina prepares ORDER's dose of 1e7 cells in 20 ml
# from the QC lot and counts the bag, Tom verifies it, and its label is
# printed as $RH_LABELS/LABEL and scanned; the dose and its bag in
# $prepared_dose and $prepared_bag.
prepare_dose() {
  signed "${tina[@]}" "${STACK_TECH_PASSWORD}" dose prepare --order-id="$1" \
    --lot-id="${qc_lot}" --cells-per-ml=1e6 --viability=91 --heparin="${heparin}" \
    --saline="${saline}"
  prepared_dose="$(capture '(dos_[A-Za-z0-9_-]+)' "${OUT}")"
  prepared_bag="$(capture '^ *bag +(itm_[A-Za-z0-9_-]+)' "${OUT}")"
  need "dose" "${prepared_dose}"
  need "dose bag" "${prepared_bag}"
  echo "The bag's own count: 5.2e5 cells/ml, 96 % viable, in 20 ml"
  signed "${tina[@]}" "${STACK_TECH_PASSWORD}" dose post-count --dose-id="${prepared_dose}" \
    --cells-per-ml=5.2e5 --viability=96
  signed "${tom[@]}" "${STACK_TECH2_PASSWORD}" dose verify --dose-id="${prepared_dose}"
  echo "The bag's label, printed through the labels service and scanned:"
  print_label "${prepared_bag}" "$2"
}

ch_to_pharmacy() {
  step "Tina hands the bag to Phil (pharmacy); his scan of the wrong label is refused"
  keep_as "${tina[@]}" custody handoff --item-id="${bag}" --to-user="${STACK_PHARM_USER}" \
    --condition="cool box, 2-8 °C"
  local handoff
  handoff="$(capture 'handoff (hnd_[A-Za-z0-9_-]+)' "${OUT}")"
  need "handoff" "${handoff}"
  echo "(Phil scans a cryovial's label instead of the bag's)"
  refused "${phil[@]}" SCAN_MISMATCH custody accept --handoff-id="${handoff}" --scan=- \
    <<<"$(datamatrix "${RH_LABELS}/cryovial-2.zpl")"
  echo "(now the bag's label)"
  run_as "${phil[@]}" custody accept --handoff-id="${handoff}" --scan=- \
    <<<"$(datamatrix "${RH_LABELS}/dose-bag.zpl")"
}

ch_release() {
  step "Phil releases the dose for this patient: the bag's label scanned, every gate shown"
  local scan
  scan="$(datamatrix "${RH_LABELS}/dose-bag.zpl")"
  echo "(the scanner reads the bag's label: ${scan}; the order and the patient are read from the"
  echo " order sheet: the service finds the order's dose and checks the bag is it)"
  show "${phil[@]}" dose release --order-id="${order}" --scan=- --subject-id="${RH_SUBJECT}" \
    --date-of-birth="${RH_DOB}" --initials="${RH_INITIALS}" --password-stdin
  OUT="$(cellchain_person "${phil[@]}" dose release --order-id="${order}" --scan=- \
    --subject-id="${RH_SUBJECT}" --date-of-birth="${RH_DOB}" --initials="${RH_INITIALS}" \
    --password-stdin <<<"${scan}"$'\n'"${STACK_PHARM_PASSWORD}")" || {
    printf '%s\n' "${OUT}"
    die "the release was refused"
  }
  printf '%s\n' "${OUT}"
}

ch_cathlab() {
  step "To the cath lab: Phil issues the dose to Dr. Cleo, who receives it by scanning the bag"
  run_as "${phil[@]}" dose issue --dose-id="${dose}" --to-user="${STACK_CLIN1_USER}" \
    --condition="cool box, 2-8 °C"
  echo "(Dr. Cleo scans the bag's label)"
  keep_as "${cleo[@]}" clinical receive --dose-id="${dose}" --scan=- \
    <<<"$(datamatrix "${RH_LABELS}/dose-bag.zpl")"
  infusion="$(capture '(inf_[A-Za-z0-9_-]+)' "${OUT}")"
  need "infusion" "${infusion}"
}

# bedside DOB INITIALS: Dr. Cleo's and Dr. Carl's bedside check, each
# scanning the bag and reading the wristband; both passwords on stdin.
bedside_args() {
  local scan
  scan="$(datamatrix "${RH_LABELS}/dose-bag.zpl")"
  printf '%s\n' clinical bedside-check --infusion-id="${infusion}" --label-scan="${scan}" \
    --date-of-birth="$1" --initials="$2" --second-clinician="${STACK_CLIN2_USER}" \
    --second-label-scan="${scan}" --second-date-of-birth="$1" --second-initials="$2" \
    --password-stdin
}

ch_bedside() {
  step "Bedside check by two clinicians: the wrong patient is refused, the right one passes"
  local -a args
  echo "(the patient in the next bed: born 1958-09-30, initials MK)"
  mapfile -t args < <(bedside_args 1958-09-30 MK)
  refused "${cleo[@]}" WRONG_PATIENT "${args[@]}" \
    <<<"${STACK_CLIN1_PASSWORD}"$'\n'"${STACK_CLIN2_PASSWORD}"
  echo "(RegenHeart's patient: the wristband reads ${RH_DOB}, ${RH_INITIALS})"
  mapfile -t args < <(bedside_args "${RH_DOB}" "${RH_INITIALS}")
  show "${cleo[@]}" "${args[@]}"
  OUT="$(cellchain_person "${cleo[@]}" "${args[@]}" \
    <<<"${STACK_CLIN1_PASSWORD}"$'\n'"${STACK_CLIN2_PASSWORD}")" || {
    printf '%s\n' "${OUT}"
    die "the bedside check was refused"
  }
  printf '%s\n' "${OUT}"
  bedside_at="$(server_now)"
}

ch_infusion() {
  step "The infusion: 20 ml at 2 ml/min over 10 minutes, and day 1 of the observation"
  echo "(the training clock shows how far it is ahead of real time:)"
  run_as ada clients/admin-cli system clock
  local start=$((bedside_at + 30))
  # Day 1 of the observation is the infusion's calendar day (UTC): an
  # infusion that would run past midnight starts just after it instead, so
  # that the observation at its end is day 1's.
  local midnight=$(((start / 86400 + 1) * 86400))
  if ((start + 600 >= midnight)); then
    start=$((midnight + 30))
    echo "(the bedside check was just before midnight: the infusion starts 30 s after it)"
  else
    echo "(the infusion starts 30 s after the bedside check)"
  fi
  infusion_end=$((start + 600))
  echo "(it runs 10 minutes: Ada moves the training stack's clock past it rather than the"
  echo " story waiting)"
  # Whole minutes, past the infusion's end by one at least.
  advance "$(((infusion_end + 119 - $(server_now)) / 60))m" \
    "the RegenHeart infusion: 20 ml at 2 ml/min over 10 minutes"
  relogin cleo
  signed "${cleo[@]}" "${STACK_CLIN1_PASSWORD}" clinical infuse --infusion-id="${infusion}" \
    --started-at="$(rfc3339 "${start}")" --ended-at="$(rfc3339 "${infusion_end}")" \
    --volume-ml=20 --artery=left_anterior_descending --catheter-fr=6
  signed "${cleo[@]}" "${STACK_CLIN1_PASSWORD}" clinical observe --infusion-id="${infusion}" \
    --day=1 --observed-at="$(rfc3339 "${infusion_end}")"
}

ch_expired() {
  step "A second dose for the same patient, left unreleased past its 6 hours: the release is refused"
  echo "(Tina and Tom log in again: the clock moved past their idle time)"
  relogin tina tom
  keep_as "${cleo[@]}" dose order-create --subject-id="${RH_SUBJECT}" --heparin-iu-per-ml=100 \
    --planned-infusion-at="$(rfc3339 $(($(server_now) + 3600)))" \
    --prescriber="Dr. Cleo Clinician" --cells=1e7 --volume-ml=20
  order2="$(capture '(ord_[A-Za-z0-9_-]+)' "${OUT}")"
  need "second order" "${order2}"
  prepare_dose "${order2}" dose-bag-2
  dose2="${prepared_dose}"
  echo "(the bag waits in the pharmacy; a dose expires 6 hours after its preparation)"
  advance 7h "the second dose waits past its 6-hour expiry"
  relogin phil
  local scan
  scan="$(datamatrix "${RH_LABELS}/dose-bag-2.zpl")"
  echo "(Phil scans the second bag's label and reads the order sheet: every other gate passes)"
  refused "${phil[@]}" DOSE_EXPIRED dose release --order-id="${order2}" --scan=- \
    --subject-id="${RH_SUBJECT}" --date-of-birth="${RH_DOB}" --initials="${RH_INITIALS}" \
    --password-stdin <<<"${scan}"$'\n'"${STACK_PHARM_PASSWORD}"
}

ch_observation() {
  step "Days 2-5 of the observation: the clock moves a day at a time"
  local d
  for d in 2 3 4 5; do
    advance 1d "RegenHeart observation: day ${d}"
    relogin cleo
    signed "${cleo[@]}" "${STACK_CLIN1_PASSWORD}" clinical observe --infusion-id="${infusion}" \
      --day="${d}" --observed-at="$(rfc3339 $((infusion_end + (d - 1) * 86400)))"
  done
  run_as "${cleo[@]}" clinical record --subject-id="${RH_SUBJECT}"
  echo "(the story's other people log in again: their sessions ended days ago)"
  relogin tina quinn
}

ch_pending() {
  step "Release tests, QA disposition, the dose, the infusion: not in this build yet"
  local missing=() g
  for g in "qc lot-open" "dose prepare" "clinical infuse"; do
    # shellcheck disable=SC2086  # "group command", split on purpose
    has_command ${g} || missing+=("${g%% *}")
  done
  cat <<EOF
This cellchain has no ${missing[*]} command group yet (being written), so the
story cannot play, through the clients, the release tests and QA's
disposition, the patient's order, the dose of 1e7 cells in 20 ml prepared and
verified, pharmacy release, the bedside check by two clinicians, the infusion
at 2 ml/min over 10 minutes or the day 1-5 observations (the services exist in
cellchaind). The story goes on with what the clients do today.
EOF
}

# print_label ITEM NAME: Tina prints ITEM's label through the labels service
# to the file printer, the station saving the PNG of the very label it sent:
# $RH_LABELS/NAME.zpl is what the printer received, NAME.png the same label
# at one pixel per printer dot. She applies it and scans it (scan_label).
print_label() {
  local item="$1" name="$2" before newest
  local png="${RH_LABELS}/${name}.png"
  before="$(find "${RH_LABELS}/spool" -name 'job-*.zpl' | wc -l)"
  printf '$ %s station --target=%s --ca=ca.crt --cert=lab-ws-01.crt --key=lab-ws-01.key --session-file=sessions/tina print --item=%s --printer=127.0.0.1:%s --dpi=203 --png=%s\n' \
    "${STACK_BIN#"${STACK_ROOT}/"}/cellchain-label" "${STACK_LISTEN}" "${item}" "${RH_PRINTER_PORT}" \
    "${png#"${STACK_ROOT}/"}"
  label_station print --item="${item}" --printer="127.0.0.1:${RH_PRINTER_PORT}" --dpi=203 \
    --png="${png}" || die "the label of ${item} was not printed"
  local i
  for ((i = 0; i < 50; i++)); do
    (($(find "${RH_LABELS}/spool" -name 'job-*.zpl' | wc -l) > before)) && break
    sleep 0.1
  done
  newest="$(find "${RH_LABELS}/spool" -name 'job-*.zpl' | sort | tail -n 1)"
  [[ -n "${newest}" ]] || die "the printer received no label"
  mv -- "${newest}" "${RH_LABELS}/${name}.zpl"
  echo "-> ${RH_LABELS#"${STACK_ROOT}/"}/${name}.zpl and ${name}.png; applied, then scanned:"
  scan_label "${item}" "${png}" || die "the label of ${item} did not scan as its own"
}
# label_station ARGS...: cellchain-label station as Tina at lab-ws-01 (the
# CLI's session file: one login serves both).
label_station() {
  CELLCHAIN_SESSION_TOKEN="" timeout "${STACK_CLI_TIMEOUT:-30}" "${STACK_BIN}/cellchain-label" \
    station --target="${STACK_LISTEN}" --ca="${STACK_PKI}/ca.crt" \
    --cert="${STACK_PKI}/clients/lab-ws-01.crt" --key="${STACK_PKI}/clients/lab-ws-01.key" \
    --session-file="${STACK_SESSIONS}/tina" "$@"
}
# label_png LABEL_FILE: the PNG of a printed label, given as NAME.png or as
# NAME.zpl (the ZPL the printer received; print_label saves both).
label_png() {
  local png="${1%.zpl}"
  png="${png%.png}.png"
  [[ -s "${png}" ]] || die "no label image ${png}"
  printf '%s\n' "${png}"
}
# datamatrix LABEL_FILE: what a 2-D scanner reads off the label's Data
# Matrix, decoded from its PNG by dmtxread (dmtx-utils; zbar cannot read
# Data Matrix). Fails when none is found.
datamatrix() {
  local png
  png="$(label_png "$1")"
  dmtxread --stop-after=1 --milliseconds=20000 "${png}" ||
    die "dmtxread found no Data Matrix in ${png}"
}
# linear_codes LABEL_FILE: what a linear scanner reads off the label's Code
# 128 symbols, decoded from its PNG by zbarimg (zbar-tools), on one line as
# a scanner in ISBT 128 concatenation mode sends them; "" when the label has
# none (a cryovial's Data Matrix carries everything).
linear_codes() {
  local png codes rc=0
  png="$(label_png "$1")"
  codes="$(zbarimg --quiet --raw --nodbus -Sdisable -Scode128.enable "${png}")" || rc=$?
  # 4: no bar code in the image.
  ((rc == 0 || rc == 4)) || die "zbarimg could not read ${png} (exit ${rc})"
  printf '%s' "${codes//$'\n'/}"
}
# scan_label ITEM LABEL_FILE: Tina scans the label she applied to ITEM, its
# Data Matrix and then its linear codes (if it has any), each decoded from
# the label's PNG; the station asks the labels service whether each scan is
# ITEM's label. Exit 1: a scan FAILed.
scan_label() {
  local matrix linear
  matrix="$(datamatrix "$2")"
  need "Data Matrix in $2" "${matrix}"
  linear="$(linear_codes "$2")"
  printf '$ %s station ... verify --item=%s   (the scanner reads: %s%s)\n' \
    "${STACK_BIN#"${STACK_ROOT}/"}/cellchain-label" "$1" "${matrix}" \
    "${linear:+, then the linear codes: ${linear}}"
  label_station verify --item="$1" <<<"${matrix}${linear:+$'\n'${linear}}"
}

# start_printer: the stand-in label printer, in the background until the
# story ends; first makes sure the labels can be scanned off their PNGs.
start_printer() {
  local tool
  for tool in zbarimg dmtxread; do
    command -v "${tool}" >/dev/null ||
      die "${tool} is missing: deploy/local/install-deps.sh installs it (zbar-tools, dmtx-utils)"
  done
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
  scan_label "${vials[0]}" "${RH_LABELS}/cryovial-2.png" || rc=$?
  ((rc == 1)) || die "another vial's label was not failed (exit ${rc})"
  echo "-> FAIL, as expected (exit 1), naming the vial the label belongs to"
  echo "(vial 1's own label, scanned again: the last scan of each label decides)"
  scan_label "${vials[0]}" "${RH_LABELS}/cryovial-1.png" || die "vial 1's own label failed"
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
  if [[ -n "${bag:-}" ]]; then
    step "QA traces the dose backward: patient, lot, passages, donor, materials, equipment, operators"
    run_as "${quinn[@]}" custody trace --direction=backward --item-id="${bag}"
  else
    step "QA traces the product lot backward: donor, materials, equipment, operators"
    run_as "${quinn[@]}" custody trace --direction=backward --item-id="${product}"
  fi
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
  product lot  ${product}: 3e7 cells in 30 ml
EOF
  if [[ -n "${bag:-}" ]]; then
    cat <<EOF
  release      QC lot ${qc_lot}: 14 tests entered by Otto, reviewed by Ana,
               released by QA; certificate ${RH_OUT}/certificate-of-analysis.pdf
  dose         ${dose} (bag ${bag}) for ${RH_SUBJECT}: 1e7 cells in 20 ml,
               counted, verified, released by Phil, received at the cath lab,
               bedside-checked, infused at 2 ml/min over 10 min; days 1-5 observed
  clock        the training clock advanced past the infusion, 7 h and 4 x 1 day by Ada,
               each advance an audit record (training_clock.advance)
  refusals     MATERIAL_NOT_RELEASED, FOUR_EYES_SAME_PERSON, IMPLAUSIBLE_GROWTH,
               SCAN_MISMATCH, WRONG_PATIENT, DOSE_EXPIRED (dose ${dose2} of a
               second order), a wrong vial's label (FAIL)
EOF
  else
    cat <<EOF
               waiting for QC, handed to pharmacy with a scan
  refusals     MATERIAL_NOT_RELEASED, FOUR_EYES_SAME_PERSON, IMPLAUSIBLE_GROWTH,
               a wrong vial's label (FAIL), SCAN_MISMATCH
  not yet      release tests, the dose, the infusion (see above)
EOF
  fi
  cat <<EOF
  labels       ${RH_LABELS}/*.zpl and *.png (the ZPL the printer received and
               the same label as an image, each decoded and scanned)
  bundle       ${RH_BUNDLE} (verified offline by cellchain-verify)
  logs         ${STACK_LOG}
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
  local -a chapters=(ch_people ch_donor ch_cord ch_materials ch_equipment ch_processing
    ch_passages ch_cryobank ch_product)
  if whole_story; then
    chapters+=(ch_qc ch_order ch_dose ch_to_pharmacy ch_release ch_cathlab ch_bedside ch_infusion
      ch_expired ch_observation ch_labels)
  else
    chapters+=(ch_pending ch_labels ch_custody)
  fi
  chapters+=(ch_trace ch_audit ch_summary)
  for ch in "${chapters[@]}"; do
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
  echo
  web_console_where
  printf '\nThe stack is still running. Stop it with: deploy/local/stack.sh down\n'
fi
