// The infusion as performed: the operator records start and end, the
// volume, route, artery, catheter, balloon occlusion and complications
// (signature PERFORMED); the service computes the rate and flags a
// deviation (rules.h InfusionRate), and custody ends the bag INFUSED into
// the patient.
//
// A partial infusion leaves a remainder (rules.h Remainder). The bag has
// been opened and connected to the patient's catheter, so its remainder
// cannot go back into the pharmacy's stock: it is destroyed at the cath
// lab, and a witness co-signs WITNESSED in a record of their own. A return
// is the path of a dose never infused (DisposeUnusedDose).
//
// The infusion's row is locked and judged — bedside-verified, started after
// the verification and before the dose's expiry, the dose as dose signed
// it — before custody is asked; custody's end runs under a request id
// derived from the caller's, so a retry completes; custody refuses a bag
// put on hold since the bedside (ITEM_ON_HOLD).
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
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

// $1 infusion, $2 started (µs), $3 ended (µs), $4 volume, $5 route,
// $6 artery, $7 catheter, $8 balloon occlusion, $9 rate, $10 deviation,
// $11 operator, $12 remainder, $13 state (INFUSED).
constexpr char kUpdateInfused[] =
    "UPDATE cellchain_clinical.infusions SET "
    "started_at = 'epoch'::timestamptz + $2::int8 * interval '1 microsecond', "
    "ended_at = 'epoch'::timestamptz + $3::int8 * interval '1 microsecond', "
    "volume_infused_ml = $4, route = $5, artery = $6, catheter_french = $7, "
    "balloon_occlusion = $8, rate_ml_per_min = $9, rate_deviation = $10, "
    "operator = $11, remainder_ml = $12, state = $13, version = version + 1 "
    "WHERE infusion_id = $1";
// $1 infusion, $2 disposal (DESTROYED), $3 by, $4 witness, $5 reason.
constexpr char kUpdateRemainderDestroyed[] =
    "UPDATE cellchain_clinical.infusions SET remainder_disposal = $2, "
    "disposed_by = $3, disposal_witness = $4, disposed_at = now(), "
    "disposal_reason = $5 WHERE infusion_id = $1";
// $1 infusion, $2 position (from 1), $3 text.
constexpr char kInsertComplication[] =
    "INSERT INTO cellchain_clinical.infusion_complications (infusion_id, "
    "position, complication) VALUES ($1, $2, $3)";

}  // namespace

absl::StatusOr<v1::RecordInfusionResponse> Clinical::RecordInfusion(
    const P& caller, const v1::RecordInfusionRequest& request) {
  if (request.infusion_id().empty()) {
    return InvalidField("infusion_id", "required");
  }
  const v1::InfusionDetails& details = request.details();
  const absl::Time now = clock_->Now();
  CC_RETURN_IF_ERROR(fields::RequirePastTime(details.started_at(),
                                             details.has_started_at(),
                                             "details.started_at", now));
  CC_RETURN_IF_ERROR(fields::RequirePastTime(
      details.ended_at(), details.has_ended_at(), "details.ended_at", now));
  CC_RETURN_IF_ERROR(CheckInfusionDetails(details));
  const absl::Time started_at = fields::ToTime(details.started_at());
  const absl::Time ended_at = fields::ToTime(details.ended_at());
  CC_ASSIGN_OR_RETURN(const Rate rate,
                      InfusionRate(details.volume_infused_ml(), started_at,
                                   ended_at, options_.rules));
  const std::string& request_id = request.context().request_id();
  CC_ASSIGN_OR_RETURN(auth::Signature signature,
                      SignAs(*signatures_, caller, request.signature(),
                             common::v1::SIGNATURE_MEANING_PERFORMED,
                             "RecordInfusion", request_id));
  std::optional<auth::Signature> witness;
  if (!request.remainder_witness().user_id().empty()) {
    CC_ASSIGN_OR_RETURN(
        witness,
        auth::CoSign(*signatures_, caller, request.remainder_witness(),
                     {common::v1::ROLE_CLINICIAN, common::v1::ROLE_PHARMACIST},
                     {common::v1::SIGNATURE_MEANING_WITNESSED},
                     auth::RpcAttempt(kServiceName, "RecordInfusion", caller,
                                      request_id),
                     "remainder_witness"));
  }
  absl::StatusOr<v1::RecordInfusionResponse> recorded = ledger::RecordOnce<
      v1::RecordInfusionResponse>(
      *pool_, *ledger_, {kServiceName, "RecordInfusion", signature.actor},
      request,
      [&](ledger::Recorder& audit,
          v1::RecordInfusionResponse& response) -> absl::Status {
        pg::Transaction& tx = audit.tx();
        CC_ASSIGN_OR_RETURN(
            v1::Infusion infusion,
            LoadInfusion(tx, request.infusion_id(), /*for_update=*/true));
        CC_RETURN_IF_ERROR(RequireInfusionState(
            infusion, {v1::INFUSION_STATE_BEDSIDE_VERIFIED},
            "an infusion needs it BEDSIDE_VERIFIED"));
        const absl::Time verified_at =
            fields::ToTime(infusion.bedside_verified_at());
        if (started_at < verified_at - fields::kClockSkew) {
          return InvalidField(
              "details.started_at",
              absl::StrCat("not before the bedside verification at ",
                           absl::FormatTime(absl::RFC3339_sec, verified_at,
                                            absl::UTCTimeZone())));
        }
        CC_ASSIGN_OR_RETURN(dose::v1::Dose dose,
                            doses_->GetDose(infusion.dose_id()));
        CC_RETURN_IF_ERROR(
            ledger::RequireAudited(tx, "dose", dose.dose_id(), dose));
        if (started_at >= fields::ToTime(dose.expires_at())) {
          return FailedRule(
              kReasonDoseExpired,
              absl::StrCat("dose ", dose.dose_id(), " expired (",
                           dose.expiration(), ") before the start"));
        }
        CC_ASSIGN_OR_RETURN(
            const double remainder,
            Remainder(infusion.dose_volume_ml(), details.volume_infused_ml()));
        if (remainder > 0) {
          if (request.remainder_disposal() != v1::DISPOSAL_DESTROYED) {
            return FailedRule(
                kReasonRemainderDisposal,
                absl::StrFormat("%.1f ml remain in the opened bag: they "
                                "are destroyed at the cath lab, with a "
                                "witness",
                                remainder));
          }
          if (!witness.has_value()) {
            return FailedRule(
                kReasonRemainderDisposal,
                absl::StrFormat("the destruction of the remaining %.1f ml "
                                "needs a witness",
                                remainder));
          }
        } else if (request.remainder_disposal() != v1::DISPOSAL_UNSPECIFIED ||
                   witness.has_value()) {
          return InvalidField("remainder_disposal",
                              "the whole dose was infused: nothing "
                              "remains to dispose of");
        }
        custody::v1::EndItemRequest end;
        end.mutable_context()->set_request_id(
            idempotency::DerivedRequestId(request_id, "infused"));
        end.set_item_id(infusion.item_id());
        end.set_outcome(custody::v1::ITEM_STATE_INFUSED);
        end.set_patient_id(infusion.subject_id());
        CC_RETURN_IF_ERROR(items_->EndItem(caller, end).status());
        CC_RETURN_IF_ERROR(
            tx.Exec(kUpdateInfused,
                    {infusion.infusion_id(), absl::ToUnixMicros(started_at),
                     absl::ToUnixMicros(ended_at), details.volume_infused_ml(),
                     static_cast<int>(details.route()),
                     static_cast<int>(details.artery()),
                     details.catheter_french(), details.balloon_occlusion(),
                     rate.ml_per_min, rate.deviation, signature.actor.user_id(),
                     remainder, static_cast<int>(v1::INFUSION_STATE_INFUSED)})
                .status());
        for (int i = 0; i < details.complications_size(); ++i) {
          CC_RETURN_IF_ERROR(
              tx.Exec(kInsertComplication,
                      {infusion.infusion_id(), i + 1, details.complications(i)})
                  .status());
        }
        if (witness.has_value()) {
          const std::string reason = request.context().reason().empty()
                                         ? "remainder of a partial infusion"
                                         : request.context().reason();
          CC_RETURN_IF_ERROR(tx.Exec(kUpdateRemainderDestroyed,
                                     {infusion.infusion_id(),
                                      static_cast<int>(v1::DISPOSAL_DESTROYED),
                                      signature.actor.user_id(),
                                      witness->actor.user_id(), reason})
                                 .status());
        }
        CC_ASSIGN_OR_RETURN(*response.mutable_infusion(),
                            LoadInfusion(tx, infusion.infusion_id()));
        response.set_rate_deviation_text(rate.deviation_text);
        // A deviation is on record as the reason of the infusion's
        // record, where QA's review of the audit trail finds it.
        CC_RETURN_IF_ERROR(
            audit
                .Append("infusion.infuse", "infusion", infusion.infusion_id(),
                        response.infusion(),
                        rate.deviation ? absl::StrCat("rate deviation: ",
                                                      rate.deviation_text)
                                       : "",
                        IdentifiersOf(infusion), signature.manifestation)
                .status());
        if (!witness.has_value()) return absl::OkStatus();
        ledger::Recorder witnessed(tx, *ledger_, witness->actor, request_id);
        return witnessed
            .Append("infusion.remainder_witness", "infusion",
                    infusion.infusion_id(), response.infusion(), "",
                    IdentifiersOf(infusion), witness->manifestation)
            .status();
      });
  return recorded;
}

}  // namespace cellchain::clinical
