// The dose schema as the service reads and writes it: the rows of each
// snapshot (patients, orders, doses). Each loader reads exactly what the
// audit record's after_state holds, so that the state readers
// (Dose::RegisterStateReaders) can read a snapshot again.
//
// The loaders take a pg::Connection or a pg::Transaction (explicitly
// instantiated for both in store.cc). NOT_FOUND with the entity's reason
// (reasons.h: PATIENT_NOT_FOUND, ORDER_NOT_FOUND, DOSE_NOT_FOUND) when a row
// is missing; the database's errors as services/common/pg maps them
// otherwise.
//
// Thread-safety: free functions; each call uses only the executor passed in.
#ifndef CELLCHAIN_SERVICES_DOSE_STORE_H_
#define CELLCHAIN_SERVICES_DOSE_STORE_H_

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "cellchain/dose/v1/dose.pb.h"
#include "services/common/pg/connection.h"
#include "services/common/pg/params.h"
#include "services/common/pg/transaction.h"

namespace cellchain::dose {

// ---- The statements more than one file sends (the rest are named where
// they are sent). The state column holds v1.DoseState's number, bound as a
// parameter (docs/decisions/0014-sql-and-enums.md).

// A dose's state moves: $1 dose, $2 the state it must be in, $3 the new
// state. Zero rows when the dose moved meanwhile.
inline constexpr char kUpdateDoseState[] =
    "UPDATE cellchain_dose.doses SET state = $3, version = version + 1 "
    "WHERE dose_id = $1 AND state = $2";

template <typename Executor>
absl::StatusOr<v1::Patient> LoadPatient(Executor& executor,
                                        const std::string& subject_id);
// The sealed name and medical record number ("" when not recorded).
template <typename Executor>
absl::StatusOr<std::array<std::string, 2>> LoadSealedIdentifying(
    Executor& executor, const std::string& subject_id);

template <typename Executor>
absl::StatusOr<v1::Order> LoadOrder(Executor& executor, const std::string& id,
                                    bool for_update = false);

template <typename Executor>
absl::StatusOr<v1::Dose> LoadDose(Executor& executor, const std::string& id,
                                  bool for_update = false);
// The dose whose bag (custody's DOSE_BAG) is `item_id`.
template <typename Executor>
absl::StatusOr<v1::Dose> LoadDoseOfItem(Executor& executor,
                                        const std::string& item_id);
// An order's doses, oldest first.
template <typename Executor>
absl::StatusOr<std::vector<v1::Dose>> LoadDosesOfOrder(
    Executor& executor, const std::string& order_id);

// ---- Reads for a pipeline, so that a change sends them in one round trip
// with others (issue 13: on a busy server each round trip is a wait of the
// handler's thread). Each statement reads what its loader above reads; its
// FromRead reads the result, with the loader's errors.
pg::Statement PatientRead(const std::string& subject_id);
absl::StatusOr<v1::Patient> PatientFromRead(const pg::Result& read,
                                            const std::string& subject_id);
pg::Statement DoseRead(const std::string& id);
absl::StatusOr<v1::Dose> DoseFromRead(const pg::Result& read,
                                      const std::string& id);

// Where a page of a worklist ends: the last dose's expiry (µs since the
// epoch) and id, in the worklist's order.
struct WorklistCursor {
  int64_t expires_at_micros = 0;
  std::string dose_id;
};

// A worklist, soonest expiry first (then by id), at most `limit`: doses in
// `states`, and, when `expiring_before_micros` is not 0, not expired at
// `now_micros` and expiring before it; with `after`, only those that come
// after it (the next page).
template <typename Executor>
absl::StatusOr<std::vector<v1::Dose>> ListDoses(
    Executor& executor, const std::vector<v1::DoseState>& states,
    int64_t now_micros, int64_t expiring_before_micros,
    const std::optional<WorklistCursor>& after, int limit);

}  // namespace cellchain::dose

#endif  // CELLCHAIN_SERVICES_DOSE_STORE_H_
