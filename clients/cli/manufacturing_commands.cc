// cellchain manufacturing ... (cellchain.manufacturing.v1.ManufacturingService;
// also `cellchain mfg ...`): material lots and their release, equipment and
// its calibration, batches from donor lots and their steps — processing,
// passages, harvests, cryopreservation, thaws, the product harvest — with
// the second person's verification, corrections, deviations and the growth
// curve. Every step is signed: the signer's password is asked again.
//
// This file holds the group: its flags, the flags that name things, its
// commands' table and the helpers every manufacturing_*.cc shares; the
// commands themselves are in manufacturing_materials.cc,
// manufacturing_equipment.cc, manufacturing_batches.cc and
// manufacturing_steps.cc, as the service is split.
#include "clients/cli/manufacturing_commands.h"

#include <cstdint>
#include <iostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "cellchain/manufacturing/v1/manufacturing.pb.h"
#include "clients/cli/cli.h"
#include "clients/cli/manufacturing_shared.h"
#include "clients/cli/table.h"
#include "services/common/strings/printable.h"

namespace cellchain::cli {
namespace mfg {

std::string Cmd(const char* verb) {
  return absl::StrCat("manufacturing ", verb);
}

std::string BatchStateName(v1::BatchState s) {
  return absl::AsciiStrToUpper(
      LowerName(v1::BatchState_Name(s), "BATCH_STATE_"));
}
std::string StepKindName(v1::StepKind k) {
  return LowerName(v1::StepKind_Name(k), "STEP_KIND_");
}
std::string StepStatusName(v1::StepStatus s) {
  return LowerName(v1::StepStatus_Name(s), "STEP_STATUS_");
}
std::string BankName(v1::BankKind k) {
  return LowerName(v1::BankKind_Name(k), "BANK_KIND_");
}
std::string ClassName(v1::DeviationClass c) {
  return absl::AsciiStrToUpper(
      LowerName(v1::DeviationClass_Name(c), "DEVIATION_CLASS_"));
}
std::string DeviationStatusName(v1::DeviationStatus s) {
  return LowerName(v1::DeviationStatus_Name(s), "DEVIATION_STATUS_");
}

std::string Passage(int32_t n) { return absl::StrCat("P", n); }

std::string Cells(double n) {
  return n == 0 ? "-" : absl::StrFormat("%.2e", n);
}

std::string Fixed(double x, int digits) {
  return absl::StrFormat("%.*f", digits, x);
}

void Line(const char* label, const std::string& value) {
  std::cout << "  " << PadLabel(label, 20) << Printable(value) << "\n";
}

std::string StepHead(const v1::Step& step) {
  return absl::StrCat("step ", step.step_id(), " (", StepKindName(step.kind()),
                      " ", Passage(step.passage_number()), ", revision ",
                      step.revision(), ", ", StepStatusName(step.status()),
                      ")");
}

}  // namespace mfg

namespace {

namespace v1 = ::cellchain::manufacturing::v1;

// An enum's values as a usage line offers them, from the proto as
// EnumChoices reads them: "quarantine|released|rejected".
std::string Bars(const google::protobuf::EnumDescriptor* e,
                 std::string_view prefix) {
  std::vector<std::string> names;
  for (int i = 0; i < e->value_count(); ++i) {
    if (e->value(i)->number() == 0) continue;  // UNSPECIFIED
    names.push_back(LowerName(e->value(i)->name(), prefix));
  }
  return absl::StrJoin(names, "|");
}

// Help texts are wrapped as the hand-wrapped ones: a command's to 72
// columns (cli.h's FlagHelp wraps a flag's to 66).
constexpr size_t kCommandHelpWidth = 72;

std::string MaterialKinds() {
  return EnumChoices(v1::MaterialKind_descriptor(), "MATERIAL_KIND_");
}
std::string EquipmentKinds() {
  return EnumChoices(v1::EquipmentKind_descriptor(), "EQUIPMENT_KIND_");
}

void DeclareManufacturingFlags(config::Loader& loader,
                               ManufacturingOptions& o) {
  loader.String("reason", &o.reason,
                "Why the change is made (audited); material-reject, "
                "batch-abort\nand correct cannot do without it.");
  loader.Bool("password-stdin", &o.password_stdin,
              "Read the signing password from stdin (one line) instead of\n"
              "prompting at the terminal (verify without --revision: after "
              "the\nyes).");
  loader.String("password-env", &o.password_env,
                "Read the signing password from this environment variable "
                "(its\nname, not the password).");
  // material lots
  loader.String("material-id", &o.material_id,
                "material-release/reject/show: the material lot (mat_... or "
                "its\nMAT- code, in any case).");
  loader.String(
      "kind", &o.kind,
      absl::StrCat(
          FlagHelp(absl::StrCat("material-receive/list: the material's kind: ",
                                MaterialKinds(), ";")),
          "\n",
          FlagHelp(absl::StrCat("equipment-register/list: the equipment's "
                                "kind: ",
                                EquipmentKinds(), "."))));
  loader.String("name", &o.name,
                "material-receive, equipment-register: the name.");
  loader.String("supplier", &o.supplier, "material-receive: the supplier.");
  loader.String("supplier-lot", &o.supplier_lot,
                "material-receive: the supplier's lot number.");
  loader.String("expires-on", &o.expires_on,
                "material-receive: YYYY-MM-DD, usable through it.");
  loader.String("received-at", &o.received_at,
                "material-receive: when the lot was received (RFC 3339; "
                "default:\nnow).");
  loader.String("released-at", &o.released_at,
                "material-release: when QA released the lot (RFC 3339; "
                "default:\nnow).");
  loader.String(
      "status", &o.status,
      FlagHelp(absl::StrCat(
          "material-list: ",
          EnumChoices(v1::MaterialStatus_descriptor(), "MATERIAL_STATUS_"),
          "; equipment-status: ",
          EnumChoices(v1::EquipmentStatus_descriptor(), "EQUIPMENT_STATUS_"),
          ".")));
  // equipment
  loader.String("equipment-id", &o.equipment_id,
                "equipment-calibrate/status: the equipment (eqp_... or its "
                "asset\ntag, in any case).");
  loader.String("asset-tag", &o.asset_tag,
                "equipment-register: the label on the equipment.");
  loader.String("calibrated-on", &o.calibrated_on,
                "equipment-register/calibrate: YYYY-MM-DD.");
  loader.String("calibration-due", &o.calibration_due,
                "equipment-register/calibrate: YYYY-MM-DD, usable through "
                "it.");
  loader.String("calibration-reference", &o.calibration_reference,
                "equipment-register/calibrate: the certificate number.");
  loader.String("location-id", &o.location_id,
                "material-receive, equipment-register: where it is kept;\n"
                "processing, passage-seed: where the vessels are (a room, or "
                "a\nposition in it); product-harvest: where the product lot "
                "is; a\nlocation, loc_... or its path of names in any case\n"
                "(FRZ-01/R2/B3/A1, \"Culture room\").");
  // batches
  loader.String("lot-id", &o.lot_id,
                "batch-start/batch-list: the donor lot of the batch (lot_... "
                "or its\nDIN as printed or scanned).");
  loader.String("batch-id", &o.batch_id,
                "The batch (bat_... or its number, the DIN of its donor "
                "lot).");
  loader.String("process", &o.process_version,
                "batch-start/process-show: the process version (default: the\n"
                "server's).");
  loader.String("started-at", &o.started_at,
                "batch-start: when the batch was started (RFC 3339; default: "
                "now).");
  loader.String(
      "state", &o.state,
      FlagHelp(absl::StrCat(
          "batch-list: ",
          EnumChoices(v1::BatchState_descriptor(), "BATCH_STATE_"), ".")));
  // The one --format of every group (a workstation's $CELLCHAIN_FORMAT
  // serves them all); growth-curve's CSV keeps its own columns.
  DeclareFormatFlag(loader, &o.format,
                    "material-list, equipment-list, growth-curve");
  // steps
  loader.String("step-id", &o.step_id,
                "harvest, step-show, verify, correct, deviation-record: the "
                "step.");
  loader.String("source-step-id", &o.source_step_id,
                "passage-seed/cryopreserve/product-harvest: the step whose "
                "cells\nare used.");
  loader.Int64("revision", &o.revision, 0, INT64_MAX,
               "verify/correct: the step's revision you checked.");
  loader.String("item-id", &o.item_id,
                "thaw: the vial (itm_..., its local code or its DIN).");
  loader.String(
      "method", &o.method,
      FlagHelp(absl::StrCat(
          "processing: ",
          EnumChoices(v1::ProcessingMethod_descriptor(), "PROCESSING_METHOD_"),
          ".")));
  loader.String("tissue-grams", &o.tissue_grams,
                "processing: tissue processed, g.");
  loader.String("vessel-type", &o.vessel_type,
                "processing/passage-seed: \"T175 flask\".");
  loader.Int64("vessel-count", &o.vessel_count, 0, 10000,
               "processing/passage-seed: culture vessels.");
  loader.String("seeded-at", &o.seeded_at,
                "processing/passage-seed: when (processing: its start).");
  loader.String("seeded-cells", &o.seeded_cells,
                "processing (enzymatic)/passage-seed: viable cells seeded "
                "(1e6).");
  loader.String("harvested-at", &o.harvested_at,
                "harvest/product-harvest: when.");
  loader.String("harvested-cells", &o.harvested_cells,
                "harvest/product-harvest: viable cells (8e6).");
  loader.String("recovered-cells", &o.recovered_cells,
                "thaw: viable cells recovered.");
  loader.String("viability", &o.viability, "Viability, %.");
  loader.String("confluence", &o.confluence, "harvest: confluence, %.");
  loader.String(
      "bank", &o.bank,
      FlagHelp(absl::StrCat(
          "cryopreserve: ",
          EnumChoices(v1::BankKind_descriptor(), "BANK_KIND_"), ".")));
  loader.String("cells-per-vial", &o.cells_per_vial,
                "cryopreserve: viable cells per vial.");
  loader.String("frozen-at", &o.frozen_at, "cryopreserve: when.");
  loader.String("thawed-at", &o.thawed_at, "thaw: when.");
  loader.String("volume-ml", &o.volume_ml, "product-harvest: volume, ml.");
  loader.List("material", &o.materials,
              "MAT[:QUANTITY] a step used (mat_... or MAT- code);\n"
              "repeatable (--material=A --material=B:500 ml).");
  loader.List("equipment", &o.equipment,
              "EQP a step used (eqp_... or asset tag); repeatable.");
  loader.List("positions", &o.positions,
              "cryopreserve: LOC,... one freezer position per vial (loc_... "
              "or\nits path, FRZ-01/R2/B3/A1).");
  loader.String("leftover", &o.leftover,
                FlagHelp(absl::StrCat(
                    "passage-seed/correct: what became of the cells the "
                    "seeding left in its source: ",
                    EnumChoices(v1::LeftoverDisposition_descriptor(),
                                "LEFTOVER_DISPOSITION_"),
                    ".")));
  loader.String("late-entry-reason", &o.late_entry_reason,
                "Steps, batch-start, material-receive/release: why it is "
                "entered\nlater than the server allows after its time (kept "
                "with the record).");
  // deviations
  loader.String("deviation-id", &o.deviation_id,
                "deviation-assess: the deviation.");
  loader.String(
      "classification", &o.classification,
      FlagHelp(absl::StrCat(
          "deviation-record/assess: ",
          EnumChoices(v1::DeviationClass_descriptor(), "DEVIATION_CLASS_"),
          ".")));
  loader.String("description", &o.description,
                "deviation-record: what happened.");
  loader.String("impact", &o.impact,
                "deviation-record: its impact on the batch.");
  loader.String("assessment", &o.assessment,
                "deviation-assess: QA's assessment.");
}

// The flags whose values main() resolves to ids before a command runs.
std::vector<NamedFlag> ManufacturingNamedFlags(ManufacturingOptions& o) {
  using Thing = NamedFlag::Thing;
  using Part = NamedFlag::Part;
  return {
      {"material-id", Thing::kMaterial, &o.material_id},
      {"equipment-id", Thing::kEquipment, &o.equipment_id},
      {"lot-id", Thing::kLot, &o.lot_id},
      {"batch-id", Thing::kBatch, &o.batch_id},
      {"item-id", Thing::kItem, &o.item_id},
      {"location-id", Thing::kLocation, &o.location_id},
      {"material", Thing::kMaterial, nullptr, &o.materials,
       Part::kBeforeFirstColon},
      {"equipment", Thing::kEquipment, nullptr, &o.equipment},
      {"positions", Thing::kLocation, nullptr, &o.positions},
  };
}

}  // namespace

const Group& ManufacturingGroup() {
  static const auto* const group = new GroupOf<ManufacturingOptions>({
      .name = "manufacturing",
      .alias = "mfg",
      .about = "Material lots, equipment and batches with their signed steps",
      .declare = DeclareManufacturingFlags,
      .commands =
          {
              {{"manufacturing material-receive",
                "kind name supplier supplier-lot expires-on location-id reason "
                "received-at late-entry-reason",
                absl::StrCat(
                    "cellchain manufacturing material-receive --kind=K "
                    "--name=NAME\n"
                    "    --supplier=S --supplier-lot=LOT "
                    "--expires-on=YYYY-MM-DD\n"
                    "    [--location-id=L] [--received-at=TIME "
                    "[--late-entry-reason=TEXT]]\n"
                    "A material lot in quarantine, registered in custody as a "
                    "reagent lot.\n",
                    Wrap(absl::StrCat(
                             "Kinds: ", MaterialKinds(),
                             ". --received-at dates a receipt entered after "
                             "the fact; later than the server allows after it "
                             "needs --late-entry-reason. Technician or QA."),
                         kCommandHelpWidth))},
               mfg::MaterialReceive},
              {{"manufacturing material-release",
                "material-id! reason password-stdin password-env released-at "
                "late-entry-reason",
                "cellchain manufacturing material-release --material-id=MAT\n"
                "    [--released-at=TIME [--late-entry-reason=TEXT]]\n"
                "    [--password-stdin | --password-env=VAR]\n"
                "QA releases a quarantined, unexpired lot (signed APPROVED); "
                "only\n"
                "released lots may be used by a step, and only after their "
                "release.\n"
                "--released-at dates a release entered after the fact; later "
                "than the\n"
                "server allows after it needs --late-entry-reason.\n"},
               mfg::MaterialRelease},
              {{"manufacturing material-reject",
                "material-id! reason password-stdin password-env",
                "cellchain manufacturing material-reject --material-id=MAT "
                "--reason=TEXT\n"
                "    [--password-stdin | --password-env=VAR]\n"
                "QA rejects a quarantined lot (signed REJECTED).\n"},
               mfg::MaterialReject},
              {{"manufacturing material-show", "material-id!",
                "cellchain manufacturing material-show "
                "--material-id=MAT|MAT-CODE\n"
                "One lot and every step that used it.\n"},
               mfg::MaterialShow},
              {{"manufacturing material-list", "status kind format",
                absl::StrCat(
                    "cellchain manufacturing material-list\n"
                    "    [--status=",
                    Bars(v1::MaterialStatus_descriptor(), "MATERIAL_STATUS_"),
                    "] [--kind=K]\n"
                    "    [--format=table|json|csv]\n"
                    "Lots by name, then expiry.\n")},
               mfg::MaterialList},
              {{"manufacturing equipment-register",
                "kind name asset-tag calibrated-on calibration-due "
                "calibration-reference location-id reason",
                absl::StrCat(
                    "cellchain manufacturing equipment-register --kind=K "
                    "--name=NAME\n"
                    "    --asset-tag=TAG --calibrated-on=YYYY-MM-DD "
                    "--calibration-due=DATE\n"
                    "    --calibration-reference=CERT [--location-id=L]\n",
                    Wrap(absl::StrCat(
                             "Equipment in service, a custody item. Kinds: ",
                             EquipmentKinds(), ". QA or admin."),
                         kCommandHelpWidth))},
               mfg::EquipmentRegister},
              {{"manufacturing equipment-calibrate",
                "equipment-id! calibrated-on calibration-due "
                "calibration-reference reason",
                "cellchain manufacturing equipment-calibrate "
                "--equipment-id=EQP\n"
                "    --calibrated-on=DATE --calibration-due=DATE\n"
                "    --calibration-reference=CERT\n"
                "A calibration performed. Technician or QA.\n"},
               mfg::EquipmentCalibrate},
              {{"manufacturing equipment-status", "equipment-id! status reason",
                absl::StrCat(
                    "cellchain manufacturing equipment-status "
                    "--equipment-id=EQP\n"
                    "    --status=",
                    Bars(v1::EquipmentStatus_descriptor(), "EQUIPMENT_STATUS_"),
                    " --reason=TEXT\n"
                    "Takes equipment out of service or puts it "
                    "back. QA.\n")},
               mfg::EquipmentStatusCommand},
              {{"manufacturing equipment-list", "kind format",
                "cellchain manufacturing equipment-list [--kind=K]\n"
                "    [--format=table|json|csv]\n"
                "Equipment by asset tag.\n"},
               mfg::EquipmentList},
              {{"manufacturing batch-start",
                "lot-id! process reason started-at late-entry-reason",
                "cellchain manufacturing batch-start --lot-id=DONOR_LOT "
                "[--process=V]\n"
                "    [--started-at=TIME [--late-entry-reason=TEXT]]\n"
                "A batch from an AVAILABLE donor lot under process version V "
                "(default:\n"
                "the server's). No step may lie before its start: --started-at "
                "dates a\n"
                "batch record entered after the fact; later than the server "
                "allows\n"
                "after it needs --late-entry-reason. Technician.\n"},
               mfg::BatchStart},
              {{"manufacturing processing",
                "batch-id! method tissue-grams vessel-type vessel-count "
                "seeded-at seeded-cells location-id material equipment reason "
                "password-stdin password-env late-entry-reason",
                absl::StrCat("cellchain manufacturing processing "
                             "--batch-id=BAT\n"
                             "    --method=",
                             Bars(v1::ProcessingMethod_descriptor(),
                                  "PROCESSING_METHOD_"),
                             " --tissue-grams=G --vessel-type=T\n"
                             "    --vessel-count=N --seeded-at=TIME "
                             "[--seeded-cells=N]\n"
                             "    --location-id=L "
                             "[--material=MAT[:QUANTITY]]... "
                             "[--equipment=EQP]...\n"
                             "    [--late-entry-reason=TEXT] "
                             "[--password-stdin | --password-env=VAR]\n"
                             "The cord tissue into the P0 culture (signed "
                             "PERFORMED), its vessels put\n"
                             "at location L (a room, or a position in it: "
                             "custody has no incubator\n"
                             "kind; name the incubator with --equipment); "
                             "--seeded-cells\n"
                             "for an enzymatic digest only. Too long "
                             "after collection records a\n"
                             "deviation. Technician.\n")},
               mfg::Processing},
              {{"manufacturing passage-seed",
                "source-step-id! vessel-type vessel-count seeded-at "
                "seeded-cells location-id material equipment reason "
                "password-stdin password-env leftover late-entry-reason",

                absl::StrCat("cellchain manufacturing passage-seed "
                             "--source-step-id=STP\n"
                             "    --vessel-type=T --vessel-count=N "
                             "--seeded-at=TIME --seeded-cells=N\n"
                             "    --location-id=L "
                             "[--material=MAT[:QUANTITY]]... "
                             "[--equipment=EQP]...\n"
                             "    [--leftover=",
                             Bars(v1::LeftoverDisposition_descriptor(),
                                  "LEFTOVER_DISPOSITION_"),
                             "] [--late-entry-reason=TEXT]\n"
                             "    [--password-stdin | --password-env=VAR]\n"
                             "Seeds the next passage, its vessels at "
                             "location L (a room, or a\n"
                             "position in it; the incubator is "
                             "--equipment),\n"
                             "from the cells a step harvested or a thaw\n"
                             "recovered (counts such as 1e6). Cells the "
                             "seeding leaves in the source\n"
                             "need --leftover: discarded, banked (only a "
                             "freeze may draw on them) or\n"
                             "carried. A step entered later after its time "
                             "than the server allows\n"
                             "needs --late-entry-reason. Technician.\n")},
               mfg::PassageSeed},
              {{"manufacturing harvest",
                "step-id! harvested-at harvested-cells viability confluence "
                "material equipment reason password-stdin password-env "
                "late-entry-reason",
                "cellchain manufacturing harvest --step-id=STP "
                "--harvested-at=TIME\n"
                "    --harvested-cells=N [--viability=PCT] [--confluence=PCT]\n"
                "    [--material=MAT[:QUANTITY]]... [--equipment=EQP]...\n"
                "    [--late-entry-reason=TEXT] [--password-stdin | "
                "--password-env=VAR]\n"
                "A culture's harvest; prints its population doublings. "
                "Technician.\n"},
               mfg::Harvest},
              {{"manufacturing verify",
                "step-id! revision reason password-stdin password-env",
                "cellchain manufacturing verify --step-id=STP [--revision=N]\n"
                "    [--password-stdin | --password-env=VAR]\n"
                "The second person checks revision N of a step (signed "
                "VERIFIED); not\n"
                "the one who recorded it. Without --revision the step is "
                "printed as\n"
                "step-show prints it and the revision shown is verified once "
                "you answer\n"
                "yes (a line on stdin, before the password with "
                "--password-stdin); it\n"
                "is refused if the step changed since. Technician or QA.\n"},
               mfg::Verify},
              {{"manufacturing correct",
                "batch-id! step-id! revision reason material equipment bank "
                "cells-per-vial confluence frozen-at harvested-at "
                "harvested-cells method recovered-cells seeded-at seeded-cells "
                "thawed-at tissue-grams vessel-count vessel-type viability "
                "volume-ml leftover password-stdin password-env",
                "cellchain manufacturing correct --batch-id=BAT --step-id=STP\n"
                "    --reason=TEXT [--revision=N] [value flags to change]\n"
                "    [--password-stdin | --password-env=VAR]\n"
                "A new revision of the step's values: the current ones with "
                "those the\n"
                "flags give (--seeded-cells, --harvested-at, ...); the step "
                "must be\n"
                "verified again. Materials, equipment and vessel counts cannot "
                "change.\n"
                "Technician.\n"},
               mfg::Correct},
              {{"manufacturing cryopreserve",
                "source-step-id! bank cells-per-vial frozen-at positions "
                "viability material equipment reason password-stdin "
                "password-env late-entry-reason",
                absl::StrCat("cellchain manufacturing cryopreserve "
                             "--source-step-id=STP\n"
                             "    --bank=",
                             Bars(v1::BankKind_descriptor(), "BANK_KIND_"),
                             " --cells-per-vial=N\n"
                             "    --frozen-at=TIME --positions=LOC,... "
                             "[--viability=PCT]\n"
                             "    [--material=MAT[:QUANTITY]]... "
                             "[--equipment=EQP]...\n"
                             "    [--late-entry-reason=TEXT] "
                             "[--password-stdin | --password-env=VAR]\n"
                             "A harvested step's cells into one vial per "
                             "freezer position.\n"
                             "Technician.\n")},
               mfg::Cryopreserve},
              {{"manufacturing thaw",
                "item-id! thawed-at recovered-cells viability material "
                "equipment reason password-stdin password-env "
                "late-entry-reason",
                "cellchain manufacturing thaw --item-id=VIAL --thawed-at=TIME\n"
                "    --recovered-cells=N [--viability=PCT]\n"
                "    [--material=MAT[:QUANTITY]]... [--equipment=EQP]...\n"
                "    [--late-entry-reason=TEXT] [--password-stdin | "
                "--password-env=VAR]\n"
                "A vial thawed; its cells can seed a passage. Technician.\n"},
               mfg::Thaw},
              {{"manufacturing product-harvest",
                "source-step-id! harvested-at harvested-cells viability "
                "volume-ml location-id material equipment reason "
                "password-stdin password-env late-entry-reason",
                "cellchain manufacturing product-harvest --source-step-id=STP\n"
                "    --harvested-at=TIME --harvested-cells=N "
                "[--viability=PCT]\n"
                "    [--volume-ml=ML] [--location-id=L]\n"
                "    [--material=MAT[:QUANTITY]]... [--equipment=EQP]...\n"
                "    [--late-entry-reason=TEXT] [--password-stdin | "
                "--password-env=VAR]\n"
                "The final product lot, a custody item with the donor lot's "
                "DIN; the\n"
                "batch goes to QC_PENDING. Every verified step must be "
                "verified.\n"
                "Technician.\n"},
               mfg::ProductHarvest},
              {{"manufacturing batch-abort",
                "batch-id! reason password-stdin password-env",
                "cellchain manufacturing batch-abort --batch-id=BAT "
                "--reason=TEXT\n"
                "    [--password-stdin | --password-env=VAR]\n"
                "Stops the batch for good (signed REJECTED, with the reason); "
                "its open\n"
                "vessels are discarded. batch-show shows who aborted it and "
                "when. QA.\n"},
               mfg::BatchAbort},
              {{"manufacturing deviation-record",
                "batch-id! step-id classification description impact reason",
                absl::StrCat(
                    "cellchain manufacturing deviation-record "
                    "--batch-id=BAT [--step-id=STP]\n"
                    "    --classification=",
                    Bars(v1::DeviationClass_descriptor(), "DEVIATION_CLASS_"),
                    " --description=TEXT\n"
                    "    --impact=TEXT\n"
                    "Records a deviation of the batch or of one "
                    "of its steps. Technician or\n"
                    "QA.\n")},
               mfg::DeviationRecord},
              {{"manufacturing deviation-assess",
                "deviation-id! assessment classification reason password-stdin "
                "password-env",

                absl::StrCat(
                    "cellchain manufacturing deviation-assess "
                    "--deviation-id=BDV\n"
                    "    --assessment=TEXT [--classification=",
                    Bars(v1::DeviationClass_descriptor(), "DEVIATION_CLASS_"),
                    "]\n"
                    "    [--password-stdin | --password-env=VAR]\n"
                    "QA's assessment closes the deviation (signed "
                    "APPROVED).\n")},
               mfg::DeviationAssess},
              {{"manufacturing batch-show", "batch-id!",
                "cellchain manufacturing batch-show --batch-id=BAT\n"
                "The batch, every step with its passage, status, revision, "
                "population\n"
                "doublings and doubling time, corrections, deviations and "
                "banks; then\n"
                "every step in full, as step-show prints it.\n"},
               mfg::BatchShow},
              {{"manufacturing step-show", "step-id!",
                "cellchain manufacturing step-show --step-id=STP\n"
                "Every recorded value of the step (times, counts, viability, "
                "confluence,\n"
                "vessels, leftover cells, materials by code and lot, equipment "
                "by tag),\n"
                "who recorded and verified it, a late entry's reason, the "
                "deviations it\n"
                "raised, and each correction's old -> new values with its "
                "reason.\n"},
               mfg::StepShow},
              {{"manufacturing batch-list", "state lot-id",
                absl::StrCat("cellchain manufacturing batch-list\n"
                             "    [--state=",
                             Bars(v1::BatchState_descriptor(), "BATCH_STATE_"),
                             "] [--lot-id=DONOR_LOT]\n"
                             "Batches, newest first.\n")},
               mfg::BatchList},
              {{"manufacturing growth-curve", "batch-id! format",
                "cellchain manufacturing growth-curve --batch-id=BAT "
                "[--format=json|csv]\n"
                "Cumulative population doublings by day since processing, one "
                "row per\n"
                "harvest; --format=csv prints day,passage,cumulative_pd,line, "
                "json the\nsame with each point's step.\n"},
               mfg::GrowthCurve},
              {{"manufacturing process-show", "process",
                "cellchain manufacturing process-show [--process=V]\n"
                "The limits the steps are held to under process version V "
                "(default:\n"
                "the server's): max passage, max cumulative population "
                "doublings, the\n"
                "minimum plausible doubling time, whether a step past a limit "
                "is\n"
                "refused or recorded with a deviation, the steps a second "
                "person\n"
                "verifies, the collection-to-processing and late-entry windows "
                "and the\n"
                "vial fill. Technician, QC analyst or QA.\n"},
               mfg::ProcessShow},
          },
      .field_aliases =
          {
              {"donor_lot_id", "lot-id"},
              {"position_location_ids", "positions"},
              {"bank_kind", "bank"},
              {"materials", "material"},
              {"equipment_ids", "equipment"},
              {"seeded_viable_cells", "seeded-cells"},
              {"harvested_viable_cells", "harvested-cells"},
              {"recovered_viable_cells", "recovered-cells"},
              {"viability_percent", "viability"},
              {"confluence_percent", "confluence"},
              {"vial_item_id", "item-id"},
              {"process_version", "process"},
          },
      .named_flags = ManufacturingNamedFlags,
  });
  return *group;
}

}  // namespace cellchain::cli
