// Shared pieces of the cellchain command-line client: its options, the call
// context every command uses (deadline, request id, session token), and the
// one-line error report.
// Thread-safety: used from main() only.
#ifndef CELLCHAIN_CLIENTS_CLI_CLI_H_
#define CELLCHAIN_CLIENTS_CLI_CLI_H_

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>
#include <grpcpp/support/status.h>

#include <chrono>
#include <cstdint>
#include <istream>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "cellchain/common/v1/common.pb.h"
#include "clients/cli/enum_words.h"
#include "clients/cli/options.h"
#include "clients/cli/table.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/generated_enum_reflection.h"
#include "google/protobuf/message.h"
#include "google/protobuf/timestamp.pb.h"
#include "services/common/config/config.h"

namespace cellchain::cli {

// A context for one call: the deadline `deadline`, the session
// token as "authorization: Bearer <token>" when there is one, and
// `request_id` as x-request-id when not empty (to find the call in the
// server log).
std::unique_ptr<grpc::ClientContext> NewCallContext(
    const CallOptions& options, std::chrono::milliseconds deadline,
    const std::string& request_id = "");
inline std::unique_ptr<grpc::ClientContext> NewCallContext(
    const CallOptions& options) {
  return NewCallContext(options, options.deadline);
}

// A new client request id for a mutating call's RequestContext: "cli_" and
// 26 random characters (the server accepts 16 to 64 of [A-Za-z0-9_-]).
std::string NewRequestId();

// The client's name that starts each message it prints ("cellchain",
// "cellchain-qa"); RunProgram (run.h) sets it once, before any thread.
const std::string& ProgramName();
void SetProgramName(std::string name);

// Prints "PROGRAM: <command>: <CODE>: <message> (reason: R) (field: f)"
// to stderr and returns 1. A message that starts with its own reason (the
// access gate's "ROLE_NOT_ALLOWED: …") is printed without that prefix.
int Report(const std::string& command, const grpc::Status& status);
// The same for a status of the client's own (its reason and field printed
// as the server's are).
int Report(const std::string& command, const absl::Status& status);

// "2026-12-02T08:15:30Z" (UTC, to the second), or "-" when unset: a time
// as the tables of people-facing commands show it.
std::string DisplayTime(const google::protobuf::Timestamp& t);

// A client request id that is the same whenever `request` is (its own
// context's request id left empty) for the same `what` (the command):
// "cli_" and 40 hex characters of SHA-256. The server answers a request id
// it has seen from this user with its first response and writes nothing, so
// a command that sends many requests can be run again after a failure
// without recording twice what was recorded.
std::string RequestIdOf(std::string_view what,
                        const google::protobuf::Message& request);

// A mutating call's context: a new request id and --reason.
inline common::v1::RequestContext NewRequestContext(const CallOptions& o) {
  common::v1::RequestContext context;
  context.set_request_id(NewRequestId());
  context.set_reason(o.reason);
  return context;
}

// An RFC 3339 time ("2026-11-22T10:00:00Z", "...+01:00") into `out`;
// false when `text` is not one.
bool ParseTime(const std::string& text, google::protobuf::Timestamp* out);

// Prints "cellchain: <command>: <message>" to stderr and returns `code`.
int Fail(const std::string& command, const std::string& message, int code);

// Calls `method` of a new stub of its service on `channel` with the context
// of `o` (NewCallContext): `Call(channel, o, &Stub::GetBatch, request,
// &response)`.
template <typename Stub, typename Request, typename Response>
grpc::Status Call(const std::shared_ptr<grpc::Channel>& channel,
                  const CallOptions& o,
                  grpc::Status (Stub::*method)(grpc::ClientContext*,
                                               const Request&, Response*),
                  const Request& request, Response* response) {
  Stub stub(channel);
  std::unique_ptr<grpc::ClientContext> context = NewCallContext(o);
  return (stub.*method)(context.get(), request, response);
}

// The values of flags that a command reads itself. Each leaves `out` as it
// is when `text` is empty (the flag was not given) and returns true; when
// `text` is not such a value, prints "cellchain: <command>: --<flag>: ..."
// and returns false (the command then exits 2).
// An RFC 3339 time (2026-11-22T10:00:00Z).
bool ReadTimeFlag(const std::string& command, const char* flag,
                  const std::string& text, google::protobuf::Timestamp* out);
// A finite number, cell counts in scientific notation too (2.5e6).
bool ReadNumberFlag(const std::string& command, const char* flag,
                    const std::string& text, double* out);
// A whole number (an int32).
bool ReadWholeFlag(const std::string& command, const char* flag,
                   const std::string& text, int32_t* out);

// The value of an enum's flag as a person types it ("dose-bag" for
// ITEM_TYPE_DOSE_BAG, `prefix` left out; ParseEnumName) into `out`. Unlike
// the readers above it refuses an empty `text` too (a command tests an
// optional flag for empty first): prints "cellchain: <command>: --<flag>:
// <the enum's values>" (EnumChoices) and returns false, the command then
// exiting 2.
bool ParseEnumNumber(const std::string& command, const char* flag,
                     const std::string& text,
                     const google::protobuf::EnumDescriptor* values,
                     std::string_view prefix, int* out);
template <typename Enum>
bool ParseEnumFlag(const std::string& command, const char* flag,
                   const std::string& text, std::string_view prefix,
                   Enum* out) {
  int number = 0;
  if (!ParseEnumNumber(command, flag, text,
                       google::protobuf::GetEnumDescriptor<Enum>(), prefix,
                       &number)) {
    return false;
  }
  *out = static_cast<Enum>(number);
  return true;
}

// A finite number as typed (35, 0.25, 2.5e6) into `out`; false for any other
// text, "inf" and "nan" among them.
bool ParseNumber(const std::string& text, double* out);

// The signer's e-signature with `meaning`, the password asked again (typed
// without echo, or from --password-stdin / --password-env): "password to
// sign <what> (APPROVED)". False, after printing why, when it cannot be
// read.
bool ReadSignature(const CallOptions& o, const std::string& command,
                   const std::string& what,
                   common::v1::SignatureMeaning meaning,
                   common::v1::ESignature* out);

// "key=value" lines from `in` (blank lines skipped, a CR before the LF
// dropped) into the field each key names, for data that must never be a
// command-line argument, which every user of the host can read (a donor's
// or a patient's identifying data). False, after printing "--<flag>: lines
// are name=, ... or mrn=", for a line of another key.
bool ReadKeyValueLines(
    const std::string& command, const char* flag, std::istream& in,
    const std::vector<std::pair<std::string, std::string*>>& fields);

// `text` broken at its spaces into lines of at most `width` characters (a
// longer word on a line of its own), each ended by "\n": help that names a
// list read from the proto is as long as the proto makes it. Help texts are
// wrapped as the hand-wrapped ones: a command's to 72 columns.
std::string Wrap(const std::string& text, size_t width);
// A flag's help of one paragraph, wrapped to 66 columns (FlagsUsage indents
// it by 6 and ends its last line).
std::string FlagHelp(const std::string& text);

// --format of a group's listings, declared once for every group that has
// them: table (aligned, for people; the default), json or csv (for tools,
// Table::Render), bound to `format`. `commands` names the group's commands
// that take it ("query, history"), for its help.
void DeclareFormatFlag(config::Loader& loader, std::string* format,
                       std::string_view commands);

// True when --format asks for a document for tools (json, csv): the listing
// is then all a command writes to stdout; a note for people (how many, that
// more match) goes to stderr or is left out.
bool ForTools(std::string_view format);

// `table`, filled with raw cells, printed to stdout as --format asks.
void PrintListing(const Table& table, std::string_view format);

// A time as a listing's raw cell: DisplayTime, or "" when unset (the table
// shows "-", JSON "" and CSV an empty field).
std::string CellTime(const google::protobuf::Timestamp& t);

}  // namespace cellchain::cli

#endif  // CELLCHAIN_CLIENTS_CLI_CLI_H_
