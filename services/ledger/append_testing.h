// AppendCommitted: a record written the way a service writes one — its own
// change and the record in one transaction of its pool, committed — for
// tests that need records in the log (the audit service's tamper test, its
// end-to-end test); AppendSnapshot: another service's signed snapshot, for
// the fixtures of services that check one (clinical, labels).
//
// Test-only, header-only. Thread-safety: as pg::Pool::InTransaction and
// Ledger::Append, safe from any thread.
#ifndef CELLCHAIN_SERVICES_LEDGER_APPEND_TESTING_H_
#define CELLCHAIN_SERVICES_LEDGER_APPEND_TESTING_H_

#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "gtest/gtest.h"
#include "services/common/pg/pool.h"
#include "services/common/pg/transaction.h"
#include "services/ledger/ledger.h"

namespace cellchain::ledger::testing {

// Runs `change` (the service's own write; none by default), then appends
// `event`, in one transaction of `pool`, and commits. Returns the record's
// id; on any failure, a test failure (ADD_FAILURE) and "".
inline std::string AppendCommitted(
    pg::Pool& pool, const Ledger& ledger, const Event& event,
    absl::FunctionRef<absl::Status(pg::Transaction&)> change =
        [](pg::Transaction&) { return absl::OkStatus(); }) {
  std::string record_id;
  absl::Status status = pool.InTransaction([&](pg::Transaction& tx) {
    absl::Status changed = change(tx);
    if (!changed.ok()) return changed;
    absl::StatusOr<SignedRecord> appended = ledger.Append(tx, event);
    if (!appended.ok()) return appended.status();
    record_id = appended->record_id;
    return absl::OkStatus();
  });
  if (!status.ok()) ADD_FAILURE() << status;
  return record_id;
}

// A record of `state` (entity `type`/`id`, `action` by `actor`) in its own
// committed transaction of `pool`, as the service owning that entity writes
// it: how a fixture stands in for another service whose signed records the
// code under test checks (ledger::RequireAudited). Returns the append's
// status.
inline absl::Status AppendSnapshot(
    pg::Pool& pool, const Ledger& ledger, const common::v1::Actor& actor,
    const std::string& action, const std::string& type, const std::string& id,
    const google::protobuf::Message& state, const std::string& request_id) {
  return pool.InTransaction([&](pg::Transaction& tx) {
    Event event;
    event.actor = actor;
    event.action = action;
    event.entity_type = type;
    event.entity_id = id;
    event.after_state = &state;
    event.request_id = request_id;
    return ledger.Append(tx, event).status();
  });
}

}  // namespace cellchain::ledger::testing

#endif  // CELLCHAIN_SERVICES_LEDGER_APPEND_TESTING_H_
