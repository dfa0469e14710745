// The clinical schema as the service reads and writes it: the rows of the
// infusion snapshot (an infusion with its bedside checks and
// complications), of the observation snapshot (with its entries) and of the
// adverse event snapshot (with its criteria and lookback). Each loader
// reads exactly what the audit record's after_state holds, so that the
// state reader (Clinical::RegisterStateReaders) can read a snapshot again.
//
// The loaders take a pg::Connection or a pg::Transaction (explicitly
// instantiated for both in store.cc). NOT_FOUND INFUSION_NOT_FOUND when the
// row is missing (OBSERVATION_NOT_FOUND for an observation,
// ADVERSE_EVENT_NOT_FOUND for an adverse event); the database's errors as
// services/common/pg maps them otherwise.
//
// Thread-safety: free functions; each call uses only the executor passed in.
#ifndef CELLCHAIN_SERVICES_CLINICAL_STORE_H_
#define CELLCHAIN_SERVICES_CLINICAL_STORE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "cellchain/clinical/v1/clinical.pb.h"
#include "services/common/pg/connection.h"
#include "services/common/pg/transaction.h"

namespace cellchain::clinical {

// Every id of an infusion, for its state reader (ledger::IdsFrom).
inline constexpr char kSelectInfusionIds[] =
    "SELECT infusion_id FROM cellchain_clinical.infusions";

template <typename Executor>
absl::StatusOr<v1::Infusion> LoadInfusion(Executor& executor,
                                          const std::string& infusion_id,
                                          bool for_update = false);

// Every id of an observation, for its state reader.
inline constexpr char kSelectObservationIds[] =
    "SELECT observation_id FROM cellchain_clinical.observations";

// An observation with its entries. NOT_FOUND OBSERVATION_NOT_FOUND.
template <typename Executor>
absl::StatusOr<v1::Observation> LoadObservation(
    Executor& executor, const std::string& observation_id);

// The infusions of a QC lot (`by` = kByLot) or of a patient (kBySubject),
// oldest receipt first, at most `limit`.
enum class InfusionsOf { kByLot, kBySubject };
template <typename Executor>
absl::StatusOr<std::vector<v1::Infusion>> LoadInfusions(Executor& executor,
                                                        InfusionsOf by,
                                                        const std::string& id,
                                                        int limit);

// An infusion's observations, by day and time observed.
template <typename Executor>
absl::StatusOr<std::vector<v1::Observation>> LoadObservationsOf(
    Executor& executor, const std::string& infusion_id);

// The infusion of `dose_id` that is not returned, if any.
template <typename Executor>
absl::StatusOr<std::optional<v1::Infusion>> LoadLiveInfusionOfDose(
    Executor& executor, const std::string& dose_id);

// The INFUSED infusions of the dose bags `item_ids` (custody item ids), in
// no particular order: who received the bags a trace reached.
template <typename Executor>
absl::StatusOr<std::vector<v1::Infusion>> LoadInfusedOfItems(
    Executor& executor, const std::vector<std::string>& item_ids);

// Every id of an adverse event, for its state reader.
inline constexpr char kSelectAdverseEventIds[] =
    "SELECT adverse_event_id FROM cellchain_clinical.adverse_events";

// An adverse event with its criteria and lookback. NOT_FOUND
// ADVERSE_EVENT_NOT_FOUND.
template <typename Executor>
absl::StatusOr<v1::AdverseEvent> LoadAdverseEvent(
    Executor& executor, const std::string& adverse_event_id);

// An infusion's adverse events, by onset.
template <typename Executor>
absl::StatusOr<std::vector<v1::AdverseEvent>> LoadAdverseEventsOf(
    Executor& executor, const std::string& infusion_id);

}  // namespace cellchain::clinical

#endif  // CELLCHAIN_SERVICES_CLINICAL_STORE_H_
