#include "services/qc/store.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "services/common/pg/proto_row.h"
#include "services/common/pg/store_rows.h"
#include "services/common/status/status.h"
#include "services/qc/reasons.h"

namespace cellchain::qc {
namespace {

// ---- SQL -----------------------------------------------------------------
// Read as the snapshots' fields are named (pg::FillFromRow fills a proto by
// column name); timestamps read as µs since the epoch (pg::MicrosColumn);
// text[] columns read joined by commas (their elements are identifiers and
// test codes) and split into the repeated field.

std::string SpecSelect() {
  return absl::StrCat(
      "SELECT specification_id, name, version, product, status, tests, "
      "created_by AS created_by_user_id, ",
      pg::MicrosColumn("created_at"), ", approved_by AS approved_by_user_id, ",
      pg::MicrosColumn("approved_at"), ", ", pg::MicrosColumn("superseded_at"),
      " FROM cellchain_qc.specifications ");
}
constexpr char kWhereSpec[] = "WHERE specification_id = $1";
constexpr char kWhereSpecForUpdate[] = "WHERE specification_id = $1 FOR UPDATE";
// $1 a sample: the specification of its lot.
constexpr char kWhereSpecOfSample[] =
    "WHERE specification_id = (SELECT l.specification_id "
    "FROM cellchain_qc.lots l JOIN cellchain_qc.samples s USING (lot_id) "
    "WHERE s.sample_id = $1)";
// $1 name, $2 SPECIFICATION_STATUS_EFFECTIVE.
constexpr char kWhereEffective[] = "WHERE name = $1 AND status = $2";
constexpr char kWhereEffectiveForUpdate[] =
    "WHERE name = $1 AND status = $2 FOR UPDATE";
// $1 a name, or '' for every name.
constexpr char kWhereSpecsNamed[] =
    "WHERE ($1 = '' OR name = $1) ORDER BY name, version";

std::string LotSelect() {
  return absl::StrCat(
      "SELECT lot_id, batch_id, product_item_id, din, specification_id, "
      "specification_version, state, opened_by AS opened_by_user_id, ",
      pg::MicrosColumn("opened_at"), ", disposed_by AS disposed_by_user_id, ",
      pg::MicrosColumn("disposed_at"),
      ", disposition_reason, array_to_string(pending_test_codes, ',') AS "
      "pending_csv, ",
      pg::MicrosColumn("conditions_closed_at"),
      ", rejected_by_result_id, version FROM cellchain_qc.lots ");
}
constexpr char kWhereLot[] = "WHERE lot_id = $1";
constexpr char kWhereLotForUpdate[] = "WHERE lot_id = $1 FOR UPDATE";
constexpr char kWhereLotOfBatch[] = "WHERE batch_id = $1";
constexpr char kWhereLotOfBatchForUpdate[] = "WHERE batch_id = $1 FOR UPDATE";
constexpr char kWhereLotOfItem[] = "WHERE product_item_id = $1";
constexpr char kWhereLotOfItemForUpdate[] =
    "WHERE product_item_id = $1 FOR UPDATE";
// $1 a sample, a result: the lot it is of.
constexpr char kWhereLotOfSample[] =
    "WHERE lot_id = (SELECT lot_id FROM cellchain_qc.samples "
    "WHERE sample_id = $1)";
constexpr char kWhereLotOfResult[] =
    "WHERE lot_id = (SELECT lot_id FROM cellchain_qc.results "
    "WHERE result_id = $1)";
// $1 a state, or NULL for any; $2 the limit.
constexpr char kWhereLotsListed[] =
    "WHERE ($1::smallint IS NULL OR state = $1) "
    "ORDER BY opened_at DESC, lot_id DESC LIMIT $2";

std::string SampleSelect() {
  return absl::StrCat(
      "SELECT sample_id, lot_id, item_id, array_to_string(test_codes, ',') "
      "AS test_codes_csv, description, drawn_by AS drawn_by_user_id, ",
      pg::MicrosColumn("drawn_at"), " FROM cellchain_qc.samples ");
}
constexpr char kWhereSample[] = "WHERE sample_id = $1";
constexpr char kWhereSamplesOfLot[] =
    "WHERE lot_id = $1 ORDER BY created_at, sample_id";

std::string ResultSelect() {
  return absl::StrCat(
      "SELECT result_id, lot_id, sample_id, test_code, value, unit, "
      "conformance, criterion, retest_of_result_id, retest_reason, "
      "retest_approved_by AS retest_approved_by_user_id, ",
      pg::MicrosColumn("tested_at"), ", performed_by AS performed_by_user_id, ",
      pg::MicrosColumn("performed_at"),
      ", reviewed_by AS reviewed_by_user_id, ", pg::MicrosColumn("reviewed_at"),
      ", invalidated, invalidation_reason, invalidated_by AS "
      "invalidated_by_user_id, ",
      pg::MicrosColumn("invalidated_at"),
      ", investigation_id, instrument, version FROM cellchain_qc.results ");
}
constexpr char kWhereResult[] = "WHERE result_id = $1";
constexpr char kWhereResultForUpdate[] = "WHERE result_id = $1 FOR UPDATE";
constexpr char kWhereResultsOfLot[] =
    "WHERE lot_id = $1 ORDER BY created_at, result_id";

std::string InvestigationSelect() {
  return absl::StrCat(
      "SELECT investigation_id, lot_id, result_id, test_code, status, ",
      pg::MicrosColumn("opened_at"),
      ", outcome, conclusion, closed_by AS closed_by_user_id, ",
      pg::MicrosColumn("closed_at"),
      ", version FROM cellchain_qc.investigations ");
}
constexpr char kWhereInvestigation[] = "WHERE investigation_id = $1";
constexpr char kWhereInvestigationForUpdate[] =
    "WHERE investigation_id = $1 FOR UPDATE";
constexpr char kWhereInvestigationsOfLot[] =
    "WHERE lot_id = $1 ORDER BY opened_at, investigation_id";

std::string LookbackSelect() {
  return absl::StrCat(
      "SELECT lookback_id, lot_id, product_item_id, trigger_result_id, "
      "reason, recall_id, array_to_string(held_item_ids, ',') AS held_csv, "
      "patients, produced_by AS produced_by_user_id, ",
      pg::MicrosColumn("produced_at"), " FROM cellchain_qc.lookbacks ");
}
constexpr char kWhereLookback[] = "WHERE lookback_id = $1";
constexpr char kWhereLookbacksOfLot[] =
    "WHERE lot_id = $1 ORDER BY produced_at, lookback_id";

// ---- rows ------------------------------------------------------------------

// What FillFromRow leaves to each snapshot: its repeated fields and stored
// protobufs.
absl::Status Rest(const pg::Result& r, int row, v1::Specification& spec) {
  CC_ASSIGN_OR_RETURN(std::string bytes, r.GetBytes(row, "tests"));
  v1::Specification tests;
  if (!tests.ParseFromString(bytes)) {
    return absl::DataLossError("a specification's tests do not parse");
  }
  *spec.mutable_tests() = std::move(*tests.mutable_tests());
  return absl::OkStatus();
}
absl::Status Rest(const pg::Result& r, int row, v1::Lot& lot) {
  CC_ASSIGN_OR_RETURN(std::vector<std::string> pending,
                      pg::CsvColumn(r, row, "pending_csv"));
  for (std::string& code : pending) lot.add_pending_test_codes(std::move(code));
  return absl::OkStatus();
}
absl::Status Rest(const pg::Result& r, int row, v1::Sample& sample) {
  CC_ASSIGN_OR_RETURN(std::vector<std::string> codes,
                      pg::CsvColumn(r, row, "test_codes_csv"));
  for (std::string& code : codes) sample.add_test_codes(std::move(code));
  return absl::OkStatus();
}
absl::Status Rest(const pg::Result& r, int row, v1::Lookback& out) {
  CC_ASSIGN_OR_RETURN(std::vector<std::string> held,
                      pg::CsvColumn(r, row, "held_csv"));
  for (std::string& id : held) out.add_held_item_ids(std::move(id));
  CC_ASSIGN_OR_RETURN(std::string bytes, r.GetBytes(row, "patients"));
  v1::Lookback patients;
  if (!patients.ParseFromString(bytes)) {
    return absl::DataLossError("a lookback's patients do not parse");
  }
  *out.mutable_patients() = std::move(*patients.mutable_patients());
  return absl::OkStatus();
}
absl::Status Rest(const pg::Result&, int, v1::Result&) {
  return absl::OkStatus();
}
absl::Status Rest(const pg::Result&, int, v1::Investigation&) {
  return absl::OkStatus();
}

// Every row through pg::LoadRows, and then Rest for what FillFromRow
// leaves.
constexpr pg::RowLoader kRows{[](const pg::Result& r, int row, auto& proto) {
  return Rest(r, row, proto);
}};

}  // namespace

template <typename Executor>
absl::StatusOr<v1::Specification> LoadSpec(Executor& executor,
                                           const std::string& id,
                                           bool for_update) {
  return kRows.First<v1::Specification>(
      executor, SpecSelect() + (for_update ? kWhereSpecForUpdate : kWhereSpec),
      id, "specification", kReasonSpecificationNotFound);
}

template <typename Executor>
absl::StatusOr<v1::Specification> LoadEffective(Executor& executor,
                                                const std::string& name,
                                                bool for_update) {
  CC_ASSIGN_OR_RETURN(
      std::vector<v1::Specification> specs,
      kRows.All<v1::Specification>(
          executor,
          SpecSelect() +
              (for_update ? kWhereEffectiveForUpdate : kWhereEffective),
          {name, static_cast<int>(v1::SPECIFICATION_STATUS_EFFECTIVE)}));
  if (specs.empty()) {
    return FailedRule(kReasonNoApprovedSpecification,
                      absl::StrCat("no version of specification \"", name,
                                   "\" is approved and in effect: QA must "
                                   "approve one"));
  }
  return std::move(specs.front());
}

template <typename Executor>
absl::StatusOr<std::vector<v1::Specification>> ListSpecs(
    Executor& executor, const std::string& name) {
  return kRows.All<v1::Specification>(executor, SpecSelect() + kWhereSpecsNamed,
                                      {name});
}

template <typename Executor>
absl::StatusOr<v1::Lot> LoadLot(Executor& executor, const std::string& id,
                                bool for_update, LotKey key) {
  const char* where = nullptr;
  switch (key) {
    case LotKey::kLotId:
      where = for_update ? kWhereLotForUpdate : kWhereLot;
      break;
    case LotKey::kBatchId:
      where = for_update ? kWhereLotOfBatchForUpdate : kWhereLotOfBatch;
      break;
    case LotKey::kProductItemId:
      where = for_update ? kWhereLotOfItemForUpdate : kWhereLotOfItem;
      break;
  }
  return kRows.First<v1::Lot>(executor, LotSelect() + where, id, "QC lot",
                              kReasonLotNotFound);
}

template <typename Executor>
absl::StatusOr<std::vector<v1::Lot>> ListLots(Executor& executor,
                                              v1::LotState state, int limit) {
  return kRows.All<v1::Lot>(
      executor, LotSelect() + kWhereLotsListed,
      {state == v1::LOT_STATE_UNSPECIFIED ? pg::Param::Null()
                                          : pg::Param(static_cast<int>(state)),
       limit});
}

template <typename Executor>
absl::StatusOr<v1::Sample> LoadSample(Executor& executor,
                                      const std::string& id) {
  return kRows.First<v1::Sample>(executor, SampleSelect() + kWhereSample, id,
                                 "sample", kReasonSampleNotFound);
}

template <typename Executor>
absl::StatusOr<std::vector<v1::Sample>> LoadSamplesOfLot(
    Executor& executor, const std::string& lot_id) {
  return kRows.All<v1::Sample>(executor, SampleSelect() + kWhereSamplesOfLot,
                               {lot_id});
}

template <typename Executor>
absl::StatusOr<v1::Result> LoadResult(Executor& executor, const std::string& id,
                                      bool for_update) {
  return kRows.First<v1::Result>(
      executor,
      ResultSelect() + (for_update ? kWhereResultForUpdate : kWhereResult), id,
      "result", kReasonResultNotFound);
}

template <typename Executor>
absl::StatusOr<std::vector<v1::Result>> LoadResultsOfLot(
    Executor& executor, const std::string& lot_id) {
  return kRows.All<v1::Result>(executor, ResultSelect() + kWhereResultsOfLot,
                               {lot_id});
}

template <typename Executor>
absl::StatusOr<v1::Investigation> LoadInvestigation(Executor& executor,
                                                    const std::string& id,
                                                    bool for_update) {
  return kRows.First<v1::Investigation>(
      executor,
      InvestigationSelect() +
          (for_update ? kWhereInvestigationForUpdate : kWhereInvestigation),
      id, "investigation", kReasonInvestigationNotFound);
}

template <typename Executor>
absl::StatusOr<std::vector<v1::Investigation>> LoadInvestigationsOfLot(
    Executor& executor, const std::string& lot_id) {
  return kRows.All<v1::Investigation>(
      executor, InvestigationSelect() + kWhereInvestigationsOfLot, {lot_id});
}

template <typename Executor>
absl::StatusOr<v1::Lookback> LoadLookback(Executor& executor,
                                          const std::string& id) {
  // A lookback is only ever read by its lot or right after it is made:
  // a missing one is the lot's.
  return kRows.First<v1::Lookback>(executor, LookbackSelect() + kWhereLookback,
                                   id, "lookback", kReasonLotNotFound);
}

template <typename Executor>
absl::StatusOr<std::vector<v1::Lookback>> LoadLookbacksOfLot(
    Executor& executor, const std::string& lot_id) {
  return kRows.All<v1::Lookback>(
      executor, LookbackSelect() + kWhereLookbacksOfLot, {lot_id});
}

template <typename Executor>
absl::StatusOr<LotView> LoadView(Executor& executor, v1::Lot lot) {
  // The three reads in one round trip.
  const pg::Statement reads[] = {
      {SpecSelect() + kWhereSpec, {lot.specification_id()}},
      ResultsOfLotRead(lot.lot_id()),
      {InvestigationSelect() + kWhereInvestigationsOfLot, {lot.lot_id()}}};
  CC_ASSIGN_OR_RETURN(std::vector<pg::Result> read,
                      executor.ExecPipeline(reads));
  LotView view;
  CC_ASSIGN_OR_RETURN(view.spec,
                      kRows.First<v1::Specification>(
                          read[0], lot.specification_id(), "specification",
                          kReasonSpecificationNotFound));
  CC_ASSIGN_OR_RETURN(view.results, ResultsFromRead(read[1]));
  CC_ASSIGN_OR_RETURN(view.investigations,
                      kRows.All<v1::Investigation>(read[2]));
  for (const v1::Investigation& i : view.investigations) {
    if (i.status() == v1::INVESTIGATION_STATUS_OPEN) ++view.open_investigations;
  }
  view.lot = std::move(lot);
  return view;
}

pg::Statement LotRead(const std::string& lot_id, bool for_update) {
  return {LotSelect() + (for_update ? kWhereLotForUpdate : kWhereLot),
          {lot_id}};
}

absl::StatusOr<v1::Lot> LotFromRead(const pg::Result& read,
                                    const std::string& lot_id) {
  return kRows.First<v1::Lot>(read, lot_id, "QC lot", kReasonLotNotFound);
}

pg::Statement ResultRead(const std::string& id, bool for_update) {
  return {ResultSelect() + (for_update ? kWhereResultForUpdate : kWhereResult),
          {id}};
}

absl::StatusOr<v1::Result> ResultFromRead(const pg::Result& read,
                                          const std::string& id) {
  return kRows.First<v1::Result>(read, id, "result", kReasonResultNotFound);
}

pg::Statement ResultsOfLotRead(const std::string& lot_id) {
  return {ResultSelect() + kWhereResultsOfLot, {lot_id}};
}

absl::StatusOr<std::vector<v1::Result>> ResultsFromRead(
    const pg::Result& read) {
  return kRows.All<v1::Result>(read);
}

pg::Statement InvestigationRead(const std::string& id) {
  return {InvestigationSelect() + kWhereInvestigation, {id}};
}

absl::StatusOr<v1::Investigation> InvestigationFromRead(
    const pg::Result& read, const std::string& id) {
  return kRows.First<v1::Investigation>(read, id, "investigation",
                                        kReasonInvestigationNotFound);
}

absl::StatusOr<SampleOfLot> LoadSampleOfLot(pg::Connection& connection,
                                            const std::string& sample_id) {
  const pg::Statement reads[] = {
      {SampleSelect() + kWhereSample, {sample_id}},
      {LotSelect() + kWhereLotOfSample, {sample_id}},
      {SpecSelect() + kWhereSpecOfSample, {sample_id}}};
  CC_ASSIGN_OR_RETURN(std::vector<pg::Result> results,
                      connection.ExecPipeline(reads));
  SampleOfLot out;
  CC_ASSIGN_OR_RETURN(out.sample,
                      kRows.First<v1::Sample>(results[0], sample_id, "sample",
                                              kReasonSampleNotFound));
  CC_ASSIGN_OR_RETURN(out.lot, LotFromRead(results[1], out.sample.lot_id()));
  CC_ASSIGN_OR_RETURN(
      out.spec, kRows.First<v1::Specification>(
                    results[2], out.lot.specification_id(), "specification",
                    kReasonSpecificationNotFound));
  return out;
}

absl::StatusOr<ResultOfLot> LoadResultOfLot(pg::Connection& connection,
                                            const std::string& result_id) {
  const pg::Statement reads[] = {
      ResultRead(result_id), {LotSelect() + kWhereLotOfResult, {result_id}}};
  CC_ASSIGN_OR_RETURN(std::vector<pg::Result> results,
                      connection.ExecPipeline(reads));
  ResultOfLot out;
  CC_ASSIGN_OR_RETURN(out.result, ResultFromRead(results[0], result_id));
  CC_ASSIGN_OR_RETURN(out.lot, LotFromRead(results[1], out.result.lot_id()));
  return out;
}

// The loaders for both executors the service uses.
#define CELLCHAIN_QC_LOADERS(Executor)                                       \
  template absl::StatusOr<v1::Specification> LoadSpec(                       \
      Executor&, const std::string&, bool);                                  \
  template absl::StatusOr<v1::Specification> LoadEffective(                  \
      Executor&, const std::string&, bool);                                  \
  template absl::StatusOr<std::vector<v1::Specification>> ListSpecs(         \
      Executor&, const std::string&);                                        \
  template absl::StatusOr<v1::Lot> LoadLot(Executor&, const std::string&,    \
                                           bool, LotKey);                    \
  template absl::StatusOr<std::vector<v1::Lot>> ListLots(Executor&,          \
                                                         v1::LotState, int); \
  template absl::StatusOr<v1::Sample> LoadSample(Executor&,                  \
                                                 const std::string&);        \
  template absl::StatusOr<std::vector<v1::Sample>> LoadSamplesOfLot(         \
      Executor&, const std::string&);                                        \
  template absl::StatusOr<v1::Result> LoadResult(Executor&,                  \
                                                 const std::string&, bool);  \
  template absl::StatusOr<std::vector<v1::Result>> LoadResultsOfLot(         \
      Executor&, const std::string&);                                        \
  template absl::StatusOr<v1::Investigation> LoadInvestigation(              \
      Executor&, const std::string&, bool);                                  \
  template absl::StatusOr<std::vector<v1::Investigation>>                    \
  LoadInvestigationsOfLot(Executor&, const std::string&);                    \
  template absl::StatusOr<v1::Lookback> LoadLookback(Executor&,              \
                                                     const std::string&);    \
  template absl::StatusOr<std::vector<v1::Lookback>> LoadLookbacksOfLot(     \
      Executor&, const std::string&);                                        \
  template absl::StatusOr<LotView> LoadView(Executor&, v1::Lot);

CELLCHAIN_QC_LOADERS(pg::Connection)
CELLCHAIN_QC_LOADERS(pg::Transaction)
#undef CELLCHAIN_QC_LOADERS

}  // namespace cellchain::qc
