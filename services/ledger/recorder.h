// Recorder: the audit records of one change, appended in the change's
// transaction by one actor under one request id — what every service's
// domain code does for each entity a change touches.
//
//   ledger::Recorder audit(tx, *ledger_, auth::ActorOf(caller), request_id);
//   CC_ASSIGN_OR_RETURN(ledger::SignedRecord record,
//       audit.Append("batch.start", "batch", id, batch));
//
// Thread-safety: one per transaction, used by its thread only.
#ifndef CELLCHAIN_SERVICES_LEDGER_RECORDER_H_
#define CELLCHAIN_SERVICES_LEDGER_RECORDER_H_

#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "services/ledger/ledger.h"

namespace cellchain::ledger {

// `din` as an event's ISBT 128 identifier (kind "din"; the first one is
// also stored in the indexed column records.din).
inline audit::v1::Isbt128Identifier DinIdentifier(std::string din) {
  audit::v1::Isbt128Identifier id;
  id.set_kind("din");
  id.set_value(std::move(din));
  return id;
}

class Recorder {
 public:
  // `tx` and `ledger` are not owned and must outlive the recorder.
  Recorder(pg::Transaction& tx, const Ledger& ledger, common::v1::Actor actor,
           std::string request_id)
      : tx_(tx),
        ledger_(ledger),
        actor_(std::move(actor)),
        request_id_(std::move(request_id)) {}

  // Appends the record of `action` on (entity_type, entity_id) whose state
  // after the change is `state`; errors as Ledger::Append's.
  absl::StatusOr<SignedRecord> Append(
      std::string action, std::string entity_type, std::string entity_id,
      const google::protobuf::Message& state, std::string reason = "",
      std::vector<audit::v1::Isbt128Identifier> isbt128 = {},
      std::optional<common::v1::SignatureManifestation> signature =
          std::nullopt) {
    Event event = Base(std::move(action), std::move(entity_type),
                       std::move(entity_id), std::move(reason));
    event.isbt128 = std::move(isbt128);
    event.after_state = &state;
    event.signature = std::move(signature);
    return ledger_.Append(tx_, event);
  }

  // The same for a state read back in the append's own round trip
  // (Ledger::AppendRead): `fill` sets the event's after_state (and ISBT 128
  // identifiers) from the results of `reads`.
  absl::StatusOr<SignedRecord> AppendRead(
      std::string action, std::string entity_type, std::string entity_id,
      std::span<const pg::Statement> reads, Ledger::FillEvent fill,
      std::string reason = "") {
    return ledger_.AppendRead(tx_,
                              Base(std::move(action), std::move(entity_type),
                                   std::move(entity_id), std::move(reason)),
                              reads, fill);
  }

  pg::Transaction& tx() { return tx_; }

 private:
  Event Base(std::string action, std::string entity_type,
             std::string entity_id, std::string reason) const {
    Event event;
    event.actor = actor_;
    event.action = std::move(action);
    event.entity_type = std::move(entity_type);
    event.entity_id = std::move(entity_id);
    event.reason = std::move(reason);
    event.request_id = request_id_;
    return event;
  }

  pg::Transaction& tx_;
  const Ledger& ledger_;
  common::v1::Actor actor_;
  std::string request_id_;
};

}  // namespace cellchain::ledger

#endif  // CELLCHAIN_SERVICES_LEDGER_RECORDER_H_
