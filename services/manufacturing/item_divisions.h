// The ISBT 128 divisions of a batch's cryovials and culture vessels (issue
// 28): each carries the batch's DIN with a product code of its own kind
// (ManufacturingOptions' cryovial_description_code, vessel_description_code)
// whose division is unique within the DIN, since custody keeps one item per
// DIN and product code. Division number n of a kind is the two characters
// ds of ST-001's tds (d A-Z, s 0 a-z 1-9): A0, B0, ... Z0, Aa, ... Z9, 936
// in all; d is never a digit, so no division reads "00" (undivided).
//
// A step reserves its numbers in item_divisions, under the batch row's lock,
// before it registers its items, so concurrent steps of one batch get
// distinct numbers and a retry of a step (same step id) gets the same ones.
//
// Thread-safety: DivisionCode is pure; ReserveDivisions is safe to call from
// any number of threads (PostgreSQL serializes it per batch).
#ifndef CELLCHAIN_SERVICES_MANUFACTURING_ITEM_DIVISIONS_H_
#define CELLCHAIN_SERVICES_MANUFACTURING_ITEM_DIVISIONS_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "cellchain/custody/v1/custody.pb.h"
#include "services/common/pg/pool.h"

namespace cellchain::manufacturing {

// How many divisions a batch has for each kind.
inline constexpr int kDivisionsPerKind = 26 * 36;

// Division number `n` (0-based) as ds. FAILED_PRECONDITION
// DIVISIONS_EXHAUSTED when n is kDivisionsPerKind or more; INVALID_ARGUMENT
// when negative.
absl::StatusOr<std::string> DivisionCode(int n);

// The first of `count` consecutive division numbers of items of `kind`
// reserved for step `step_id` of batch `batch_id`: the step's earlier
// reservation if it has one, else (when `reserve`) a new one following the
// batch's last of that kind. nullopt when the step has none and `reserve`
// is false (a step recorded before divisions existed: a retry registers its
// items as they were). FAILED_PRECONDITION DIVISIONS_EXHAUSTED when the
// batch has too few left; the pool's codes (UNAVAILABLE, ABORTED, ...).
absl::StatusOr<std::optional<int>> ReserveDivisions(pg::Pool& pool,
                                                    const std::string& step_id,
                                                    const std::string& batch_id,
                                                    custody::v1::ItemType kind,
                                                    int count, bool reserve);

}  // namespace cellchain::manufacturing

#endif  // CELLCHAIN_SERVICES_MANUFACTURING_ITEM_DIVISIONS_H_
