#include "services/system/clock_store.h"

#include <google/protobuf/util/time_util.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "services/common/pg/proto_row.h"
#include "services/common/status/status.h"

namespace cellchain::system {
namespace {

using google::protobuf::util::TimeUtil;

}  // namespace

std::string SelectTrainingClock(bool for_update) {
  return absl::StrCat("SELECT offset_us, ", pg::MicrosColumn("advanced_from"),
                      ", ", pg::MicrosColumn("advanced_to"),
                      " FROM cellchain_system.training_clock",
                      for_update ? " FOR UPDATE" : "");
}

const char kUpdateTrainingClock[] =
    "UPDATE cellchain_system.training_clock SET offset_us = $1, "
    "advanced_from = ('epoch'::timestamptz + $2::int8 * interval "
    "'1 microsecond'), advanced_to = ('epoch'::timestamptz + $3::int8 * "
    "interval '1 microsecond')";

absl::StatusOr<v1::TrainingClockState> TrainingClockFrom(
    const pg::Result& result) {
  if (result.rows() != 1) {
    return absl::NotFoundError(
        "cellchain_system.training_clock has no row: apply the migrations "
        "(cellchaind migrate)");
  }
  v1::TrainingClockState state;
  CC_ASSIGN_OR_RETURN(int64_t offset_us, result.GetInt64(0, 0));
  *state.mutable_offset() = TimeUtil::MicrosecondsToDuration(offset_us);
  if (!result.IsNull(0, 1)) {
    CC_ASSIGN_OR_RETURN(int64_t from, result.GetInt64(0, 1));
    CC_ASSIGN_OR_RETURN(int64_t to, result.GetInt64(0, 2));
    *state.mutable_advanced_from() = TimeUtil::MicrosecondsToTimestamp(from);
    *state.mutable_advanced_to() = TimeUtil::MicrosecondsToTimestamp(to);
  }
  return state;
}

absl::StatusOr<v1::TrainingClockState> LoadTrainingClock(
    pg::Connection& connection) {
  CC_ASSIGN_OR_RETURN(pg::Result result,
                      connection.Exec(SelectTrainingClock(false)));
  return TrainingClockFrom(result);
}

}  // namespace cellchain::system
