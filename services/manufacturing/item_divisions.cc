#include "services/manufacturing/item_divisions.h"

#include "absl/strings/str_cat.h"
#include "services/common/pg/transaction.h"
#include "services/common/status/status.h"
#include "services/manufacturing/reasons.h"

namespace cellchain::manufacturing {
namespace {

// d runs fastest, so a batch's first 26 items of a kind read A0 ... Z0.
constexpr char kD[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
constexpr char kS[] = "0abcdefghijklmnopqrstuvwxyz123456789";

// The step's reservation.
constexpr char kSelectReserved[] =
    "SELECT first FROM cellchain_manufacturing.item_divisions "
    "WHERE step_id = $1";

// Serializes the reservations of batch $1's steps.
constexpr char kLockBatch[] =
    "SELECT 1 FROM cellchain_manufacturing.batches WHERE batch_id = $1 "
    "FOR UPDATE";

// The number after batch $1's last reserved division of kind $2.
constexpr char kSelectNext[] =
    "SELECT COALESCE(MAX(first + count), 0) AS next "
    "FROM cellchain_manufacturing.item_divisions "
    "WHERE batch_id = $1 AND kind = $2";

constexpr char kInsertReserved[] =
    "INSERT INTO cellchain_manufacturing.item_divisions "
    "(step_id, batch_id, kind, first, count) VALUES ($1, $2, $3, $4, $5)";

absl::Status Exhausted(int wanted_last) {
  return FailedRule(
      kReasonDivisionsExhausted,
      absl::StrCat("the batch has no ISBT 128 division left for item ",
                   wanted_last + 1, " of this kind (", kDivisionsPerKind,
                   " per DIN)"));
}

}  // namespace

absl::StatusOr<std::string> DivisionCode(int n) {
  if (n < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("division number ", n, " is negative"));
  }
  if (n >= kDivisionsPerKind) return Exhausted(n);
  return std::string{kD[n % 26], kS[n / 26]};
}

absl::StatusOr<std::optional<int>> ReserveDivisions(pg::Pool& pool,
                                                    const std::string& step_id,
                                                    const std::string& batch_id,
                                                    custody::v1::ItemType kind,
                                                    int count, bool reserve) {
  std::optional<int> first;
  CC_RETURN_IF_ERROR(
      pool.InTransaction([&](pg::Transaction& tx) -> absl::Status {
        first.reset();  // the transaction may be run again
        if (reserve) {
          // Before reading: a concurrent retry of the same step waits here
          // and then finds this reservation.
          CC_RETURN_IF_ERROR(tx.Exec(kLockBatch, {batch_id}).status());
        }
        CC_ASSIGN_OR_RETURN(pg::Result reserved,
                            tx.Exec(kSelectReserved, {step_id}));
        if (reserved.rows() > 0) {
          CC_ASSIGN_OR_RETURN(first, reserved.GetInt32(0, "first"));
          return absl::OkStatus();
        }
        if (!reserve) return absl::OkStatus();
        const int kind_number = static_cast<int>(kind);
        CC_ASSIGN_OR_RETURN(pg::Result next,
                            tx.Exec(kSelectNext, {batch_id, kind_number}));
        CC_ASSIGN_OR_RETURN(int32_t n, next.GetInt32(0, "next"));
        if (n + count > kDivisionsPerKind) return Exhausted(n + count - 1);
        CC_RETURN_IF_ERROR(
            tx.Exec(kInsertReserved, {step_id, batch_id, kind_number, n, count})
                .status());
        first = n;
        return absl::OkStatus();
      }));
  return first;
}

}  // namespace cellchain::manufacturing
