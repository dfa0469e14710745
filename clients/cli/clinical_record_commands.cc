// cellchain clinical observe|adverse-event (the 5-day safety observation)
// and record|infusions (the queries of clinicians, the pharmacy and QA).
#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "cellchain/clinical/v1/clinical.grpc.pb.h"
#include "clients/cli/cli.h"
#include "clients/cli/clinical_commands_internal.h"
#include "clients/cli/observation_entry.h"
#include "clients/cli/table.h"
#include "services/common/strings/printable.h"

namespace cellchain::cli::clinical_cli {
namespace {

namespace v1 = cellchain::clinical::v1;
using Stub = v1::ClinicalService::Stub;

// The findings of a day on one line: "lab AST 35 U/L; ECG ST 0 mm", or
// "nothing found".
std::string Findings(const v1::Observation& observation) {
  std::vector<std::string> findings;
  for (const v1::ObservationEntry& entry : observation.entries()) {
    findings.push_back(ObservationEntryText(entry));
  }
  return findings.empty() ? "nothing found" : absl::StrJoin(findings, "; ");
}

std::string Links(const v1::LookbackPatient& patient) {
  std::vector<std::string> links;
  for (int link : patient.links()) {
    std::string name =
        LowerName(v1::LookbackLink_Name(static_cast<v1::LookbackLink>(link)),
                  "LOOKBACK_LINK_");
    if (link == v1::LOOKBACK_LINK_SAME_DONOR_LOT) {
      absl::StrAppend(&name, " ", Printable(patient.donor_lot_id()));
    } else if (link == v1::LOOKBACK_LINK_SHARED_REAGENT) {
      absl::StrAppend(&name, " ",
                      Printable(absl::StrJoin(patient.reagent_lot_ids(), ",")));
    }
    links.push_back(name);
  }
  return absl::StrJoin(links, "; ");
}

void PrintAdverseEvent(const v1::AdverseEvent& e, const std::string& indent) {
  auto line = [&](const char* label, const std::string& value) {
    std::cout << indent << PadLabel(label, 19) << value << "\n";
  };
  std::vector<std::string> criteria;
  for (int c : e.criteria()) {
    criteria.push_back(LowerName(
        v1::SeriousnessCriterion_Name(static_cast<v1::SeriousnessCriterion>(c)),
        "SERIOUSNESS_CRITERION_"));
  }
  line("adverse event", Printable(e.adverse_event_id()));
  line("term", Printable(e.term()));
  line("onset", DisplayTime(e.onset_at()));
  line(
      "seriousness",
      LowerName(v1::Seriousness_Name(e.seriousness()), "SERIOUSNESS_") +
          (criteria.empty() ? "" : " (" + absl::StrJoin(criteria, ", ") + ")"));
  line("severity", LowerName(v1::Severity_Name(e.severity()), "SEVERITY_"));
  line("relatedness",
       LowerName(v1::Relatedness_Name(e.relatedness()), "RELATEDNESS_"));
  line("outcome", LowerName(v1::Outcome_Name(e.outcome()), "OUTCOME_"));
  if (!e.description().empty()) line("description", Printable(e.description()));
  line("reported", absl::StrCat(DisplayTime(e.reported_at()), " by ",
                                Printable(e.reported_by_user_id())));
  if (!e.lookback_done()) return;
  line("lookback", absl::StrCat(e.lookback_size(), " other patient(s)"));
  if (e.lookback().empty()) return;
  Table table({"PATIENT", "DOSE", "QC LOT", "LINKED BY"}, indent + "  ");
  for (const v1::LookbackPatient& p : e.lookback()) {
    table.AddRow({Printable(p.subject_id()), Printable(p.dose_id()),
                  Printable(p.lot_id()), Links(p)});
  }
  table.Print(std::cout);
}

}  // namespace

int Observe(Channel channel, const ClinicalOptions& o) {
  const std::string command = "clinical observe";
  v1::RecordObservationRequest request;
  *request.mutable_context() = NewRequestContext(o);
  request.set_infusion_id(o.infusion_id);
  int32_t day = 0;
  if (!ReadWholeFlag(command, "day", o.day, &day)) return 2;
  request.set_day(day);
  if (!ReadTimeFlag(command, "observed-at", o.observed_at,
                    request.mutable_observed_at())) {
    return 2;
  }
  // Every entry read before anything is sent, so that a typing error never
  // records half a day.
  for (const std::string& text : o.entries) {
    absl::StatusOr<v1::ObservationEntry> entry = ParseObservationEntry(text);
    if (!entry.ok()) {
      return Fail(command, std::string(entry.status().message()), 2);
    }
    *request.add_entries() = *std::move(entry);
  }
  if (!ReadSignature(o, command,
                     absl::StrCat("day ", day, " of ", o.infusion_id),
                     common::v1::SIGNATURE_MEANING_PERFORMED,
                     request.mutable_signature())) {
    return 2;
  }
  v1::RecordObservationResponse response;
  grpc::Status status =
      Call(channel, o, &Stub::RecordObservation, request, &response);
  if (!status.ok()) return Report(command, status);
  const v1::Observation& obs = response.observation();
  std::cout << "day " << obs.day() << " of " << Printable(obs.subject_id())
            << " recorded (" << Printable(obs.observation_id()) << ", observed "
            << DisplayTime(obs.observed_at()) << "): " << Findings(obs) << "\n";
  return 0;
}

int AdverseEvent(Channel channel, const ClinicalOptions& o) {
  const std::string command = "clinical adverse-event";
  v1::ReportAdverseEventRequest request;
  *request.mutable_context() = NewRequestContext(o);
  request.set_infusion_id(o.infusion_id);
  request.set_term(o.term);
  request.set_description(o.description);
  if (!ReadTimeFlag(command, "onset-at", o.onset_at,
                    request.mutable_onset_at())) {
    return 2;
  }
  v1::Seriousness seriousness = v1::SERIOUSNESS_UNSPECIFIED;
  if (!ParseEnumFlag(command, "seriousness", o.seriousness, "SERIOUSNESS_",
                     &seriousness)) {
    return 2;
  }
  request.set_seriousness(seriousness);
  for (const std::string& name : o.criteria) {
    v1::SeriousnessCriterion criterion = v1::SERIOUSNESS_CRITERION_UNSPECIFIED;
    if (!ParseEnumName(name, "SERIOUSNESS_CRITERION_",
                       &v1::SeriousnessCriterion_Parse, &criterion)) {
      return Fail(
          command,
          absl::StrCat("--criteria: ", name, " is not one of ",
                       EnumChoices(v1::SeriousnessCriterion_descriptor(),
                                   "SERIOUSNESS_CRITERION_")),
          2);
    }
    request.add_criteria(criterion);
  }
  v1::Severity severity = v1::SEVERITY_UNSPECIFIED;
  if (!ParseEnumFlag(command, "severity", o.severity, "SEVERITY_", &severity)) {
    return 2;
  }
  request.set_severity(severity);
  v1::Relatedness relatedness = v1::RELATEDNESS_UNSPECIFIED;
  if (!ParseEnumFlag(command, "relatedness", o.relatedness, "RELATEDNESS_",
                     &relatedness)) {
    return 2;
  }
  request.set_relatedness(relatedness);
  v1::Outcome outcome = v1::OUTCOME_UNSPECIFIED;
  if (!ParseEnumFlag(command, "outcome", o.outcome, "OUTCOME_", &outcome)) {
    return 2;
  }
  request.set_outcome(outcome);
  if (!ReadSignature(o, command, "the adverse event of " + o.infusion_id,
                     common::v1::SIGNATURE_MEANING_PERFORMED,
                     request.mutable_signature())) {
    return 2;
  }
  v1::ReportAdverseEventResponse response;
  grpc::Status status =
      Call(channel, o, &Stub::ReportAdverseEvent, request, &response);
  if (!status.ok()) return Report(command, status);
  std::cout << "adverse event of "
            << Printable(response.adverse_event().subject_id())
            << " reported\n";
  PrintAdverseEvent(response.adverse_event(), "  ");
  return 0;
}

int Record(Channel channel, const ClinicalOptions& o) {
  v1::GetPatientRecordRequest request;
  request.set_subject_id(o.subject_id);
  v1::GetPatientRecordResponse response;
  grpc::Status status =
      Call(channel, o, &Stub::GetPatientRecord, request, &response);
  if (!status.ok()) return Report("clinical record", status);
  std::cout << "patient " << Printable(response.subject_id()) << ": "
            << response.infusions_size() << " infusion(s)\n";
  for (const v1::PatientInfusion& p : response.infusions()) {
    std::cout << "\n";
    PrintInfusion(p.infusion(), std::cout);
    if (!p.observations().empty()) {
      std::cout << "  observations:\n";
      Table table({"DAY", "OBSERVED (UTC)", "BY", "FINDINGS"}, "    ");
      for (const v1::Observation& obs : p.observations()) {
        table.AddRow({std::to_string(obs.day()), DisplayTime(obs.observed_at()),
                      Printable(obs.recorded_by_user_id()), Findings(obs)});
      }
      table.Print(std::cout);
    }
    for (const v1::AdverseEvent& e : p.adverse_events()) {
      std::cout << "\n";
      PrintAdverseEvent(e, "  ");
    }
  }
  return 0;
}

int Infusions(Channel channel, const ClinicalOptions& o) {
  v1::ListInfusionsByLotRequest request;
  request.set_lot_id(o.lot_id);
  v1::ListInfusionsByLotResponse response;
  grpc::Status status =
      Call(channel, o, &Stub::ListInfusionsByLot, request, &response);
  if (!status.ok()) return Report("clinical infusions", status);
  if (ForTools(o.format)) {
    // The lookback for tools: each field as the service sent it, times
    // RFC 3339, the volume and rate numbers (null before the infusion).
    Table table({"INFUSION", "DOSE", "PATIENT", "STATE", "RECEIVED AT",
                 "STARTED AT", "VOLUME ML", "RATE ML PER MIN",
                 "RATE DEVIATION"});
    table.Number(6).Number(7);
    for (const v1::Infusion& i : response.infusions()) {
      bool infused = i.state() == v1::INFUSION_STATE_INFUSED;
      table.AddRow(
          {i.infusion_id(), i.dose_id(), i.subject_id(),
           InfusionStateName(i.state()), CellTime(i.received_at()),
           infused ? CellTime(i.details().started_at()) : "",
           infused ? absl::StrFormat("%.1f", i.details().volume_infused_ml())
                   : "",
           infused ? absl::StrFormat("%.2f", i.rate_ml_per_min()) : "",
           infused ? (i.rate_deviation() ? "yes" : "no") : ""});
    }
    PrintListing(table, o.format);
    return 0;
  }
  Table table({"INFUSION", "DOSE", "PATIENT", "STATE", "RECEIVED (UTC)",
               "INFUSED (UTC)", "ML", "ML/MIN"});
  for (const v1::Infusion& i : response.infusions()) {
    bool infused = i.state() == v1::INFUSION_STATE_INFUSED;
    table.AddRow(
        {Printable(i.infusion_id()), Printable(i.dose_id()),
         Printable(i.subject_id()), InfusionStateName(i.state()),
         DisplayTime(i.received_at()),
         infused ? DisplayTime(i.details().started_at()) : "-",
         infused ? absl::StrFormat("%.1f", i.details().volume_infused_ml())
                 : "-",
         infused ? absl::StrFormat("%.2f%s", i.rate_ml_per_min(),
                                   i.rate_deviation() ? " DEVIATION" : "")
                 : "-"});
  }
  table.Print(std::cout);
  std::cout << response.infusions_size() << " infusion(s) of lot "
            << Printable(o.lot_id) << "\n";
  return 0;
}

}  // namespace cellchain::cli::clinical_cli
