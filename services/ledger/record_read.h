// RecordRead: the record of a change to one entity whose state after the
// change is one row, read back in the record's own round trip
// (Recorder::AppendRead: after the entity's lock and latest record, so the
// change's deferred writes, sent before them, are in it). One round trip
// instead of two (a read, then the append) for the common case of a
// service's write (issue 13):
//
//   tx.Defer({kUpdateIssued, {dose_id, handoff_id}});
//   CC_ASSIGN_OR_RETURN(
//       *response.mutable_dose(),
//       ledger::RecordRead<v1::Dose>(
//           audit, {.action = "dose.issue", .entity_type = "dose",
//                   .entity_id = dose_id},
//           DoseRead(dose_id),
//           [&](const pg::Result& r) { return DoseFromRead(r, dose_id); }));
//
// Thread-safety: as Recorder (the transaction's thread).
#ifndef CELLCHAIN_SERVICES_LEDGER_RECORD_READ_H_
#define CELLCHAIN_SERVICES_LEDGER_RECORD_READ_H_

#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "services/ledger/recorder.h"

namespace cellchain::ledger {

// What the record says besides the state.
struct RecordOf {
  std::string action;
  std::string entity_type;
  std::string entity_id;
  std::string reason = "";
  std::vector<audit::v1::Isbt128Identifier> isbt128 = {};
  std::optional<common::v1::SignatureManifestation> signature = std::nullopt;
};

// Appends `record` with the state `from(result of read)`
// (absl::StatusOr<State>) as its after_state, and returns that state.
// Errors: those of `from` (nothing appended) and Recorder::AppendRead's.
template <typename State, typename From>
absl::StatusOr<State> RecordRead(Recorder& audit, RecordOf record,
                                 const pg::Statement& read, From from) {
  State state;
  absl::Status appended =
      audit
          .AppendRead(
              std::move(record.action), std::move(record.entity_type),
              record.entity_id, {&read, 1},
              [&](std::span<pg::Result> results, Event& event) -> absl::Status {
                absl::StatusOr<State> got = from(results[0]);
                if (!got.ok()) return got.status();
                state = *std::move(got);
                event.after_state = &state;
                event.isbt128 = std::move(record.isbt128);
                event.signature = std::move(record.signature);
                return absl::OkStatus();
              },
              std::move(record.reason))
          .status();
  if (!appended.ok()) return appended;
  return state;
}

}  // namespace cellchain::ledger

#endif  // CELLCHAIN_SERVICES_LEDGER_RECORD_READ_H_
