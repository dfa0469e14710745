#include "clients/cli/cli.h"

#include <algorithm>
#include <cmath>
#include <iostream>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "clients/cli/commands.h"
#include "clients/cli/session.h"
#include "clients/common/status_line.h"
#include "services/common/crypto/random.h"
#include "services/common/crypto/sha256.h"
#include "services/common/fields/fields.h"
#include "services/common/grpc/client.h"
#include "services/common/grpc/grpc_status.h"
#include "services/common/status/status.h"

namespace cellchain::cli {

namespace {
std::string& MutableProgramName() {
  static auto* const name = new std::string("cellchain");
  return *name;
}
}  // namespace

const std::string& ProgramName() { return MutableProgramName(); }
void SetProgramName(std::string name) {
  MutableProgramName() = std::move(name);
}

int Report(const std::string& command, const grpc::Status& wire) {
  return Report(command, grpcx::FromGrpcStatus(wire));
}

int Report(const std::string& command, const absl::Status& status) {
  std::string field = FieldOf(status);
  std::string message = client::MessageWithoutReason(status);
  // A refused field is named by the flag the person typed for it ("--lot-id:
  // required", not "donor_lot_id: required"); the field stays at the end
  // for scripts.
  if (std::string flag = FlagForField(command, field); !flag.empty()) {
    if (message.starts_with(field + ": ")) message.erase(0, field.size() + 2);
    message = "--" + flag + ": " + message;
  }
  std::cerr << ProgramName() << ": " << command << ": "
            << client::StatusLine(status, message) << "\n";
  return 1;
}

std::string DisplayTime(const google::protobuf::Timestamp& t) {
  if (t.seconds() == 0 && t.nanos() == 0) return "-";
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", fields::ToTime(t),
                          absl::UTCTimeZone());
}

bool ParseTime(const std::string& text, google::protobuf::Timestamp* out) {
  absl::Time time;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, text, &time, &error)) return false;
  int64_t micros = absl::ToUnixMicros(time);
  out->set_seconds(micros / 1000000);
  out->set_nanos(static_cast<int32_t>(micros % 1000000) * 1000);
  return true;
}

int Fail(const std::string& command, const std::string& message, int code) {
  std::cerr << ProgramName() << ": " << command << ": " << message << "\n";
  return code;
}

std::unique_ptr<grpc::ClientContext> NewCallContext(
    const CallOptions& options, std::chrono::milliseconds deadline,
    const std::string& request_id) {
  std::unique_ptr<grpc::ClientContext> context =
      grpcx::NewContext(deadline, request_id);
  if (!options.session_token.empty()) {
    context->AddMetadata("authorization", "Bearer " + options.session_token);
  }
  return context;
}

std::string NewRequestId() { return crypto::RandomId("cli"); }

std::string RequestIdOf(std::string_view what,
                        const google::protobuf::Message& request) {
  std::string bytes;
  request.SerializeToString(&bytes);
  std::string text(what);
  text += '\n';
  text += bytes;
  return "cli_" + crypto::Sha256Hex(text).substr(0, 40);
}

bool ReadTimeFlag(const std::string& command, const char* flag,
                  const std::string& text, google::protobuf::Timestamp* out) {
  if (text.empty()) return true;
  google::protobuf::Timestamp parsed;
  if (ParseTime(text, &parsed)) {
    *out = parsed;
    return true;
  }
  Fail(
      command,
      absl::StrCat("--", flag, ": not an RFC 3339 time (2026-11-22T10:00:00Z)"),
      2);
  return false;
}

bool ReadNumberFlag(const std::string& command, const char* flag,
                    const std::string& text, double* out) {
  if (text.empty()) return true;
  double value = 0;
  if (ParseNumber(text, &value)) {
    *out = value;
    return true;
  }
  Fail(command, absl::StrCat("--", flag, ": not a number (e.g. 2.5e6)"), 2);
  return false;
}

bool ReadWholeFlag(const std::string& command, const char* flag,
                   const std::string& text, int32_t* out) {
  if (text.empty()) return true;
  if (absl::SimpleAtoi(text, out)) return true;
  Fail(command, absl::StrCat("--", flag, ": not a whole number"), 2);
  return false;
}

bool ParseEnumNumber(const std::string& command, const char* flag,
                     const std::string& text,
                     const google::protobuf::EnumDescriptor* values,
                     std::string_view prefix, int* out) {
  const google::protobuf::EnumValueDescriptor* value =
      text.empty()
          ? nullptr
          : values->FindValueByName(std::string(prefix) + EnumWord(text));
  if (value != nullptr && value->number() != 0) {
    *out = value->number();
    return true;
  }
  Fail(command, absl::StrCat("--", flag, ": ", EnumChoices(values, prefix)), 2);
  return false;
}

bool ParseNumber(const std::string& text, double* out) {
  return absl::SimpleAtod(text, out) && std::isfinite(*out);
}

bool ReadSignature(const CallOptions& o, const std::string& command,
                   const std::string& what,
                   common::v1::SignatureMeaning meaning,
                   common::v1::ESignature* out) {
  std::string meaning_name = absl::AsciiStrToUpper(LowerName(
      common::v1::SignatureMeaning_Name(meaning), "SIGNATURE_MEANING_"));
  absl::StatusOr<std::string> password = ReadPassword(
      {.env_var = o.password_env, .from_stdin = o.password_stdin},
      absl::StrCat("password to sign ", what, " (", meaning_name, ")"), false);
  if (!password.ok()) {
    Fail(command, std::string(password.status().message()), 2);
    return false;
  }
  out->set_password(*password);
  out->set_meaning(meaning);
  return true;
}

bool ReadKeyValueLines(
    const std::string& command, const char* flag, std::istream& in,
    const std::vector<std::pair<std::string, std::string*>>& fields) {
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    size_t eq = line.find('=');
    std::string key = line.substr(0, eq);
    auto field = std::find_if(fields.begin(), fields.end(),
                              [&](const auto& f) { return f.first == key; });
    if (field == fields.end()) {
      std::vector<std::string> keys;
      for (const auto& f : fields) keys.push_back(f.first + "=");
      std::string last = keys.back();
      keys.pop_back();
      Fail(command,
           absl::StrCat("--", flag, ": lines are ", absl::StrJoin(keys, ", "),
                        keys.empty() ? "" : " or ", last),
           2);
      return false;
    }
    *field->second = eq == std::string::npos ? "" : line.substr(eq + 1);
  }
  return true;
}

std::string Wrap(const std::string& text, size_t width) {
  std::string out;
  std::string line;
  for (const std::string& word :
       std::vector<std::string>(absl::StrSplit(text, ' ', absl::SkipEmpty()))) {
    if (!line.empty() && line.size() + 1 + word.size() > width) {
      absl::StrAppend(&out, line, "\n");
      line.clear();
    }
    absl::StrAppend(&line, line.empty() ? "" : " ", word);
  }
  if (!line.empty()) absl::StrAppend(&out, line, "\n");
  return out;
}

std::string FlagHelp(const std::string& text) {
  std::string wrapped = Wrap(text, 66);
  if (!wrapped.empty()) wrapped.pop_back();
  return wrapped;
}

void DeclareFormatFlag(config::Loader& loader, std::string* format,
                       std::string_view commands) {
  loader.Enum("format", format, {"table", "json", "csv"},
              FlagHelp(absl::StrCat(
                  std::string(commands),
                  ": table (aligned, for people), json (an array of "
                  "objects keyed by the columns' names in snake_case) or "
                  "csv (a header line, then a line per row); json and csv "
                  "hold the values as the server sent them, escaped for "
                  "the format, and nothing else goes to stdout.")));
}

bool ForTools(std::string_view format) { return format != "table"; }

void PrintListing(const Table& table, std::string_view format) {
  std::cout << table.Render(
      ParseOutputFormat(format).value_or(OutputFormat::kTable));
}

std::string CellTime(const google::protobuf::Timestamp& t) {
  if (t.seconds() == 0 && t.nanos() == 0) return "";
  return DisplayTime(t);
}

}  // namespace cellchain::cli
