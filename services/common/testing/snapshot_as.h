// AppendSnapshotAs: another service's signed snapshot of `state`, recorded
// as that service records what `who` did (ledger::testing::AppendSnapshot
// with `who`'s actor and a fresh request id), for the fixtures that stand
// in for a service whose signed records the code under test checks
// (ledger::RequireAudited): clinical's dose and qc, labels' dose.
//
// Test-only, header-only. Thread-safety: as pg::Pool::InTransaction and
// Ledger::Append, safe from any thread.
#ifndef CELLCHAIN_SERVICES_COMMON_TESTING_SNAPSHOT_AS_H_
#define CELLCHAIN_SERVICES_COMMON_TESTING_SNAPSHOT_AS_H_

#include <string>

#include "absl/status/status.h"
#include "google/protobuf/message.h"
#include "services/common/auth/principal.h"
#include "services/common/crypto/random.h"
#include "services/common/pg/pool.h"
#include "services/ledger/append_testing.h"
#include "services/ledger/ledger.h"

namespace cellchain::testing {

// `ledger` signs as the service owning entity `type`/`id`; `pool` connects
// as its role. Returns the append's status.
inline absl::Status AppendSnapshotAs(
    pg::Pool& pool, const ledger::Ledger& ledger, const auth::Principal& who,
    const std::string& action, const std::string& type, const std::string& id,
    const google::protobuf::Message& state) {
  return ledger::testing::AppendSnapshot(pool, ledger, auth::ActorOf(who),
                                         action, type, id, state,
                                         crypto::RandomId("req"));
}

}  // namespace cellchain::testing

#endif  // CELLCHAIN_SERVICES_COMMON_TESTING_SNAPSHOT_AS_H_
