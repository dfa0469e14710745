// The one place where a PostgreSQL error becomes an absl::Status.
//
// SQLSTATE -> code (docs: "PostgreSQL Error Codes"):
//   23505                      ALREADY_EXISTS        unique violation
//   23503, 23514               FAILED_PRECONDITION   foreign key, check
//   22xxx, 23502               INVALID_ARGUMENT      bad data, not null
//   40001, 40P01               ABORTED               serialization, deadlock
//   08xxx, 57P01-57P03         UNAVAILABLE           connection lost, server
//                                                    shutting down/starting
//   57014                      DEADLINE_EXCEEDED     statement timeout
//   anything else              INTERNAL
// A failure libpq reports itself (no SQLSTATE) on a connection that is gone
// is UNAVAILABLE as well. So is 25006 (read_only_sql_transaction) from a
// server that is read-only (a standby, a demoted primary, a database set
// default_transaction_read_only): the Connection, which knows what the
// server reported, turns it into ReadOnlyServerError. The same SQLSTATE
// from a writable server (a write in a READ ONLY transaction: a bug) stays
// INTERNAL.
//
// What travels with the status:
//   - the message is the server's primary message plus "[SQLSTATE xxxxx]".
//     DETAIL and HINT are dropped on purpose: DETAIL quotes row values
//     ("Key (code)=(D-17) already exists", "Failing row contains (...)"),
//     i.e. data the caller may not be entitled to see. The primary message
//     names at most a constraint, column or type and echoes a bad literal the
//     caller itself sent. The gRPC edge still decides whether to send it.
//   - reason payload (status.h ReasonOf): the constraint name, verbatim
//     (e.g. "donor_code_key"), when the server names one. Services that want a
//     client-facing reason translate it.
//   - field payload (status.h FieldOf): the column name, when the server names
//     one (not-null violations).
//   - SQLSTATE payload (SqlStateOf below), for retry decisions.
//
// Thread-safety: pure functions.
#ifndef CELLCHAIN_SERVICES_COMMON_PG_ERROR_H_
#define CELLCHAIN_SERVICES_COMMON_PG_ERROR_H_

#include <libpq-fe.h>

#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace cellchain::pg {

inline constexpr std::string_view kSqlStatePayloadUrl =
    "type.cellchain.dev/cellchain.sqlstate";

// The code for a five-character SQLSTATE, per the table above.
absl::StatusCode CodeForSqlState(std::string_view sqlstate);

// A status with CodeForSqlState(sqlstate), `message` (+ SQLSTATE) as its
// message and the payloads described above; empty constraint/column attach
// nothing.
absl::Status StatusFromSqlState(std::string_view sqlstate,
                                std::string_view message,
                                std::string_view constraint = {},
                                std::string_view column = {});

// The status of a finished command. OK for PGRES_COMMAND_OK, TUPLES_OK,
// EMPTY_QUERY and PIPELINE_SYNC. `result` may be null (libpq could not even
// build a result); then the connection's error message is used. `conn` is
// consulted for connection loss and may be null.
absl::Status StatusFromResult(const PGresult* result, const PGconn* conn);

// The failure of a session that libpq gave up on mid-exchange (a send or
// Sync refused, results that end early, the pipeline not left), when the
// session is replaced: UNAVAILABLE, so the caller retries with the same
// request id, whether or not libpq has yet marked it CONNECTION_BAD (in a
// failover it often has not, and its message may be empty).
absl::Status SessionFailure(const PGconn* conn);

// The SQLSTATE carried by a status made here, or "".
std::string SqlStateOf(const absl::Status& status);

// The refusal of a write by a read-only server (`refusal`: a 25006 status
// made here) as UNAVAILABLE, SQLSTATE kept: the transaction wrote nothing,
// and the same request on another connection may succeed (libpq, given
// several hosts and target_session_attrs=read-write, connects to the
// primary).
absl::Status ReadOnlyServerError(const absl::Status& refusal);

// True for a status made by ReadOnlyServerError.
bool IsReadOnlyServer(const absl::Status& status);

// True for a serialization failure or deadlock (40001, 40P01): the
// transaction was rolled back by the server and running it again from the
// start may succeed.
bool IsSerializationFailure(const absl::Status& status);

}  // namespace cellchain::pg

#endif  // CELLCHAIN_SERVICES_COMMON_PG_ERROR_H_
