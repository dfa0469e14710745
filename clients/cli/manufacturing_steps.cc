// cellchain manufacturing processing|passage-seed|harvest|cryopreserve|thaw|
// product-harvest|step-show|verify|correct: a batch's steps, each signed by
// who performed it, checked by a second person and corrected by a new
// revision (the service's steps).
#include <cstdint>
#include <iostream>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "cellchain/manufacturing/v1/manufacturing.grpc.pb.h"
#include "clients/cli/cli.h"
#include "clients/cli/manufacturing_shared.h"

namespace cellchain::cli::mfg {

namespace {

// --material=MAT[:QUANTITY] and --equipment=EQP, each repeatable, appended
// to the step's lists (as ids: main resolved codes and tags before).
bool MaterialsAndEquipment(const ManufacturingOptions& o,
                           const std::string& command, v1::StepValues* values) {
  for (const std::string& entry : o.materials) {
    size_t colon = entry.find(':');
    std::string id = entry.substr(0, colon);
    if (id.empty()) {
      Fail(command, "--material: \"" + entry + "\" is not MAT or MAT:QUANTITY",
           2);
      return false;
    }
    v1::MaterialUse* use = values->add_materials();
    use->set_material_id(id);
    if (colon != std::string::npos) use->set_quantity(entry.substr(colon + 1));
  }
  for (const std::string& id : o.equipment) values->add_equipment_ids(id);
  return true;
}

// Every value flag given, over `values` (a correction starts from the
// current revision's). Flags not given leave their field as it is.
bool ValueFlags(const ManufacturingOptions& o, const std::string& command,
                v1::StepValues* values) {
  if (!o.method.empty()) {
    v1::ProcessingMethod method = v1::PROCESSING_METHOD_UNSPECIFIED;
    if (!ParseEnumFlag(command, "method", o.method, "PROCESSING_METHOD_",
                       &method)) {
      return false;
    }
    values->set_method(method);
  }
  if (!o.bank.empty()) {
    v1::BankKind bank = v1::BANK_KIND_UNSPECIFIED;
    if (!ParseEnumFlag(command, "bank", o.bank, "BANK_KIND_", &bank)) {
      return false;
    }
    values->set_bank_kind(bank);
  }
  if (!o.leftover.empty()) {
    v1::LeftoverDisposition leftover = v1::LEFTOVER_DISPOSITION_UNSPECIFIED;
    if (!ParseEnumFlag(command, "leftover", o.leftover, "LEFTOVER_DISPOSITION_",
                       &leftover)) {
      return false;
    }
    values->set_leftover(leftover);
  }
  if (!o.vessel_type.empty()) values->set_vessel_type(o.vessel_type);
  if (o.vessel_count > 0) {
    values->set_vessel_count(static_cast<int32_t>(o.vessel_count));
  }
  struct NumberFlag {
    const char* flag;
    const std::string& text;
    void (v1::StepValues::*set)(double);
  };
  const NumberFlag numbers[] = {
      {"tissue-grams", o.tissue_grams, &v1::StepValues::set_tissue_grams},
      {"seeded-cells", o.seeded_cells,
       &v1::StepValues::set_seeded_viable_cells},
      {"harvested-cells", o.harvested_cells,
       &v1::StepValues::set_harvested_viable_cells},
      {"recovered-cells", o.recovered_cells,
       &v1::StepValues::set_harvested_viable_cells},
      {"viability", o.viability, &v1::StepValues::set_viability_percent},
      {"confluence", o.confluence, &v1::StepValues::set_confluence_percent},
      {"cells-per-vial", o.cells_per_vial, &v1::StepValues::set_cells_per_vial},
      {"volume-ml", o.volume_ml, &v1::StepValues::set_volume_ml},
  };
  for (const NumberFlag& n : numbers) {
    double value = 0;
    if (n.text.empty()) continue;
    if (!ReadNumberFlag(command, n.flag, n.text, &value)) return false;
    (values->*n.set)(value);
  }
  return ReadTimeFlag(command, "seeded-at", o.seeded_at,
                      values->mutable_seeded_at()) &&
         ReadTimeFlag(command, "harvested-at", o.harvested_at,
                      values->mutable_harvested_at()) &&
         ReadTimeFlag(command, "frozen-at", o.frozen_at,
                      values->mutable_frozen_at()) &&
         ReadTimeFlag(command, "thawed-at", o.thawed_at,
                      values->mutable_thawed_at());
}

// A new step's values: the value flags, then the materials and equipment.
bool NewValues(const ManufacturingOptions& o, const std::string& command,
               v1::StepValues* values) {
  return ValueFlags(o, command, values) &&
         MaterialsAndEquipment(o, command, values);
}

// What every request that records a new step holds besides its own fields:
// the call's context, the late entry's reason, the step's values from the
// flags and the operator's signature (PERFORMED) of `what`, asked for once
// the values are accepted. False, after printing why, when a value or the
// password is refused (the command exits 2).
template <typename StepRequest>
bool NewStepRequest(const ManufacturingOptions& o, const std::string& command,
                    const std::string& what, StepRequest* request) {
  *request->mutable_context() = NewRequestContext(o);
  request->set_late_entry_reason(o.late_entry_reason);
  return NewValues(o, command, request->mutable_values()) &&
         ReadSignature(o, command, what,
                       common::v1::SIGNATURE_MEANING_PERFORMED,
                       request->mutable_signature());
}

void PrintDeviations(
    const google::protobuf::RepeatedPtrField<v1::Deviation>& deviations) {
  for (const v1::Deviation& d : deviations) {
    std::cout << "  DEVIATION " << d.deviation_id() << " "
              << ClassName(d.classification())
              << (d.rule().empty() ? "" : " " + d.rule()) << ": "
              << d.description() << " (QA must assess)\n";
  }
}

void PrintNewStep(const v1::Step& step) {
  std::cout << StepHead(step) << " recorded";
  if (!step.item_ids().empty()) {
    std::cout << ": " << step.item_ids_size() << " "
              << (step.values().vessel_type().empty()
                      ? "item(s)"
                      : step.values().vessel_type())
              << " " << absl::StrJoin(step.item_ids(), ", ");
  }
  std::cout << "\n";
}

}  // namespace

int Processing(Channel channel, const ManufacturingOptions& o) {
  const std::string cmd = Cmd("processing");
  v1::RecordProcessingRequest request;
  request.set_batch_id(o.batch_id);
  request.set_location_id(o.location_id);
  if (!NewStepRequest(o, cmd, "the processing step", &request)) return 2;
  v1::RecordProcessingResponse response;
  grpc::Status status =
      Call(channel, o, &v1::ManufacturingService::Stub::RecordProcessing,
           request, &response);
  if (!status.ok()) return Report(cmd, status);
  PrintNewStep(response.step());
  PrintDeviations(response.deviations());
  return 0;
}

int PassageSeed(Channel channel, const ManufacturingOptions& o) {
  const std::string cmd = Cmd("passage-seed");
  v1::SeedPassageRequest request;
  request.set_source_step_id(o.source_step_id);
  request.set_location_id(o.location_id);
  if (!NewStepRequest(o, cmd, "the passage", &request)) return 2;
  v1::SeedPassageResponse response;
  grpc::Status status =
      Call(channel, o, &v1::ManufacturingService::Stub::SeedPassage, request,
           &response);
  if (!status.ok()) return Report(cmd, status);
  PrintNewStep(response.step());
  PrintDeviations(response.deviations());
  return 0;
}

namespace {

std::string GrowthText(const v1::Growth& g) {
  std::string text =
      g.has_population_doublings()
          ? absl::StrCat("PD ", Fixed(g.population_doublings(), 2))
          : "PD -";
  absl::StrAppend(&text, ", cumulative PD ",
                  Fixed(g.cumulative_population_doublings(), 2));
  if (g.has_doubling_time_hours()) {
    absl::StrAppend(&text, ", doubling time ",
                    Fixed(g.doubling_time_hours(), 1), " h");
  }
  absl::StrAppend(&text, ", cells left ", Cells(g.cells_remaining()));
  return text;
}

}  // namespace

int Harvest(Channel channel, const ManufacturingOptions& o) {
  const std::string cmd = Cmd("harvest");
  v1::RecordHarvestRequest request;
  request.set_step_id(o.step_id);
  if (!NewStepRequest(o, cmd, "the harvest", &request)) return 2;
  v1::RecordHarvestResponse response;
  grpc::Status status =
      Call(channel, o, &v1::ManufacturingService::Stub::RecordHarvest, request,
           &response);
  if (!status.ok()) return Report(cmd, status);
  const v1::Step& step = response.step();
  std::cout << StepHead(step)
            << " harvested: " << Cells(step.values().harvested_viable_cells())
            << " cells; " << GrowthText(response.growth()) << "\n";
  PrintDeviations(response.deviations());
  return 0;
}

namespace {

// The step with the batch it belongs to (GetBatch by step id); false, after
// reporting, when it cannot be read.
bool ReadStep(const Channel& channel, const ManufacturingOptions& o,
              const std::string& cmd, v1::GetBatchResponse* batch,
              const v1::Step** step, int* exit_code) {
  v1::GetBatchRequest get;
  get.set_step_id(o.step_id);
  grpc::Status status =
      Call(channel, o, &v1::ManufacturingService::Stub::GetBatch, get, batch);
  if (!status.ok()) {
    *exit_code = Report(cmd, status);
    return false;
  }
  for (const v1::Step& s : batch->steps()) {
    if (s.step_id() == o.step_id) *step = &s;
  }
  if (*step == nullptr) {
    *exit_code = Fail(cmd, "--step-id: not a step of its batch", 1);
    return false;
  }
  return true;
}

}  // namespace

int StepShow(Channel channel, const ManufacturingOptions& o) {
  const std::string cmd = Cmd("step-show");
  v1::GetBatchResponse batch;
  const v1::Step* step = nullptr;
  int exit_code = 0;
  if (!ReadStep(channel, o, cmd, &batch, &step, &exit_code)) return exit_code;
  PrintStep(channel, o, *step, batch);
  return 0;
}

int Verify(Channel channel, const ManufacturingOptions& o) {
  const std::string cmd = Cmd("verify");
  if (o.revision < 0) {
    return Fail(cmd, "--revision: the revision you checked (1 or more)", 2);
  }
  int64_t revision = o.revision;
  if (revision == 0) {
    // The verifier signs what they were shown: the step as step-show
    // prints it, its revision confirmed. If it changes before the
    // signature, the server refuses (STEP_REVISION).
    v1::GetBatchResponse batch;
    const v1::Step* step = nullptr;
    int exit_code = 0;
    if (!ReadStep(channel, o, cmd, &batch, &step, &exit_code)) {
      return exit_code;
    }
    PrintStep(channel, o, *step, batch);
    revision = step->revision();
    std::cerr << "verify revision " << revision
              << " of this step, as shown above? [yes/no] " << std::flush;
    std::string answer;
    if (!std::getline(std::cin, answer)) answer.clear();
    if (!answer.empty() && answer.back() == '\r') answer.pop_back();
    answer = absl::AsciiStrToLower(answer);
    if (answer != "yes" && answer != "y") {
      return Fail(cmd, "not confirmed: nothing was signed", 1);
    }
  }
  v1::VerifyStepRequest request;
  *request.mutable_context() = NewRequestContext(o);
  request.set_step_id(o.step_id);
  request.set_revision(revision);
  if (!ReadSignature(o, cmd, "the verification",
                     common::v1::SIGNATURE_MEANING_VERIFIED,
                     request.mutable_signature())) {
    return 2;
  }
  v1::VerifyStepResponse response;
  grpc::Status status =
      Call(channel, o, &v1::ManufacturingService::Stub::VerifyStep, request,
           &response);
  if (!status.ok()) return Report(cmd, status);
  const v1::Step& step = response.step();
  std::cout << StepHead(step) << " verified by " << step.verified_by_user_id()
            << " (recorded by " << step.recorded_by_user_id() << ")\n";
  return 0;
}

int Correct(Channel channel, const ManufacturingOptions& o) {
  const std::string cmd = Cmd("correct");
  if (o.batch_id.empty() || o.step_id.empty()) {
    return Fail(cmd, "--batch-id and --step-id are required", 2);
  }
  if (o.reason.empty()) {
    return Fail(cmd, "--reason: why the values are corrected (required)", 2);
  }
  if (!o.materials.empty() || !o.equipment.empty()) {
    return Fail(cmd,
                "--material/--equipment: a step's materials and equipment "
                "cannot be corrected",
                2);
  }
  // The correction replaces the values as a whole: start from the current
  // revision's and change what the flags give.
  v1::GetBatchRequest get;
  get.set_batch_id(o.batch_id);
  v1::GetBatchResponse batch;
  grpc::Status status =
      Call(channel, o, &v1::ManufacturingService::Stub::GetBatch, get, &batch);
  if (!status.ok()) return Report(cmd, status);
  const v1::Step* current = nullptr;
  for (const v1::Step& step : batch.steps()) {
    if (step.step_id() == o.step_id) current = &step;
  }
  if (current == nullptr) {
    return Fail(
        cmd, "--step-id: " + o.step_id + " is not a step of " + o.batch_id, 1);
  }
  v1::CorrectStepRequest request;
  *request.mutable_context() = NewRequestContext(o);
  request.set_step_id(o.step_id);
  // The revision the person looked at, or the one just read.
  request.set_revision(o.revision > 0 ? o.revision : current->revision());
  *request.mutable_values() = current->values();
  if (!ValueFlags(o, cmd, request.mutable_values())) return 2;
  if (!ReadSignature(o, cmd, "the correction",
                     common::v1::SIGNATURE_MEANING_PERFORMED,
                     request.mutable_signature())) {
    return 2;
  }
  v1::CorrectStepResponse response;
  status = Call(channel, o, &v1::ManufacturingService::Stub::CorrectStep,
                request, &response);
  if (!status.ok()) return Report(cmd, status);
  std::cout << StepHead(response.step())
            << " corrected: " << response.step().correction_reason() << "\n";
  PrintDeviations(response.deviations());
  return 0;
}

int Cryopreserve(Channel channel, const ManufacturingOptions& o) {
  const std::string cmd = Cmd("cryopreserve");
  v1::CryopreserveRequest request;
  request.set_source_step_id(o.source_step_id);
  for (const std::string& position : o.positions) {
    request.add_position_location_ids(position);
  }
  if (!NewStepRequest(o, cmd, "the cryopreservation", &request)) return 2;
  v1::CryopreserveResponse response;
  grpc::Status status =
      Call(channel, o, &v1::ManufacturingService::Stub::Cryopreserve, request,
           &response);
  if (!status.ok()) return Report(cmd, status);
  const v1::Step& step = response.step();
  std::cout << StepHead(step) << " recorded: " << step.vials_size()
            << " vial(s) of " << Cells(step.values().cells_per_vial())
            << " cells into the " << BankName(step.values().bank_kind())
            << " bank\n";
  for (const v1::Vial& vial : step.vials()) {
    std::cout << "  vial " << vial.item_id() << " at "
              << vial.position_location_id() << "\n";
  }
  PrintDeviations(response.deviations());
  return 0;
}

int Thaw(Channel channel, const ManufacturingOptions& o) {
  const std::string cmd = Cmd("thaw");
  v1::ThawVialRequest request;
  request.set_vial_item_id(o.item_id);
  if (!NewStepRequest(o, cmd, "the thaw", &request)) return 2;
  v1::ThawVialResponse response;
  grpc::Status status =
      Call(channel, o, &v1::ManufacturingService::Stub::ThawVial, request,
           &response);
  if (!status.ok()) return Report(cmd, status);
  const v1::Step& step = response.step();
  std::cout << StepHead(step) << " recorded: vial " << o.item_id << " thawed, "
            << Cells(step.values().harvested_viable_cells())
            << " viable cells recovered\n";
  return 0;
}

int ProductHarvest(Channel channel, const ManufacturingOptions& o) {
  const std::string cmd = Cmd("product-harvest");
  v1::HarvestProductRequest request;
  request.set_source_step_id(o.source_step_id);
  request.set_location_id(o.location_id);
  if (!NewStepRequest(o, cmd, "the product harvest", &request)) return 2;
  v1::HarvestProductResponse response;
  grpc::Status status =
      Call(channel, o, &v1::ManufacturingService::Stub::HarvestProduct, request,
           &response);
  if (!status.ok()) return Report(cmd, status);
  const v1::Batch& b = response.batch();
  std::cout << "product lot " << b.product_item_id() << " harvested: "
            << Cells(response.step().values().harvested_viable_cells())
            << " cells, " << StepHead(response.step()) << "; batch "
            << b.batch_id() << " is " << BatchStateName(b.state()) << "\n";
  PrintDeviations(response.deviations());
  return 0;
}
}  // namespace cellchain::cli::mfg
