// Declarations the labels service's own .cc files share, and no one else
// includes: signing for an RPC, and the DIN an audit record names. The
// store's declarations are in store.h; the RPCs are defined, one group per
// file, in print.cc, verify.cc and reconcile_rpc.cc.
//
// Thread-safety: free functions over values.
#ifndef CELLCHAIN_SERVICES_LABELS_LABELS_INTERNAL_H_
#define CELLCHAIN_SERVICES_LABELS_LABELS_INTERNAL_H_

#include <vector>

#include "cellchain/audit/v1/record.pb.h"
#include "cellchain/labels/v1/labels.pb.h"
#include "services/common/auth/signatures.h"
#include "services/labels/reasons.h"

namespace cellchain::labels {

// `signature` checked and made for /<service>/`method`.
inline constexpr auth::RpcSigner<kServiceName> SignAs;

// The job's DIN as an audit record's identifier.
std::vector<audit::v1::Isbt128Identifier> IdentifiersOf(
    const v1::PrintJob& job);

}  // namespace cellchain::labels

#endif  // CELLCHAIN_SERVICES_LABELS_LABELS_INTERNAL_H_
