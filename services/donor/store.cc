#include "services/donor/store.h"

#include <algorithm>
#include <string_view>
#include <type_traits>
#include <utility>

#include "absl/strings/str_cat.h"
#include "services/common/crypto/crypto.h"
#include "services/common/fields/fields.h"
#include "services/common/pg/proto_row.h"
#include "services/common/status/status.h"
#include "services/donor/eligibility_proto.h"
#include "services/donor/reasons.h"
#include "services/ledger/ledger.h"

namespace cellchain::donor {
namespace {

using pg::MicrosColumn;
constexpr auto Ts = fields::TimestampParam;

// ---- SQL -------------------------------------------------------------------
// Read as the snapshots' fields are named (pg::FillFromRow fills a proto by
// column name); timestamps read as µs since the epoch (pg::MicrosColumn) and
// bound the same way (fields::TimestampParam).

// A donor's snapshot (v1.Donor): never her identifying data, only whether
// each value was recorded.
std::string SelectDonor() {
  return absl::StrCat(
      "SELECT donor_code, ", MicrosColumn("registered_at"),
      ", registered_by AS registered_by_user_id, ",
      MicrosColumn("delivered_at"),
      ", consent_status, name_recorded, date_of_birth_recorded, "
      "medical_record_number_recorded, revision "
      "FROM cellchain_donor.donors ");
}
constexpr char kWhereDonor[] = "WHERE donor_code = $1";
constexpr char kWhereDonorForUpdate[] = "WHERE donor_code = $1 FOR UPDATE";

// A consent's snapshot (v1.Consent).
std::string SelectConsent() {
  return absl::StrCat(
      "SELECT consent_id, donor_code, form_version, ",
      MicrosColumn("consented_at"),
      ", taken_by, witness, recorded_by AS recorded_by_user_id, "
      "withdrawn_at IS NOT NULL AS withdrawn, ",
      MicrosColumn("withdrawn_at"),
      ", withdrawal_reason, withdrawn_recorded_by AS "
      "withdrawn_recorded_by_user_id "
      "FROM cellchain_donor.consents ");
}
constexpr char kWhereConsent[] = "WHERE consent_id = $1";
constexpr char kWhereConsentsOfDonor[] =
    "WHERE donor_code = $1 ORDER BY recorded_at, consent_id";

// A screening result's snapshot (v1.Screening).
std::string SelectScreening() {
  return absl::StrCat(
      "SELECT screening_id, donor_code, test_code, method, kit_lot, ",
      MicrosColumn("specimen_drawn_at"),
      ", result, recorded_by AS recorded_by_user_id, ",
      MicrosColumn("recorded_at"), " FROM cellchain_donor.screenings ");
}
constexpr char kWhereScreening[] = "WHERE screening_id = $1";
constexpr char kWhereScreeningsOfDonor[] =
    "WHERE donor_code = $1 ORDER BY recorded_at, screening_id";

// A determination's snapshot (v1.Determination); `reasons` holds a
// serialized v1.Determination with only its reasons.
std::string SelectDetermination() {
  return absl::StrCat(
      "SELECT determination_id, donor_code, eligibility, reasons, "
      "donor_revision, determined_by AS determined_by_user_id, ",
      MicrosColumn("determined_at"), " FROM cellchain_donor.determinations ");
}
constexpr char kWhereDetermination[] = "WHERE determination_id = $1";
constexpr char kWhereDeterminationsOfDonor[] =
    "WHERE donor_code = $1 ORDER BY determined_at, determination_id";
constexpr char kWhereLatestDetermination[] =
    "WHERE donor_code = $1 "
    "ORDER BY determined_at DESC, determination_id DESC LIMIT 1";

// A lot's snapshot (v1.DonorLot) but its deviations.
std::string SelectLot() {
  return absl::StrCat(
      "SELECT lot_id, donor_code, din, din_eye_readable, item_id, state, ",
      MicrosColumn("delivered_at"), ", ", MicrosColumn("collected_at"), ", ",
      MicrosColumn("received_at"),
      ", transport_min_celsius, transport_max_celsius, tissue_weight_grams, "
      "received_by AS received_by_user_id, "
      "released_by AS released_by_user_id, ",
      MicrosColumn("released_at"),
      ", discard_reason, version FROM cellchain_donor.lots ");
}
constexpr char kWhereLot[] = "WHERE lot_id = $1";
constexpr char kWhereLotForUpdate[] = "WHERE lot_id = $1 FOR UPDATE";
constexpr char kWhereLotDin[] = "WHERE din = $1";

// A page of lots: $1 state (NULL for any), $2 and $3 received from
// (inclusive) and to (exclusive) in µs (NULL for open), $4 DIN ('' for
// any), $5 donor code ('' for any), $6 and $7 the (received_at, lot_id)
// the page starts after (NULL for the first page), $8 the limit.
// One condition a line.
// clang-format off
std::string WhereLotPage() {
  return absl::StrCat(
      "WHERE ($1::int IS NULL OR state = $1::int) "
      "AND ($2::int8 IS NULL OR received_at >= ", Ts(2), ") "
      "AND ($3::int8 IS NULL OR received_at < ", Ts(3), ") "
      "AND ($4 = '' OR din = $4) "
      "AND ($5 = '' OR donor_code = $5) "
      "AND ($6::int8 IS NULL OR (received_at, lot_id) < (", Ts(6), ", $7)) "
      "ORDER BY received_at DESC, lot_id DESC LIMIT $8");
}
// clang-format on

// The deviations (v1.Deviation) of the lots whose ids are in the array $1,
// in the order they were found.
std::string SelectDeviationsOfLots() {
  return absl::StrCat(
      "SELECT deviation_id, lot_id, kind, description, status, assessment, "
      "assessed_by AS assessed_by_user_id, ",
      MicrosColumn("assessed_at"),
      " FROM cellchain_donor.deviations "
      "WHERE lot_id = ANY($1::text[]) ORDER BY created_at, deviation_id");
}

constexpr char kSelectLotIdsOfDonor[] =
    "SELECT lot_id FROM cellchain_donor.lots WHERE donor_code = $1 "
    "ORDER BY received_at, lot_id";

constexpr char kSelectDinsOfDonor[] =
    "SELECT din FROM cellchain_donor.lots WHERE donor_code = $1 "
    "ORDER BY received_at, lot_id";

constexpr char kSelectSealedIdentifying[] =
    "SELECT coalesce(name, ''), coalesce(date_of_birth, ''), "
    "coalesce(medical_record_number, '') "
    "FROM cellchain_donor.donor_identifying WHERE donor_code = $1";

// The entities of donor $1's intake (every lot's when $2 is '', else lot
// $2's) as (entity type, id).
constexpr char kSelectIntakeEntities[] =
    "SELECT 'consent', consent_id FROM cellchain_donor.consents "
    "WHERE donor_code = $1 "
    "UNION ALL SELECT 'screening', screening_id "
    "FROM cellchain_donor.screenings WHERE donor_code = $1 "
    "UNION ALL SELECT 'donor_lot', lot_id FROM cellchain_donor.lots "
    "WHERE donor_code = $1 AND ($2 = '' OR lot_id = $2)";

constexpr char kSelectDeviationLot[] =
    "SELECT lot_id FROM cellchain_donor.deviations WHERE deviation_id = $1";

// $1 code, $2 registered by, $3 delivered at (µs, or NULL), $4..$6 whether
// her name, date of birth and medical record number were recorded.
std::string InsertDonorSql() {
  return absl::StrCat(
      "INSERT INTO cellchain_donor.donors (donor_code, registered_at, "
      "registered_by, delivered_at, name_recorded, date_of_birth_recorded, "
      "medical_record_number_recorded) "
      "VALUES ($1, now(), $2, ",
      Ts(3), ", $4, $5, $6)");
}

// $1 code, $2..$4 her sealed name, date of birth, medical record number.
constexpr char kInsertIdentifying[] =
    "INSERT INTO cellchain_donor.donor_identifying "
    "(donor_code, name, date_of_birth, medical_record_number) "
    "VALUES ($1, $2, $3, $4)";

// $1 id, $2 donor, $3 form version, $4 consented at (µs), $5 taken by,
// $6 witness, $7 recorded by.
std::string InsertConsentSql() {
  return absl::StrCat(
      "INSERT INTO cellchain_donor.consents (consent_id, donor_code, "
      "form_version, consented_at, taken_by, witness, recorded_by, "
      "recorded_at) VALUES ($1, $2, $3, ",
      Ts(4), ", $5, $6, $7, now())");
}

// $1 code, $2 the consent status (v1.ConsentStatus).
constexpr char kSetConsentStatus[] =
    "UPDATE cellchain_donor.donors SET consent_status = $2, "
    "revision = revision + 1 WHERE donor_code = $1";

// $1 code, $2 withdrawn at (µs, or NULL for now), $3 reason, $4 recorded by.
std::string WithdrawConsentsSql() {
  return absl::StrCat(
      "UPDATE cellchain_donor.consents SET withdrawn_at = coalesce(", Ts(2),
      ", now()), withdrawal_reason = $3, withdrawn_recorded_by = $4 "
      "WHERE donor_code = $1 AND withdrawn_at IS NULL RETURNING consent_id");
}

// $1 code, $2 LOT_STATE_DISCARDED.
constexpr char kSelectItemsOfLotsNotInState[] =
    "SELECT item_id FROM cellchain_donor.lots "
    "WHERE donor_code = $1 AND state <> $2 ORDER BY item_id";

// $1 id, $2 donor, $3 test, $4 method, $5 kit lot, $6 specimen drawn at
// (µs), $7 result (v1.ScreeningResult), $8 recorded by.
std::string InsertScreeningSql() {
  return absl::StrCat(
      "INSERT INTO cellchain_donor.screenings (screening_id, donor_code, "
      "test_code, method, kit_lot, specimen_drawn_at, result, recorded_by, "
      "recorded_at) VALUES ($1, $2, $3, $4, $5, ",
      Ts(6), ", $7, $8, now())");
}

constexpr char kBumpRevision[] =
    "UPDATE cellchain_donor.donors SET revision = revision + 1 "
    "WHERE donor_code = $1";

// $1 id, $2 donor, $3 eligibility (v1.Eligibility), $4 reasons (bytea),
// $5 the donor revision it was made from, $6 determined by.
constexpr char kInsertDetermination[] =
    "INSERT INTO cellchain_donor.determinations (determination_id, "
    "donor_code, eligibility, reasons, donor_revision, determined_by, "
    "determined_at) VALUES ($1, $2, $3, $4, $5, $6, now())";

// $1 code, $2 delivered at (µs).
std::string RecordDeliverySql() {
  return absl::StrCat("UPDATE cellchain_donor.donors SET delivered_at = ",
                      Ts(2), ", revision = revision + 1 WHERE donor_code = $1");
}

// $1 id, $2 donor, $3 DIN, $4 its eye-readable form, $5 custody item,
// $6 state (v1.LotState), $7..$9 delivered, collected and received at (µs),
// $10 and $11 transport min and max °C, $12 tissue grams, $13 received by.
std::string InsertLotSql() {
  return absl::StrCat(
      "INSERT INTO cellchain_donor.lots (lot_id, donor_code, din, "
      "din_eye_readable, item_id, state, delivered_at, collected_at, "
      "received_at, transport_min_celsius, transport_max_celsius, "
      "tissue_weight_grams, received_by) "
      "VALUES ($1, $2, $3, $4, $5, $6, ",
      Ts(7), ", ", Ts(8), ", ", Ts(9), ", $10, $11, $12, $13)");
}

// $1 id, $2 lot, $3 kind (v1.DeviationKind), $4 description, $5 status
// (v1.DeviationStatus).
constexpr char kInsertDeviation[] =
    "INSERT INTO cellchain_donor.deviations (deviation_id, lot_id, kind, "
    "description, status, created_at) "
    "VALUES ($1, $2, $3, $4, $5, clock_timestamp())";

// $1 id, $2 decision, $3 assessment, $4 assessed by, $5 the status it must
// have (v1.DeviationStatus OPEN).
constexpr char kAssessDeviation[] =
    "UPDATE cellchain_donor.deviations SET status = $2, assessment = $3, "
    "assessed_by = $4, assessed_at = now() "
    "WHERE deviation_id = $1 AND status = $5 RETURNING 1";

constexpr char kBumpLotVersion[] =
    "UPDATE cellchain_donor.lots SET version = version + 1 WHERE lot_id = $1";

// $1 lot, $2 released by, $3 state (v1.LotState AVAILABLE).
constexpr char kMarkReleased[] =
    "UPDATE cellchain_donor.lots SET state = $3, released_by = $2, "
    "released_at = now(), version = version + 1 WHERE lot_id = $1";

// $1 lot, $2 reason, $3 state (v1.LotState DISCARDED).
constexpr char kMarkDiscarded[] =
    "UPDATE cellchain_donor.lots SET state = $3, discard_reason = $2, "
    "version = version + 1 WHERE lot_id = $1";

// ---- loading ---------------------------------------------------------------

// Every row `sql` selects with `param` as $1, filled into Proto by column
// name (pg::LoadRows); a determination's reasons parsed from their bytes.
template <typename Proto, typename Executor>
absl::StatusOr<std::vector<Proto>> LoadRowsBy(Executor& executor,
                                              const std::string& sql,
                                              const std::string& param) {
  if constexpr (!std::is_same_v<Proto, v1::Determination>) {
    return pg::LoadRows<Proto>(executor, sql, {param});
  } else {
    CC_ASSIGN_OR_RETURN(pg::Result r, executor.Exec(sql, {param}));
    std::vector<Proto> out(r.rows());
    for (int row = 0; row < r.rows(); ++row) {
      CC_RETURN_IF_ERROR(pg::FillFromRow(r, row, out[row]));
      CC_ASSIGN_OR_RETURN(std::string bytes, r.GetBytes(row, "reasons"));
      v1::Determination reasons;
      if (!reasons.ParseFromString(bytes)) {
        return absl::DataLossError("a determination's reasons do not parse");
      }
      *out[row].mutable_reasons() = std::move(*reasons.mutable_reasons());
    }
    return out;
  }
}

// The row `sql` selects with `id` as $1; NOT_FOUND naming `what` (without a
// reason: only the state readers read these by id) when none.
template <typename Proto, typename Executor>
absl::StatusOr<Proto> LoadById(Executor& executor, const std::string& sql,
                               const std::string& id, std::string_view what) {
  CC_ASSIGN_OR_RETURN(std::vector<Proto> all,
                      LoadRowsBy<Proto>(executor, sql, id));
  if (all.empty()) return NotFound(what, id);
  return std::move(all.front());
}

// Lots matched by `where` (a clause over the lots table, its parameters in
// `params`), each with its deviations, in the order `where` gives.
template <typename Executor>
absl::StatusOr<std::vector<v1::DonorLot>> LoadLots(Executor& executor,
                                                   std::string_view where,
                                                   const pg::Params& params) {
  CC_ASSIGN_OR_RETURN(
      pg::Result r,
      executor.Exec(absl::StrCat(SelectLot(), std::string(where)), params));
  std::vector<v1::DonorLot> lots(r.rows());
  std::string ids = "{";
  for (int row = 0; row < r.rows(); ++row) {
    CC_RETURN_IF_ERROR(pg::FillFromRow(r, row, lots[row]));
    absl::StrAppend(&ids, row > 0 ? "," : "", lots[row].lot_id());
  }
  ids += "}";
  if (lots.empty()) return lots;
  CC_ASSIGN_OR_RETURN(pg::Result d,
                      executor.Exec(SelectDeviationsOfLots(), {ids}));
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

absl::StatusOr<std::vector<std::string>> Strings(const pg::Result& r) {
  std::vector<std::string> out;
  for (int row = 0; row < r.rows(); ++row) {
    CC_ASSIGN_OR_RETURN(std::string value, r.GetString(row, 0));
    out.push_back(std::move(value));
  }
  return out;
}

}  // namespace

// ---- reads -----------------------------------------------------------------

template <typename Executor>
absl::StatusOr<v1::Donor> LoadDonor(Executor& executor, const std::string& code,
                                    bool for_update) {
  CC_ASSIGN_OR_RETURN(
      std::vector<v1::Donor> donors,
      LoadRowsBy<v1::Donor>(
          executor,
          absl::StrCat(SelectDonor(),
                       for_update ? kWhereDonorForUpdate : kWhereDonor),
          code));
  if (donors.empty()) return NotFound("donor", code, kReasonDonorNotFound);
  return std::move(donors.front());
}

template <typename Executor>
absl::StatusOr<v1::Consent> LoadConsent(Executor& executor,
                                        const std::string& id) {
  return LoadById<v1::Consent>(executor, SelectConsent() + kWhereConsent, id,
                               "consent");
}

template <typename Executor>
absl::StatusOr<std::vector<v1::Consent>> LoadConsents(Executor& executor,
                                                      const std::string& code) {
  return LoadRowsBy<v1::Consent>(executor,
                                 SelectConsent() + kWhereConsentsOfDonor, code);
}

template <typename Executor>
absl::StatusOr<v1::Screening> LoadScreening(Executor& executor,
                                            const std::string& id) {
  return LoadById<v1::Screening>(executor, SelectScreening() + kWhereScreening,
                                 id, "screening");
}

template <typename Executor>
absl::StatusOr<std::vector<v1::Screening>> LoadScreenings(
    Executor& executor, const std::string& code) {
  return LoadRowsBy<v1::Screening>(
      executor, SelectScreening() + kWhereScreeningsOfDonor, code);
}

template <typename Executor>
absl::StatusOr<v1::Determination> LoadDetermination(Executor& executor,
                                                    const std::string& id) {
  return LoadById<v1::Determination>(
      executor, SelectDetermination() + kWhereDetermination, id,
      "determination");
}

template <typename Executor>
absl::StatusOr<std::vector<v1::Determination>> LoadDeterminations(
    Executor& executor, const std::string& code) {
  return LoadRowsBy<v1::Determination>(
      executor, SelectDetermination() + kWhereDeterminationsOfDonor, code);
}

template <typename Executor>
absl::StatusOr<std::optional<v1::Determination>> LoadLatestDetermination(
    Executor& executor, const std::string& code) {
  CC_ASSIGN_OR_RETURN(
      std::vector<v1::Determination> latest,
      LoadRowsBy<v1::Determination>(
          executor, SelectDetermination() + kWhereLatestDetermination, code));
  if (latest.empty()) return std::nullopt;
  return std::move(latest.front());
}

template <typename Executor>
absl::StatusOr<DonorFacts> LoadFacts(Executor& executor,
                                     const v1::Donor& donor) {
  CC_ASSIGN_OR_RETURN(std::vector<v1::Screening> screenings,
                      LoadScreenings(executor, donor.donor_code()));
  return ToFacts(donor, screenings);
}

template <typename Executor>
absl::StatusOr<v1::DonorLot> LoadLot(Executor& executor, const std::string& id,
                                     bool for_update) {
  CC_ASSIGN_OR_RETURN(
      std::vector<v1::DonorLot> lots,
      LoadLots(executor, for_update ? kWhereLotForUpdate : kWhereLot, {id}));
  if (lots.empty()) return NotFound("lot", id, kReasonLotNotFound);
  return std::move(lots.front());
}

template <typename Executor>
absl::StatusOr<v1::DonorLot> LoadLotByDin(Executor& executor,
                                          const std::string& din) {
  CC_ASSIGN_OR_RETURN(std::vector<v1::DonorLot> lots,
                      LoadLots(executor, kWhereLotDin, {din}));
  if (lots.empty()) return NotFound("lot with DIN", din, kReasonLotNotFound);
  return std::move(lots.front());
}

template <typename Executor>
absl::StatusOr<std::vector<v1::DonorLot>> LoadLotPage(Executor& executor,
                                                      const LotQuery& query) {
  std::optional<int> state;
  if (query.state != v1::LOT_STATE_UNSPECIFIED) {
    state = static_cast<int>(query.state);
  }
  return LoadLots(executor, WhereLotPage(),
                  {state, query.received_from, query.received_to, query.din,
                   query.donor_code, query.after_received_at,
                   query.after_lot_id, query.page_size + 1});
}

absl::StatusOr<std::vector<std::string>> LotIdsOf(pg::Connection& c,
                                                  const std::string& code) {
  CC_ASSIGN_OR_RETURN(pg::Result r, c.Exec(kSelectLotIdsOfDonor, {code}));
  return Strings(r);
}

absl::StatusOr<std::vector<std::string>> DinsOf(pg::Transaction& tx,
                                                const std::string& code) {
  CC_ASSIGN_OR_RETURN(pg::Result r, tx.Exec(kSelectDinsOfDonor, {code}));
  return Strings(r);
}

absl::StatusOr<std::array<std::string, 3>> LoadSealedIdentifying(
    pg::Connection& c, const std::string& code) {
  CC_ASSIGN_OR_RETURN(pg::Result r, c.Exec(kSelectSealedIdentifying, {code}));
  std::array<std::string, 3> sealed;
  for (int i = 0; i < 3 && r.rows() > 0; ++i) {
    CC_ASSIGN_OR_RETURN(sealed[i], r.GetString(0, i));
  }
  return sealed;
}

absl::StatusOr<std::vector<common::v1::EntityRef>> IntakeEntities(
    pg::Transaction& tx, const std::string& code, const std::string& lot_id) {
  CC_ASSIGN_OR_RETURN(pg::Result r,
                      tx.Exec(kSelectIntakeEntities, {code, lot_id}));
  std::vector<common::v1::EntityRef> entities;
  for (int row = 0; row < r.rows(); ++row) {
    common::v1::EntityRef entity;
    CC_ASSIGN_OR_RETURN(*entity.mutable_type(), r.GetString(row, 0));
    CC_ASSIGN_OR_RETURN(*entity.mutable_id(), r.GetString(row, 1));
    entities.push_back(std::move(entity));
  }
  return entities;
}

absl::StatusOr<std::string> DeviationLotId(pg::Transaction& tx,
                                           const std::string& deviation_id) {
  CC_ASSIGN_OR_RETURN(pg::Result r,
                      tx.Exec(kSelectDeviationLot, {deviation_id}));
  if (r.rows() == 0) {
    return NotFound("deviation", deviation_id, kReasonDeviationNotFound);
  }
  return r.GetString(0, 0);
}

// ---- changes ---------------------------------------------------------------

absl::Status InsertDonor(pg::Transaction& tx, const v1::Donor& donor) {
  std::optional<int64_t> delivered;
  if (donor.has_delivered_at()) {
    delivered = fields::Micros(donor.delivered_at());
  }
  return tx
      .Exec(InsertDonorSql(),
            {donor.donor_code(), donor.registered_by_user_id(), delivered,
             donor.name_recorded(), donor.date_of_birth_recorded(),
             donor.medical_record_number_recorded()})
      .status();
}

absl::Status InsertIdentifying(pg::Transaction& tx, const std::string& code,
                               const std::optional<std::string>& name,
                               const std::optional<std::string>& date_of_birth,
                               const std::optional<std::string>& mrn) {
  return tx.Exec(kInsertIdentifying, {code, name, date_of_birth, mrn}).status();
}

absl::Status InsertConsent(pg::Transaction& tx, const v1::Consent& consent) {
  return tx
      .Exec(InsertConsentSql(),
            {consent.consent_id(), consent.donor_code(), consent.form_version(),
             fields::Micros(consent.consented_at()), consent.taken_by(),
             consent.witness(), consent.recorded_by_user_id()})
      .status();
}

absl::Status SetConsentStatus(pg::Transaction& tx, const std::string& code,
                              v1::ConsentStatus status) {
  return tx.Exec(kSetConsentStatus, {code, static_cast<int>(status)}).status();
}

absl::StatusOr<std::vector<std::string>> WithdrawConsents(
    pg::Transaction& tx, const std::string& code,
    std::optional<int64_t> withdrawn_at, const std::string& reason,
    const std::string& user_id) {
  CC_ASSIGN_OR_RETURN(
      pg::Result r,
      tx.Exec(WithdrawConsentsSql(), {code, withdrawn_at, reason, user_id}));
  CC_ASSIGN_OR_RETURN(std::vector<std::string> ids, Strings(r));
  std::sort(ids.begin(), ids.end());
  return ids;
}

absl::StatusOr<std::vector<std::string>> ItemsOfLotsNotDiscarded(
    pg::Transaction& tx, const std::string& code) {
  CC_ASSIGN_OR_RETURN(
      pg::Result r, tx.Exec(kSelectItemsOfLotsNotInState,
                            {code, static_cast<int>(v1::LOT_STATE_DISCARDED)}));
  return Strings(r);
}

absl::Status InsertScreening(pg::Transaction& tx,
                             const v1::Screening& screening) {
  return tx
      .Exec(InsertScreeningSql(),
            {screening.screening_id(), screening.donor_code(),
             screening.test_code(), screening.method(), screening.kit_lot(),
             fields::Micros(screening.specimen_drawn_at()),
             static_cast<int>(screening.result()),
             screening.recorded_by_user_id()})
      .status();
}

absl::Status BumpRevision(pg::Transaction& tx, const std::string& code) {
  return tx.Exec(kBumpRevision, {code}).status();
}

absl::Status InsertDetermination(pg::Transaction& tx,
                                 const v1::Determination& determination) {
  v1::Determination reasons;
  *reasons.mutable_reasons() = determination.reasons();
  CC_ASSIGN_OR_RETURN(std::string reason_bytes,
                      ledger::SerializeDeterministic(reasons));
  return tx
      .Exec(kInsertDetermination,
            {determination.determination_id(), determination.donor_code(),
             static_cast<int>(determination.eligibility()),
             pg::Param::Bytes(reason_bytes), determination.donor_revision(),
             determination.determined_by_user_id()})
      .status();
}

absl::Status RecordDelivery(pg::Transaction& tx, const std::string& code,
                            const google::protobuf::Timestamp& delivered_at) {
  return tx.Exec(RecordDeliverySql(), {code, fields::Micros(delivered_at)})
      .status();
}

absl::Status InsertLot(pg::Transaction& tx, const v1::DonorLot& lot) {
  return tx
      .Exec(InsertLotSql(),
            {lot.lot_id(), lot.donor_code(), lot.din(), lot.din_eye_readable(),
             lot.item_id(), static_cast<int>(v1::LOT_STATE_QUARANTINE),
             fields::Micros(lot.delivered_at()),
             fields::Micros(lot.collected_at()),
             fields::Micros(lot.received_at()), lot.transport_min_celsius(),
             lot.transport_max_celsius(), lot.tissue_weight_grams(),
             lot.received_by_user_id()})
      .status();
}

absl::Status InsertDeviation(pg::Transaction& tx, const std::string& lot_id,
                             v1::DeviationKind kind,
                             const std::string& description) {
  return tx
      .Exec(kInsertDeviation,
            {crypto::RandomId("dev"), lot_id, static_cast<int>(kind),
             description, static_cast<int>(v1::DEVIATION_STATUS_OPEN)})
      .status();
}

absl::StatusOr<bool> AssessOpenDeviation(pg::Transaction& tx,
                                         const std::string& deviation_id,
                                         v1::DeviationStatus decision,
                                         const std::string& assessment,
                                         const std::string& user_id) {
  CC_ASSIGN_OR_RETURN(
      pg::Result r,
      tx.Exec(kAssessDeviation,
              {deviation_id, static_cast<int>(decision), assessment, user_id,
               static_cast<int>(v1::DEVIATION_STATUS_OPEN)}));
  return r.rows() > 0;
}

absl::Status BumpLotVersion(pg::Transaction& tx, const std::string& lot_id) {
  return tx.Exec(kBumpLotVersion, {lot_id}).status();
}

absl::Status MarkReleased(pg::Transaction& tx, const std::string& lot_id,
                          const std::string& user_id) {
  return tx
      .Exec(kMarkReleased,
            {lot_id, user_id, static_cast<int>(v1::LOT_STATE_AVAILABLE)})
      .status();
}

absl::Status MarkDiscarded(pg::Transaction& tx, const std::string& lot_id,
                           const std::string& reason) {
  return tx
      .Exec(kMarkDiscarded,
            {lot_id, reason, static_cast<int>(v1::LOT_STATE_DISCARDED)})
      .status();
}

// The loaders, for a connection (reads, the state readers) and a
// transaction (reads under a change's locks).
#define CC_DONOR_INSTANTIATE_LOADERS(Executor)                                 \
  template absl::StatusOr<v1::Donor> LoadDonor(Executor&, const std::string&,  \
                                               bool);                          \
  template absl::StatusOr<v1::Consent> LoadConsent(Executor&,                  \
                                                   const std::string&);        \
  template absl::StatusOr<std::vector<v1::Consent>> LoadConsents(              \
      Executor&, const std::string&);                                          \
  template absl::StatusOr<v1::Screening> LoadScreening(Executor&,              \
                                                       const std::string&);    \
  template absl::StatusOr<std::vector<v1::Screening>> LoadScreenings(          \
      Executor&, const std::string&);                                          \
  template absl::StatusOr<v1::Determination> LoadDetermination(                \
      Executor&, const std::string&);                                          \
  template absl::StatusOr<std::vector<v1::Determination>> LoadDeterminations(  \
      Executor&, const std::string&);                                          \
  template absl::StatusOr<std::optional<v1::Determination>>                    \
  LoadLatestDetermination(Executor&, const std::string&);                      \
  template absl::StatusOr<DonorFacts> LoadFacts(Executor&, const v1::Donor&);  \
  template absl::StatusOr<v1::DonorLot> LoadLot(Executor&, const std::string&, \
                                                bool);                         \
  template absl::StatusOr<v1::DonorLot> LoadLotByDin(Executor&,                \
                                                     const std::string&);      \
  template absl::StatusOr<std::vector<v1::DonorLot>> LoadLotPage(              \
      Executor&, const LotQuery&);

CC_DONOR_INSTANTIATE_LOADERS(pg::Connection)
CC_DONOR_INSTANTIATE_LOADERS(pg::Transaction)
#undef CC_DONOR_INSTANTIATE_LOADERS

}  // namespace cellchain::donor
