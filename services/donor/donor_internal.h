// Declarations the donor service's own .cc files share, and no one else
// includes: a change's audit records of the donor and lot snapshots, the
// segregation-of-duties check of QA's signatures, signing for an RPC, and
// matching a refusal's reason. The store's declarations are in store.h;
// the RPCs are defined, one aggregate per file, in donors.cc (registration
// and her identifying data), consent.cc (consent and its withdrawal),
// screening.cc (screening results and the signed determination) and
// lots.cc (cord receipt, deviations, release, discard, lookups).
//
// Thread-safety: free functions; each uses only what is passed in.
#ifndef CELLCHAIN_SERVICES_DONOR_DONOR_INTERNAL_H_
#define CELLCHAIN_SERVICES_DONOR_DONOR_INTERNAL_H_

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "cellchain/common/v1/common.pb.h"
#include "cellchain/donor/v1/donor.pb.h"
#include "services/common/auth/principal.h"
#include "services/common/auth/signatures.h"
#include "services/common/pg/transaction.h"
#include "services/ledger/recorder.h"

namespace cellchain::donor {

// Appends `action` on the donor `code`, her snapshot read again in the
// change's transaction, and returns that snapshot; errors as LoadDonor's
// and Ledger::Append's.
absl::StatusOr<v1::Donor> AppendDonor(ledger::Recorder& audit,
                                      std::string action,
                                      const std::string& code,
                                      std::string reason = "");

// Appends `action` on the lot `lot_id` (with its DIN as the record's ISBT
// 128 identifier and QA's `signature` when signed), its snapshot read
// again in the change's transaction, and returns that snapshot.
absl::StatusOr<v1::DonorLot> AppendLot(
    ledger::Recorder& audit, std::string action, const std::string& lot_id,
    std::string reason = "",
    std::optional<common::v1::SignatureManifestation> signature = std::nullopt);

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
                                     const std::string& lot_id);

// `signature` checked and made for /<service>/`method`
// (SignAs(*signatures_, caller, request.signature(), meaning, "Method",
// request_id)); errors as auth::Sign's.
inline constexpr auth::RpcSigner<kServiceName> SignAs;

// Whether `status` carries `reason` (status.h ReasonOf).
bool IsReason(const absl::Status& status, std::string_view reason);

}  // namespace cellchain::donor

#endif  // CELLCHAIN_SERVICES_DONOR_DONOR_INTERNAL_H_
