#include "clients/cli/legacy_flags.h"

#include <cstdint>

namespace cellchain::cli {

void DeclareLegacyFlags(config::Loader& loader, Options& o) {
  loader.String(
      "din", &o.din,
      "custody register: the item's DIN; donor lot/lots: the lot's DIN.");
  loader.String("from", &o.from,
                "donor lots: received at or after (RFC 3339).");
  loader.String("before", &o.before, "donor lots: received before (RFC 3339).");
  loader.Int64("page-size", &o.page_size, 1, 1000,
               "donor lots: lots per page.");
  loader.String("reason", &o.reason, "Why the change is made (audited).");
  loader.Bool("password-stdin", &o.password_stdin,
              "Read the signing password from stdin (one line) instead of\n"
              "prompting at the terminal.");
  loader.String("password-env", &o.password_env,
                "Read the password from this environment variable (its "
                "name,\nnot the password).");
  loader.String(
      "item-id", &o.item_id,
      "custody: the item; manufacturing thaw: the vial (itm_..., its\n"
      "local code or its DIN).");
  loader.String("type", &o.item_type,
                "custody register: donor_lot, tissue_container, "
                "culture_vessel,\ncryovial, qc_sample, dose_bag, reagent_lot, "
                "equipment, product_lot.");
  loader.String("local-code", &o.local_code,
                "custody register: a local barcode (items without a DIN).");
  loader.String("product-code", &o.product_code,
                "custody register: ISBT 128 data structure 003 (=<...).");
  loader.String("expiration", &o.expiration,
                "custody register: ISBT 128 data structure 005 (&>...).");
  loader.String("chain-of-identity", &o.chain_of_identity,
                "custody register: ISBT 128 data structure 040.");
  loader.String("description", &o.description,
                "custody register, manufacturing deviation-record: free "
                "text.");
  loader.List("parents", &o.parents,
              "custody register/link: ITEM_ID:KIND,... (kinds: aliquot, "
              "split,\npool, passage, thaw, formulation, processing,\n"
              "cryopreservation, harvest, sample, material, equipment).");
  loader.String(
      "location-id", &o.location_id,
      "custody, donor receive, manufacturing: a location, loc_... or\n"
      "its path of names in any case (FRZ-01/R2/B3/A1, \"Culture "
      "room\").");
  loader.String("patient-id", &o.patient_id,
                "custody register/end: the trial subject (e.g. RH-017).");
  loader.String("to-user", &o.to_user, "custody handoff: the recipient.");
  loader.String("to-location", &o.to_location,
                "custody handoff: the destination location (loc_... or its "
                "path).");
  loader.String("carrier", &o.carrier,
                "custody handoff: who carries it (default: you).");
  loader.String("condition", &o.condition,
                "custody handoff/accept: the item's condition.");
  loader.Bool("seal-broken", &o.seal_broken,
              "custody handoff/accept: the seal is NOT intact (accept: the\n"
              "item goes on hold).");
  loader.String("scan", &o.scan,
                "custody accept/find: what the scanner read; - reads one "
                "line\nfrom stdin (keyboard-wedge scanner).");
  loader.String("handoff-id", &o.handoff_id, "custody accept/cancel-handoff.");
  loader.String("hold-id", &o.hold_id, "custody release-hold: the hold.");
  loader.String("outcome", &o.outcome,
                "custody end: consumed, infused or discarded.");
  loader.String("fin", &o.fin,
                "custody din: the Facility Identification Number.");
  loader.String("kind", &o.kind,
                "custody location-add: site, room, freezer, rack, box, "
                "position;\nmanufacturing material-*/equipment-*: the "
                "material or equipment kind.");
  loader.String("name", &o.name,
                "custody location-add; manufacturing material-receive/\n"
                "equipment-register: the name.");
  loader.String("parent-location", &o.parent_location,
                "custody location-add/locations: the enclosing location "
                "(loc_...\nor its path).");
  loader.String("grid", &o.grid,
                "custody location-add --kind=box: ROWSxCOLUMNS (9x9), its\n"
                "positions created with it, named A1, A2, ... I9.");
  loader.String("logger-id", &o.logger_id,
                "custody temperatures: the data logger.");
  loader.List("readings", &o.readings,
              "custody temperatures: TIME=CELSIUS,... (RFC 3339 times).");
  loader.String("min-celsius", &o.min_celsius,
                "custody set-limits; donor receive: lowest transport "
                "reading.");
  loader.String("max-celsius", &o.max_celsius,
                "custody set-limits; donor receive: highest transport "
                "reading.");
  loader.String("direction", &o.direction,
                "custody trace: backward (to the donor) or forward (to the\n"
                "patients).");
  loader.String("donor-code", &o.donor_code, "donor: the donor (DNR-...).");
  loader.Bool("identifying-stdin", &o.identifying_stdin,
              "donor register: read name=, date_of_birth=, mrn= lines from\n"
              "stdin.");
  loader.Bool("reveal", &o.reveal,
              "donor show: include identifying data (QA; audited; needs\n"
              "--reason).");
  loader.String("form-version", &o.form_version, "donor consent.");
  loader.String("consented-at", &o.consented_at, "donor consent: when.");
  loader.String("taken-by", &o.taken_by,
                "donor consent: who took it (printed name).");
  loader.String("witness", &o.witness, "donor consent: the witness.");
  loader.List("test", &o.tests,
              "donor screen: CODE[:RESULT[:METHOD[:KIT_LOT]]], a test of the\n"
              "panel and its result; repeatable (the whole panel at once).");
  loader.ReadableFile("panel-file", &o.panel_file,
                      "donor screen: a file of CODE:RESULT[:METHOD[:KIT_LOT]] "
                      "lines\n(# comments), after the --test entries.");
  loader.String("method", &o.method,
                "donor screen: the method; manufacturing processing: "
                "explant or\nenzymatic.");
  loader.String("kit-lot", &o.kit_lot, "donor screen: the kit's lot.");
  loader.String("drawn-at", &o.drawn_at, "donor screen: specimen drawn at.");
  loader.String("result", &o.result,
                "donor screen: non_reactive, reactive, indeterminate.");
  loader.String("delivered-at", &o.delivered_at,
                "donor register/receive: the birth.");
  loader.String("collected-at", &o.collected_at,
                "donor receive: cord collected at.");
  loader.String("received-at", &o.received_at,
                "donor receive: received at the lab; manufacturing "
                "material-receive:\nwhen the lot was received (default: "
                "now).");
  loader.String("weight-grams", &o.weight_grams,
                "donor receive: tissue weight.");
  loader.String("deviation-id", &o.deviation_id,
                "donor assess; manufacturing deviation-assess.");
  loader.String("decision", &o.decision,
                "donor assess: acceptable or not_acceptable.");
  loader.String("assessment", &o.assessment,
                "donor assess, manufacturing deviation-assess: QA's text.");
  loader.String("lot-id", &o.lot_id,
                "donor: the donor lot; manufacturing batch-start/batch-list: "
                "the\ndonor lot of the batch (lot_... or its DIN as printed "
                "or scanned).");
  loader.String("state", &o.state,
                "donor lots: quarantine, available or discarded;\n"
                "manufacturing batch-list: in_process, qc_pending, aborted.");
  loader.String("material-id", &o.material_id,
                "manufacturing material-*: the material lot (mat_... or its\n"
                "MAT- code, in any case).");
  loader.String("supplier", &o.supplier, "manufacturing material-receive.");
  loader.String("supplier-lot", &o.supplier_lot,
                "manufacturing material-receive: the supplier's lot number.");
  loader.String("expires-on", &o.expires_on,
                "manufacturing material-receive: YYYY-MM-DD, usable through "
                "it.");
  loader.String("status", &o.status,
                "manufacturing material-list: quarantine, released, "
                "rejected;\nequipment-status: in_service, out_of_service.");
  loader.String("equipment-id", &o.equipment_id,
                "manufacturing equipment-*: the equipment (eqp_... or its "
                "asset\ntag, in any case).");
  loader.String("asset-tag", &o.asset_tag,
                "manufacturing equipment-register: its label.");
  loader.String("calibrated-on", &o.calibrated_on,
                "manufacturing equipment-*: YYYY-MM-DD.");
  loader.String("calibration-due", &o.calibration_due,
                "manufacturing equipment-*: YYYY-MM-DD, usable through it.");
  loader.String("calibration-reference", &o.calibration_reference,
                "manufacturing equipment-*: the certificate number.");
  loader.String("batch-id", &o.batch_id,
                "manufacturing: the batch (bat_... or its number, the DIN of "
                "its\ndonor lot).");
  loader.String("process", &o.process_version,
                "manufacturing batch-start/process-show: the process "
                "version.");
  loader.String("step-id", &o.step_id, "manufacturing: the step.");
  loader.String("source-step-id", &o.source_step_id,
                "manufacturing passage-seed/cryopreserve/product-harvest:\n"
                "the step whose cells are used.");
  loader.Int64("revision", &o.revision, 0, INT64_MAX,
               "manufacturing verify/correct: the step's revision.");
  loader.String("tissue-grams", &o.tissue_grams,
                "manufacturing processing: tissue processed, g.");
  loader.String("vessel-type", &o.vessel_type,
                "manufacturing processing/passage-seed: \"T175 flask\".");
  loader.Int64("vessel-count", &o.vessel_count, 0, 10000,
               "manufacturing processing/passage-seed: culture vessels.");
  loader.String("seeded-at", &o.seeded_at,
                "manufacturing processing/passage-seed: when (processing: "
                "its start).");
  loader.String("seeded-cells", &o.seeded_cells,
                "manufacturing: viable cells seeded (1e6).");
  loader.String("harvested-at", &o.harvested_at,
                "manufacturing harvest/product-harvest: when.");
  loader.String("harvested-cells", &o.harvested_cells,
                "manufacturing harvest/product-harvest: viable cells (8e6).");
  loader.String("recovered-cells", &o.recovered_cells,
                "manufacturing thaw: viable cells recovered.");
  loader.String("viability", &o.viability, "manufacturing: viability, %.");
  loader.String("confluence", &o.confluence,
                "manufacturing harvest: confluence, %.");
  loader.String("bank", &o.bank,
                "manufacturing cryopreserve: master, working, final_product.");
  loader.String("cells-per-vial", &o.cells_per_vial,
                "manufacturing cryopreserve: viable cells per vial.");
  loader.String("frozen-at", &o.frozen_at, "manufacturing cryopreserve.");
  loader.String("thawed-at", &o.thawed_at, "manufacturing thaw.");
  loader.String("volume-ml", &o.volume_ml,
                "manufacturing product-harvest: volume, ml.");
  loader.List("material", &o.materials,
              "manufacturing steps: MAT[:QUANTITY] a step used (mat_... or\n"
              "MAT- code);\n"
              "repeatable (--material=A --material=B:500 ml).");
  loader.List("equipment", &o.equipment,
              "manufacturing steps: EQP a step used (eqp_... or asset tag);\n"
              "repeatable.");
  loader.List("positions", &o.positions,
              "manufacturing cryopreserve: LOC,... one freezer position per\n"
              "vial (loc_... or its path, FRZ-01/R2/B3/A1).");
  loader.String("leftover", &o.leftover,
                "manufacturing passage-seed/correct: what became of the cells "
                "the\nseeding left in its source: discarded, banked or "
                "carried.");
  loader.String("late-entry-reason", &o.late_entry_reason,
                "manufacturing steps, batch-start, material-receive/release: "
                "why it is\nentered later than the server allows after its "
                "time (kept with the record).");
  loader.String("started-at", &o.started_at,
                "manufacturing batch-start: when the batch was started "
                "(default: now).");
  loader.String("released-at", &o.released_at,
                "manufacturing material-release: when QA released the lot "
                "(default: now).");
  loader.String("classification", &o.classification,
                "manufacturing deviation-*: minor, major, critical.");
  loader.String("impact", &o.impact, "manufacturing deviation-record.");
  loader.Enum("format", &o.format, {"table", "csv"},
              "manufacturing growth-curve: table or csv.");
}

std::vector<NamedFlag> LegacyNamedFlags(Options& o) {
  using Thing = NamedFlag::Thing;
  using Part = NamedFlag::Part;
  return {
      {"material-id", Thing::kMaterial, &o.material_id},
      {"equipment-id", Thing::kEquipment, &o.equipment_id},
      {"lot-id", Thing::kLot, &o.lot_id},
      {"batch-id", Thing::kBatch, &o.batch_id},
      {"item-id", Thing::kItem, &o.item_id},
      {"location-id", Thing::kLocation, &o.location_id},
      {"parent-location", Thing::kLocation, &o.parent_location},
      {"to-location", Thing::kLocation, &o.to_location},
      {"material", Thing::kMaterial, nullptr, &o.materials,
       Part::kBeforeFirstColon},
      {"equipment", Thing::kEquipment, nullptr, &o.equipment},
      {"parents", Thing::kItem, nullptr, &o.parents, Part::kBeforeLastColon},
      {"positions", Thing::kLocation, nullptr, &o.positions},
  };
}

}  // namespace cellchain::cli
