// Custody: construction, and the helpers every RPC group shares
// (custody_internal.h). The RPCs are in din.cc, items.cc, locations.cc,
// handoffs.cc, temperatures.cc, holds.cc and trace.cc; the state readers in
// state_readers.cc.
#include "services/custody/custody.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "services/common/status/status.h"
#include "services/custody/custody_internal.h"
#include "services/custody/store.h"
#include "services/ledger/entity_guard.h"

namespace cellchain::custody {

absl::StatusOr<RecordedItem> RecordItem(ledger::Recorder& audit,
                                        std::string action,
                                        const std::string& item_id,
                                        std::string reason) {
  // The item is read in the record's own round trip, after the entity's
  // lock (Recorder::AppendRead).
  RecordedItem recorded;
  CC_ASSIGN_OR_RETURN(
      ledger::SignedRecord record,
      audit.AppendRead(
          std::move(action), "item", item_id, ItemReads(item_id),
          [&](std::span<pg::Result> results,
              ledger::Event& event) -> absl::Status {
            CC_ASSIGN_OR_RETURN(recorded.item, ItemFromReads(results, item_id));
            event.after_state = &recorded.item;
            event.isbt128.assign(recorded.item.isbt128().begin(),
                                 recorded.item.isbt128().end());
            return absl::OkStatus();
          },
          std::move(reason)));
  recorded.record_id = std::move(record.record_id);
  return recorded;
}

absl::Status RecordItems(ledger::Recorder& audit, const std::string& action,
                         std::vector<std::string> item_ids,
                         const std::string& reason) {
  std::sort(item_ids.begin(), item_ids.end());
  CC_ASSIGN_OR_RETURN(auto items, LoadItems(audit.tx(), item_ids));
  for (const std::string& id : item_ids) {
    const v1::Item& item = items[id];
    CC_RETURN_IF_ERROR(
        audit
            .Append(action, "item", id, item, reason,
                    {item.isbt128().begin(), item.isbt128().end()})
            .status());
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::Item> LoadAuditedItem(pg::Transaction& tx,
                                         const std::string& item_id) {
  // The row and its latest record in one round trip.
  pg::Result latest;
  CC_ASSIGN_OR_RETURN(
      v1::Item item,
      LoadItemWith(tx, item_id, ledger::LatestRecordStatement("item", item_id),
                   latest));
  CC_RETURN_IF_ERROR(ledger::CheckAudited(latest, "item", item_id, item));
  return item;
}

absl::Status RequireAuditedItem(pg::Transaction& tx,
                                const std::string& item_id) {
  return LoadAuditedItem(tx, item_id).status();
}

Custody::Custody(pg::Pool* pool, const ledger::Ledger* ledger,
                 auth::SignatureAuthority* signatures, ledger::Clock* clock,
                 CustodyOptions options)
    : pool_(pool),
      ledger_(ledger),
      signatures_(signatures),
      clock_(clock),
      options_(options) {}

}  // namespace cellchain::custody
