// Declarations the manufacturing service's own .cc files share, and no one
// else includes: the step being recorded (NewStep), ids a retry gets again,
// the DIN an audit record names, and signing for an RPC. The store's
// declarations are in store.h, the custody item requests' in
// custody_items.h; the service's RPCs are defined, one group per file, in
// materials.cc, equipment.cc, steps.cc, review.cc, batches.cc and
// deviations.cc.
//
// Thread-safety: free functions over values.
#ifndef CELLCHAIN_SERVICES_MANUFACTURING_MANUFACTURING_INTERNAL_H_
#define CELLCHAIN_SERVICES_MANUFACTURING_MANUFACTURING_INTERNAL_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "cellchain/audit/v1/record.pb.h"
#include "cellchain/common/v1/common.pb.h"
#include "cellchain/manufacturing/v1/manufacturing.pb.h"
#include "services/common/auth/principal.h"
#include "services/common/auth/signatures.h"
#include "services/manufacturing/manufacturing.h"

namespace cellchain::manufacturing {

inline constexpr int kMaxList = 500;

// A step being recorded that makes custody items (processing, seeding,
// cryopreservation, product harvest).
struct NewStep {
  std::string method;  // the RPC's name
  std::string request_id;
  std::string request_bytes;
  v1::StepKind kind = v1::STEP_KIND_UNSPECIFIED;
  std::string batch_id;
  std::string source_step_id;
  v1::StepValues values;
  std::string location_id;
  std::vector<std::string> positions;
  auth::Signature signature;
  std::string step_id;
  // As the request gave it; once checked (LateEntryReason), what is kept.
  std::string late_entry_reason;
};

// An id that a retry of the same request gets again: the custody items a
// request registers before its transaction are named after it.
std::string StableId(std::string_view prefix, std::string_view method,
                     std::string_view request_id);

// The batch's DIN as an audit record's identifier.
audit::v1::Isbt128Identifier DinOf(const v1::Batch& batch);

// `signature` checked and made for /<service>/`method`
// (SignAs(*signatures_, caller, request.signature(), meaning, "Method",
// request_id)).
inline constexpr auth::RpcSigner<kServiceName> SignAs;

}  // namespace cellchain::manufacturing

#endif  // CELLCHAIN_SERVICES_MANUFACTURING_MANUFACTURING_INTERNAL_H_
