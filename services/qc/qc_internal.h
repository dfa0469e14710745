// Declarations the qc service's own .cc files share, and no one else
// includes: signing for an RPC, the DIN an audit record names, the custody
// recall a rejection makes and the lookback it records. The store's
// declarations are in store.h; the RPCs are defined, one group per file, in
// specifications.cc, lots.cc, samples.cc, results.cc, investigations.cc,
// disposition.cc and certificate.cc.
//
// Thread-safety: free functions over values.
#ifndef CELLCHAIN_SERVICES_QC_QC_INTERNAL_H_
#define CELLCHAIN_SERVICES_QC_QC_INTERNAL_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "cellchain/audit/v1/record.pb.h"
#include "cellchain/common/v1/common.pb.h"
#include "cellchain/custody/v1/custody.pb.h"
#include "cellchain/qc/v1/qc.pb.h"
#include "services/common/auth/principal.h"
#include "services/common/auth/signatures.h"
#include "services/ledger/recorder.h"
#include "services/qc/qc.h"

namespace cellchain::qc {

inline constexpr int kMaxList = 500;
inline constexpr int kMaxTests = 100;

// The lot's DIN as an audit record's identifier.
audit::v1::Isbt128Identifier DinOf(const v1::Lot& lot);

// Appends the record of `action` on QC lot `lot_id`, naming its DIN
// `din`, with `reason` and `signature`, the lot read as it now is in the
// record's own round trip (ledger::RecordRead: the change's deferred
// UPDATE, sent before the read, is in it); returns the lot read. Errors as
// ledger::RecordRead's.
absl::StatusOr<v1::Lot> RecordLot(
    ledger::Recorder& audit, std::string action, const std::string& lot_id,
    audit::v1::Isbt128Identifier din, std::string reason = "",
    std::optional<common::v1::SignatureManifestation> signature =
        std::nullopt);

// `signature` checked and made for /<service>/`method`
// (SignAs(*signatures_, caller, request.signature(), meaning, "Method",
// request_id)).
inline constexpr auth::RpcSigner<kServiceName> SignAs;

// What custody did when a rejected lot was recalled: the items it held and
// the patients the lot had already reached.
struct Recalled {
  custody::v1::RecallResponse recall;
  std::vector<v1::PatientExposure> patients;
};

// Records the lookback of a rejected lot in the rejection's transaction
// (audit's): lookback.produce, with the DIN. `trigger_result_id` is empty
// for QA's own rejection.
absl::StatusOr<v1::Lookback> RecordLookback(
    ledger::Recorder& audit, const v1::Lot& lot, const Recalled& recalled,
    const std::string& trigger_result_id, const std::string& reason,
    const std::string& user_id);

// Marks `result` of `lot` invalid with `reason`, and records it as
// `signature`'s (result.invalidate), in audit's transaction; the result as
// it is now.
absl::StatusOr<v1::Result> InvalidateIn(ledger::Recorder& audit,
                                        const v1::Result& result,
                                        const v1::Lot& lot,
                                        const std::string& reason,
                                        const auth::Signature& signature);

}  // namespace cellchain::qc

#endif  // CELLCHAIN_SERVICES_QC_QC_INTERNAL_H_
