// RequireAudited: a service's own check, before it acts on an entity, that
// the entity's row is what its latest signed audit record says (issue 23:
// "business actions on an item whose row has no valid record are refused").
// Verification finds such rows after the fact; this keeps a dose bag
// inserted by SQL, or an item whose row was edited behind the service's
// back, from being handed off, released or infused in the meantime.
//
// A record counts unless the sequencer refused it (refused_records): one
// still waiting in `pending` is as good as one in the log, since the
// sequencer admits only what the service's own key signed.
//
// Thread-safety: stateless; runs on the caller's transaction.
#ifndef CELLCHAIN_SERVICES_LEDGER_ENTITY_GUARD_H_
#define CELLCHAIN_SERVICES_LEDGER_ENTITY_GUARD_H_

#include <string_view>

#include "absl/status/status.h"
#include "google/protobuf/message.h"
#include "services/common/pg/transaction.h"

namespace cellchain::ledger {

inline constexpr char kReasonEntityNotAudited[] = "ENTITY_NOT_AUDITED";

// OK when the latest record of entity_type/entity_id (not refused by the
// sequencer) has `current` as its after_state, byte for byte.
// FAILED_PRECONDITION reason kReasonEntityNotAudited, naming the entity:
//   no record at all, only refused ones, or a latest record whose state is
//   not the row's. Database errors as from pg.
absl::Status RequireAudited(pg::Transaction& tx, std::string_view entity_type,
                            std::string_view entity_id,
                            const google::protobuf::Message& current);

// RequireAudited in two halves, for a caller that sends its read of the
// entity's row in the same round trip (issue 13): the statement that reads
// the entity's latest record, then the verdict on its result (as
// RequireAudited's).
pg::Statement LatestRecordStatement(std::string_view entity_type,
                                    std::string_view entity_id);
absl::Status CheckAudited(const pg::Result& latest,
                          std::string_view entity_type,
                          std::string_view entity_id,
                          const google::protobuf::Message& current);

}  // namespace cellchain::ledger

#endif  // CELLCHAIN_SERVICES_LEDGER_ENTITY_GUARD_H_
