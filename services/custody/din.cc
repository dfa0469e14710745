// Custody's DIN allocation (AllocateDin): the next Donation Identification
// Number of a facility for the current nominal year, one UPSERT on its
// sequence row, recorded in the allocation's own transaction.
#include "services/isbt128/din.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "services/common/status/status.h"
#include "services/custody/custody.h"
#include "services/custody/store.h"
#include "services/ledger/record_once.h"

namespace cellchain::custody {
namespace {

// The next sequence of FIN $1 in year $2 (1 for the first), or no row past
// 999999: concurrent allocations queue on the row's lock.
constexpr char kNextSequence[] =
    "INSERT INTO cellchain_custody.din_sequences AS s "
    "(fin, year, last_sequence) VALUES ($1, $2, 1) "
    "ON CONFLICT (fin, year) DO UPDATE "
    "SET last_sequence = s.last_sequence + 1 "
    "WHERE s.last_sequence < 999999 "
    "RETURNING last_sequence";

// $1 DIN, $2 FIN, $3 year, $4 sequence, $5 allocated by.
constexpr char kInsertAllocation[] =
    "INSERT INTO cellchain_custody.din_allocations "
    "(din, fin, year, sequence, allocated_by, allocated_at) "
    "VALUES ($1, $2, $3, $4, $5, now())";

}  // namespace

absl::StatusOr<v1::AllocateDinResponse> Custody::AllocateDin(
    const auth::Principal& caller, const v1::AllocateDinRequest& request) {
  if (!isbt128::IsValidFin(request.fin())) {
    return InvalidField("fin",
                        "a Facility Identification Number is 5 characters: "
                        "A-N, P-Z or 1-9, two of A-N, P-Z or 0-9, two digits");
  }
  int year = static_cast<int>(
      absl::ToCivilYear(clock_->Now(), absl::UTCTimeZone()).year() % 100);
  return ledger::RecordOnce<v1::AllocateDinResponse>(
      *pool_, *ledger_, {kServiceName, "AllocateDin", auth::ActorOf(caller)},
      request,
      [&](ledger::Recorder& audit,
          v1::AllocateDinResponse& response) -> absl::Status {
        pg::Transaction& tx = audit.tx();
        CC_ASSIGN_OR_RETURN(pg::Result r,
                            tx.Exec(kNextSequence, {request.fin(), year}));
        if (r.rows() == 0) {
          return FailedRule(
              kReasonDinSequenceExhausted,
              absl::StrCat("facility ", request.fin(),
                           " has allocated every DIN of year ", year));
        }
        CC_ASSIGN_OR_RETURN(int32_t sequence, r.GetInt32(0, 0));
        CC_ASSIGN_OR_RETURN(
            isbt128::Din din,
            isbt128::Din::Create(request.fin(), year, sequence));
        CC_RETURN_IF_ERROR(
            tx.Exec(kInsertAllocation, {din.ToString(), request.fin(), year,
                                        sequence, caller.user_id})
                .status());
        CC_ASSIGN_OR_RETURN(v1::DinAllocation allocation,
                            LoadDinAllocation(tx, din.ToString()));
        CC_RETURN_IF_ERROR(audit
                               .Append("din_allocation.allocate",
                                       "din_allocation", din.ToString(),
                                       allocation, "",
                                       {ledger::DinIdentifier(din.ToString())})
                               .status());
        CC_ASSIGN_OR_RETURN(std::string data_structure,
                            isbt128::EncodeDonationIdentification(
                                din, isbt128::Type3Flags(din)));
        *response.mutable_allocation() = allocation;
        response.set_data_structure(data_structure);
        response.set_eye_readable(din.EyeReadable());
        return absl::OkStatus();
      });
}

}  // namespace cellchain::custody
