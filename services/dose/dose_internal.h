// Declarations the dose service's own .cc files share, and no one else
// includes: signing for an RPC, the ISBT 128 identifiers an audit record
// names, and the ids of the service's calls to custody. The store's
// declarations are in store.h; the RPCs are defined, one group per file, in
// patients.cc, orders.cc, preparation.cc, release.cc and pharmacy.cc.
//
// Thread-safety: free functions over values.
#ifndef CELLCHAIN_SERVICES_DOSE_DOSE_INTERNAL_H_
#define CELLCHAIN_SERVICES_DOSE_DOSE_INTERNAL_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "cellchain/audit/v1/record.pb.h"
#include "cellchain/common/v1/common.pb.h"
#include "cellchain/dose/v1/dose.pb.h"
#include "services/common/auth/principal.h"
#include "services/common/auth/signatures.h"
#include "services/dose/reasons.h"
#include "services/ledger/recorder.h"

namespace cellchain::dose {

inline constexpr int kMaxList = 500;

// The dose's ISBT 128 identifiers as an audit record's: din,
// product_code, expiration, chain_of_identity.
std::vector<audit::v1::Isbt128Identifier> IdentifiersOf(const v1::Dose& dose);

// Appends the record of `action` on dose `dose_id`, with the dose's
// ISBT 128 identifiers (`identifying`'s), `reason` and `signature`, the
// dose read as it now is in the record's own round trip
// (ledger::RecordRead: the change's deferred UPDATE, sent before the read,
// is in it); returns the dose read. Errors as ledger::RecordRead's.
absl::StatusOr<v1::Dose> RecordDose(
    ledger::Recorder& audit, std::string action, const v1::Dose& identifying,
    std::string reason = "",
    std::optional<common::v1::SignatureManifestation> signature =
        std::nullopt);

// `signature` checked and made for /<service>/`method`
// (SignAs(*signatures_, caller, request.signature(), meaning, "Method",
// request_id)); a second person's signature is attempted at
// auth::RpcAttempt(kServiceName, "Method", caller, request_id).
inline constexpr auth::RpcSigner<kServiceName> SignAs;

// The encryption context of a patient's identifying `field`:
// "patient/<subject_id>/<field>".
std::string IdentifyingContext(std::string_view subject_id,
                               std::string_view field);

}  // namespace cellchain::dose

#endif  // CELLCHAIN_SERVICES_DOSE_DOSE_INTERNAL_H_
