// The checks of the values a donor service request carries, before
// anything is read or written: donor codes, identifying data, the consent,
// screening, receipt and assessment requests, DINs in any form a person or
// scanner gives them, and a lot listing's filters and page token. Pure: no
// database, no gRPC, no clock of their own (the caller passes `now`, its
// Clock's time).
//
// Every refusal is INVALID_ARGUMENT naming the request field (status.h
// InvalidField), a screening test outside the panel also carrying the reason
// TEST_NOT_IN_PANEL.
//
// Thread-safety: pure functions.
#ifndef CELLCHAIN_SERVICES_DONOR_INTAKE_VALUES_H_
#define CELLCHAIN_SERVICES_DONOR_INTAKE_VALUES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "cellchain/donor/v1/donor.pb.h"
#include "services/donor/eligibility.h"

namespace cellchain::donor {

inline constexpr int kDefaultPageSize = 50;
inline constexpr int kMaxPageSize = 500;

// "DNR-" and 10 characters: field donor_code.
absl::Status RequireDonorCode(std::string_view code);

// A new donor code from 10 random bytes: "DNR-" and 10 characters of
// Crockford's base32 (5 bits of each byte, 50 bits in all).
std::string DonorCodeFrom(std::string_view random_bytes);

// The context a donor's identifying value is sealed for
// ("donor/<code>/<field>"), so that a ciphertext copied to another donor or
// field does not open there.
std::string IdentifyingContext(std::string_view code, std::string_view field);

// Name at most 200 characters, date of birth YYYY-MM-DD from 1900 to the
// day of `now` (UTC), medical record number at most 64 characters; each
// optional. Fields identifying.*.
absl::Status CheckIdentifying(const v1::IdentifyingData& data, absl::Time now);

// The identifying data and, when given, a delivery not after `now`.
absl::Status CheckRegistration(const v1::RegisterDonorRequest& request,
                               absl::Time now);

// Donor code, form version, the time of consent (not after `now`), who took
// it and a witness who is someone else.
absl::Status CheckConsent(const v1::RecordConsentRequest& request,
                          absl::Time now);

// Donor code, a reason, and when given a withdrawal time not after `now`.
absl::Status CheckWithdrawal(const v1::WithdrawConsentRequest& request,
                             absl::Time now);

// Donor code, a test of `panel` (TEST_NOT_IN_PANEL otherwise), method, kit
// lot, specimen time (not after `now`) and a result.
absl::Status CheckScreening(const v1::RecordScreeningRequest& request,
                            const Panel& panel, absl::Time now);

// Donor code; delivery, collection and receipt times in that order and not
// after `now`; transport readings between -90 and 60 °C, min not above max;
// tissue weight above 0 and at most 2000 g.
absl::Status CheckReceipt(const v1::ReceiveCordRequest& request,
                          absl::Time now);

// A deviation id, ACCEPTABLE or NOT_ACCEPTABLE, and an assessment.
absl::Status CheckAssessment(const v1::AssessDeviationRequest& request);

// A DIN as stored (13 characters) from what a person typed or a scanner
// read, in any form isbt128::ParseDinText takes. Field din, or
// din.check_character for a typing error.
absl::StatusOr<std::string> NormalizeDin(std::string_view text);

// What ListLots selects, checked: 0 or a lot state, a receipt-time range
// (µs since the epoch, from inclusive, to exclusive), a DIN as stored, a
// donor code, the keyset position after which the page starts, and the
// page size.
struct LotQuery {
  v1::LotState state = v1::LOT_STATE_UNSPECIFIED;
  std::optional<int64_t> received_from;
  std::optional<int64_t> received_to;
  std::string din;
  std::string donor_code;
  std::optional<int64_t> after_received_at;
  std::string after_lot_id;
  int page_size = kDefaultPageSize;
};
absl::StatusOr<LotQuery> CheckListLots(const v1::ListLotsRequest& request);

// The token of the page after the one that ends with `last`.
std::string NextLotPageToken(const v1::DonorLot& last);

}  // namespace cellchain::donor

#endif  // CELLCHAIN_SERVICES_DONOR_INTAKE_VALUES_H_
