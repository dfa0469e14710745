// Declarations the dose service's own .cc files share, and no one else
// includes: signing for an RPC, the ISBT 128 identifiers an audit record
// names, and the ids of the service's calls to custody. The store's
// declarations are in store.h; the RPCs are defined, one group per file, in
// patients.cc, orders.cc, preparation.cc, release.cc and pharmacy.cc.
//
// Thread-safety: free functions over values.
#ifndef CELLCHAIN_SERVICES_DOSE_DOSE_INTERNAL_H_
#define CELLCHAIN_SERVICES_DOSE_DOSE_INTERNAL_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "cellchain/audit/v1/record.pb.h"
#include "cellchain/common/v1/common.pb.h"
#include "cellchain/dose/v1/dose.pb.h"
#include "services/common/auth/principal.h"
#include "services/common/auth/signatures.h"

namespace cellchain::dose {

inline constexpr int kMaxList = 500;

// The dose's ISBT 128 identifiers as an audit record's: din,
// product_code, expiration, chain_of_identity.
std::vector<audit::v1::Isbt128Identifier> IdentifiersOf(const v1::Dose& dose);

// `signature` checked and made with `meaning` for /<service>/`method`.
absl::StatusOr<auth::Signature> SignAs(auth::SignatureAuthority& authority,
                                       const auth::Principal& caller,
                                       const common::v1::ESignature& signature,
                                       common::v1::SignatureMeaning meaning,
                                       std::string_view method,
                                       const std::string& request_id);

// Where a signature for /<service>/`method` is attempted.
auth::SignatureAttempt AttemptOf(const auth::Principal& caller,
                                 std::string_view method,
                                 const std::string& request_id);

// The encryption context of a patient's identifying `field`:
// "patient/<subject_id>/<field>".
std::string IdentifyingContext(std::string_view subject_id,
                               std::string_view field);

}  // namespace cellchain::dose

#endif  // CELLCHAIN_SERVICES_DOSE_DOSE_INTERNAL_H_
