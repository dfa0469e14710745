// The qc schema as the service reads and writes it: the rows of each
// snapshot (specifications, lots, samples, results, investigations,
// lookbacks) and a lot with everything its rules look at (LotView). Each
// loader reads exactly what the audit record's after_state holds, so that
// the state readers (Qc::RegisterStateReaders) can read a snapshot again.
//
// The loaders take a pg::Connection or a pg::Transaction (explicitly
// instantiated for both in store.cc). NOT_FOUND with the entity's reason
// (reasons.h: SPECIFICATION_NOT_FOUND, LOT_NOT_FOUND, SAMPLE_NOT_FOUND,
// RESULT_NOT_FOUND, INVESTIGATION_NOT_FOUND) when a row is missing;
// DATA_LOSS when a stored protobuf column does not parse; the database's
// errors as services/common/pg maps them otherwise.
//
// Thread-safety: free functions; each call uses only the executor passed in.
#ifndef CELLCHAIN_SERVICES_QC_STORE_H_
#define CELLCHAIN_SERVICES_QC_STORE_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "cellchain/qc/v1/qc.pb.h"
#include "services/common/pg/connection.h"
#include "services/common/pg/params.h"
#include "services/common/pg/transaction.h"

namespace cellchain::qc {

// ---- The statements more than one file sends (the rest are named where
// they are sent). Enum columns hold the proto enum's number, bound as a
// parameter (docs/decisions/0014-sql-and-enums.md); text[] columns are
// bound as array literals of identifiers and test codes (pg::TextArray).

// A lot's disposition: $1 lot, $2 state (v1.LotState), $3 disposed by,
// $4 reason (or NULL), $5 pending test codes (text[]), $6 whether the
// conditions close now, $7 the result that rejected it (or NULL).
inline constexpr char kUpdateLotDisposition[] =
    "UPDATE cellchain_qc.lots SET state = $2, disposed_by = $3, "
    "disposed_at = now(), disposition_reason = $4, "
    "pending_test_codes = $5::text[], "
    "conditions_closed_at = CASE WHEN $6 THEN now() "
    "ELSE conditions_closed_at END, "
    "rejected_by_result_id = coalesce($7, rejected_by_result_id), "
    "version = version + 1 WHERE lot_id = $1";

// A result invalidated: $1 result, $2 reason, $3 by.
inline constexpr char kUpdateResultInvalidated[] =
    "UPDATE cellchain_qc.results SET invalidated = true, "
    "invalidation_reason = $2, invalidated_by = $3, invalidated_at = now(), "
    "version = version + 1 WHERE result_id = $1";

// A lookback: $1 id, $2 lot, $3 product item, $4 trigger result (or
// NULL), $5 reason, $6 custody's recall id, $7 held items (text[]),
// $8 patients (a v1.Lookback holding only its patients), $9 produced by.
inline constexpr char kInsertLookback[] =
    "INSERT INTO cellchain_qc.lookbacks (lookback_id, lot_id, "
    "product_item_id, trigger_result_id, reason, recall_id, held_item_ids, "
    "patients, produced_by, produced_at) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7::text[], $8, $9, now())";


template <typename Executor>
absl::StatusOr<v1::Specification> LoadSpec(Executor& executor,
                                           const std::string& id,
                                           bool for_update = false);
// The version in effect of `name`; FAILED_PRECONDITION
// NO_APPROVED_SPECIFICATION when none is.
template <typename Executor>
absl::StatusOr<v1::Specification> LoadEffective(Executor& executor,
                                                const std::string& name,
                                                bool for_update = false);
// Every version of `name` (of every name when empty), by name and version.
template <typename Executor>
absl::StatusOr<std::vector<v1::Specification>> ListSpecs(
    Executor& executor, const std::string& name);

// Which column a lot is found by.
enum class LotKey { kLotId, kBatchId, kProductItemId };
template <typename Executor>
absl::StatusOr<v1::Lot> LoadLot(Executor& executor, const std::string& id,
                                bool for_update = false,
                                LotKey key = LotKey::kLotId);
// The newest lots first, at most `limit`, in `state` (any when
// UNSPECIFIED).
template <typename Executor>
absl::StatusOr<std::vector<v1::Lot>> ListLots(Executor& executor,
                                              v1::LotState state, int limit);

template <typename Executor>
absl::StatusOr<v1::Sample> LoadSample(Executor& executor,
                                      const std::string& id);
template <typename Executor>
absl::StatusOr<std::vector<v1::Sample>> LoadSamplesOfLot(
    Executor& executor, const std::string& lot_id);

template <typename Executor>
absl::StatusOr<v1::Result> LoadResult(Executor& executor, const std::string& id,
                                      bool for_update = false);
// A lot's results in the order entered (invalidated ones included).
template <typename Executor>
absl::StatusOr<std::vector<v1::Result>> LoadResultsOfLot(
    Executor& executor, const std::string& lot_id);

template <typename Executor>
absl::StatusOr<v1::Investigation> LoadInvestigation(Executor& executor,
                                                    const std::string& id,
                                                    bool for_update = false);
template <typename Executor>
absl::StatusOr<std::vector<v1::Investigation>> LoadInvestigationsOfLot(
    Executor& executor, const std::string& lot_id);

template <typename Executor>
absl::StatusOr<v1::Lookback> LoadLookback(Executor& executor,
                                          const std::string& id);
template <typename Executor>
absl::StatusOr<std::vector<v1::Lookback>> LoadLookbacksOfLot(
    Executor& executor, const std::string& lot_id);

// ---- Reads for a pipeline, so that a change sends them in one round trip
// with others (issue 13: on a busy server each round trip is a wait of the
// handler's thread). Each statement reads what its loader above reads; its
// FromRead reads the result, with the loader's errors.
pg::Statement LotRead(const std::string& lot_id, bool for_update = false);
absl::StatusOr<v1::Lot> LotFromRead(const pg::Result& read,
                                    const std::string& lot_id);
pg::Statement ResultRead(const std::string& id, bool for_update = false);
absl::StatusOr<v1::Result> ResultFromRead(const pg::Result& read,
                                          const std::string& id);
// A lot's results in the order entered (LoadResultsOfLot).
pg::Statement ResultsOfLotRead(const std::string& lot_id);
absl::StatusOr<std::vector<v1::Result>> ResultsFromRead(const pg::Result& read);
pg::Statement InvestigationRead(const std::string& id);
absl::StatusOr<v1::Investigation> InvestigationFromRead(const pg::Result& read,
                                                        const std::string& id);

// A sample, its lot and the lot's specification, read in one round trip
// (each found by the one before it, in the statements themselves).
// NOT_FOUND as LoadSample, LoadLot, LoadSpec, in that order.
struct SampleOfLot {
  v1::Sample sample;
  v1::Lot lot;
  v1::Specification spec;
};
absl::StatusOr<SampleOfLot> LoadSampleOfLot(pg::Connection& connection,
                                            const std::string& sample_id);
// A result and its lot, read in one round trip. NOT_FOUND as LoadResult,
// then LoadLot.
struct ResultOfLot {
  v1::Result result;
  v1::Lot lot;
};
absl::StatusOr<ResultOfLot> LoadResultOfLot(pg::Connection& connection,
                                            const std::string& result_id);

// Everything the rules of a lot look at, read through one executor in one
// round trip.
struct LotView {
  v1::Lot lot;
  v1::Specification spec;
  std::vector<v1::Result> results;
  std::vector<v1::Investigation> investigations;
  int open_investigations = 0;
};
template <typename Executor>
absl::StatusOr<LotView> LoadView(Executor& executor, v1::Lot lot);

}  // namespace cellchain::qc

#endif  // CELLCHAIN_SERVICES_QC_STORE_H_
