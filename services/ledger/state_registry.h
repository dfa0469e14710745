// StateRegistry: how verification reads an entity's current state, to
// compare it with the after_state snapshot of the entity's latest audit
// record — a row changed behind the application's back (by SQL, not through
// the service) then no longer matches, and is found.
//
// Each service registers, at startup, one StateReader per entity type it
// owns. A reader returns SerializeDeterministic(proto) (ledger.h) of the
// entity's current state, built exactly as the service builds the
// after_state it gives Append(), so that equal states are equal bytes. The
// verifier compares those bytes with the latest record's after_state.value,
// and the reader's proto type with its type URL (ReadState returns both).
//
//   registry.Register("widget", [](pg::Connection& c, const std::string& id)
//       -> absl::StatusOr<std::string> { ... SELECT ...; build proto ...
//                                        return SerializeDeterministic(p); });
//
// Thread-safety: all methods are safe to call concurrently (an internal
// mutex guards the map; readers run outside it, on the caller's thread and
// connection). Registration normally happens before the first lookup.
#ifndef CELLCHAIN_SERVICES_LEDGER_STATE_REGISTRY_H_
#define CELLCHAIN_SERVICES_LEDGER_STATE_REGISTRY_H_

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "services/common/pg/connection.h"
#include "services/common/status/status.h"
#include "services/ledger/ledger.h"

namespace cellchain::ledger {

// Reads one entity's current state on `connection` (which may be inside the
// caller's transaction, e.g. a REPEATABLE READ one that also reads the
// records, so both come from one snapshot).
// Returns the deterministic serialization of the entity's current proto;
// NOT_FOUND when the entity does not exist; any other status when reading
// fails.
using StateReader = std::function<absl::StatusOr<std::string>(
    pg::Connection& connection, const std::string& entity_id)>;

// Lists the id of every entity of one type that has a current row, so that
// verification finds rows that no signed record vouches for (a row inserted
// by SQL behind the service's back). Runs on the audit service's connection.
using IdLister = std::function<absl::StatusOr<std::vector<std::string>>(
    pg::Connection& connection)>;

// An IdLister running `sql`, a constant query whose first column is the
// entity id as text ("SELECT item_id FROM cellchain_custody.items").
IdLister IdsFrom(std::string sql);

// The state a reader produced, with the type URL its snapshot would carry.
struct EntityState {
  // "type.googleapis.com/<full message name>", as in after_state.type_url.
  std::string type_url;
  std::string bytes;  // SerializeDeterministic of the current proto
};

class StateRegistry {
 public:
  // Reason of the FAILED_PRECONDITION ReadState returns for an entity type
  // no service registered.
  static constexpr char kReasonNoStateReader[] = "NO_STATE_READER";

  StateRegistry() = default;
  StateRegistry(const StateRegistry&) = delete;
  StateRegistry& operator=(const StateRegistry&) = delete;

  // Registers the reader of `entity_type`, whose states are protos of type
  // `message_full_name` ("cellchain.donor.v1.Donor").
  // INVALID_ARGUMENT (field "entity_type"): not snake_case;
  //   (field "message_full_name"): empty; (field "reader"): empty function.
  // ALREADY_EXISTS: a reader is registered for the type already (two
  //   services claiming one entity type is a wiring bug).
  // `lister` lists the type's entities (every service passes one); without
  // it, rows of the type that have no record are not enumerated.
  absl::Status Register(std::string entity_type, std::string message_full_name,
                        StateReader reader, IdLister lister = nullptr);

  bool Contains(std::string_view entity_type) const;

  // The registered entity types, sorted.
  std::vector<std::string> EntityTypes() const;

  // Runs the reader of `entity_type` for `entity_id`.
  // FAILED_PRECONDITION reason kReasonNoStateReader: no reader registered.
  // NOT_FOUND: the entity does not exist. Otherwise the reader's status.
  absl::StatusOr<EntityState> ReadState(pg::Connection& connection,
                                        std::string_view entity_type,
                                        const std::string& entity_id) const;

  // The ids of every current entity of `entity_type`, by its lister.
  // FAILED_PRECONDITION reason kReasonNoStateReader: no reader registered;
  // NOT_FOUND: the type was registered without a lister. Otherwise the
  // lister's status.
  absl::StatusOr<std::vector<std::string>> ListIds(
      pg::Connection& connection, std::string_view entity_type) const;

 private:
  struct Entry {
    std::string type_url;
    StateReader reader;
    IdLister lister;
  };

  // A copy of the entry of `entity_type`; FAILED_PRECONDITION
  // kReasonNoStateReader when none is registered.
  absl::StatusOr<Entry> Find(std::string_view entity_type) const;

  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, Entry> readers_ ABSL_GUARDED_BY(mu_);
};

// Registers the reader of `entity_type` whose states are `Proto`s:
// `load(connection, id)` returns the entity's proto, built by the same code
// that builds the after_state the service appends; it is serialized as
// snapshots are (SerializeDeterministic).
// `lister` lists every entity of the type (IdsFrom("SELECT id FROM t")).
template <typename Proto, typename Load>
absl::Status RegisterProtoReader(StateRegistry& registry,
                                 std::string entity_type, Load load,
                                 IdLister lister) {
  if (!lister) return InvalidField("lister", "is required");
  return registry.Register(
      std::move(entity_type), Proto::descriptor()->full_name(),
      [load](pg::Connection& c,
             const std::string& id) -> absl::StatusOr<std::string> {
        CC_ASSIGN_OR_RETURN(Proto state, load(c, id));
        return SerializeDeterministic(state);
      },
      std::move(lister));
}

}  // namespace cellchain::ledger

#endif  // CELLCHAIN_SERVICES_LEDGER_STATE_REGISTRY_H_
