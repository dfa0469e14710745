// cellchain dose release|issue|return|destroy|list: the pharmacy's
// commands (cellchain.dose.v1.DoseService).
#include <algorithm>
#include <iostream>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "cellchain/custody/v1/custody.grpc.pb.h"
#include "clients/cli/cli.h"
#include "clients/cli/dose_commands_internal.h"
#include "clients/cli/session.h"
#include "clients/cli/table.h"
#include "services/common/strings/printable.h"
#include "services/dose/reasons.h"

namespace cellchain::cli::dose_cli {
namespace {

// Every gate of a release, in the order the service judges them
// (services/dose/rules.h ReleaseGates), with what it checks.
struct Gate {
  const char* reason;
  const char* checks;
};
constexpr Gate kGates[] = {
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

// The failing gates' messages from a refusal's "...: R1: m1; R2: m2", by
// reason; empty when `message` names none.
std::vector<std::pair<std::string, std::string>> FailedGates(
    const std::string& message) {
  std::vector<std::pair<size_t, const char*>> starts;
  for (const Gate& gate : kGates) {
    std::string head = absl::StrCat(gate.reason, ": ");
    for (size_t at = message.find(head); at != std::string::npos;
         at = message.find(head, at + 1)) {
      // A gate's reason starts the message's list or follows "; ".
      if (at >= 2 && (message.compare(at - 2, 2, ": ") == 0 ||
                      message.compare(at - 2, 2, "; ") == 0)) {
        starts.emplace_back(at, gate.reason);
        break;
      }
    }
  }
  std::sort(starts.begin(), starts.end());
  std::vector<std::pair<std::string, std::string>> failed;
  for (size_t i = 0; i < starts.size(); ++i) {
    size_t from =
        starts[i].first + std::string_view(starts[i].second).size() + 2;
    size_t to =
        i + 1 < starts.size() ? starts[i + 1].first - 2 : message.size();
    failed.emplace_back(starts[i].second, message.substr(from, to - from));
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

// The dose a release is of: --dose-id, or the dose of --order-id (the
// order on the pharmacist's order sheet) not yet released, issued or
// destroyed (an order has one such dose; ORDER_HAS_DOSE); given both,
// the dose must be that order's, so that the sheet in hand is the bag's.
// The dose id, or "" after a one-line refusal, `*code` its exit status:
// 2 when neither is given or the order has several doses awaiting release,
// 1 when the server refuses the order or the dose is not the order's.
std::string DoseToRelease(std::shared_ptr<grpc::Channel> channel,
                          const DoseOptions& o, int* code) {
  if (o.order_id.empty()) {
    if (o.dose_id.empty()) {
      *code = Fail(kRelease,
                   "--dose-id or --order-id is required; see " + ProgramName() +
                       " dose release --help",
                   2);
    }
    return o.dose_id;
  }
  v1::GetOrderRequest request;
  request.set_order_id(o.order_id);
  v1::GetOrderResponse response;
  grpc::Status status = Call(channel, o, &Stub::GetOrder, request, &response);
  if (!status.ok()) {
    *code = Report(kRelease, status);
    return "";
  }
  std::vector<std::string> awaiting, all;
  for (const v1::Dose& d : response.doses()) {
    if (d.dose_id() == o.dose_id) return o.dose_id;
    all.push_back(absl::StrCat(d.dose_id(), " ", State(d.state())));
    // Those a release judges the gates of (services/dose/release.cc): a
    // dose the lab has not verified yet is shown failing its gates, not
    // hidden behind "no dose".
    if (d.state() != v1::DOSE_STATE_RELEASED &&
        d.state() != v1::DOSE_STATE_ISSUED &&
        d.state() != v1::DOSE_STATE_DESTROYED) {
      awaiting.push_back(d.dose_id());
    }
  }
  const std::string doses =
      all.empty() ? "none" : Printable(absl::StrJoin(all, ", "));
  if (!o.dose_id.empty()) {
    *code = Fail(kRelease,
                 absl::StrCat("--order-id: dose ", Printable(o.dose_id),
                              " is not of order ", Printable(o.order_id),
                              " (its doses: ", doses, ")"),
                 1);
    return "";
  }
  if (awaiting.size() == 1) return awaiting[0];
  *code = Fail(kRelease,
               awaiting.empty()
                   ? absl::StrCat("--order-id: order ", Printable(o.order_id),
                                  " has no dose awaiting release (its doses: ",
                                  doses, ")")
                   : absl::StrCat("--order-id: order ", Printable(o.order_id),
                                  " has ", awaiting.size(),
                                  " doses awaiting release; name one with "
                                  "--dose-id"),
               awaiting.empty() ? 1 : 2);
  return "";
}

}  // namespace

int Release(std::shared_ptr<grpc::Channel> channel, const DoseOptions& o) {
  v1::ReleaseDoseRequest request;
  // The bag's scan first: a scanner types it before a password on stdin.
  if (!ReadScan(kRelease, o.scan, request.mutable_label_scan())) return 2;
  int refused = 0;
  const std::string dose_id = DoseToRelease(channel, o, &refused);
  if (dose_id.empty()) return refused;
  request.set_dose_id(dose_id);
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
    std::vector<std::pair<std::string, std::string>> failed =
        FailedGates(status.error_message());
    if (!failed.empty()) {
      std::cout << "dose " << Printable(dose_id)
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

namespace {

// The handoff a return accepts: --handoff-id, or the one open handoff of the
// dose's bag — the cath lab's back to the pharmacy, whose id the pharmacist
// does not have in hand (the bag is). "" after a one-line refusal, `*code`
// its exit status: 1 when the server refuses a read or the bag has no open
// handoff, 2 when it has several (then --handoff-id names one).
std::string HandoffToAccept(std::shared_ptr<grpc::Channel> channel,
                            const DoseOptions& o, int* code) {
  if (!o.handoff_id.empty()) return o.handoff_id;
  v1::GetDoseRequest dose_request;
  dose_request.set_dose_id(o.dose_id);
  v1::GetDoseResponse dose;
  grpc::Status status = Call(channel, o, &Stub::GetDose, dose_request, &dose);
  if (!status.ok()) {
    *code = Report(kReturn, status);
    return "";
  }
  custody::v1::GetItemRequest item_request;
  item_request.set_item_id(dose.dose().item_id());
  custody::v1::GetItemResponse item;
  status = Call(channel, o, &custody::v1::CustodyService::Stub::GetItem,
                item_request, &item);
  if (!status.ok()) {
    *code = Report(kReturn, status);
    return "";
  }
  std::vector<std::string> open;
  for (const custody::v1::Handoff& h : item.handoffs()) {
    if (h.status() == "OPEN") open.push_back(h.handoff_id());
  }
  if (open.size() == 1) return open[0];
  *code = Fail(
      kReturn,
      open.empty()
          ? absl::StrCat("--handoff-id: bag ", Printable(dose.dose().item_id()),
                         " has no open handoff; the cath lab hands it back "
                         "first (custody handoff --to-location=...)")
          : absl::StrCat("--handoff-id: bag ", Printable(dose.dose().item_id()),
                         " has ", open.size(), " open handoffs (",
                         Printable(absl::StrJoin(open, ", ")), "); name one"),
      open.empty() ? 1 : 2);
  return "";
}

}  // namespace

int Return(std::shared_ptr<grpc::Channel> channel, const DoseOptions& o) {
  v1::ReturnDoseRequest request;
  request.set_dose_id(o.dose_id);
  if (!ReadScan(kReturn, o.scan, request.mutable_scan())) return 2;
  int refused = 0;
  request.set_handoff_id(HandoffToAccept(channel, o, &refused));
  if (request.handoff_id().empty()) return refused;
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
