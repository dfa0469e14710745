#include "services/common/pg/error.h"

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/types/optional.h"
#include "services/common/status/status.h"
#include "services/common/strings/absl_view.h"

namespace cellchain::pg {
namespace {

std::string_view Field(const PGresult* result, int code) {
  const char* value = PQresultErrorField(result, code);
  return value == nullptr ? std::string_view() : std::string_view(value);
}

}  // namespace

absl::StatusCode CodeForSqlState(std::string_view sqlstate) {
  using absl::StatusCode;
  if (sqlstate == "23505") return StatusCode::kAlreadyExists;
  if (sqlstate == "23503" || sqlstate == "23514") {
    return StatusCode::kFailedPrecondition;
  }
  if (sqlstate.starts_with("22") || sqlstate == "23502") {
    return StatusCode::kInvalidArgument;
  }
  if (sqlstate == "40001" || sqlstate == "40P01") return StatusCode::kAborted;
  if (sqlstate.starts_with("08") || sqlstate == "57P01" ||
      sqlstate == "57P02" || sqlstate == "57P03") {
    return StatusCode::kUnavailable;
  }
  if (sqlstate == "57014") return StatusCode::kDeadlineExceeded;
  return StatusCode::kInternal;
}

absl::Status StatusFromSqlState(std::string_view sqlstate,
                                std::string_view message,
                                std::string_view constraint,
                                std::string_view column) {
  absl::Status status(
      CodeForSqlState(sqlstate),
      absl::StrCat(ToAbsl(message), " [SQLSTATE ", ToAbsl(sqlstate), "]"));
  status.SetPayload(ToAbsl(kSqlStatePayloadUrl), absl::Cord(ToAbsl(sqlstate)));
  if (!constraint.empty()) status = WithReason(std::move(status), constraint);
  if (!column.empty()) {
    status.SetPayload(ToAbsl(kFieldPayloadUrl), absl::Cord(ToAbsl(column)));
  }
  return status;
}

absl::Status StatusFromResult(const PGresult* result, const PGconn* conn) {
  if (result != nullptr) {
    switch (PQresultStatus(result)) {
      case PGRES_COMMAND_OK:
      case PGRES_TUPLES_OK:
      case PGRES_EMPTY_QUERY:
      case PGRES_PIPELINE_SYNC:
        return absl::OkStatus();
      case PGRES_PIPELINE_ABORTED:
        return absl::AbortedError(
            "not executed: an earlier statement in the pipeline failed");
      default:
        break;
    }
    std::string_view sqlstate = Field(result, PG_DIAG_SQLSTATE);
    if (!sqlstate.empty()) {
      return StatusFromSqlState(sqlstate,
                                Field(result, PG_DIAG_MESSAGE_PRIMARY),
                                Field(result, PG_DIAG_CONSTRAINT_NAME),
                                Field(result, PG_DIAG_COLUMN_NAME));
    }
  }
  // No SQLSTATE: libpq's own error, typically a lost connection.
  absl::string_view message = absl::StripTrailingAsciiWhitespace(
      result != nullptr ? PQresultErrorMessage(result)
      : conn != nullptr ? PQerrorMessage(conn)
                        : "out of memory");
  if (message.empty()) message = "unknown libpq failure";
  if (conn != nullptr && PQstatus(conn) == CONNECTION_BAD) {
    return absl::UnavailableError(
        absl::StrCat("database connection lost: ", message));
  }
  return absl::InternalError(absl::StrCat("libpq: ", message));
}

absl::Status SessionFailure(const PGconn* conn) {
  absl::Status status = StatusFromResult(nullptr, conn);
  if (absl::IsUnavailable(status) || conn == nullptr) return status;
  return absl::UnavailableError(absl::StrCat(
      "database session failed and is replaced: ", status.message()));
}

std::string SqlStateOf(const absl::Status& status) {
  absl::optional<absl::Cord> payload =
      status.GetPayload(ToAbsl(kSqlStatePayloadUrl));
  return payload.has_value() ? std::string(*payload) : std::string();
}

absl::Status ReadOnlyServerError(const absl::Status& refusal) {
  absl::Status status(
      absl::StatusCode::kUnavailable,
      absl::StrCat("the database server is read-only (a standby or a demoted "
                   "primary); nothing was written: ",
                   refusal.message()));
  status.SetPayload(ToAbsl(kSqlStatePayloadUrl), absl::Cord("25006"));
  return status;
}

bool IsReadOnlyServer(const absl::Status& status) {
  return status.code() == absl::StatusCode::kUnavailable &&
         SqlStateOf(status) == "25006";
}

bool IsSerializationFailure(const absl::Status& status) {
  std::string sqlstate = SqlStateOf(status);
  return sqlstate == "40001" || sqlstate == "40P01";
}

}  // namespace cellchain::pg
