// Declarations the custody service's own .cc files share, and no one else
// includes: an item's audit record appended after a change (RecordItem,
// RecordItems) and the refusal of an item no signed record vouches for
// (RequireAuditedItem). The schema's loaders and shared statements are in
// store.h, the pure rules in rules.h and graph.h. The service's RPCs are
// defined, one group per file, in din.cc, items.cc, locations.cc,
// handoffs.cc, temperatures.cc, holds.cc (holds and recalls) and trace.cc;
// its state readers in state_readers.cc; construction and these helpers in
// custody.cc.
//
// Thread-safety: free functions; each call uses only the transaction (or
// recorder) passed in.
#ifndef CELLCHAIN_SERVICES_CUSTODY_CUSTODY_INTERNAL_H_
#define CELLCHAIN_SERVICES_CUSTODY_CUSTODY_INTERNAL_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "cellchain/custody/v1/custody.pb.h"
#include "services/common/auth/signatures.h"
#include "services/common/pg/transaction.h"
#include "services/custody/custody.h"
#include "services/ledger/recorder.h"

namespace cellchain::custody {

// `signature` checked and made for /<service>/`method`
// (SignAs(*signatures_, caller, request.signature(), meaning, "Method",
// request_id)); errors as auth::Sign's.
inline constexpr auth::RpcSigner<kServiceName> SignAs;

// An item as a change left it, and the id of the record that says so.
struct RecordedItem {
  v1::Item item;
  std::string record_id;
};

// Loads item `item_id` as it now is in the recorder's transaction and
// appends its record (`action`, entity "item", with its ISBT 128
// identifiers). NOT_FOUND ITEM_NOT_FOUND; the ledger's errors.
absl::StatusOr<RecordedItem> RecordItem(ledger::Recorder& audit,
                                        std::string action,
                                        const std::string& item_id,
                                        std::string reason = "");

// RecordItem for several items changed alike, read in one statement and
// appended in id order (the lock order of ledger.h).
absl::Status RecordItems(ledger::Recorder& audit, const std::string& action,
                         std::vector<std::string> item_ids,
                         const std::string& reason);

// Refuses an item whose row is not what its latest signed record says (a
// row inserted or edited behind custody's back): FAILED_PRECONDITION
// ENTITY_NOT_AUDITED (ledger::RequireAudited). It is not handed over, ended
// or derived from until QA has investigated (issue 23); holds, recalls and
// discards stay open to it: they are how QA contains it.
absl::Status RequireAuditedItem(pg::Transaction& tx,
                                const std::string& item_id);
// The same, returning the item as LoadItem does; its row and its latest
// record are read in one round trip.
absl::StatusOr<v1::Item> LoadAuditedItem(pg::Transaction& tx,
                                         const std::string& item_id);

}  // namespace cellchain::custody

#endif  // CELLCHAIN_SERVICES_CUSTODY_CUSTODY_INTERNAL_H_
