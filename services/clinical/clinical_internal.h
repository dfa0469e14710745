// Declarations the clinical service's own .cc files share, and no one else
// includes: signing for an RPC, the ISBT 128 identifiers an audit record
// names, the infusion's entity reference. The store's declarations are in
// store.h; the RPCs are defined, one group per file, in cath_lab.cc,
// bedside.cc, infusion.cc, unused.cc, observation.cc and
// adverse_events.cc.
//
// Thread-safety: free functions over values.
#ifndef CELLCHAIN_SERVICES_CLINICAL_CLINICAL_INTERNAL_H_
#define CELLCHAIN_SERVICES_CLINICAL_CLINICAL_INTERNAL_H_

#include <initializer_list>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "cellchain/audit/v1/record.pb.h"
#include "cellchain/clinical/v1/clinical.pb.h"
#include "services/clinical/reasons.h"
#include "services/common/auth/signatures.h"

namespace cellchain::clinical {

// `signature` checked and made for /<service>/`method`
// (SignAs(*signatures_, caller, request.signature(), meaning, "Method",
// request_id)).
inline constexpr auth::RpcSigner<kServiceName> SignAs;

// The infusion's chain of identity as an audit record's identifier (kind
// "chain_of_identity"), so that a search by the patient's 040 finds the
// cath lab's records too.
std::vector<audit::v1::Isbt128Identifier> IdentifiersOf(
    const v1::Infusion& infusion);

// FAILED_PRECONDITION INFUSION_STATE, "infusion <id> is <STATE>: <why>",
// unless the infusion is in one of `states`: each step of the cath lab
// follows the one before it.
absl::Status RequireInfusionState(
    const v1::Infusion& infusion,
    std::initializer_list<v1::InfusionState> states, std::string_view why);

}  // namespace cellchain::clinical

#endif  // CELLCHAIN_SERVICES_CLINICAL_CLINICAL_INTERNAL_H_
