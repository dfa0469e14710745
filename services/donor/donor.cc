#include "services/donor/donor.h"

#include <google/protobuf/util/time_util.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "services/common/crypto/crypto.h"
#include "services/common/fields/fields.h"
#include "services/common/idempotency/idempotency.h"
#include "services/common/pg/proto_row.h"
#include "services/common/status/status.h"
#include "services/donor/eligibility_proto.h"
#include "services/donor/intake_rules.h"
#include "services/donor/intake_values.h"
#include "services/ledger/recorder.h"
#include "services/ledger/request_bytes.h"

namespace cellchain::donor {
namespace {

using audit::v1::Isbt128Identifier;
using fields::kMaxText;
using fields::Micros;
using fields::RequireText;
constexpr auto Ts = fields::TimestampParam;

// What a refused receipt's message adds.
constexpr char kNoCordReceived[] = ": no cord is received from her";

absl::Status NotFound(std::string_view what, std::string_view id,
                      std::string_view reason) {
  return WithReason(absl::NotFoundError(absl::StrCat(
                        "no ", std::string(what), " \"", std::string(id),
                        "\"")),
                    reason);
}

using ledger::RequestBytes;

// ---- loading ---------------------------------------------------------------

std::string DonorSelect() {
  return absl::StrCat(
      "SELECT donor_code, ", pg::MicrosColumn("registered_at"),
      ", registered_by AS registered_by_user_id, ",
      pg::MicrosColumn("delivered_at"),
      ", consent_status, name_recorded, date_of_birth_recorded, "
      "medical_record_number_recorded, revision "
      "FROM cellchain_donor.donors WHERE donor_code = $1");
}

template <typename Executor>
absl::StatusOr<v1::Donor> LoadDonor(Executor& executor,
                                    const std::string& code,
                                    bool for_update = false) {
  CC_ASSIGN_OR_RETURN(
      pg::Result r,
      executor.Exec(absl::StrCat(DonorSelect(), for_update ? " FOR UPDATE" : ""),
                    {code}));
  if (r.rows() == 0) return NotFound("donor", code, kReasonDonorNotFound);
  v1::Donor donor;
  CC_RETURN_IF_ERROR(pg::FillFromRow(r, 0, donor));
  return donor;
}

std::string ConsentSelect() {
  return absl::StrCat(
      "SELECT consent_id, donor_code, form_version, ",
      pg::MicrosColumn("consented_at"),
      ", taken_by, witness, recorded_by AS recorded_by_user_id, "
      "withdrawn_at IS NOT NULL AS withdrawn, ",
      pg::MicrosColumn("withdrawn_at"),
      ", withdrawal_reason, withdrawn_recorded_by AS "
      "withdrawn_recorded_by_user_id FROM cellchain_donor.consents ");
}

std::string ScreeningSelect() {
  return absl::StrCat(
      "SELECT screening_id, donor_code, test_code, method, kit_lot, ",
      pg::MicrosColumn("specimen_drawn_at"),
      ", result, recorded_by AS recorded_by_user_id, ",
      pg::MicrosColumn("recorded_at"), " FROM cellchain_donor.screenings ");
}

std::string DeterminationSelect() {
  return absl::StrCat(
      "SELECT determination_id, donor_code, eligibility, reasons, "
      "donor_revision, determined_by AS determined_by_user_id, ",
      pg::MicrosColumn("determined_at"),
      " FROM cellchain_donor.determinations ");
}

template <typename Proto, typename Executor>
absl::StatusOr<std::vector<Proto>> LoadAll(Executor& executor,
                                           const std::string& sql,
                                           const std::string& param) {
  CC_ASSIGN_OR_RETURN(pg::Result r, executor.Exec(sql, {param}));
  std::vector<Proto> out(r.rows());
  for (int row = 0; row < r.rows(); ++row) {
    CC_RETURN_IF_ERROR(pg::FillFromRow(r, row, out[row]));
    if constexpr (std::is_same_v<Proto, v1::Determination>) {
      CC_ASSIGN_OR_RETURN(std::string bytes, r.GetBytes(row, "reasons"));
      v1::Determination reasons;
      if (!reasons.ParseFromString(bytes)) {
        return absl::DataLossError("a determination's reasons do not parse");
      }
      *out[row].mutable_reasons() = std::move(*reasons.mutable_reasons());
    }
  }
  return out;
}

template <typename Proto, typename Executor>
absl::StatusOr<Proto> LoadOne(Executor& executor, const std::string& sql,
                              const std::string& id, std::string_view what) {
  CC_ASSIGN_OR_RETURN(std::vector<Proto> all,
                      LoadAll<Proto>(executor, sql, id));
  if (all.empty()) {
    return absl::NotFoundError(
        absl::StrCat("no ", std::string(what), " \"", id, "\""));
  }
  return std::move(all.front());
}

std::string LotSelect() {
  return absl::StrCat(
      "SELECT lot_id, donor_code, din, din_eye_readable, item_id, state, ",
      pg::MicrosColumn("delivered_at"), ", ", pg::MicrosColumn("collected_at"),
      ", ", pg::MicrosColumn("received_at"),
      ", transport_min_celsius, transport_max_celsius, tissue_weight_grams, "
      "received_by AS received_by_user_id, released_by AS "
      "released_by_user_id, ",
      pg::MicrosColumn("released_at"),
      ", discard_reason, version FROM cellchain_donor.lots ");
}

// Lots matched by `where` (a clause over the lots table, its parameters in
// `params`), each with its deviations, in the order `order` gives.
template <typename Executor>
absl::StatusOr<std::vector<v1::DonorLot>> LoadLots(Executor& executor,
                                                   const std::string& where,
                                                   const pg::Params& params) {
  CC_ASSIGN_OR_RETURN(pg::Result r,
                      executor.Exec(absl::StrCat(LotSelect(), where), params));
  std::vector<v1::DonorLot> lots(r.rows());
  std::string ids = "{";
  for (int row = 0; row < r.rows(); ++row) {
    CC_RETURN_IF_ERROR(pg::FillFromRow(r, row, lots[row]));
    absl::StrAppend(&ids, row > 0 ? "," : "", lots[row].lot_id());
  }
  ids += "}";
  if (lots.empty()) return lots;
  CC_ASSIGN_OR_RETURN(
      pg::Result d,
      executor.Exec(absl::StrCat(
                        "SELECT deviation_id, lot_id, kind, description, "
                        "status, assessment, assessed_by AS "
                        "assessed_by_user_id, ",
                        pg::MicrosColumn("assessed_at"),
                        " FROM cellchain_donor.deviations "
                        "WHERE lot_id = ANY($1::text[]) "
                        "ORDER BY created_at, deviation_id"),
                    {ids}));
  for (int row = 0; row < d.rows(); ++row) {
    v1::Deviation deviation;
    CC_RETURN_IF_ERROR(pg::FillFromRow(d, row, deviation));
    for (v1::DonorLot& lot : lots) {
      if (lot.lot_id() == deviation.lot_id()) {
        *lot.add_deviations() = deviation;
        break;
      }
    }
  }
  return lots;
}

template <typename Executor>
absl::StatusOr<v1::DonorLot> LoadLot(Executor& executor, const std::string& id,
                                     bool for_update = false) {
  CC_ASSIGN_OR_RETURN(
      std::vector<v1::DonorLot> lots,
      LoadLots(executor,
               absl::StrCat("WHERE lot_id = $1", for_update ? " FOR UPDATE" : ""),
               {id}));
  if (lots.empty()) return NotFound("lot", id, kReasonLotNotFound);
  return std::move(lots.front());
}

// The facts eligibility is determined from, as stored now.
template <typename Executor>
absl::StatusOr<DonorFacts> LoadFacts(Executor& executor,
                                     const v1::Donor& donor) {
  CC_ASSIGN_OR_RETURN(
      std::vector<v1::Screening> screenings,
      LoadAll<v1::Screening>(
          executor,
          absl::StrCat(ScreeningSelect(),
                       "WHERE donor_code = $1 ORDER BY recorded_at, "
                       "screening_id"),
          donor.donor_code()));
  return ToFacts(donor, screenings);
}

// The records of one change (ledger::Recorder), with the donor entities'
// snapshots read back from the change's transaction.
class Audit : public ledger::Recorder {
 public:
  Audit(pg::Transaction& tx, const ledger::Ledger& ledger,
        common::v1::Actor actor, std::string request_id)
      : Recorder(tx, ledger, std::move(actor), std::move(request_id)) {}

  absl::StatusOr<v1::Donor> AppendDonor(std::string action,
                                        const std::string& code,
                                        std::string reason = "") {
    CC_ASSIGN_OR_RETURN(v1::Donor donor, LoadDonor(tx(), code));
    CC_RETURN_IF_ERROR(
        Append(std::move(action), "donor", code, donor, std::move(reason))
            .status());
    return donor;
  }

  absl::StatusOr<v1::DonorLot> AppendLot(
      std::string action, const std::string& lot_id, std::string reason = "",
      std::optional<common::v1::SignatureManifestation> signature =
          std::nullopt) {
    CC_ASSIGN_OR_RETURN(v1::DonorLot lot, LoadLot(tx(), lot_id));
    Isbt128Identifier din;
    din.set_kind("din");
    din.set_value(lot.din());
    CC_RETURN_IF_ERROR(Append(std::move(action), "donor_lot", lot_id, lot,
                              std::move(reason), {din}, std::move(signature))
                           .status());
    return lot;
  }
};


// Segregation of duties (design brief §3): QA's signatures on a donor — her
// eligibility determination, the release of her lots — are refused to
// whoever recorded any of her intake: her registration, consent and its
// withdrawal, screening results, the receipt of her cord (every lot's when
// `lot_id` is empty, else that lot's). QA looking at her identifying data
// is oversight, not a step. Reads in `tx`, after the donor's row is locked,
// so no intake record can commit in between.
// PERMISSION_DENIED reason SEGREGATION_OF_DUTIES.
absl::Status CheckIntakeIndependence(pg::Transaction& tx,
                                     const std::string& signer_user_id,
                                     const std::string& code,
                                     const std::string& lot_id) {
  std::vector<common::v1::EntityRef> entities;
  common::v1::EntityRef donor;
  donor.set_type("donor");
  donor.set_id(code);
  entities.push_back(std::move(donor));
  CC_ASSIGN_OR_RETURN(
      pg::Result r,
      tx.Exec("SELECT 'consent', consent_id FROM cellchain_donor.consents "
              "WHERE donor_code = $1 "
              "UNION ALL SELECT 'screening', screening_id "
              "FROM cellchain_donor.screenings WHERE donor_code = $1 "
              "UNION ALL SELECT 'donor_lot', lot_id FROM cellchain_donor.lots "
              "WHERE donor_code = $1 AND ($2 = '' OR lot_id = $2)",
              {code, lot_id}));
  for (int row = 0; row < r.rows(); ++row) {
    common::v1::EntityRef entity;
    CC_ASSIGN_OR_RETURN(*entity.mutable_type(), r.GetString(row, 0));
    CC_ASSIGN_OR_RETURN(*entity.mutable_id(), r.GetString(row, 1));
    entities.push_back(std::move(entity));
  }
  return auth::CheckSegregationOfDuties(tx, signer_user_id, entities,
                                        {"donor.identifying_viewed"});
}

// "DNR-" and 10 characters of Crockford's base32: 50 random bits.
absl::StatusOr<std::string> NewDonorCode() {
  CC_ASSIGN_OR_RETURN(std::string bytes, crypto::RandomBytes(10));
  return DonorCodeFrom(bytes);
}

bool IsReason(const absl::Status& status, std::string_view reason) {
  return ReasonOf(status) == reason;
}

}  // namespace

Donors::Donors(pg::Pool* pool, const ledger::Ledger* ledger,
               const crypto::FieldCipher* cipher,
               auth::SignatureAuthority* signatures, custody::CustodyPort* custody,
               DonorOptions options, ledger::Clock* clock)
    : pool_(pool),
      ledger_(ledger),
      cipher_(cipher),
      signatures_(signatures),
      custody_(custody),
      options_(std::move(options)),
      clock_(clock != nullptr ? clock : ledger::RealClock()) {}

absl::Status Donors::RegisterStateReaders(ledger::StateRegistry& registry) {
  using C = pg::Connection;
  using Id = const std::string&;
  CC_RETURN_IF_ERROR(ledger::RegisterProtoReader<v1::Donor>(
      registry, "donor", [](C& c, Id id) { return LoadDonor(c, id); },
      ledger::IdsFrom("SELECT donor_code FROM cellchain_donor.donors")));
  CC_RETURN_IF_ERROR(ledger::RegisterProtoReader<v1::Consent>(
      registry, "consent", [](C& c, Id id) {
        return LoadOne<v1::Consent>(
            c, ConsentSelect() + "WHERE consent_id = $1", id, "consent");
      },
      ledger::IdsFrom("SELECT consent_id FROM cellchain_donor.consents")));
  CC_RETURN_IF_ERROR(ledger::RegisterProtoReader<v1::Screening>(
      registry, "screening", [](C& c, Id id) {
        return LoadOne<v1::Screening>(
            c, ScreeningSelect() + "WHERE screening_id = $1", id, "screening");
      },
      ledger::IdsFrom(
          "SELECT screening_id FROM cellchain_donor.screenings")));
  CC_RETURN_IF_ERROR(ledger::RegisterProtoReader<v1::Determination>(
      registry, "determination", [](C& c, Id id) {
        return LoadOne<v1::Determination>(
            c, DeterminationSelect() + "WHERE determination_id = $1", id,
            "determination");
      },
      ledger::IdsFrom(
          "SELECT determination_id FROM cellchain_donor.determinations")));
  return ledger::RegisterProtoReader<v1::DonorLot>(
      registry, "donor_lot", [](C& c, Id id) { return LoadLot(c, id); },
      ledger::IdsFrom("SELECT lot_id FROM cellchain_donor.lots"));
}

// ---- donors ----------------------------------------------------------------

absl::StatusOr<v1::RegisterDonorResponse> Donors::RegisterDonor(
    const auth::Principal& caller, const v1::RegisterDonorRequest& request) {
  CC_RETURN_IF_ERROR(CheckRegistration(request, clock_->Now()));
  CC_RETURN_IF_ERROR(
      idempotency::ValidateRequestId(request.context().request_id()));
  CC_ASSIGN_OR_RETURN(std::string code, NewDonorCode());
  // Sealed before the transaction: each value bound to this donor and field.
  struct Field {
    const char* name;
    const std::string& value;
    std::optional<std::string> sealed;
  };
  Field fields[] = {{"name", request.identifying().name(), std::nullopt},
                    {"date_of_birth", request.identifying().date_of_birth(),
                     std::nullopt},
                    {"medical_record_number",
                     request.identifying().medical_record_number(),
                     std::nullopt}};
  for (Field& f : fields) {
    if (f.value.empty()) continue;
    CC_ASSIGN_OR_RETURN(f.sealed, cipher_->Encrypt(f.value, IdentifyingContext(code, f.name)));
  }
  CC_ASSIGN_OR_RETURN(std::string bytes, RequestBytes(request));
  std::optional<int64_t> delivered;
  if (request.has_delivered_at()) delivered = Micros(request.delivered_at());
  return idempotency::RunOnce<v1::RegisterDonorResponse>(
      *pool_, {kServiceName, "RegisterDonor", request.context().request_id()},
      bytes, [&](pg::Transaction& tx, v1::RegisterDonorResponse& response) {
        CC_RETURN_IF_ERROR(
            tx.Exec(absl::StrCat(
                        "INSERT INTO cellchain_donor.donors (donor_code, "
                        "registered_at, registered_by, delivered_at, "
                        "name_recorded, date_of_birth_recorded, "
                        "medical_record_number_recorded) "
                        "VALUES ($1, now(), $2, ",
                        Ts(3), ", $4, $5, $6)"),
                    {code, caller.user_id, delivered,
                     fields[0].sealed.has_value(), fields[1].sealed.has_value(),
                     fields[2].sealed.has_value()})
                .status());
        CC_RETURN_IF_ERROR(
            tx.Exec("INSERT INTO cellchain_donor.donor_identifying "
                    "(donor_code, name, date_of_birth, medical_record_number) "
                    "VALUES ($1, $2, $3, $4)",
                    {code, fields[0].sealed, fields[1].sealed,
                     fields[2].sealed})
                .status());
        Audit audit(tx, *ledger_, auth::ActorOf(caller),
                    request.context().request_id());
        CC_ASSIGN_OR_RETURN(*response.mutable_donor(),
                            audit.AppendDonor("donor.register", code));
        return absl::OkStatus();
      });
}

absl::StatusOr<v1::GetDonorResponse> Donors::GetDonor(
    const auth::Principal& caller, const v1::GetDonorRequest& request) {
  CC_RETURN_IF_ERROR(RequireDonorCode(request.donor_code()));
  if (request.reveal_identifying()) {
    if (!caller.HasRole(common::v1::ROLE_QA)) {
      return WithReason(
          absl::PermissionDeniedError(absl::StrCat(
              kReasonIdentifyingRestricted,
              ": only QA may see a donor's identifying data")),
          kReasonIdentifyingRestricted);
    }
    CC_RETURN_IF_ERROR(RequireText(request.reason(), "reason"));
  }
  const std::string& code = request.donor_code();
  v1::GetDonorResponse response;
  {
    CC_ASSIGN_OR_RETURN(pg::Pool::Lease lease, pool_->Acquire());
    pg::Connection& c = *lease;
    CC_ASSIGN_OR_RETURN(*response.mutable_donor(), LoadDonor(c, code));
    CC_ASSIGN_OR_RETURN(
        std::vector<v1::Consent> consents,
        LoadAll<v1::Consent>(c,
                             ConsentSelect() +
                                 "WHERE donor_code = $1 "
                                 "ORDER BY recorded_at, consent_id",
                             code));
    for (v1::Consent& x : consents) *response.add_consents() = std::move(x);
    CC_ASSIGN_OR_RETURN(
        std::vector<v1::Screening> screenings,
        LoadAll<v1::Screening>(c,
                               ScreeningSelect() +
                                   "WHERE donor_code = $1 "
                                   "ORDER BY recorded_at, screening_id",
                               code));
    for (v1::Screening& x : screenings) *response.add_screenings() = std::move(x);
    CC_ASSIGN_OR_RETURN(
        std::vector<v1::Determination> determinations,
        LoadAll<v1::Determination>(c,
                                   DeterminationSelect() +
                                       "WHERE donor_code = $1 "
                                       "ORDER BY determined_at, "
                                       "determination_id",
                                   code));
    for (v1::Determination& x : determinations) {
      *response.add_determinations() = std::move(x);
    }
    CC_ASSIGN_OR_RETURN(DonorFacts facts, LoadFacts(c, response.donor()));
    *response.mutable_current() =
        ToProto(Determine(options_.panel, facts), response.donor());
    CC_ASSIGN_OR_RETURN(
        pg::Result lots,
        c.Exec("SELECT lot_id FROM cellchain_donor.lots WHERE donor_code = $1 "
               "ORDER BY received_at, lot_id",
               {code}));
    for (int row = 0; row < lots.rows(); ++row) {
      CC_ASSIGN_OR_RETURN(*response.add_lot_ids(), lots.GetString(row, 0));
    }
    if (request.reveal_identifying()) {
      CC_ASSIGN_OR_RETURN(
          pg::Result r,
          c.Exec("SELECT coalesce(name, ''), coalesce(date_of_birth, ''), "
                 "coalesce(medical_record_number, '') "
                 "FROM cellchain_donor.donor_identifying WHERE donor_code = $1",
                 {code}));
      v1::IdentifyingData* out = response.mutable_identifying();
      const std::pair<const char*, std::string*> fields[] = {
          {"name", out->mutable_name()},
          {"date_of_birth", out->mutable_date_of_birth()},
          {"medical_record_number", out->mutable_medical_record_number()}};
      for (int i = 0; i < 3 && r.rows() > 0; ++i) {
        CC_ASSIGN_OR_RETURN(std::string sealed, r.GetString(0, i));
        if (sealed.empty()) continue;
        absl::StatusOr<std::string> plain =
            cipher_->Decrypt(sealed, IdentifyingContext(code, fields[i].first));
        if (!plain.ok()) {
          // Never the value; the key id and the failure are enough.
          return FailedRule(
              kReasonIdentifyingUnavailable,
              absl::StrCat("the donor's ", fields[i].first,
                           " cannot be decrypted (key \"",
                           crypto::FieldCipher::KeyIdOf(sealed), "\": ",
                           std::string(plain.status().message()), ")"));
        }
        *fields[i].second = std::move(*plain);
      }
    }
  }
  if (request.reveal_identifying()) {
    // Who looked at her data, and why, is on record before it is shown.
    std::string request_id = crypto::RandomId("view");
    CC_RETURN_IF_ERROR(pool_->InTransaction([&](pg::Transaction& tx) {
      Audit audit(tx, *ledger_, auth::ActorOf(caller), request_id);
      return audit
          .AppendDonor("donor.identifying_viewed", code, request.reason())
          .status();
    }));
  }
  return response;
}

// ---- consent ---------------------------------------------------------------

absl::StatusOr<v1::RecordConsentResponse> Donors::RecordConsent(
    const auth::Principal& caller, const v1::RecordConsentRequest& request) {
  CC_RETURN_IF_ERROR(CheckConsent(request, clock_->Now()));
  CC_ASSIGN_OR_RETURN(std::string bytes, RequestBytes(request));
  return idempotency::RunOnce<v1::RecordConsentResponse>(
      *pool_, {kServiceName, "RecordConsent", request.context().request_id()},
      bytes, [&](pg::Transaction& tx, v1::RecordConsentResponse& response) {
        CC_ASSIGN_OR_RETURN(v1::Donor donor,
                            LoadDonor(tx, request.donor_code(), true));
        CC_RETURN_IF_ERROR(RequireConsentStands(donor));
        std::string id = crypto::RandomId("cns");
        CC_RETURN_IF_ERROR(
            tx.Exec(absl::StrCat("INSERT INTO cellchain_donor.consents "
                                 "(consent_id, donor_code, form_version, "
                                 "consented_at, taken_by, witness, "
                                 "recorded_by, recorded_at) VALUES ($1, $2, "
                                 "$3, ",
                                 Ts(4), ", $5, $6, $7, now())"),
                    {id, donor.donor_code(), request.form_version(),
                     Micros(request.consented_at()), request.taken_by(),
                     request.witness(), caller.user_id})
                .status());
        CC_RETURN_IF_ERROR(
            tx.Exec("UPDATE cellchain_donor.donors SET consent_status = 2, "
                    "revision = revision + 1 WHERE donor_code = $1",
                    {donor.donor_code()})
                .status());
        Audit audit(tx, *ledger_, auth::ActorOf(caller),
                    request.context().request_id());
        CC_ASSIGN_OR_RETURN(
            *response.mutable_consent(),
            LoadOne<v1::Consent>(tx, ConsentSelect() + "WHERE consent_id = $1",
                                 id, "consent"));
        CC_RETURN_IF_ERROR(
            audit.Append("consent.record", "consent", id, response.consent())
                .status());
        CC_ASSIGN_OR_RETURN(
            *response.mutable_donor(),
            audit.AppendDonor("donor.consent_recorded", donor.donor_code()));
        return absl::OkStatus();
      });
}

absl::StatusOr<v1::WithdrawConsentResponse> Donors::WithdrawConsent(
    const auth::Principal& caller, const v1::WithdrawConsentRequest& request) {
  CC_RETURN_IF_ERROR(CheckWithdrawal(request, clock_->Now()));
  CC_ASSIGN_OR_RETURN(std::string bytes, RequestBytes(request));
  std::optional<int64_t> at;
  if (request.has_withdrawn_at()) at = Micros(request.withdrawn_at());
  CC_ASSIGN_OR_RETURN(
      v1::WithdrawConsentResponse response,
      idempotency::RunOnce<v1::WithdrawConsentResponse>(
          *pool_,
          {kServiceName, "WithdrawConsent", request.context().request_id()},
          bytes,
          [&](pg::Transaction& tx, v1::WithdrawConsentResponse& response) {
            // Under the donor's lock: a receipt waits, then sees the
            // withdrawal and is refused, so every lot is listed here.
            CC_ASSIGN_OR_RETURN(v1::Donor donor,
                                LoadDonor(tx, request.donor_code(), true));
            CC_RETURN_IF_ERROR(RequireConsentStands(donor, " already"));
            CC_ASSIGN_OR_RETURN(
                pg::Result consents,
                tx.Exec(absl::StrCat(
                            "UPDATE cellchain_donor.consents SET "
                            "withdrawn_at = coalesce(",
                            Ts(2),
                            ", now()), withdrawal_reason = $3, "
                            "withdrawn_recorded_by = $4 "
                            "WHERE donor_code = $1 AND withdrawn_at IS NULL "
                            "RETURNING consent_id"),
                        {donor.donor_code(), at, request.context().reason(),
                         caller.user_id}));
            CC_RETURN_IF_ERROR(
                tx.Exec("UPDATE cellchain_donor.donors SET consent_status = 3, "
                        "revision = revision + 1 WHERE donor_code = $1",
                        {donor.donor_code()})
                    .status());
            std::vector<std::string> consent_ids;
            for (int row = 0; row < consents.rows(); ++row) {
              CC_ASSIGN_OR_RETURN(std::string id, consents.GetString(row, 0));
              consent_ids.push_back(std::move(id));
            }
            std::sort(consent_ids.begin(), consent_ids.end());
            Audit audit(tx, *ledger_, auth::ActorOf(caller),
                        request.context().request_id());
            for (const std::string& id : consent_ids) {
              CC_ASSIGN_OR_RETURN(
                  v1::Consent consent,
                  LoadOne<v1::Consent>(
                      tx, ConsentSelect() + "WHERE consent_id = $1", id,
                      "consent"));
              CC_RETURN_IF_ERROR(audit
                                     .Append("consent.withdraw", "consent", id,
                                             consent,
                                             request.context().reason())
                                     .status());
            }
            CC_ASSIGN_OR_RETURN(
                *response.mutable_donor(),
                audit.AppendDonor("donor.consent_withdrawn", donor.donor_code(),
                                  request.context().reason()));
            CC_ASSIGN_OR_RETURN(
                pg::Result lots,
                tx.Exec("SELECT item_id FROM cellchain_donor.lots "
                        "WHERE donor_code = $1 AND state <> 3 "
                        "ORDER BY item_id",
                        {donor.donor_code()}));
            for (int row = 0; row < lots.rows(); ++row) {
              CC_ASSIGN_OR_RETURN(*response.add_held_item_ids(),
                                  lots.GetString(row, 0));
            }
            return absl::OkStatus();
          }));
  // After the commit, and again on every retry of this request: the holds
  // are custody's, each under its own derived request id.
  CC_RETURN_IF_ERROR(PlaceWithdrawalHolds(
      caller, request.context().request_id(), request.context().reason(),
      response));
  return response;
}

absl::Status Donors::PlaceWithdrawalHolds(
    const auth::Principal& caller, const std::string& request_id,
    const std::string& reason, v1::WithdrawConsentResponse& response) {
  for (const std::string& item_id : response.held_item_ids()) {
    custody::v1::PlaceHoldRequest hold;
    hold.mutable_context()->set_request_id(
        idempotency::DerivedRequestId(request_id, absl::StrCat("hold/", item_id)));
    hold.mutable_context()->set_reason(
        absl::StrCat("donor consent withdrawn: ", reason).substr(0, kMaxText));
    hold.set_item_id(item_id);
    absl::StatusOr<custody::v1::PlaceHoldResponse> held =
        custody_->PlaceHold(caller, hold);
    if (!held.ok() && !IsReason(held.status(), custody::kReasonItemEnded)) {
      return Annotate(held.status(),
                      absl::StrCat("the withdrawal is recorded but the hold "
                                   "of item ",
                                   item_id,
                                   " failed; retry with the same request id"));
    }
  }
  return absl::OkStatus();
}

// ---- screening -------------------------------------------------------------

absl::StatusOr<v1::RecordScreeningResponse> Donors::RecordScreening(
    const auth::Principal& caller, const v1::RecordScreeningRequest& request) {
  CC_RETURN_IF_ERROR(CheckScreening(request, options_.panel, clock_->Now()));
  CC_ASSIGN_OR_RETURN(std::string bytes, RequestBytes(request));
  return idempotency::RunOnce<v1::RecordScreeningResponse>(
      *pool_, {kServiceName, "RecordScreening", request.context().request_id()},
      bytes, [&](pg::Transaction& tx, v1::RecordScreeningResponse& response) {
        CC_ASSIGN_OR_RETURN(v1::Donor donor,
                            LoadDonor(tx, request.donor_code(), true));
        std::string id = crypto::RandomId("scr");
        CC_RETURN_IF_ERROR(
            tx.Exec(absl::StrCat("INSERT INTO cellchain_donor.screenings "
                                 "(screening_id, donor_code, test_code, "
                                 "method, kit_lot, specimen_drawn_at, result, "
                                 "recorded_by, recorded_at) VALUES ($1, $2, "
                                 "$3, $4, $5, ",
                                 Ts(6), ", $7, $8, now())"),
                    {id, donor.donor_code(), request.test_code(),
                     request.method(), request.kit_lot(),
                     Micros(request.specimen_drawn_at()),
                     static_cast<int>(request.result()), caller.user_id})
                .status());
        CC_RETURN_IF_ERROR(
            tx.Exec("UPDATE cellchain_donor.donors SET revision = revision + 1 "
                    "WHERE donor_code = $1",
                    {donor.donor_code()})
                .status());
        Audit audit(tx, *ledger_, auth::ActorOf(caller),
                    request.context().request_id());
        CC_ASSIGN_OR_RETURN(
            *response.mutable_donor(),
            audit.AppendDonor("donor.screening_recorded", donor.donor_code()));
        CC_ASSIGN_OR_RETURN(
            *response.mutable_screening(),
            LoadOne<v1::Screening>(
                tx, ScreeningSelect() + "WHERE screening_id = $1", id,
                "screening"));
        CC_RETURN_IF_ERROR(audit
                               .Append("screening.record", "screening", id,
                                       response.screening())
                               .status());
        return absl::OkStatus();
      });
}

// ---- eligibility -----------------------------------------------------------

absl::StatusOr<v1::DetermineEligibilityResponse> Donors::DetermineEligibility(
    const auth::Principal& caller,
    const v1::DetermineEligibilityRequest& request) {
  CC_RETURN_IF_ERROR(RequireDonorCode(request.donor_code()));
  CC_RETURN_IF_ERROR(
      idempotency::ValidateRequestId(request.context().request_id()));
  CC_ASSIGN_OR_RETURN(
      auth::Signature signature,
      auth::Sign(*signatures_, caller, request.signature(),
                 {common::v1::SIGNATURE_MEANING_APPROVED},
                 {.method = "/cellchain.donor.v1.DonorService/"
                            "DetermineEligibility",
                  .workstation = caller.workstation,
                  .request_id = request.context().request_id()}));
  CC_ASSIGN_OR_RETURN(std::string bytes, RequestBytes(request));
  return idempotency::RunOnce<v1::DetermineEligibilityResponse>(
      *pool_,
      {kServiceName, "DetermineEligibility", request.context().request_id()},
      bytes,
      [&](pg::Transaction& tx, v1::DetermineEligibilityResponse& response) {
        CC_ASSIGN_OR_RETURN(v1::Donor donor,
                            LoadDonor(tx, request.donor_code(), true));
        CC_RETURN_IF_ERROR(CheckIntakeIndependence(
            tx, signature.actor.user_id(), donor.donor_code(), ""));
        CC_ASSIGN_OR_RETURN(DonorFacts facts, LoadFacts(tx, donor));
        v1::Determination determination =
            ToProto(Determine(options_.panel, facts), donor);
        v1::Determination reasons;
        *reasons.mutable_reasons() = determination.reasons();
        CC_ASSIGN_OR_RETURN(std::string reason_bytes,
                            ledger::SerializeDeterministic(reasons));
        std::string id = crypto::RandomId("elg");
        CC_RETURN_IF_ERROR(
            tx.Exec("INSERT INTO cellchain_donor.determinations "
                    "(determination_id, donor_code, eligibility, reasons, "
                    "donor_revision, determined_by, determined_at) "
                    "VALUES ($1, $2, $3, $4, $5, $6, now())",
                    {id, donor.donor_code(),
                     static_cast<int>(determination.eligibility()),
                     pg::Param::Bytes(reason_bytes), donor.revision(),
                     signature.actor.user_id()})
                .status());
        CC_ASSIGN_OR_RETURN(
            *response.mutable_determination(),
            LoadOne<v1::Determination>(
                tx, DeterminationSelect() + "WHERE determination_id = $1", id,
                "determination"));
        Audit audit(tx, *ledger_, signature.actor,
                    request.context().request_id());
        CC_ASSIGN_OR_RETURN(
            ledger::SignedRecord record,
            audit.Append("determination.sign", "determination", id,
                         response.determination(), "", {},
                         signature.manifestation));
        response.set_record_id(record.record_id);
        return absl::OkStatus();
      });
}

// ---- cord receipt and lots -------------------------------------------------

absl::StatusOr<v1::ReceiveCordResponse> Donors::ReceiveCord(
    const auth::Principal& caller, const v1::ReceiveCordRequest& request) {
  CC_RETURN_IF_ERROR(CheckReceipt(request, clock_->Now()));
  const std::string& request_id = request.context().request_id();
  CC_RETURN_IF_ERROR(idempotency::ValidateRequestId(request_id));
  const std::string& code = request.donor_code();
  {
    // Refused before a DIN is spent on it (checked again under the lock).
    CC_ASSIGN_OR_RETURN(pg::Pool::Lease lease, pool_->Acquire());
    CC_ASSIGN_OR_RETURN(v1::Donor donor, LoadDonor(*lease, code));
    CC_RETURN_IF_ERROR(RequireConsentStands(donor, kNoCordReceived));
  }
  custody::v1::AllocateDinRequest allocate;
  allocate.mutable_context()->set_request_id(
      idempotency::DerivedRequestId(request_id, "din"));
  allocate.set_fin(options_.fin);
  CC_ASSIGN_OR_RETURN(custody::v1::AllocateDinResponse din,
                      custody_->AllocateDin(caller, allocate));
  custody::v1::RegisterItemRequest item_request;
  item_request.mutable_context()->set_request_id(
      idempotency::DerivedRequestId(request_id, "item"));
  item_request.set_type(custody::v1::ITEM_TYPE_DONOR_LOT);
  item_request.set_din(din.data_structure());
  item_request.set_description("Umbilical cord tissue (donor lot)");
  item_request.set_location_id(request.location_id());
  CC_ASSIGN_OR_RETURN(custody::v1::RegisterItemResponse item,
                      custody_->RegisterItem(caller, item_request));
  const std::string item_id = item.item().item_id();

  std::vector<FoundDeviation> deviations =
      DeviationsAtReceipt(request, options_);
  CC_ASSIGN_OR_RETURN(std::string bytes, RequestBytes(request));
  absl::StatusOr<v1::ReceiveCordResponse> result =
      idempotency::RunOnce<v1::ReceiveCordResponse>(
          *pool_, {kServiceName, "ReceiveCord", request_id}, bytes,
          [&](pg::Transaction& tx, v1::ReceiveCordResponse& response) {
            CC_ASSIGN_OR_RETURN(v1::Donor donor, LoadDonor(tx, code, true));
            CC_RETURN_IF_ERROR(RequireConsentStands(donor, kNoCordReceived));
            CC_ASSIGN_OR_RETURN(bool set_delivery,
                                DeliveryToRecord(donor, request.delivered_at()));
            if (set_delivery) {
              CC_RETURN_IF_ERROR(
                  tx.Exec(absl::StrCat("UPDATE cellchain_donor.donors SET "
                                       "delivered_at = ",
                                       Ts(2),
                                       ", revision = revision + 1 "
                                       "WHERE donor_code = $1"),
                          {code, Micros(request.delivered_at())})
                      .status());
            }
            std::string lot_id = crypto::RandomId("lot");
            CC_RETURN_IF_ERROR(
                tx.Exec(absl::StrCat(
                            "INSERT INTO cellchain_donor.lots (lot_id, "
                            "donor_code, din, din_eye_readable, item_id, "
                            "state, delivered_at, collected_at, received_at, "
                            "transport_min_celsius, transport_max_celsius, "
                            "tissue_weight_grams, received_by) VALUES ($1, "
                            "$2, $3, $4, $5, 1, ",
                            Ts(6), ", ", Ts(7), ", ", Ts(8),
                            ", $9, $10, $11, $12)"),
                        {lot_id, code, din.allocation().din(),
                         din.eye_readable(), item_id,
                         Micros(request.delivered_at()),
                         Micros(request.collected_at()),
                         Micros(request.received_at()),
                         request.transport_min_celsius(),
                         request.transport_max_celsius(),
                         request.tissue_weight_grams(), caller.user_id})
                    .status());
            for (const FoundDeviation& d : deviations) {
              CC_RETURN_IF_ERROR(
                  tx.Exec("INSERT INTO cellchain_donor.deviations "
                          "(deviation_id, lot_id, kind, description, "
                          "created_at) VALUES ($1, $2, $3, $4, "
                          "clock_timestamp())",
                          {crypto::RandomId("dev"), lot_id,
                           static_cast<int>(d.kind), d.description})
                      .status());
            }
            Audit audit(tx, *ledger_, auth::ActorOf(caller), request_id);
            if (set_delivery) {
              CC_RETURN_IF_ERROR(
                  audit.AppendDonor("donor.delivery_recorded", code).status());
            }
            CC_ASSIGN_OR_RETURN(*response.mutable_lot(),
                                audit.AppendLot("lot.receive", lot_id));
            return absl::OkStatus();
          });
  if (IsReason(result.status(), kReasonConsentWithdrawn) ||
      IsReason(result.status(), kReasonDeliveryMismatch)) {
    // The item was registered before the refusal: it is held, so that
    // tissue nobody may use cannot move on unnoticed.
    custody::v1::PlaceHoldRequest hold;
    hold.mutable_context()->set_request_id(
        idempotency::DerivedRequestId(request_id, "refused-hold"));
    hold.mutable_context()->set_reason(absl::StrCat(
        "cord receipt refused: ", std::string(result.status().message()))
                                           .substr(0, kMaxText));
    hold.set_item_id(item_id);
    absl::StatusOr<custody::v1::PlaceHoldResponse> held =
        custody_->PlaceHold(caller, hold);
    if (!held.ok()) {
      return Annotate(result.status(),
                      absl::StrCat("and the hold of its custody item ", item_id,
                                   " failed: ",
                                   std::string(held.status().message())));
    }
  }
  return result;
}

absl::StatusOr<v1::AssessDeviationResponse> Donors::AssessDeviation(
    const auth::Principal& caller, const v1::AssessDeviationRequest& request) {
  CC_RETURN_IF_ERROR(CheckAssessment(request));
  CC_RETURN_IF_ERROR(
      idempotency::ValidateRequestId(request.context().request_id()));
  CC_ASSIGN_OR_RETURN(
      auth::Signature signature,
      auth::Sign(*signatures_, caller, request.signature(),
                 {common::v1::SIGNATURE_MEANING_APPROVED},
                 {.method = "/cellchain.donor.v1.DonorService/AssessDeviation",
                  .workstation = caller.workstation,
                  .request_id = request.context().request_id()}));
  CC_ASSIGN_OR_RETURN(std::string bytes, RequestBytes(request));
  return idempotency::RunOnce<v1::AssessDeviationResponse>(
      *pool_, {kServiceName, "AssessDeviation", request.context().request_id()},
      bytes, [&](pg::Transaction& tx, v1::AssessDeviationResponse& response) {
        CC_ASSIGN_OR_RETURN(
            pg::Result r,
            tx.Exec("SELECT lot_id FROM cellchain_donor.deviations "
                    "WHERE deviation_id = $1",
                    {request.deviation_id()}));
        if (r.rows() == 0) {
          return NotFound("deviation", request.deviation_id(),
                          kReasonDeviationNotFound);
        }
        CC_ASSIGN_OR_RETURN(std::string lot_id, r.GetString(0, 0));
        CC_RETURN_IF_ERROR(LoadLot(tx, lot_id, /*for_update=*/true).status());
        // The deviations of a lot are found at its receipt: whoever
        // received it may not judge them.
        common::v1::EntityRef lot;
        lot.set_type("donor_lot");
        lot.set_id(lot_id);
        CC_RETURN_IF_ERROR(auth::CheckSegregationOfDuties(
            tx, signature.actor.user_id(), {lot}));
        CC_ASSIGN_OR_RETURN(
            pg::Result updated,
            tx.Exec("UPDATE cellchain_donor.deviations SET status = $2, "
                    "assessment = $3, assessed_by = $4, assessed_at = now() "
                    "WHERE deviation_id = $1 AND status = 1 RETURNING 1",
                    {request.deviation_id(),
                     static_cast<int>(request.decision()),
                     request.assessment(), signature.actor.user_id()}));
        if (updated.rows() == 0) {
          return FailedRule(kReasonDeviationAssessed,
                            absl::StrCat("deviation ", request.deviation_id(),
                                         " was assessed already"));
        }
        CC_RETURN_IF_ERROR(
            tx.Exec("UPDATE cellchain_donor.lots SET version = version + 1 "
                    "WHERE lot_id = $1",
                    {lot_id})
                .status());
        Audit audit(tx, *ledger_, signature.actor,
                    request.context().request_id());
        CC_ASSIGN_OR_RETURN(
            *response.mutable_lot(),
            audit.AppendLot("lot.deviation_assessed", lot_id,
                            request.assessment(), signature.manifestation));
        return absl::OkStatus();
      });
}

absl::StatusOr<v1::ReleaseLotResponse> Donors::ReleaseLot(
    const auth::Principal& caller, const v1::ReleaseLotRequest& request) {
  if (request.lot_id().empty()) return InvalidField("lot_id", "required");
  CC_RETURN_IF_ERROR(
      idempotency::ValidateRequestId(request.context().request_id()));
  std::string code;
  std::string item_id;
  {
    CC_ASSIGN_OR_RETURN(pg::Pool::Lease lease, pool_->Acquire());
    CC_ASSIGN_OR_RETURN(v1::DonorLot lot, LoadLot(*lease, request.lot_id()));
    code = lot.donor_code();
    item_id = lot.item_id();
  }
  CC_ASSIGN_OR_RETURN(
      auth::Signature signature,
      auth::Sign(*signatures_, caller, request.signature(),
                 {common::v1::SIGNATURE_MEANING_APPROVED},
                 {.method = "/cellchain.donor.v1.DonorService/ReleaseLot",
                  .workstation = caller.workstation,
                  .request_id = request.context().request_id()}));
  custody::v1::GetItemRequest get;
  get.set_item_id(item_id);
  CC_ASSIGN_OR_RETURN(custody::v1::GetItemResponse item,
                      custody_->GetItem(get));
  CC_ASSIGN_OR_RETURN(std::string bytes, RequestBytes(request));
  return idempotency::RunOnce<v1::ReleaseLotResponse>(
      *pool_, {kServiceName, "ReleaseLot", request.context().request_id()},
      bytes, [&](pg::Transaction& tx, v1::ReleaseLotResponse& response) {
        CC_ASSIGN_OR_RETURN(v1::Donor donor, LoadDonor(tx, code, true));
        CC_ASSIGN_OR_RETURN(v1::DonorLot lot,
                            LoadLot(tx, request.lot_id(), true));
        CC_RETURN_IF_ERROR(CheckIntakeIndependence(
            tx, signature.actor.user_id(), code, lot.lot_id()));
        CC_ASSIGN_OR_RETURN(
            std::vector<v1::Determination> latest,
            LoadAll<v1::Determination>(
                tx,
                DeterminationSelect() +
                    "WHERE donor_code = $1 "
                    "ORDER BY determined_at DESC, determination_id DESC "
                    "LIMIT 1",
                code));
        CC_RETURN_IF_ERROR(CheckRelease(
            {.lot = lot,
             .donor = donor,
             .latest = latest.empty() ? nullptr : &latest.front(),
             .item_on_hold = item.item().on_hold()}));
        CC_RETURN_IF_ERROR(
            tx.Exec("UPDATE cellchain_donor.lots SET state = 2, "
                    "released_by = $2, released_at = now(), "
                    "version = version + 1 WHERE lot_id = $1",
                    {lot.lot_id(), signature.actor.user_id()})
                .status());
        Audit audit(tx, *ledger_, signature.actor,
                    request.context().request_id());
        CC_ASSIGN_OR_RETURN(
            *response.mutable_lot(),
            audit.AppendLot("lot.release", lot.lot_id(), "",
                            signature.manifestation));
        return absl::OkStatus();
      });
}

absl::StatusOr<v1::DiscardLotResponse> Donors::DiscardLot(
    const auth::Principal& caller, const v1::DiscardLotRequest& request) {
  if (request.lot_id().empty()) return InvalidField("lot_id", "required");
  CC_RETURN_IF_ERROR(RequireText(request.context().reason(), "context.reason"));
  const std::string& request_id = request.context().request_id();
  CC_RETURN_IF_ERROR(idempotency::ValidateRequestId(request_id));
  v1::DonorLot lot;
  {
    CC_ASSIGN_OR_RETURN(pg::Pool::Lease lease, pool_->Acquire());
    CC_ASSIGN_OR_RETURN(lot, LoadLot(*lease, request.lot_id()));
  }
  CC_ASSIGN_OR_RETURN(std::string bytes, RequestBytes(request));
  if (lot.state() != v1::LOT_STATE_DISCARDED) {
    custody::v1::EndItemRequest end;
    end.mutable_context()->set_request_id(idempotency::DerivedRequestId(request_id, "end"));
    end.mutable_context()->set_reason(request.context().reason());
    end.set_item_id(lot.item_id());
    end.set_outcome(custody::v1::ITEM_STATE_DISCARDED);
    CC_RETURN_IF_ERROR(custody_->EndItem(caller, end).status());
  }
  return idempotency::RunOnce<v1::DiscardLotResponse>(
      *pool_, {kServiceName, "DiscardLot", request_id}, bytes,
      [&](pg::Transaction& tx, v1::DiscardLotResponse& response) {
        CC_ASSIGN_OR_RETURN(v1::DonorLot locked,
                            LoadLot(tx, request.lot_id(), true));
        CC_RETURN_IF_ERROR(CheckDiscard(locked));
        CC_RETURN_IF_ERROR(
            tx.Exec("UPDATE cellchain_donor.lots SET state = 3, "
                    "discard_reason = $2, version = version + 1 "
                    "WHERE lot_id = $1",
                    {locked.lot_id(), request.context().reason()})
                .status());
        Audit audit(tx, *ledger_, auth::ActorOf(caller), request_id);
        CC_ASSIGN_OR_RETURN(
            *response.mutable_lot(),
            audit.AppendLot("lot.discard", locked.lot_id(),
                            request.context().reason()));
        return absl::OkStatus();
      });
}

absl::StatusOr<v1::GetLotResponse> Donors::GetLot(
    const v1::GetLotRequest& request) {
  if (request.lot_id().empty() == request.din().empty()) {
    return InvalidField("lot_id", "give lot_id or din");
  }
  CC_ASSIGN_OR_RETURN(pg::Pool::Lease lease, pool_->Acquire());
  v1::GetLotResponse response;
  if (!request.lot_id().empty()) {
    CC_ASSIGN_OR_RETURN(*response.mutable_lot(),
                        LoadLot(*lease, request.lot_id()));
    return response;
  }
  CC_ASSIGN_OR_RETURN(std::string din, NormalizeDin(request.din()));
  CC_ASSIGN_OR_RETURN(std::vector<v1::DonorLot> lots,
                      LoadLots(*lease, "WHERE din = $1", {din}));
  if (lots.empty()) return NotFound("lot with DIN", din, kReasonLotNotFound);
  *response.mutable_lot() = std::move(lots.front());
  return response;
}

absl::StatusOr<v1::ListLotsResponse> Donors::ListLots(
    const v1::ListLotsRequest& request) {
  CC_ASSIGN_OR_RETURN(LotQuery query, CheckListLots(request));
  CC_ASSIGN_OR_RETURN(pg::Pool::Lease lease, pool_->Acquire());
  CC_ASSIGN_OR_RETURN(
      std::vector<v1::DonorLot> lots,
      LoadLots(*lease,
               absl::StrCat("WHERE ($1::int = 0 OR state = $1::int) "
                            "AND ($2::int8 IS NULL OR received_at >= ",
                            Ts(2), ") AND ($3::int8 IS NULL OR received_at < ",
                            Ts(3),
                            ") AND ($4 = '' OR din = $4) "
                            "AND ($5 = '' OR donor_code = $5) "
                            "AND ($6::int8 IS NULL OR (received_at, lot_id) < (",
                            Ts(6),
                            ", $7)) ORDER BY received_at DESC, lot_id DESC "
                            "LIMIT $8"),
               {static_cast<int>(query.state), query.received_from,
                query.received_to, query.din, query.donor_code,
                query.after_received_at, query.after_lot_id,
                query.page_size + 1}));
  v1::ListLotsResponse response;
  const int page_size = query.page_size;
  for (size_t i = 0; i < lots.size() && static_cast<int>(i) < page_size; ++i) {
    *response.add_lots() = std::move(lots[i]);
  }
  if (static_cast<int>(lots.size()) > page_size) {
    const v1::DonorLot& last = response.lots(page_size - 1);
    response.mutable_page()->set_next_page_token(
        NextLotPageToken(last));
  }
  return response;
}

}  // namespace cellchain::donor
