// cellchain dose release|issue|return|destroy|list: the pharmacy's
// commands (cellchain.dose.v1.DoseService). They pass on what the
// pharmacist has in hand — the order sheet's order, the bag's scan — and
// the service decides: which dose the order's is and that the bag is it,
// which handoff brings the bag back, so that every client gets the same
// answer where the release is signed and recorded.
#include <algorithm>
#include <iostream>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "clients/cli/cli.h"
#include "clients/cli/dose_commands_internal.h"
#include "clients/cli/session.h"
#include "clients/cli/table.h"
#include "services/common/grpc/grpc_status.h"
#include "services/common/status/metadata.h"
#include "services/common/strings/printable.h"
#include "services/dose/reasons.h"

namespace cellchain::cli::dose_cli {
namespace {

// Every gate of a release, in the order the service judges them (the
// order sheet's first, in services/dose/release.cc, then rules.h
// ReleaseGates), with what it checks. A WRONG_ORDER refusal comes before
// the others are judged and carries no gate's metadata, so no table is
// printed for it.
struct Gate {
  const char* reason;
  const char* checks;
};
constexpr Gate kGates[] = {
    {dose::kReasonWrongOrder,
     "the dose is the one prepared for the order sheet's order"},
    {dose::kReasonLotNotReleased, "the lot is released by QA"},
    {dose::kReasonConditionNotAcknowledged,
     "a conditional lot's pending tests are acknowledged"},
    {dose::kReasonPreparationNotAccepted,
     "the count after preparation is "
     "within the window"},
    {dose::kReasonPreparationNotVerified, "a second technician verified it"},
    {dose::kReasonLabelMismatch, "the scanned label is exactly the dose's"},
    {dose::kReasonPatientMismatch, "the patient read is the order's"},
    {dose::kReasonDoseExpired, "the dose is not expired"},
    {dose::kReasonItemOnHold, "no hold on the bag or what it came from"},
    {dose::kReasonCustodyBroken, "custody of the bag is unbroken"},
    {dose::kReasonTemperatureExcursion, "no temperature excursion"},
};

// The failing gates' words, by reason, from a refusal's metadata
// (services/dose/reasons.h GateMetadataKey); empty when the refusal is not
// the gates'.
std::vector<std::pair<std::string, std::string>> FailedGates(
    const absl::Status& refusal) {
  std::vector<std::pair<std::string, std::string>> failed;
  for (const Gate& gate : kGates) {
    std::string words = MetadataOf(refusal, dose::GateMetadataKey(gate.reason));
    if (!words.empty()) failed.emplace_back(gate.reason, std::move(words));
  }
  return failed;
}

// Every gate with its result: "pass", or "FAIL" and the service's words.
void PrintGates(
    const std::vector<std::pair<std::string, std::string>>& failed) {
  Table table({"RESULT", "GATE", "CHECKS"}, "  ");
  for (const Gate& gate : kGates) {
    auto it = std::find_if(failed.begin(), failed.end(), [&](const auto& f) {
      return f.first == gate.reason;
    });
    if (it == failed.end()) {
      table.AddRow({"pass", gate.reason, gate.checks});
    } else {
      table.AddRow({"FAIL", gate.reason, Printable(it->second)});
    }
  }
  table.Print(std::cout);
}

// The dose a refusal of a release names: --dose-id, or, released by the
// order sheet alone, the one the service judged (its refusal's metadata,
// services/dose/reasons.h kMetadataDoseId); "" when neither says.
std::string RefusedDose(const DoseOptions& o, const absl::Status& refusal) {
  if (!o.dose_id.empty()) return o.dose_id;
  return MetadataOf(refusal, dose::kMetadataDoseId);
}

}  // namespace

int Release(std::shared_ptr<grpc::Channel> channel, const DoseOptions& o) {
  v1::ReleaseDoseRequest request;
  // The bag's scan first: a scanner types it before a password on stdin.
  if (!ReadScan(kRelease, o.scan, request.mutable_label_scan())) return 2;
  // The service checks the dose against the order sheet's order, or finds
  // the order's dose when none is named.
  request.set_order_id(o.order_id);
  request.set_dose_id(o.dose_id);
  request.set_subject_id(o.subject_id);
  request.set_date_of_birth(o.date_of_birth);
  request.set_initials(o.initials);
  for (const std::string& code : o.acknowledge) {
    request.add_acknowledged_pending_test_codes(code);
  }
  if (!ReadSignature(o, kRelease, "the dose's release",
                     common::v1::SIGNATURE_MEANING_RELEASED,
                     request.mutable_signature())) {
    return 2;
  }
  *request.mutable_context() = NewRequestContext(o);
  v1::ReleaseDoseResponse response;
  grpc::Status status =
      Call(channel, o, &Stub::ReleaseDose, request, &response);
  if (!status.ok()) {
    const absl::Status refusal = grpcx::FromGrpcStatus(status);
    std::vector<std::pair<std::string, std::string>> failed =
        FailedGates(refusal);
    if (!failed.empty()) {
      const std::string dose_id = RefusedDose(o, refusal);
      std::cout << "dose "
                << (dose_id.empty() ? "of order " + Printable(o.order_id)
                                    : Printable(dose_id))
                << " NOT released; the gates:\n";
      PrintGates(failed);
    }
    return Report(kRelease, status);
  }
  const v1::Dose& d = response.dose();
  std::cout << "dose " << Printable(d.dose_id()) << " RELEASED by "
            << ByAt(d.released_by_user_id(), d.released_at()) << " for patient "
            << Printable(d.subject_id()) << "; the gates:\n";
  PrintGates({});
  if (d.acknowledged_pending_test_codes_size() > 0) {
    std::cout << "pending tests acknowledged: "
              << Printable(
                     absl::StrJoin(d.acknowledged_pending_test_codes(), ", "))
              << "\n";
  }
  std::cout << "expires " << DisplayTime(d.expires_at()) << "\n";
  return 0;
}

int Issue(std::shared_ptr<grpc::Channel> channel, const DoseOptions& o) {
  v1::IssueDoseRequest request;
  *request.mutable_context() = NewRequestContext(o);
  request.set_dose_id(o.dose_id);
  request.set_to_user_id(o.to_user);
  request.set_to_location_id(o.to_location);
  request.set_condition(o.condition);
  request.set_seal_intact(!o.seal_broken);
  v1::IssueDoseResponse response;
  grpc::Status status = Call(channel, o, &Stub::IssueDose, request, &response);
  if (!status.ok()) return Report(kIssue, status);
  const v1::Dose& d = response.dose();
  std::cout << "dose " << Printable(d.dose_id()) << " ISSUED to "
            << Printable(o.to_user.empty() ? o.to_location : o.to_user)
            << ": handoff " << Printable(response.handoff_id()) << " (bag "
            << Printable(d.item_id()) << ", expires "
            << DisplayTime(d.expires_at()) << ")\n"
            << "the cath lab receives it by scanning the bag: cellchain "
               "clinical receive --dose-id="
            << Printable(d.dose_id()) << " --scan=-\n";
  return 0;
}

int Return(std::shared_ptr<grpc::Channel> channel, const DoseOptions& o) {
  v1::ReturnDoseRequest request;
  request.set_dose_id(o.dose_id);
  if (!ReadScan(kReturn, o.scan, request.mutable_scan())) return 2;
  // Empty: the service finds the bag's handoff back.
  request.set_handoff_id(o.handoff_id);
  request.set_condition(o.condition);
  request.set_seal_intact(!o.seal_broken);
  *request.mutable_context() = NewRequestContext(o);
  v1::ReturnDoseResponse response;
  grpc::Status status = Call(channel, o, &Stub::ReturnDose, request, &response);
  if (!status.ok()) return Report(kReturn, status);
  const v1::Dose& d = response.dose();
  std::cout << "dose " << Printable(d.dose_id()) << " RETURNED to the pharmacy"
            << " at " << DisplayTime(d.returned_at())
            << "; released again only through every gate\n";
  return 0;
}

int Destroy(std::shared_ptr<grpc::Channel> channel, const DoseOptions& o) {
  v1::DestroyDoseRequest request;
  request.set_dose_id(o.dose_id);
  if (!ReadSignature(o, kDestroy, "the dose's destruction",
                     common::v1::SIGNATURE_MEANING_PERFORMED,
                     request.mutable_signature())) {
    return 2;
  }
  // The witness signs at the pharmacist's workstation.
  if (!ReadCoSignature(o, kDestroy, o.witness, o.witness_password_env,
                       "the dose's destruction",
                       common::v1::SIGNATURE_MEANING_WITNESSED,
                       request.mutable_witness())) {
    return 2;
  }
  *request.mutable_context() = NewRequestContext(o);
  v1::DestroyDoseResponse response;
  grpc::Status status =
      Call(channel, o, &Stub::DestroyDose, request, &response);
  if (!status.ok()) return Report(kDestroy, status);
  const v1::Dose& d = response.dose();
  std::cout << "dose " << Printable(d.dose_id()) << " DESTROYED by "
            << ByAt(d.destroyed_by_user_id(), d.destroyed_at()) << ", witness "
            << Printable(d.destruction_witness_user_id()) << "; bag "
            << Printable(d.item_id()) << " discarded\n";
  return 0;
}

int List(std::shared_ptr<grpc::Channel> channel, const DoseOptions& o) {
  v1::Worklist worklist;
  if (!ParseEnumName(o.worklist, "WORKLIST_", &v1::Worklist_Parse, &worklist)) {
    return Fail(
        kList,
        absl::StrCat("--worklist: \"", o.worklist, "\" is not ",
                     EnumChoices(v1::Worklist_descriptor(), "WORKLIST_")),
        2);
  }
  v1::ListDosesRequest request;
  request.set_worklist(worklist);
  request.set_within_minutes(static_cast<int32_t>(o.within_minutes));
  v1::ListDosesResponse response;
  grpc::Status status = Call(channel, o, &Stub::ListDoses, request, &response);
  if (!status.ok()) return Report(kList, status);
  PrintDoseTable(response.doses());
  std::cout << response.doses_size() << " dose(s), soonest expiry first\n";
  return 0;
}

}  // namespace cellchain::cli::dose_cli
