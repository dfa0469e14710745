// What the pharmacy does with a released dose: issue it to the cath lab (a
// custody handoff, accepted there by scanning the bag), take it back when
// the cath lab returns it (accepting the handoff back by scanning), destroy
// it with a witness (the bag discarded in custody), and the worklists.
//
// Each locks the dose's row, judges the dose, and only then asks custody
// for its part (under request ids derived from the caller's, so custody
// replays it), then records the dose's change in the same transaction: no
// one changes the dose between custody's change and its row, and a retry
// of a request whose dose side failed after custody's change finds the dose
// as it was and custody replaying its part, and completes. An issue refused
// after its handoff started cancels the handoff.
#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/common/fields/fields.h"
#include "services/common/idempotency/idempotency.h"
#include "services/common/status/status.h"
#include "services/custody/reasons.h"
#include "services/dose/dose.h"
#include "services/dose/dose_internal.h"
#include "services/dose/store.h"
#include "services/ledger/record_once.h"
#include "services/ledger/recorder.h"

namespace cellchain::dose {
namespace {

// Whether custody has ended `dose`'s bag (INFUSED into the patient,
// DISCARDED, CONSUMED): nothing of the dose is left to release, issue or
// watch expire. custody's errors (UNAVAILABLE; NOT_FOUND ITEM_NOT_FOUND).
absl::StatusOr<bool> BagEnded(ItemPort& items, const v1::Dose& dose) {
  custody::v1::GetItemRequest request;
  request.set_item_id(dose.item_id());
  CC_ASSIGN_OR_RETURN(custody::v1::GetItemResponse got, items.GetItem(request));
  switch (got.item().state()) {
    case custody::v1::ITEM_STATE_INFUSED:
    case custody::v1::ITEM_STATE_DISCARDED:
    case custody::v1::ITEM_STATE_CONSUMED:
      return true;
    default:
      return false;
  }
}

// $1 dose, $2 handoff, $3 state (ISSUED).
constexpr char kUpdateIssued[] =
    "UPDATE cellchain_dose.doses SET issued_handoff_id = $2, "
    "issued_at = now(), state = $3, version = version + 1 WHERE dose_id = $1";
// $1 dose, $2 reason, $3 state (RETURNED).
constexpr char kUpdateReturned[] =
    "UPDATE cellchain_dose.doses SET returned_at = now(), return_reason = $2, "
    "state = $3, version = version + 1 WHERE dose_id = $1";
// $1 dose, $2 by, $3 witness, $4 reason, $5 state (DESTROYED).
constexpr char kUpdateDestroyed[] =
    "UPDATE cellchain_dose.doses SET destroyed_by = $2, "
    "destruction_witness = $3, destroyed_at = now(), "
    "destruction_reason = $4, state = $5, version = version + 1 "
    "WHERE dose_id = $1";

constexpr std::initializer_list<v1::DoseState> kDestroyable = {
    v1::DOSE_STATE_PREPARED,       v1::DOSE_STATE_COUNTED,
    v1::DOSE_STATE_NOT_ACCEPTABLE, v1::DOSE_STATE_VERIFIED,
    v1::DOSE_STATE_RELEASED,       v1::DOSE_STATE_RETURNED};

// The handoff a return of `dose` accepts, from its bag's `item` as custody
// has it: `named`, when it is one of the bag's own handoffs and not the
// issue's (CUSTODY_BROKEN otherwise); else the bag's handoff back since
// the issue — the one open (FAILED_PRECONDITION HANDOFF_NOT_OPEN when
// none, INVALID_ARGUMENT `handoff_id` when several), or, none open, the
// last one `caller` accepted: a retry of a return whose dose side did not
// commit, which custody's replay of this request's acceptance confirms (an
// acceptance by any other request custody refuses, HANDOFF_NOT_OPEN).
absl::StatusOr<std::string> HandoffBack(
    const custody::v1::GetItemResponse& item, const v1::Dose& dose,
    const std::string& named, const std::string& caller) {
  const auto& handoffs = item.handoffs();
  if (!named.empty()) {
    const bool bags_own = std::any_of(
        handoffs.begin(), handoffs.end(), [&](const custody::v1::Handoff& h) {
          return h.handoff_id() == named &&
                 h.handoff_id() != dose.issued_handoff_id();
        });
    if (!bags_own) {
      return FailedRule(
          kReasonCustodyBroken,
          absl::StrCat("handoff ", named, " is not a handoff back of dose ",
                       dose.dose_id(), "'s bag ", dose.item_id()));
    }
    return named;
  }
  // Those after the issue's (custody lists them oldest first).
  auto since = std::find_if(handoffs.begin(), handoffs.end(),
                            [&](const custody::v1::Handoff& h) {
                              return h.handoff_id() == dose.issued_handoff_id();
                            });
  since = since == handoffs.end() ? handoffs.begin() : std::next(since);
  std::vector<std::string> open;
  const custody::v1::Handoff* accepted = nullptr;
  for (auto h = since; h != handoffs.end(); ++h) {
    if (h->status() == "OPEN") open.push_back(h->handoff_id());
    if (h->status() == "ACCEPTED") {
      accepted = h->accepted_by_user_id() == caller ? &*h : nullptr;
    }
  }
  if (open.size() == 1) return open.front();
  if (open.size() > 1) {
    return InvalidField(
        "handoff_id",
        absl::StrCat("bag ", dose.item_id(), " has ", open.size(),
                     " handoffs open (", absl::StrJoin(open, ", "),
                     "): name the one back to the pharmacy"));
  }
  if (accepted != nullptr) return accepted->handoff_id();
  return FailedRule(
      custody::kReasonHandoffNotOpen,
      absl::StrCat("bag ", dose.item_id(), " of dose ", dose.dose_id(),
                   " has no handoff back to the pharmacy open: the cath lab "
                   "hands it back first (custody handoff)"));
}

absl::Status RequireUnexpired(const v1::Dose& dose, absl::Time now) {
  if (now < fields::ToTime(dose.expires_at())) return absl::OkStatus();
  return FailedRule(kReasonDoseExpired,
                    absl::StrCat("dose ", dose.dose_id(), " has expired (",
                                 dose.expiration(), ")"));
}

}  // namespace

absl::StatusOr<v1::IssueDoseResponse> Dose::IssueDose(
    const P& caller, const v1::IssueDoseRequest& request) {
  if (request.dose_id().empty()) return InvalidField("dose_id", "required");
  if (request.to_user_id().empty() && request.to_location_id().empty()) {
    return InvalidField("to_user_id",
                        "the receiving clinician or the cath lab's location");
  }
  const std::string& request_id = request.context().request_id();
  CC_RETURN_IF_ERROR(idempotency::ValidateRequestId(request_id));
  // The handoff this attempt started, for the cancellation below.
  std::string started_handoff_id;
  absl::StatusOr<v1::IssueDoseResponse> issued =
      ledger::RecordOnce<v1::IssueDoseResponse>(
          *pool_, *ledger_, {kServiceName, "IssueDose", auth::ActorOf(caller)},
          request,
          [&](ledger::Recorder& audit,
              v1::IssueDoseResponse& response) -> absl::Status {
            pg::Transaction& tx = audit.tx();
            // Locked first and judged before custody is asked: no one can
            // change the dose between the handoff and its row.
            CC_ASSIGN_OR_RETURN(v1::Dose locked, LoadDose(tx, request.dose_id(),
                                                          /*for_update=*/true));
            CC_RETURN_IF_ERROR(
                RequireState(locked, {v1::DOSE_STATE_RELEASED}, "an issue"));
            CC_RETURN_IF_ERROR(RequireUnexpired(locked, clock_->Now()));
            custody::v1::InitiateHandoffRequest handoff;
            handoff.mutable_context()->set_request_id(
                idempotency::DerivedRequestId(request_id, "issue"));
            handoff.set_item_id(locked.item_id());
            handoff.set_to_user_id(request.to_user_id());
            handoff.set_to_location_id(request.to_location_id());
            handoff.set_condition(request.condition());
            handoff.set_seal_intact(request.seal_intact());
            CC_ASSIGN_OR_RETURN(custody::v1::InitiateHandoffResponse started,
                                items_->InitiateHandoff(caller, handoff));
            const custody::v1::Handoff& h = started.handoff();
            if (h.status() == "CANCELLED") {
              // Custody replayed the handoff an earlier attempt of this
              // request started and then cancelled.
              return FailedRule(
                  kReasonRequestRefusedBefore,
                  absl::StrCat("request ", request_id,
                               " was refused before and its handoff ",
                               h.handoff_id(),
                               " cancelled: issue with a new request id"));
            }
            started_handoff_id = h.handoff_id();
            // The UPDATE travels with the record's round trip, before the
            // dose's read.
            tx.Defer({kUpdateIssued,
                      {locked.dose_id(), h.handoff_id(),
                       static_cast<int>(v1::DOSE_STATE_ISSUED)}});
            CC_ASSIGN_OR_RETURN(*response.mutable_dose(),
                                RecordDose(audit, "dose.issue", locked));
            response.set_handoff_id(h.handoff_id());
            return absl::OkStatus();
          });
  // A refusal after the handoff started (nothing of the dose's own is left
  // to judge then, but the record's append can refuse) sends the bag back
  // to the pharmacy. Any other failure leaves the handoff open: a retry of
  // this request replays it and completes the issue.
  if (issued.status().code() == absl::StatusCode::kFailedPrecondition &&
      !started_handoff_id.empty()) {
    custody::v1::CancelHandoffRequest cancel;
    cancel.mutable_context()->set_request_id(
        idempotency::DerivedRequestId(request_id, "issue/cancel"));
    cancel.set_handoff_id(started_handoff_id);
    absl::StatusOr<custody::v1::CancelHandoffResponse> cancelled =
        items_->CancelHandoff(caller, cancel);
    if (!cancelled.ok()) {
      return Annotate(issued.status(),
                      absl::StrCat("and handoff ", started_handoff_id,
                                   " could not be cancelled: ",
                                   cancelled.status().message()));
    }
  }
  return issued;
}

absl::StatusOr<v1::ReturnDoseResponse> Dose::ReturnDose(
    const P& caller, const v1::ReturnDoseRequest& request) {
  if (request.dose_id().empty()) return InvalidField("dose_id", "required");
  if (request.scan().empty()) return InvalidField("scan", "required");
  CC_RETURN_IF_ERROR(
      fields::RequireText(request.context().reason(), "context.reason"));
  const std::string& request_id = request.context().request_id();
  CC_RETURN_IF_ERROR(idempotency::ValidateRequestId(request_id));
  return ledger::RecordOnce<v1::ReturnDoseResponse>(
      *pool_, *ledger_, {kServiceName, "ReturnDose", auth::ActorOf(caller)},
      request,
      [&](ledger::Recorder& audit,
          v1::ReturnDoseResponse& response) -> absl::Status {
        pg::Transaction& tx = audit.tx();
        CC_ASSIGN_OR_RETURN(v1::Dose locked, LoadDose(tx, request.dose_id(),
                                                      /*for_update=*/true));
        CC_RETURN_IF_ERROR(
            RequireState(locked, {v1::DOSE_STATE_ISSUED}, "a return"));
        // The handoff must be the bag's own: open, or (a retry whose
        // dose side did not commit) accepted already, which custody's
        // replay of this request's acceptance then confirms. Found here
        // when not named: the pharmacist has the bag, not the handoff's id.
        custody::v1::GetItemRequest get;
        get.set_item_id(locked.item_id());
        CC_ASSIGN_OR_RETURN(custody::v1::GetItemResponse item,
                            items_->GetItem(get));
        CC_ASSIGN_OR_RETURN(
            std::string handoff_id,
            HandoffBack(item, locked, request.handoff_id(), caller.user_id));
        custody::v1::AcceptHandoffRequest accept;
        accept.mutable_context()->set_request_id(
            idempotency::DerivedRequestId(request_id, "return"));
        accept.set_handoff_id(handoff_id);
        accept.set_scan(request.scan());
        accept.set_condition(request.condition());
        accept.set_seal_intact(request.seal_intact());
        CC_RETURN_IF_ERROR(items_->AcceptHandoff(caller, accept).status());
        tx.Defer({kUpdateReturned,
                  {locked.dose_id(), request.context().reason(),
                   static_cast<int>(v1::DOSE_STATE_RETURNED)}});
        CC_ASSIGN_OR_RETURN(*response.mutable_dose(),
                            RecordDose(audit, "dose.return", locked,
                                       request.context().reason()));
        return absl::OkStatus();
      });
}

absl::StatusOr<v1::DestroyDoseResponse> Dose::DestroyDose(
    const P& caller, const v1::DestroyDoseRequest& request) {
  if (request.dose_id().empty()) return InvalidField("dose_id", "required");
  CC_RETURN_IF_ERROR(
      fields::RequireText(request.context().reason(), "context.reason"));
  const std::string& request_id = request.context().request_id();
  CC_RETURN_IF_ERROR(idempotency::ValidateRequestId(request_id));
  CC_ASSIGN_OR_RETURN(auth::Signature signature,
                      SignAs(*signatures_, caller, request.signature(),
                             common::v1::SIGNATURE_MEANING_PERFORMED,
                             "DestroyDose", request_id));
  CC_ASSIGN_OR_RETURN(
      auth::Signature witness,
      auth::CoSign(
          *signatures_, caller, request.witness(),
          {common::v1::ROLE_PHARMACIST, common::v1::ROLE_CLINICIAN,
           common::v1::ROLE_QA, common::v1::ROLE_TECHNICIAN},
          {common::v1::SIGNATURE_MEANING_WITNESSED},
          auth::RpcAttempt(kServiceName, "DestroyDose", caller, request_id),
          "witness"));
  return ledger::RecordOnce<v1::DestroyDoseResponse>(
      *pool_, *ledger_, {kServiceName, "DestroyDose", signature.actor}, request,
      [&](ledger::Recorder& audit,
          v1::DestroyDoseResponse& response) -> absl::Status {
        pg::Transaction& tx = audit.tx();
        // Locked and judged before the bag is discarded, which cannot be
        // undone: nothing changes the dose between the two, and a retry
        // after a failure past custody's change finds the dose as it was
        // and custody replaying its discard.
        CC_ASSIGN_OR_RETURN(v1::Dose locked, LoadDose(tx, request.dose_id(),
                                                      /*for_update=*/true));
        CC_RETURN_IF_ERROR(RequireState(locked, kDestroyable, "a destruction"));
        const std::string& reason = request.context().reason();
        custody::v1::EndItemRequest end;
        end.mutable_context()->set_request_id(
            idempotency::DerivedRequestId(request_id, "destroy"));
        end.mutable_context()->set_reason(reason.substr(0, fields::kMaxText));
        end.set_item_id(locked.item_id());
        end.set_outcome(custody::v1::ITEM_STATE_DISCARDED);
        CC_RETURN_IF_ERROR(items_->EndItem(caller, end).status());
        tx.Defer({kUpdateDestroyed,
                  {locked.dose_id(), signature.actor.user_id(),
                   witness.actor.user_id(), reason,
                   static_cast<int>(v1::DOSE_STATE_DESTROYED)}});
        CC_ASSIGN_OR_RETURN(*response.mutable_dose(),
                            RecordDose(audit, "dose.destroy", locked, reason,
                                       signature.manifestation));
        // The witness's own signed record, in the same transaction.
        ledger::Recorder witnessed(tx, *ledger_, witness.actor, request_id);
        return witnessed
            .Append("dose.destroy_witness", "dose", locked.dose_id(),
                    response.dose(), reason, IdentifiersOf(locked),
                    witness.manifestation)
            .status();
      });
}

absl::StatusOr<v1::ListDosesResponse> Dose::ListDoses(
    const v1::ListDosesRequest& request) {
  std::vector<v1::DoseState> states;
  const absl::Time now = clock_->Now();
  int64_t before = 0;
  switch (request.worklist()) {
    case v1::WORKLIST_AWAITING_RELEASE:
      states = {v1::DOSE_STATE_VERIFIED};
      break;
    case v1::WORKLIST_RELEASED_NOT_INFUSED:
      states = {v1::DOSE_STATE_RELEASED, v1::DOSE_STATE_ISSUED,
                v1::DOSE_STATE_RETURNED};
      break;
    case v1::WORKLIST_EXPIRING_SOON: {
      if (request.within_minutes() < 0) {
        return InvalidField("within_minutes", "0 (the default) or more");
      }
      const absl::Duration within =
          request.within_minutes() == 0
              ? options_.expiring_soon
              : absl::Minutes(request.within_minutes());
      states = {v1::DOSE_STATE_PREPARED, v1::DOSE_STATE_COUNTED,
                v1::DOSE_STATE_VERIFIED, v1::DOSE_STATE_RELEASED,
                v1::DOSE_STATE_ISSUED,   v1::DOSE_STATE_RETURNED};
      before = absl::ToUnixMicros(now + within);
      break;
    }
    default:
      return InvalidField("worklist", "required");
  }
  // An issued dose stays ISSUED here after the cath lab infused it (or
  // destroyed it as unused): custody, where the clinical service ends the
  // bag, says whether it still exists. Such doses are skipped, page after
  // page, until the list is full or the worklist is read to its end.
  const int page_size = std::max(1, options_.worklist_page);
  CC_ASSIGN_OR_RETURN(pg::Pool::Lease lease, pool_->Acquire());
  v1::ListDosesResponse response;
  std::optional<WorklistCursor> after;
  while (response.doses_size() < kMaxList) {
    CC_ASSIGN_OR_RETURN(std::vector<v1::Dose> page,
                        dose::ListDoses(*lease, states, absl::ToUnixMicros(now),
                                        before, after, page_size));
    if (!page.empty()) {
      after = WorklistCursor{.expires_at_micros = absl::ToUnixMicros(
                                 fields::ToTime(page.back().expires_at())),
                             .dose_id = page.back().dose_id()};
    }
    for (v1::Dose& d : page) {
      if (response.doses_size() == kMaxList) break;
      if (d.state() == v1::DOSE_STATE_ISSUED) {
        CC_ASSIGN_OR_RETURN(bool ended, BagEnded(*items_, d));
        if (ended) continue;
      }
      *response.add_doses() = std::move(d);
    }
    if (static_cast<int>(page.size()) < page_size) break;
  }
  return response;
}

}  // namespace cellchain::dose
