#include "services/system/clock_admin.h"

#include <google/protobuf/util/time_util.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "services/common/fields/fields.h"
#include "services/common/status/status.h"
#include "services/ledger/record_once.h"
#include "services/system/clock_store.h"
#include "services/system/reasons.h"

namespace cellchain::system {
namespace {

using google::protobuf::util::TimeUtil;

// Checks `by` and the reason before anything is read or written.
absl::Status CheckAdvance(const v1::AdvanceClockRequest& request) {
  if (!request.has_by()) return InvalidField("by", "required");
  const google::protobuf::Duration& by = request.by();
  const bool valid = by.seconds() <= TimeUtil::kDurationMaxSeconds &&
                     by.seconds() >= -TimeUtil::kDurationMaxSeconds &&
                     by.nanos() > -1'000'000'000 &&
                     by.nanos() < 1'000'000'000 &&
                     !(by.seconds() > 0 && by.nanos() < 0) &&
                     !(by.seconds() < 0 && by.nanos() > 0);
  if (!valid) return InvalidField("by", "not a valid duration");
  const absl::Duration d =
      absl::Seconds(by.seconds()) + absl::Nanoseconds(by.nanos());
  // The clock keeps microseconds: a smaller step would move nothing.
  if (d < absl::Microseconds(1)) {
    return InvalidField("by", "must be above 0: the clock only moves forward");
  }
  if (d > kMaxAdvance) {
    return InvalidField(
        "by", absl::StrCat("at most 30 days in one advance (asked for ",
                           absl::FormatDuration(d), ")"));
  }
  return fields::RequireText(request.context().reason(), "context.reason");
}

}  // namespace

ClockAdmin::ClockAdmin(pg::Pool* pool, const ledger::Ledger* ledger,
                       TrainingClock* clock)
    : pool_(pool), ledger_(ledger), clock_(clock) {}

absl::Status ClockAdmin::RegisterStateReaders(ledger::StateRegistry& registry) {
  return ledger::RegisterProtoReader<v1::TrainingClockState>(
      registry, kClockEntityType,
      [](pg::Connection& connection,
         const std::string& id) -> absl::StatusOr<v1::TrainingClockState> {
        if (id != kClockEntityId) {
          return NotFound("training clock", id);
        }
        return LoadTrainingClock(connection);
      },
      // Listed only once advanced: the row at offset 0 that migration 0002
      // makes has no record to vouch for it, and needs none.
      ledger::IdsFrom(absl::StrCat(
          "SELECT '", kClockEntityId,
          "' FROM cellchain_system.training_clock WHERE advanced_to IS NOT "
          "NULL")));
}

v1::GetClockResponse ClockAdmin::GetClock() const {
  v1::GetClockResponse response;
  v1::TrainingClock& clock = *response.mutable_clock();
  const absl::Duration offset =
      clock_ != nullptr ? clock_->offset() : absl::ZeroDuration();
  clock.set_training(clock_ != nullptr);
  *clock.mutable_now() = TimeUtil::MicrosecondsToTimestamp(
      absl::ToUnixMicros(absl::Now() + offset));
  *clock.mutable_offset() =
      TimeUtil::MicrosecondsToDuration(absl::ToInt64Microseconds(offset));
  return response;
}

absl::StatusOr<v1::AdvanceClockResponse> ClockAdmin::AdvanceClock(
    const auth::Principal& caller, const v1::AdvanceClockRequest& request) {
  if (clock_ == nullptr) {
    return FailedRule(kReasonTrainingClockOff,
                      "this server runs on real time: only a training stack "
                      "(cellchaind --training-clock) moves its clock");
  }
  CC_RETURN_IF_ERROR(CheckAdvance(request));
  const int64_t by_us = TimeUtil::DurationToMicroseconds(request.by());
  CC_ASSIGN_OR_RETURN(
      v1::AdvanceClockResponse response,
      ledger::RecordOnce<v1::AdvanceClockResponse>(
          *pool_, *ledger_,
          {kServiceName, "AdvanceClock", auth::ActorOf(caller)}, request,
          [&](ledger::Recorder& audit,
              v1::AdvanceClockResponse& out) -> absl::Status {
            CC_ASSIGN_OR_RETURN(pg::Result row,
                                audit.tx().Exec(SelectTrainingClock(true)));
            CC_ASSIGN_OR_RETURN(v1::TrainingClockState state,
                                TrainingClockFrom(row));
            // The row, not this process's clock: another process of the
            // stack may have advanced it since this one started.
            const int64_t offset_us =
                TimeUtil::DurationToMicroseconds(state.offset());
            // So that the record's time (this clock's) is `from`, not
            // before it; the offset read is committed, so this is safe to
            // keep should the transaction fail.
            clock_->MoveForwardTo(absl::Microseconds(offset_us));
            const int64_t from_us = absl::ToUnixMicros(absl::Now()) + offset_us;
            const int64_t to_us = from_us + by_us;
            CC_RETURN_IF_ERROR(audit.tx()
                                   .Exec(kUpdateTrainingClock,
                                         {offset_us + by_us, from_us, to_us})
                                   .status());
            *state.mutable_offset() =
                TimeUtil::MicrosecondsToDuration(offset_us + by_us);
            *state.mutable_advanced_from() =
                TimeUtil::MicrosecondsToTimestamp(from_us);
            *state.mutable_advanced_to() =
                TimeUtil::MicrosecondsToTimestamp(to_us);
            CC_ASSIGN_OR_RETURN(
                ledger::SignedRecord record,
                audit.Append("training_clock.advance", kClockEntityType,
                             kClockEntityId, state,
                             request.context().reason()));
            *out.mutable_from() = state.advanced_from();
            *out.mutable_to() = state.advanced_to();
            *out.mutable_offset() = state.offset();
            out.set_record_id(record.record_id);
            return absl::OkStatus();
          }));
  clock_->MoveForwardTo(
      absl::Microseconds(TimeUtil::DurationToMicroseconds(response.offset())));
  return response;
}

}  // namespace cellchain::system
