// Patients: trial subjects registered with their two bedside identifiers
// (date of birth, initials) and a chain of identity identifier; anything
// else identifying sealed (crypto::FieldCipher, each value bound to its
// patient and field) and shown only on a reasoned, audited request.
#include <array>
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "services/common/crypto/crypto.h"
#include "services/common/crypto/sealed_fields.h"
#include "services/common/fields/fields.h"
#include "services/common/status/status.h"
#include "services/dose/dose.h"
#include "services/dose/dose_internal.h"
#include "services/dose/store.h"
#include "services/ledger/record_once.h"
#include "services/ledger/recorder.h"

namespace cellchain::dose {
namespace {

constexpr std::array<const char*, 2> kIdentifyingFields = {
    "name", "medical_record_number"};

constexpr char kNextChainNumber[] =
    "SELECT nextval('cellchain_dose.chain_of_identity_numbers')";

// $1 subject, $2 date of birth, $3 initials, $4 chain of identity, $5 name
// (sealed, or NULL), $6 medical record number (sealed, or NULL),
// $7 registered by.
constexpr char kInsertPatient[] =
    "INSERT INTO cellchain_dose.patients (subject_id, date_of_birth, "
    "initials, chain_of_identity, name_sealed, medical_record_number_sealed, "
    "registered_by, registered_at) "
    "VALUES ($1, $2::date, $3, $4, $5, $6, $7, now())";

}  // namespace

absl::StatusOr<v1::RegisterPatientResponse> Dose::RegisterPatient(
    const P& caller, const v1::RegisterPatientRequest& request) {
  const absl::Time now = clock_->Now();
  CC_RETURN_IF_ERROR(
      CheckPatient(request, absl::ToCivilDay(now, options_.rules.time_zone)));
  const std::string& subject = request.subject_id();
  // Sealed before the transaction, each value bound to this patient.
  const std::array<const std::string*, 2> values = {
      &request.identifying().name(),
      &request.identifying().medical_record_number()};
  CC_ASSIGN_OR_RETURN(auto sealed,
                      crypto::SealFields(*cipher_, kIdentifyingFields, values,
                                         [&](std::string_view field) {
                                           return IdentifyingContext(subject,
                                                                     field);
                                         }));
  const int year =
      static_cast<int>(absl::ToCivilYear(now, options_.rules.time_zone).year());
  return ledger::RecordOnce<v1::RegisterPatientResponse>(
      *pool_, *ledger_,
      {kServiceName, "RegisterPatient", auth::ActorOf(caller)}, request,
      [&](ledger::Recorder& audit,
          v1::RegisterPatientResponse& response) -> absl::Status {
        pg::Transaction& tx = audit.tx();
        absl::StatusOr<v1::Patient> existing = LoadPatient(tx, subject);
        if (existing.ok()) {
          return WithReason(absl::AlreadyExistsError(absl::StrCat(
                                "patient ", subject, " is registered already")),
                            kReasonPatientExists);
        }
        if (existing.status().code() != absl::StatusCode::kNotFound) {
          return existing.status();
        }
        CC_ASSIGN_OR_RETURN(pg::Result next, tx.Exec(kNextChainNumber));
        CC_ASSIGN_OR_RETURN(int64_t number, next.GetInt64(0, 0));
        CC_ASSIGN_OR_RETURN(
            std::string coi,
            ChainOfIdentityFor(options_.rules.fin, year, number));
        CC_RETURN_IF_ERROR(
            tx.Exec(kInsertPatient,
                    {subject, request.date_of_birth(), request.initials(), coi,
                     sealed[0], sealed[1], caller.user_id})
                .status());
        CC_ASSIGN_OR_RETURN(*response.mutable_patient(),
                            LoadPatient(tx, subject));
        audit::v1::Isbt128Identifier id;
        id.set_kind("chain_of_identity");
        id.set_value(coi);
        return audit
            .Append("patient.register", "dose_patient", subject,
                    response.patient(), "", {id})
            .status();
      });
}

absl::StatusOr<v1::GetPatientResponse> Dose::GetPatient(
    const P& caller, const v1::GetPatientRequest& request) {
  if (request.subject_id().empty()) {
    return InvalidField("subject_id", "required");
  }
  if (request.reveal_identifying()) {
    if (!caller.HasRole(common::v1::ROLE_PHARMACIST) &&
        !caller.HasRole(common::v1::ROLE_CLINICIAN)) {
      return WithReason(
          absl::PermissionDeniedError(absl::StrCat(
              kReasonIdentifyingRestricted,
              ": only pharmacists and clinicians may see a patient's "
              "identifying data")),
          kReasonIdentifyingRestricted);
    }
    CC_RETURN_IF_ERROR(fields::RequireText(request.reason(), "reason"));
  }
  const std::string& subject = request.subject_id();
  v1::GetPatientResponse response;
  {
    CC_ASSIGN_OR_RETURN(pg::Pool::Lease lease, pool_->Acquire());
    CC_ASSIGN_OR_RETURN(*response.mutable_patient(),
                        LoadPatient(*lease, subject));
    if (request.reveal_identifying()) {
      CC_ASSIGN_OR_RETURN(auto sealed, LoadSealedIdentifying(*lease, subject));
      const std::array<std::string*, 2> out = {
          response.mutable_identifying()->mutable_name(),
          response.mutable_identifying()->mutable_medical_record_number()};
      CC_RETURN_IF_ERROR(crypto::OpenFields(
          *cipher_, kIdentifyingFields, sealed, out,
          [&](std::string_view field) {
            return IdentifyingContext(subject, field);
          },
          "patient", kReasonIdentifyingUnavailable));
    }
  }
  if (request.reveal_identifying()) {
    // Who looked, and why, is on record before the data is shown. Not
    // RecordOnce: every viewing is its own record.
    const std::string request_id = crypto::RandomId("view");
    CC_RETURN_IF_ERROR(pool_->InTransaction([&](pg::Transaction& tx) {
      ledger::Recorder audit(tx, *ledger_, auth::ActorOf(caller), request_id);
      return audit
          .Append("patient.identifying_viewed", "dose_patient", subject,
                  response.patient(), request.reason())
          .status();
    }));
  }
  return response;
}

absl::StatusOr<v1::Patient> Dose::GetPatientUnrevealed(
    const std::string& subject_id) {
  v1::GetPatientRequest request;
  request.set_subject_id(subject_id);
  // Without reveal_identifying GetPatient looks at no role of the caller.
  CC_ASSIGN_OR_RETURN(v1::GetPatientResponse got, GetPatient(P{}, request));
  return std::move(*got.mutable_patient());
}

}  // namespace cellchain::dose
