// cellchain manufacturing batch-start|batch-abort|batch-show|batch-list|
// growth-curve|process-show|deviation-record|deviation-assess: a batch
// from its start to its abort, what it recorded, its growth, the limits its
// process holds it to, and its deviations (the service's batches).
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "cellchain/manufacturing/v1/manufacturing.grpc.pb.h"
#include "clients/cli/cli.h"
#include "clients/cli/manufacturing_shared.h"
#include "clients/cli/table.h"
#include "services/common/strings/printable.h"

namespace cellchain::cli::mfg {

namespace {

std::string Uses(const v1::StepValues& values) {
  std::vector<std::string> parts;
  for (const v1::MaterialUse& m : values.materials()) {
    parts.push_back(m.quantity().empty() ? m.material_id()
                                         : absl::StrCat(m.material_id(), " (",
                                                        m.quantity(), ")"));
  }
  for (const std::string& e : values.equipment_ids()) parts.push_back(e);
  return parts.empty() ? "-" : absl::StrJoin(parts, ", ");
}

// "Quinn Q. Assurance (quinn)", or the user id alone when the name is not
// known.
std::string AbortedBy(const v1::Batch& b) {
  if (b.aborted_by_printed_name().empty()) return b.aborted_by_user_id();
  return absl::StrCat(b.aborted_by_printed_name(), " (", b.aborted_by_user_id(),
                      ")");
}

}  // namespace

int BatchStart(Channel channel, const ManufacturingOptions& o) {
  const std::string cmd = Cmd("batch-start");
  v1::StartBatchRequest request;
  *request.mutable_context() = NewRequestContext(o);
  request.set_donor_lot_id(o.lot_id);
  request.set_process_version(o.process_version);
  if (!o.started_at.empty() && !ReadTimeFlag(cmd, "started-at", o.started_at,
                                             request.mutable_started_at())) {
    return 2;
  }
  request.set_late_entry_reason(o.late_entry_reason);
  v1::StartBatchResponse response;
  grpc::Status status =
      Call(channel, o, &v1::ManufacturingService::Stub::StartBatch, request,
           &response);
  if (!status.ok()) return Report(cmd, status);
  const v1::Batch& b = response.batch();
  std::cout << "batch " << b.batch_id() << " started from donor lot "
            << b.donor_lot_id() << " (DIN " << b.din() << "), process "
            << b.process_version() << ", " << BatchStateName(b.state()) << "\n";
  if (!b.late_entry_reason().empty()) {
    std::cout << "  started " << DisplayTime(b.started_at())
              << ", entered late: " << b.late_entry_reason() << "\n";
  }
  return 0;
}

int BatchAbort(Channel channel, const ManufacturingOptions& o) {
  const std::string cmd = Cmd("batch-abort");
  if (o.reason.empty()) {
    return Fail(cmd, "--reason: why the batch is aborted (required)", 2);
  }
  v1::AbortBatchRequest request;
  *request.mutable_context() = NewRequestContext(o);
  request.set_batch_id(o.batch_id);
  if (!ReadSignature(o, cmd, "the abort of the batch",
                     common::v1::SIGNATURE_MEANING_REJECTED,
                     request.mutable_signature())) {
    return 2;
  }
  v1::AbortBatchResponse response;
  grpc::Status status =
      Call(channel, o, &v1::ManufacturingService::Stub::AbortBatch, request,
           &response);
  if (!status.ok()) return Report(cmd, status);
  const v1::Batch& b = response.batch();
  std::cout << "batch " << b.batch_id() << " is " << BatchStateName(b.state())
            << ": " << b.abort_reason() << " (signed REJECTED by "
            << AbortedBy(b) << " at " << DisplayTime(b.aborted_at()) << ")\n";
  return 0;
}

// ---- deviations -------------------------------------------------------------

namespace {

bool Classification(const ManufacturingOptions& o, const std::string& command,
                    bool required, v1::DeviationClass* out) {
  if (o.classification.empty() && !required) return true;
  return ParseEnumFlag(command, "classification", o.classification,
                       "DEVIATION_CLASS_", out);
}

}  // namespace

int DeviationRecord(Channel channel, const ManufacturingOptions& o) {
  const std::string cmd = Cmd("deviation-record");
  v1::RecordDeviationRequest request;
  *request.mutable_context() = NewRequestContext(o);
  request.set_batch_id(o.batch_id);
  request.set_step_id(o.step_id);
  v1::DeviationClass c = v1::DEVIATION_CLASS_UNSPECIFIED;
  if (!Classification(o, cmd, true, &c)) return 2;
  request.set_classification(c);
  request.set_description(o.description);
  request.set_impact(o.impact);
  v1::RecordDeviationResponse response;
  grpc::Status status =
      Call(channel, o, &v1::ManufacturingService::Stub::RecordDeviation,
           request, &response);
  if (!status.ok()) return Report(cmd, status);
  const v1::Deviation& d = response.deviation();
  std::cout << "deviation " << d.deviation_id() << " recorded on batch "
            << d.batch_id() << ": " << ClassName(d.classification()) << ", "
            << DeviationStatusName(d.status()) << "\n";
  return 0;
}

int DeviationAssess(Channel channel, const ManufacturingOptions& o) {
  const std::string cmd = Cmd("deviation-assess");
  v1::AssessDeviationRequest request;
  *request.mutable_context() = NewRequestContext(o);
  request.set_deviation_id(o.deviation_id);
  v1::DeviationClass c = v1::DEVIATION_CLASS_UNSPECIFIED;
  if (!Classification(o, cmd, false, &c)) return 2;
  request.set_classification(c);
  request.set_assessment(o.assessment);
  if (!ReadSignature(o, cmd, "the assessment",
                     common::v1::SIGNATURE_MEANING_APPROVED,
                     request.mutable_signature())) {
    return 2;
  }
  v1::AssessDeviationResponse response;
  grpc::Status status =
      Call(channel, o, &v1::ManufacturingService::Stub::AssessDeviation,
           request, &response);
  if (!status.ok()) return Report(cmd, status);
  const v1::Deviation& d = response.deviation();
  std::cout << "deviation " << d.deviation_id() << " "
            << DeviationStatusName(d.status()) << " ("
            << ClassName(d.classification()) << "), assessed by "
            << d.assessed_by_user_id() << "\n";
  return 0;
}

// ---- reading ----------------------------------------------------------------

int BatchShow(Channel channel, const ManufacturingOptions& o) {
  const std::string cmd = Cmd("batch-show");
  v1::GetBatchRequest request;
  request.set_batch_id(o.batch_id);
  v1::GetBatchResponse response;
  grpc::Status status =
      Call(channel, o, &v1::ManufacturingService::Stub::GetBatch, request,
           &response);
  if (!status.ok()) return Report(cmd, status);
  const v1::Batch& b = response.batch();
  Line("batch", b.batch_id());
  Line("donor lot", b.donor_lot_id() + " (DIN " + b.din() + ")");
  Line("process", b.process_version());
  Line("state", BatchStateName(b.state()));
  Line("started",
       DisplayTime(b.started_at()) + " by " + b.started_by_user_id());
  if (!b.late_entry_reason().empty()) {
    Line("late entry", b.late_entry_reason());
  }
  if (!b.product_item_id().empty()) {
    Line("product lot",
         b.product_item_id() + " (step " + b.product_step_id() + ")");
  }
  if (b.state() == v1::BATCH_STATE_ABORTED) {
    Line("abort reason", b.abort_reason());
    Line("aborted by", b.aborted_by_user_id().empty()
                           ? "- (before aborts were signed)"
                           : AbortedBy(b) + ", signed REJECTED");
    Line("aborted at", DisplayTime(b.aborted_at()));
  }
  Line("open major devs.", std::to_string(response.open_major_deviations()));

  std::map<std::string, const v1::Growth*> growth;
  for (const v1::Growth& g : response.growth()) growth[g.step_id()] = &g;
  Table steps({"STEP", "KIND", "P", "STATUS", "REV", "SEEDED", "HARVESTED",
               "PD", "CUM.PD", "DT (h)", "BY / VERIFIED BY"},
              "  ");
  for (const v1::Step& s : response.steps()) {
    auto found = growth.find(s.step_id());
    const v1::Growth* g = found == growth.end() ? nullptr : found->second;
    std::string pd = g != nullptr && g->has_population_doublings()
                         ? Fixed(g->population_doublings(), 2)
                         : "-";
    std::string cumulative =
        g != nullptr ? Fixed(g->cumulative_population_doublings(), 2) : "-";
    std::string doubling = g != nullptr && g->has_doubling_time_hours()
                               ? Fixed(g->doubling_time_hours(), 1)
                               : "-";
    steps.AddRow(
        {Printable(s.step_id()), StepKindName(s.kind()),
         Passage(s.passage_number()), StepStatusName(s.status()),
         std::to_string(s.revision()), Cells(s.values().seeded_viable_cells()),
         Cells(s.values().harvested_viable_cells()), pd, cumulative, doubling,
         Printable(s.recorded_by_user_id()) + " / " +
             (s.verified_by_user_id().empty()
                  ? "-"
                  : Printable(s.verified_by_user_id()))});
  }
  std::cout << "\n";
  steps.Print(std::cout);
  for (const v1::Step& s : response.steps()) {
    std::cout << "  " << s.step_id() << ": from "
              << (s.source_step_id().empty() ? "the donor lot"
                                             : s.source_step_id())
              << "; uses " << Uses(s.values());
    if (!s.item_ids().empty()) {
      std::cout << "; items " << absl::StrJoin(s.item_ids(), ", ");
    }
    if (s.values().leftover() != v1::LEFTOVER_DISPOSITION_UNSPECIFIED) {
      std::cout << "; leftover cells "
                << LowerName(
                       v1::LeftoverDisposition_Name(s.values().leftover()),
                       "LEFTOVER_DISPOSITION_");
    }
    std::cout << "\n";
    auto revisions = response.revisions().find(s.step_id());
    if (revisions == response.revisions().end()) continue;
    for (const v1::StepRevision& r : revisions->second.revisions()) {
      if (!r.late_entry_reason().empty()) {
        std::cout << "    revision " << r.revision()
                  << " entered late: " << r.late_entry_reason() << "\n";
      }
      if (r.reason().empty()) continue;
      std::cout << "    revision " << r.revision() << " by "
                << r.recorded_by_user_id() << " "
                << DisplayTime(r.recorded_at()) << ": " << r.reason() << "\n";
    }
  }
  if (!response.deviations().empty()) std::cout << "\n";
  for (const v1::Deviation& d : response.deviations()) {
    std::cout << "  deviation " << d.deviation_id() << " "
              << ClassName(d.classification()) << " "
              << absl::AsciiStrToUpper(DeviationStatusName(d.status()))
              << (d.rule().empty() ? "" : " " + d.rule())
              << (d.step_id().empty() ? "" : " (step " + d.step_id() + ")")
              << ": " << d.description();
    if (!d.assessed_by_user_id().empty()) {
      std::cout << " — assessed by " << d.assessed_by_user_id() << ": "
                << d.assessment();
    }
    std::cout << "\n";
  }
  if (!response.banks().empty()) std::cout << "\n";
  for (const v1::Bank& bank : response.banks()) {
    std::cout << "  bank " << BankName(bank.kind()) << ": "
              << bank.vials_frozen() << " vial(s) frozen, "
              << bank.vials_thawed() << " thawed, " << bank.available_size()
              << " available";
    for (int i = 0; i < bank.available_size(); ++i) {
      std::cout << (i == 0 ? ": " : ", ") << bank.available(i).item_id()
                << " at " << bank.available(i).position_location_id();
    }
    std::cout << "\n";
  }
  // Every step in full, as step-show prints it, so that a reviewer reads
  // the whole batch record at once.
  for (const v1::Step& s : response.steps()) {
    std::cout << "\n";
    PrintStep(channel, o, s, response);
  }
  return 0;
}

int BatchList(Channel channel, const ManufacturingOptions& o) {
  const std::string cmd = Cmd("batch-list");
  v1::ListBatchesRequest request;
  if (!o.state.empty()) {
    v1::BatchState s = v1::BATCH_STATE_UNSPECIFIED;
    if (!ParseEnumFlag(cmd, "state", o.state, "BATCH_STATE_", &s)) return 2;
    request.set_state(s);
  }
  request.set_donor_lot_id(o.lot_id);
  v1::ListBatchesResponse response;
  grpc::Status status =
      Call(channel, o, &v1::ManufacturingService::Stub::ListBatches, request,
           &response);
  if (!status.ok()) return Report(cmd, status);
  Table table({"BATCH", "DONOR LOT", "DIN", "PROCESS", "STATE", "STARTED"});
  for (const v1::Batch& b : response.batches()) {
    table.AddRow({Printable(b.batch_id()), Printable(b.donor_lot_id()),
                  Printable(b.din()), Printable(b.process_version()),
                  BatchStateName(b.state()),
                  DisplayTime(b.started_at()) + " by " +
                      Printable(b.started_by_user_id())});
  }
  table.Print(std::cout);
  return 0;
}

namespace {

// "main", or "side 1", "side 2", ... (GrowthPoint.series).
std::string LineName(int series) {
  return series == 0 ? "main" : absl::StrCat("side ", series);
}

}  // namespace

// The limits the step rules hold a process version to, so that a person
// can read them before a step is refused by one.
int ProcessShow(Channel channel, const ManufacturingOptions& o) {
  const std::string cmd = Cmd("process-show");
  v1::GetProcessRequest request;
  request.set_process_version(o.process_version);
  v1::GetProcessResponse response;
  grpc::Status status =
      Call(channel, o, &v1::ManufacturingService::Stub::GetProcess, request,
           &response);
  if (!status.ok()) return Report(cmd, status);
  const v1::ProcessLimits& p = response.process();
  std::vector<std::string> verified;
  for (int kind : p.verified_kinds()) {
    verified.push_back(StepKindName(static_cast<v1::StepKind>(kind)));
  }
  Line("process", p.process_version() + (p.is_default() ? " (default)" : ""));
  Line("max passage", absl::StrCat("P", p.max_passage()));
  Line("max cumulative PD", Fixed(p.max_cumulative_population_doublings(), 2));
  Line("min doubling time", Fixed(p.min_doubling_time_hours(), 1) + " h");
  Line("past a limit", p.deviation_past_limits()
                           ? "recorded with a MAJOR deviation"
                           : "refused");
  Line("verified steps",
       verified.empty() ? "-" : absl::StrJoin(verified, ", "));
  Line("collection to processing",
       "within " + Fixed(p.max_collection_to_processing_hours(), 1) +
           " h, else a MAJOR deviation");
  Line("late entry after",
       Fixed(p.late_entry_after_hours(), 1) + " h (then --late-entry-reason)");
  Line("vial fill", Fixed(p.vial_fill_ml(), 1) + " ml");
  Line("versions", absl::StrJoin(response.process_versions(), ", "));
  return 0;
}

int GrowthCurve(Channel channel, const ManufacturingOptions& o) {
  const std::string cmd = Cmd("growth-curve");
  const bool csv = o.format == "csv";
  v1::GetGrowthCurveRequest request;
  request.set_batch_id(o.batch_id);
  v1::GetGrowthCurveResponse response;
  grpc::Status status =
      Call(channel, o, &v1::ManufacturingService::Stub::GetGrowthCurve, request,
           &response);
  if (!status.ok()) return Report(cmd, status);
  if (csv) {
    std::cout << "day,passage,cumulative_pd,line\n";
    for (const v1::GrowthPoint& p : response.points()) {
      std::cout << Fixed(p.day(), 2) << "," << p.passage_number() << ","
                << Fixed(p.cumulative_population_doublings(), 2) << ","
                << LineName(p.series()) << "\n";
    }
    return 0;
  }
  if (o.format == "json") {
    Table points({"DAY", "PASSAGE", "CUMULATIVE PD", "LINE", "STEP"});
    points.Number(0).Number(1).Number(2);
    for (const v1::GrowthPoint& p : response.points()) {
      points.AddRow({Fixed(p.day(), 2), absl::StrCat(p.passage_number()),
                     Fixed(p.cumulative_population_doublings(), 2),
                     LineName(p.series()), p.step_id()});
    }
    PrintListing(points, o.format);
    return 0;
  }
  Table table({"DAY", "PASSAGE", "CUMULATIVE PD", "LINE", "STEP"});
  table.AlignRight(0).AlignRight(1).AlignRight(2);
  for (const v1::GrowthPoint& p : response.points()) {
    table.AddRow({Fixed(p.day(), 2), Passage(p.passage_number()),
                  Fixed(p.cumulative_population_doublings(), 2),
                  LineName(p.series()), Printable(p.step_id())});
  }
  table.Print(std::cout);
  return 0;
}
}  // namespace cellchain::cli::mfg
