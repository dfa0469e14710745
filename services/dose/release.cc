// The pharmacist's release of a dose, and the read of a dose with what a
// release would refuse now.
//
// The release is for the order on the pharmacist's order sheet: the dose
// named must be the one prepared for it (WRONG_ORDER), or, none named, it
// is the order's one dose awaiting release. Here, not in each client, so
// that every client (the CLI, a web console, a pharmacy system) gets the
// same check where the release is signed and recorded. A WRONG_ORDER
// refusal writes nothing: the request names a dose and an order that do
// not belong together, and which of the two was meant is unknown.
//
// Every gate of rules.h ReleaseGates is judged inside the releasing
// transaction, after the dose's row is locked: the lot is read from qc
// then and checked against QA's signed record in the transaction, the bag
// and everything it came from are read from custody then. A refusal names
// every failing gate, the first as its reason, and is audited in a
// transaction of its own (dose.release_refused), since the refused change
// wrote nothing. Segregation of duties: the releasing pharmacist recorded
// nothing of the dose's preparation, count or verification (their own
// earlier refused releases are no step of it).
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/common/idempotency/idempotency.h"
#include "services/common/status/metadata.h"
#include "services/common/status/status.h"
#include "services/dose/dose.h"
#include "services/dose/dose_internal.h"
#include "services/dose/store.h"
#include "services/ledger/entity_guard.h"
#include "services/ledger/record_once.h"
#include "services/ledger/recorder.h"

namespace cellchain::dose {
namespace {

// $1 dose, $2 by, $3 acknowledged test codes (text[]), $4 state
// (RELEASED).
constexpr char kUpdateReleased[] =
    "UPDATE cellchain_dose.doses SET released_by = $2, released_at = now(), "
    "acknowledged_pending_test_codes = $3::text[], state = $4, "
    "version = version + 1 WHERE dose_id = $1";

// The states a release judges its gates in; a dose past them (released,
// issued, destroyed) is refused DOSE_STATE. A returned dose is released
// again only through every gate.
constexpr std::initializer_list<v1::DoseState> kReleasable = {
    v1::DOSE_STATE_PREPARED, v1::DOSE_STATE_COUNTED,
    v1::DOSE_STATE_NOT_ACCEPTABLE, v1::DOSE_STATE_VERIFIED,
    v1::DOSE_STATE_RETURNED};

bool IsGate(std::string_view reason) {
  for (const char* gate :
       {kReasonLotNotReleased, kReasonConditionNotAcknowledged,
        kReasonPreparationNotAccepted, kReasonPreparationNotVerified,
        kReasonLabelMismatch, kReasonPatientMismatch, kReasonDoseExpired,
        kReasonItemOnHold, kReasonCustodyBroken, kReasonTemperatureExcursion}) {
    if (reason == gate) return true;
  }
  return false;
}

common::v1::EntityRef DoseRef(const std::string& id) {
  common::v1::EntityRef ref;
  ref.set_type("dose");
  ref.set_id(id);
  return ref;
}

bool Releasable(v1::DoseState state) {
  return std::find(kReleasable.begin(), kReleasable.end(), state) !=
         kReleasable.end();
}

// The dose `request` releases, its row locked: request.dose_id(), or the
// order's one dose in a state a release judges; either way, one prepared
// for the order sheet's request.order_id(). FAILED_PRECONDITION
// WRONG_ORDER (the dose is another order's), DOSE_STATE (the order has no
// dose awaiting release); INVALID_ARGUMENT `dose_id` (it has several: a
// not acceptable one beside its live one); NOT_FOUND DOSE_NOT_FOUND,
// ORDER_NOT_FOUND.
absl::StatusOr<v1::Dose> DoseToRelease(pg::Transaction& tx,
                                       const v1::ReleaseDoseRequest& request) {
  const std::string& order_id = request.order_id();
  std::string dose_id = request.dose_id();
  if (dose_id.empty()) {
    CC_ASSIGN_OR_RETURN(std::vector<v1::Dose> doses,
                        LoadDosesOfOrder(tx, order_id));
    if (doses.empty()) CC_RETURN_IF_ERROR(LoadOrder(tx, order_id).status());
    std::vector<std::string> awaiting, all;
    for (const v1::Dose& d : doses) {
      all.push_back(absl::StrCat(d.dose_id(), " ", StateWord(d.state())));
      if (Releasable(d.state())) awaiting.push_back(d.dose_id());
    }
    if (awaiting.empty()) {
      return FailedRule(
          kReasonDoseState,
          absl::StrCat("order ", order_id,
                       " has no dose awaiting release (its doses: ",
                       all.empty() ? "none" : absl::StrJoin(all, ", "), ")"));
    }
    if (awaiting.size() > 1) {
      return InvalidField(
          "dose_id", absl::StrCat("order ", order_id, " has ", awaiting.size(),
                                  " doses awaiting release (",
                                  absl::StrJoin(awaiting, ", "),
                                  "): name the one in hand"));
    }
    dose_id = awaiting.front();
  }
  CC_ASSIGN_OR_RETURN(v1::Dose dose,
                      LoadDose(tx, dose_id, /*for_update=*/true));
  if (dose.order_id() != order_id) {
    return FailedRule(
        kReasonWrongOrder,
        absl::StrCat("dose ", dose.dose_id(), " is of order ", dose.order_id(),
                     ", not of the order sheet's ", order_id,
                     ": the sheet in hand is not this bag's"));
  }
  return dose;
}

}  // namespace

template <typename Executor>
absl::StatusOr<ReleaseFacts> Dose::Gather(Executor& executor,
                                          const v1::Dose& dose,
                                          pg::Transaction* tx) {
  ReleaseFacts facts;
  CC_ASSIGN_OR_RETURN(qc::v1::Lot lot, lots_->GetLot(dose.lot_id()));
  v1::Patient patient;
  if (tx != nullptr) {
    // The lot's latest record (ledger::RequireAudited's) and the patient
    // in one round trip; the lot is judged first.
    const pg::Statement reads[] = {
        ledger::LatestRecordStatement("qc_lot", lot.lot_id()),
        PatientRead(dose.subject_id())};
    CC_ASSIGN_OR_RETURN(std::vector<pg::Result> read,
                        tx->ExecPipeline(reads));
    CC_RETURN_IF_ERROR(
        ledger::CheckAudited(read[0], "qc_lot", lot.lot_id(), lot));
    CC_ASSIGN_OR_RETURN(patient, PatientFromRead(read[1], dose.subject_id()));
  } else {
    CC_ASSIGN_OR_RETURN(patient, LoadPatient(executor, dose.subject_id()));
  }
  facts.lot_state = lot.state();
  facts.pending_test_codes.assign(lot.pending_test_codes().begin(),
                                  lot.pending_test_codes().end());
  facts.ordered = {patient.subject_id(), patient.date_of_birth(),
                   patient.initials()};
  custody::v1::GetItemRequest get;
  get.set_item_id(dose.item_id());
  CC_ASSIGN_OR_RETURN(custody::v1::GetItemResponse item, items_->GetItem(get));
  facts.item = std::move(*item.mutable_item());
  custody::v1::TraceRequest trace;
  trace.set_item_id(dose.item_id());
  CC_ASSIGN_OR_RETURN(facts.backward, items_->TraceBackward(trace));
  facts.now = clock_->Now();
  return facts;
}

absl::StatusOr<v1::ReleaseDoseResponse> Dose::ReleaseDose(
    const P& caller, const v1::ReleaseDoseRequest& request) {
  if (request.order_id().empty()) {
    return InvalidField("order_id", "required: the order sheet's order");
  }
  const std::string& request_id = request.context().request_id();
  CC_RETURN_IF_ERROR(idempotency::ValidateRequestId(request_id));
  CC_ASSIGN_OR_RETURN(auth::Signature signature,
                      SignAs(*signatures_, caller, request.signature(),
                             common::v1::SIGNATURE_MEANING_RELEASED,
                             "ReleaseDose", request_id));
  // The dose judged, for the refusal's record below.
  v1::Dose judged;
  absl::StatusOr<v1::ReleaseDoseResponse> released =
      ledger::RecordOnce<v1::ReleaseDoseResponse>(
          *pool_, *ledger_, {kServiceName, "ReleaseDose", signature.actor},
          request,
          [&](ledger::Recorder& audit,
              v1::ReleaseDoseResponse& response) -> absl::Status {
            pg::Transaction& tx = audit.tx();
            CC_ASSIGN_OR_RETURN(v1::Dose dose, DoseToRelease(tx, request));
            CC_RETURN_IF_ERROR(RequireState(dose, kReleasable, "a release"));
            judged = dose;
            CC_RETURN_IF_ERROR(auth::CheckSegregationOfDuties(
                tx, signature.actor.user_id(), {DoseRef(dose.dose_id())},
                {"dose.release_refused"}));
            CC_ASSIGN_OR_RETURN(ReleaseFacts facts, Gather(tx, dose, &tx));
            facts.dose = &dose;
            facts.acknowledged_test_codes.assign(
                request.acknowledged_pending_test_codes().begin(),
                request.acknowledged_pending_test_codes().end());
            facts.label_scan = request.label_scan();
            facts.given = {request.subject_id(), request.date_of_birth(),
                           request.initials()};
            std::vector<Gate> gates = ReleaseGates(facts);
            if (!gates.empty()) {
              // The message names the dose and the failing gates for
              // people, the metadata for clients.
              absl::Status refused = WithMetadata(
                  FailedRule(gates.front().reason,
                             absl::StrCat("dose ", dose.dose_id(),
                                          " cannot be released: ",
                                          FailingRulesText(gates))),
                  kMetadataDoseId, dose.dose_id());
              for (const Gate& gate : gates) {
                refused = WithMetadata(std::move(refused),
                                       GateMetadataKey(gate.reason),
                                       gate.message);
              }
              return refused;
            }
            // The tests the pharmacist acknowledged are those pending.
            std::vector<std::string> acknowledged;
            if (facts.lot_state == qc::v1::LOT_STATE_CONDITIONALLY_RELEASED) {
              acknowledged = facts.pending_test_codes;
            }
            // The UPDATE travels with the record's round trip, before the
            // dose's read.
            tx.Defer({kUpdateReleased,
                      {dose.dose_id(), signature.actor.user_id(),
                       pg::TextArray(acknowledged),
                       static_cast<int>(v1::DOSE_STATE_RELEASED)}});
            // The order sheet the pharmacist released against.
            std::string reason =
                absl::StrCat("order sheet ", request.order_id());
            if (!acknowledged.empty()) {
              absl::StrAppend(&reason, "; lot ", dose.lot_id(),
                              " conditionally released; pending "
                              "acknowledged: ",
                              absl::StrJoin(acknowledged, ", "));
            }
            CC_ASSIGN_OR_RETURN(
                *response.mutable_dose(),
                RecordDose(audit, "dose.release", dose, std::move(reason),
                           signature.manifestation));
            return absl::OkStatus();
          });
  if (!released.ok() && IsGate(ReasonOf(released.status()))) {
    // The refusal of a safety gate is audited, in its own transaction.
    CC_RETURN_IF_ERROR(
        pool_->InTransaction([&](pg::Transaction& tx) -> absl::Status {
          // The dose as it is read in the record's own round trip.
          ledger::Recorder audit(tx, *ledger_, signature.actor, request_id);
          return RecordDose(
                     audit, "dose.release_refused", judged,
                     std::string(released.status().message()).substr(0, 2000))
              .status();
        }));
  }
  return released;
}

absl::StatusOr<v1::GetDoseResponse> Dose::GetDose(
    const v1::GetDoseRequest& request) {
  if (request.dose_id().empty()) return InvalidField("dose_id", "required");
  v1::GetDoseResponse response;
  CC_ASSIGN_OR_RETURN(pg::Pool::Lease lease, pool_->Acquire());
  CC_ASSIGN_OR_RETURN(*response.mutable_dose(),
                      LoadDose(*lease, request.dose_id()));
  if (Releasable(response.dose().state())) {
    CC_ASSIGN_OR_RETURN(ReleaseFacts facts,
                        Gather(*lease, response.dose(), nullptr));
    facts.dose = &response.dose();
    facts.judge_scan_and_patient = false;
    for (const Gate& g : ReleaseGates(facts)) {
      response.add_release_blockers(absl::StrCat(g.reason, ": ", g.message));
    }
  }
  return response;
}

}  // namespace cellchain::dose
