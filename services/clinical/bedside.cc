// The bedside verification: two clinicians each scan the dose label and
// read the patient's wristband; the caller signs VERIFIED, the second
// clinician co-signs VERIFIED at the same workstation.
//
// Every check of rules.h BedsideChecks is judged inside the verifying
// transaction, after the infusion's row is locked, against what is true
// now, whatever happened before: the dose and its patient read from dose
// and the lot from qc, each checked against its owner's signed record in
// the transaction, the bag and everything it came from read from custody.
// A refusal names every failing check, the first as its reason, and is
// audited in a transaction of its own (clinical.bedside_refused), since the
// refused change wrote nothing. The same clinician twice is judged there
// too (auth::CoSign would refuse it before any check, unaudited).
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/clinical/clinical.h"
#include "services/clinical/clinical_internal.h"
#include "services/clinical/store.h"
#include "services/common/fields/fields.h"
#include "services/common/idempotency/idempotency.h"
#include "services/common/status/status.h"
#include "services/ledger/entity_guard.h"
#include "services/ledger/record_once.h"
#include "services/ledger/recorder.h"

namespace cellchain::clinical {
namespace {

// $1 infusion, $2 ordinal, $3 user, $4 label scan, $5-$8 the wristband's
// subject id, date of birth, initials, chain of identity.
constexpr char kInsertBedsideCheck[] =
    "INSERT INTO cellchain_clinical.bedside_checks (infusion_id, ordinal, "
    "user_id, label_scan, subject_id, date_of_birth, initials, "
    "chain_of_identity, checked_at) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now())";
// $1 infusion, $2 state (BEDSIDE_VERIFIED).
constexpr char kUpdateVerified[] =
    "UPDATE cellchain_clinical.infusions SET state = $2, "
    "bedside_verified_at = now(), version = version + 1 "
    "WHERE infusion_id = $1";

bool IsBedsideCheck(std::string_view reason) {
  for (const char* check :
       {kReasonDoseExpired, kReasonDoseNotReleased, kReasonLotNotReleased,
        kReasonItemOnHold, kReasonLabelMismatch, kReasonWrongPatient,
        kReasonSecondClinicianMissing, kReasonFourEyesSamePerson}) {
    if (reason == check) return true;
  }
  return false;
}

ClinicianScan ScanOf(std::string user_id, const std::string& label_scan,
                     const v1::Wristband& wristband) {
  return {std::move(user_id), label_scan, wristband};
}

}  // namespace

absl::StatusOr<v1::VerifyAtBedsideResponse> Clinical::VerifyAtBedside(
    const P& caller, const v1::VerifyAtBedsideRequest& request) {
  if (request.infusion_id().empty()) {
    return InvalidField("infusion_id", "required");
  }
  const std::string& request_id = request.context().request_id();
  CC_ASSIGN_OR_RETURN(auth::Signature signature,
                      SignAs(*signatures_, caller, request.signature(),
                             common::v1::SIGNATURE_MEANING_VERIFIED,
                             "VerifyAtBedside", request_id));
  // The checks as the clinicians made them: the caller's first; a second
  // clinician only when one co-signed.
  std::vector<ClinicianScan> scans = {
      ScanOf(caller.user_id, request.label_scan(), request.wristband())};
  std::optional<auth::Signature> second;
  const std::string& second_user = request.second_clinician().user_id();
  if (second_user == caller.user_id) {
    scans.push_back(ScanOf(second_user, request.second_label_scan(),
                           request.second_wristband()));
  } else if (!second_user.empty()) {
    CC_ASSIGN_OR_RETURN(
        second, auth::CoSign(*signatures_, caller, request.second_clinician(),
                             {common::v1::ROLE_CLINICIAN},
                             {common::v1::SIGNATURE_MEANING_VERIFIED},
                             auth::RpcAttempt(kServiceName, "VerifyAtBedside",
                                              caller, request_id),
                             "second_clinician"));
    scans.push_back(ScanOf(second_user, request.second_label_scan(),
                           request.second_wristband()));
  }
  absl::StatusOr<v1::VerifyAtBedsideResponse> verified =
      ledger::RecordOnce<v1::VerifyAtBedsideResponse>(
          *pool_, *ledger_, {kServiceName, "VerifyAtBedside", signature.actor},
          request,
          [&](ledger::Recorder& audit,
              v1::VerifyAtBedsideResponse& response) -> absl::Status {
            pg::Transaction& tx = audit.tx();
            CC_ASSIGN_OR_RETURN(
                v1::Infusion infusion,
                LoadInfusion(tx, request.infusion_id(), /*for_update=*/true));
            CC_RETURN_IF_ERROR(RequireInfusionState(
                infusion, {v1::INFUSION_STATE_RECEIVED},
                "a bedside verification needs it RECEIVED"));
            CC_ASSIGN_OR_RETURN(dose::v1::Dose dose,
                                doses_->GetDose(infusion.dose_id()));
            CC_RETURN_IF_ERROR(
                ledger::RequireAudited(tx, "dose", dose.dose_id(), dose));
            CC_ASSIGN_OR_RETURN(dose::v1::Patient patient,
                                doses_->GetPatient(dose.subject_id()));
            CC_RETURN_IF_ERROR(ledger::RequireAudited(
                tx, "dose_patient", patient.subject_id(), patient));
            CC_ASSIGN_OR_RETURN(qc::v1::Lot lot, lots_->GetLot(dose.lot_id()));
            CC_RETURN_IF_ERROR(
                ledger::RequireAudited(tx, "qc_lot", lot.lot_id(), lot));
            BedsideFacts facts;
            facts.dose = &dose;
            facts.patient = {patient.subject_id(), patient.date_of_birth(),
                             patient.initials(), patient.chain_of_identity()};
            facts.lot_state = lot.state();
            custody::v1::GetItemRequest get;
            get.set_item_id(dose.item_id());
            CC_ASSIGN_OR_RETURN(custody::v1::GetItemResponse item,
                                items_->GetItem(get));
            facts.item = std::move(*item.mutable_item());
            custody::v1::TraceRequest trace;
            trace.set_item_id(dose.item_id());
            CC_ASSIGN_OR_RETURN(facts.backward, items_->TraceBackward(trace));
            facts.checks = scans;
            facts.now = clock_->Now();
            const std::vector<Check> failing = BedsideChecks(facts);
            if (!failing.empty()) {
              const std::string message = absl::StrCat(
                  "dose ", dose.dose_id(), " cannot be given at the bedside: ",
                  FailingRulesText(failing));
              if (failing.size() == 1 &&
                  failing.front().reason == kReasonFourEyesSamePerson) {
                return WithReason(absl::PermissionDeniedError(message),
                                  kReasonFourEyesSamePerson);
              }
              return FailedRule(failing.front().reason, message);
            }
            for (size_t i = 0; i < scans.size(); ++i) {
              const v1::Wristband& band = scans[i].wristband;
              CC_RETURN_IF_ERROR(
                  tx.Exec(kInsertBedsideCheck,
                          {infusion.infusion_id(), static_cast<int>(i + 1),
                           scans[i].user_id, scans[i].label_scan,
                           band.subject_id(), band.date_of_birth(),
                           band.initials(), band.chain_of_identity()})
                      .status());
            }
            CC_RETURN_IF_ERROR(
                tx.Exec(kUpdateVerified,
                        {infusion.infusion_id(),
                         static_cast<int>(v1::INFUSION_STATE_BEDSIDE_VERIFIED)})
                    .status());
            CC_ASSIGN_OR_RETURN(*response.mutable_infusion(),
                                LoadInfusion(tx, infusion.infusion_id()));
            CC_RETURN_IF_ERROR(
                audit
                    .Append("infusion.bedside_verify", "infusion",
                            infusion.infusion_id(), response.infusion(), "",
                            IdentifiersOf(infusion), signature.manifestation)
                    .status());
            if (!second.has_value()) {
              return absl::InternalError("bedside checks passed unco-signed");
            }
            // The second clinician's own signed record, in the same
            // transaction.
            ledger::Recorder cosigned(tx, *ledger_, second->actor, request_id);
            return cosigned
                .Append("infusion.bedside_cosign", "infusion",
                        infusion.infusion_id(), response.infusion(), "",
                        IdentifiersOf(infusion), second->manifestation)
                .status();
          });
  if (!verified.ok() && IsBedsideCheck(ReasonOf(verified.status()))) {
    // The refusal of a safety check is audited, in its own transaction.
    CC_RETURN_IF_ERROR(
        pool_->InTransaction([&](pg::Transaction& tx) -> absl::Status {
          CC_ASSIGN_OR_RETURN(v1::Infusion infusion,
                              LoadInfusion(tx, request.infusion_id()));
          ledger::Recorder audit(tx, *ledger_, signature.actor, request_id);
          return audit
              .Append("clinical.bedside_refused", "infusion",
                      infusion.infusion_id(), infusion,
                      std::string(verified.status().message()).substr(0, 2000),
                      IdentifiersOf(infusion))
              .status();
        }));
  }
  return verified;
}

}  // namespace cellchain::clinical
