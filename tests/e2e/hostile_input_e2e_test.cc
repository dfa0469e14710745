// Hostile input over real mTLS against a real cellchaind (issue 13, "Bad
// input"): every RPC of every hosted service, enumerated from the compiled
// descriptors as the role matrix does, is called field by field with values
// generated from the field's type — oversized, control-laden, bidi-spoofing,
// SQL-ish and path-traversing strings, invalid UTF-8, garbage bytes, extreme
// and non-finite numbers, unknown enum numbers, timestamps outside 0001-9999
// or with nanos out of range, 100k-element repeated fields, nested messages
// present but empty, and a request just over the server's receive limit.
//
// Each value is sent in an otherwise empty request (its enclosing messages
// present), by a user holding every role so that every call reaches its
// handler. Numbers, enums, timestamps, bytes and repeated fields get every
// value of their type; a string field gets three of the ten string values,
// in turn across the RPC's string fields (a test takes about 15 s);
// CELLCHAIN_HOSTILE_ALL_STRINGS=1 sends all ten to every string field.
// Every call of a test goes over one mTLS channel, as a workstation or
// cellchain-web keeps its connection.
//
// What a user would notice, asserted for each call:
//   - a clear status: not OK (unless a read that matched nothing, see
//     MayAnswerOk, or one of kAccepted's few legitimate values), not
//     INTERNAL/UNKNOWN/UNAVAILABLE/DEADLINE_EXCEEDED/ABORTED;
//   - an INVALID_ARGUMENT names a field or a rule (ErrorDetail's field or
//     reason, as services/common/grpc/grpc_status.h sends them); a NUL, a
//     C0 control or invalid UTF-8 names the very field by its proto path
//     and the text rule (CheckRequestText, run before any handler);
//   - nothing written: the audit log holds as many records as before;
//   - the connection stays up: the channel is still READY after each call
//     (a refusal quoting a 1 MiB value once closed it, kept_channel_e2e_test);
//   - the process stays up: a health check answers SERVING after each RPC's
//     batch.
// The run prints a summary (RPCs, values tried, codes seen) that
// docs/reliability.md records.
#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>
#include <google/protobuf/reflection.h>
#include <grpcpp/completion_queue.h>
#include <grpcpp/generic/generic_stub.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <limits>
#include <map>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "cellchain/audit/v1/audit.grpc.pb.h"
#include "cellchain/clinical/v1/clinical.grpc.pb.h"
#include "cellchain/custody/v1/custody.grpc.pb.h"
#include "cellchain/donor/v1/donor.grpc.pb.h"
#include "cellchain/dose/v1/dose.grpc.pb.h"
#include "cellchain/identity/v1/identity.grpc.pb.h"
#include "cellchain/labels/v1/labels.grpc.pb.h"
#include "cellchain/manufacturing/v1/manufacturing.grpc.pb.h"
#include "cellchain/qc/v1/qc.grpc.pb.h"
#include "cellchain/system/v1/system.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/auth/access_policy.h"
#include "services/common/auth/roles.h"
#include "services/common/crypto/crypto.h"
#include "services/common/grpc/client.h"
#include "services/common/grpc/grpc_status.h"
#include "services/common/grpc/request_text.h"
#include "services/common/pg/connection.h"
#include "services/common/status/status.h"
#include "tests/e2e/e2e_test.h"
#include "tests/e2e/every_rpc.h"

namespace cellchain::e2e {
namespace {

namespace pb = ::google::protobuf;

constexpr char kUser[] = "hostile-all-roles";
// gRPC's default receive limit; cellchaind does not raise it.
constexpr size_t kMaxMessage = 4 * 1024 * 1024;
constexpr int kManyElements = 100000;

// A field of the request, reached from its top: every message on the way
// is set present (a repeated one gets one element).
using FieldPath = std::vector<const pb::FieldDescriptor*>;

std::string PathText(const FieldPath& path) {
  std::string text;
  for (const pb::FieldDescriptor* f : path) {
    absl::StrAppend(&text, text.empty() ? "" : ".", f->name());
  }
  return text;
}

// One hostile value for a field: its label in the summary and how it is
// put into the message that holds the field.
struct HostileValue {
  std::string label;
  std::function<void(pb::Message&, const pb::FieldDescriptor&)> put;
};

// Sets (or, repeated, adds) one value of each C++ type.
void PutString(pb::Message& m, const pb::FieldDescriptor& f, std::string v) {
  const pb::Reflection* r = m.GetReflection();
  if (f.is_repeated()) {
    r->AddString(&m, &f, std::move(v));
  } else {
    r->SetString(&m, &f, std::move(v));
  }
}

template <typename T>
void PutNumber(pb::Message& m, const pb::FieldDescriptor& f, T v) {
  const pb::Reflection* r = m.GetReflection();
  const bool rep = f.is_repeated();
  switch (f.cpp_type()) {
    case pb::FieldDescriptor::CPPTYPE_INT32:
      rep ? r->AddInt32(&m, &f, static_cast<int32_t>(v))
          : r->SetInt32(&m, &f, static_cast<int32_t>(v));
      break;
    case pb::FieldDescriptor::CPPTYPE_INT64:
      rep ? r->AddInt64(&m, &f, static_cast<int64_t>(v))
          : r->SetInt64(&m, &f, static_cast<int64_t>(v));
      break;
    case pb::FieldDescriptor::CPPTYPE_UINT32:
      rep ? r->AddUInt32(&m, &f, static_cast<uint32_t>(v))
          : r->SetUInt32(&m, &f, static_cast<uint32_t>(v));
      break;
    case pb::FieldDescriptor::CPPTYPE_UINT64:
      rep ? r->AddUInt64(&m, &f, static_cast<uint64_t>(v))
          : r->SetUInt64(&m, &f, static_cast<uint64_t>(v));
      break;
    case pb::FieldDescriptor::CPPTYPE_DOUBLE:
      rep ? r->AddDouble(&m, &f, static_cast<double>(v))
          : r->SetDouble(&m, &f, static_cast<double>(v));
      break;
    case pb::FieldDescriptor::CPPTYPE_FLOAT:
      rep ? r->AddFloat(&m, &f, static_cast<float>(v))
          : r->SetFloat(&m, &f, static_cast<float>(v));
      break;
    case pb::FieldDescriptor::CPPTYPE_BOOL:
      rep ? r->AddBool(&m, &f, v != 0) : r->SetBool(&m, &f, v != 0);
      break;
    case pb::FieldDescriptor::CPPTYPE_ENUM:
      rep ? r->AddEnumValue(&m, &f, static_cast<int>(v))
          : r->SetEnumValue(&m, &f, static_cast<int>(v));
      break;
    default:
      break;
  }
}

pb::Message* PutMessage(pb::Message& m, const pb::FieldDescriptor& f) {
  const pb::Reflection* r = m.GetReflection();
  return f.is_repeated() ? r->AddMessage(&m, &f) : r->MutableMessage(&m, &f);
}

bool IsTimestamp(const pb::FieldDescriptor& f) {
  return f.cpp_type() == pb::FieldDescriptor::CPPTYPE_MESSAGE &&
         f.message_type()->full_name() == "google.protobuf.Timestamp";
}

HostileValue Text(std::string label, std::string value) {
  return {std::move(label),
          [value](pb::Message& m, const pb::FieldDescriptor& f) {
            PutString(m, f, value);
          }};
}

template <typename T>
HostileValue Number(std::string label, T value) {
  return {std::move(label),
          [value](pb::Message& m, const pb::FieldDescriptor& f) {
            PutNumber(m, f, value);
          }};
}

HostileValue Stamp(std::string label, int64_t seconds, int32_t nanos) {
  return {std::move(label),
          [seconds, nanos](pb::Message& m, const pb::FieldDescriptor& f) {
            pb::Message* t = PutMessage(m, f);
            const pb::Descriptor* d = t->GetDescriptor();
            t->GetReflection()->SetInt64(t, d->FindFieldByName("seconds"),
                                         seconds);
            t->GetReflection()->SetInt32(t, d->FindFieldByName("nanos"), nanos);
          }};
}

// 100k elements of an ordinary value (a message element empty, a map
// entry's key distinct so that the entries stay 100k once parsed).
HostileValue ManyElements() {
  return {
      "100k elements", [](pb::Message& m, const pb::FieldDescriptor& f) {
        for (int i = 0; i < kManyElements; ++i) {
          switch (f.cpp_type()) {
            case pb::FieldDescriptor::CPPTYPE_STRING:
              PutString(m, f, "x");
              break;
            case pb::FieldDescriptor::CPPTYPE_MESSAGE: {
              pb::Message* e = PutMessage(m, f);
              if (f.is_map()) {
                const pb::FieldDescriptor* key =
                    e->GetDescriptor()->FindFieldByName("key");
                if (key->cpp_type() == pb::FieldDescriptor::CPPTYPE_STRING) {
                  e->GetReflection()->SetString(e, key, absl::StrCat("k", i));
                } else {
                  PutNumber(*e, *key, i + 1);
                }
              }
              break;
            }
            default:
              PutNumber(m, f, 1);
          }
        }
      }};
}

// The values tried for a field of f's type. Zero, false and "" are what an
// absent field reads as in proto3: the empty request covers them.
std::vector<HostileValue> ValuesFor(const pb::FieldDescriptor& f) {
  std::vector<HostileValue> values;
  using L64 = std::numeric_limits<int64_t>;
  using L32 = std::numeric_limits<int32_t>;
  switch (f.cpp_type()) {
    case pb::FieldDescriptor::CPPTYPE_STRING:
      if (f.type() == pb::FieldDescriptor::TYPE_BYTES) {
        values.push_back(Text("1 MiB of 0xff", std::string(1 << 20, '\xff')));
        values.push_back(Text("NUL and invalid UTF-8 bytes",
                              std::string("\0\xff\xfe\x80", 4)));
        break;
      }
      values.push_back(Text("1 MiB", std::string(1 << 20, 'x')));
      values.push_back(Text("64 KiB", std::string(64 << 10, 'y')));
      values.push_back(Text("NUL", std::string("ab\0cd", 5)));
      values.push_back(Text("C0 controls (ESC, BEL, LF)", "a\x1b[31m\x07\nb"));
      values.push_back(Text("invalid UTF-8", "\xc3\x28\xff"));
      values.push_back(Text("RTL override", "abc\u202Efdp.exe"));
      values.push_back(Text("4 KiB id", "id_" + std::string(4093, 'a')));
      values.push_back(Text("SQL", "'; DROP TABLE x; --"));
      values.push_back(Text("path traversal", "../../etc/passwd"));
      values.push_back(Text("blank", "   "));
      break;
    case pb::FieldDescriptor::CPPTYPE_INT32:
      values.push_back(Number("INT32_MIN", L32::min()));
      values.push_back(Number("-1", -1));
      values.push_back(Number("INT32_MAX", L32::max()));
      break;
    case pb::FieldDescriptor::CPPTYPE_INT64:
      values.push_back(Number("INT64_MIN", L64::min()));
      values.push_back(Number("-1", int64_t{-1}));
      values.push_back(Number("INT64_MAX", L64::max()));
      break;
    case pb::FieldDescriptor::CPPTYPE_UINT32:
    case pb::FieldDescriptor::CPPTYPE_UINT64:
      values.push_back(
          Number("UINT64_MAX", std::numeric_limits<uint64_t>::max()));
      break;
    case pb::FieldDescriptor::CPPTYPE_DOUBLE:
    case pb::FieldDescriptor::CPPTYPE_FLOAT:
      values.push_back(Number("NaN", std::nan("")));
      values.push_back(Number("+Inf", std::numeric_limits<double>::infinity()));
      values.push_back(
          Number("-Inf", -std::numeric_limits<double>::infinity()));
      values.push_back(Number("-1", -1.0));
      values.push_back(Number("1e300", 1e300));
      break;
    case pb::FieldDescriptor::CPPTYPE_BOOL:
      values.push_back(Number("true", 1));
      break;
    case pb::FieldDescriptor::CPPTYPE_ENUM:
      values.push_back(Number("unknown enum 99999", 99999));
      values.push_back(Number("enum -7", -7));
      break;
    case pb::FieldDescriptor::CPPTYPE_MESSAGE:
      if (IsTimestamp(f)) {
        values.push_back(Stamp("before 0001", -62135596801, 0));
        values.push_back(Stamp("after 9999", 253402300800, 0));
        values.push_back(Stamp("nanos -1", 1700000000, -1));
        values.push_back(Stamp("nanos 1e9", 1700000000, 1000000000));
        values.push_back(Stamp("INT64_MIN seconds", L64::min(), 0));
      } else {
        values.push_back({"present, every field missing",
                          [](pb::Message& m, const pb::FieldDescriptor& f) {
                            PutMessage(m, f);
                          }});
      }
      break;
  }
  if (f.is_repeated()) values.push_back(ManyElements());
  return values;
}

// Every field of `type` that a value is put into: its own fields and, down
// to `depth` levels, those of its message fields (not of a timestamp or a
// map entry, which are values of their own).
void CollectPaths(const pb::Descriptor& type, FieldPath prefix, int depth,
                  std::vector<FieldPath>* out) {
  for (int i = 0; i < type.field_count(); ++i) {
    const pb::FieldDescriptor* f = type.field(i);
    FieldPath path = prefix;
    path.push_back(f);
    out->push_back(path);
    if (depth > 0 && f->cpp_type() == pb::FieldDescriptor::CPPTYPE_MESSAGE &&
        !IsTimestamp(*f) && !f->is_map()) {
      CollectPaths(*f->message_type(), path, depth - 1, out);
    }
  }
}

// The field's path as CheckRequestText names it: a repeated field's one
// element is [0] ("readings[0].note").
std::string WirePath(const FieldPath& path) {
  std::string text;
  for (const pb::FieldDescriptor* f : path) {
    absl::StrAppend(&text, text.empty() ? "" : ".", f->name(),
                    f->is_repeated() ? "[0]" : "");
  }
  return text;
}

// The reason CheckRequestText gives a string value of `label` in `field`,
// or nullptr for a value it lets through to the service.
const char* TextRuleOf(const std::string& label, const std::string& field) {
  if (label == "NUL") return grpcx::kReasonNulCharacter;
  if (label == "C0 controls (ESC, BEL, LF)") {
    return grpcx::kReasonControlCharacter;
  }
  if (label == "invalid UTF-8") return grpcx::kReasonInvalidUtf8;
  // A password is never shown, so it may hold a bidi control.
  if (label == "RTL override" && !absl::StrContains(field, "password")) {
    return grpcx::kReasonBidiControl;
  }
  return nullptr;
}

// Reads that may answer OK to a hostile value that matches nothing (a
// filter, a page size clamped): they write nothing, which the test still
// checks. Every other RPC writes, and must refuse.
bool MayAnswerOk(const std::string& method_name) {
  for (const char* prefix :
       {"Get", "List", "Query", "Trace", "Find", "Calculate", "WhoAmI", "Ping",
        "VerifyLog", "ExportBundle"}) {
    if (absl::StartsWith(method_name, prefix)) return true;
  }
  return false;
}

// The requests a write may accept, each with why: kept short, every entry
// a value that is legitimately acceptable, not a refusal the test excuses.
struct Accepted {
  const char* method;
  const char* field;
  const char* value;
  const char* why;
};
constexpr Accepted kAccepted[] = {
    {"Logout", "(request)", "empty",
     "LogoutRequest has no field: the session is its whole input, and "
     "ending it is recorded (user.logout) as the caller asked"},
    // With a request context (the second test):
    {"RegisterDonor", "identifying", "present, every field missing",
     "every identifying part is optional: a cord's donor may be registered "
     "before the mother's data arrives"},
    {"RegisterDonor", "identifying.medical_record_number", "SQL",
     "a record number is another hospital's opaque text of at most 64 "
     "characters, sealed and only ever a query parameter: quotes are data"},
    {"RegisterDonor", "identifying.medical_record_number", "path traversal",
     "as above: dots and slashes are data in a sealed record number"},
    {"RegisterDonor", "identifying.name", "SQL",
     "names hold apostrophes (O'Brien); sealed, a parameter: data"},
    {"RegisterDonor", "identifying.name", "path traversal",
     "as above: dots and slashes are data in a sealed name"},
    {"CreateSpecification", "use_default", "true",
     "the whole of a valid request: a specification of the default tests, "
     "under the configured name, as a draft awaiting approval"},
};

const Accepted* AcceptedWrite(const std::string& method,
                              const std::string& field,
                              const std::string& value) {
  for (const Accepted& accepted : kAccepted) {
    if (method == accepted.method && field == accepted.field &&
        value == accepted.value) {
      return &accepted;
    }
  }
  return nullptr;
}

// The codes that tell a caller clearly what happened to a request it should
// not have sent.
bool IsClear(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::INVALID_ARGUMENT:
    case grpc::StatusCode::FAILED_PRECONDITION:
    case grpc::StatusCode::NOT_FOUND:
    case grpc::StatusCode::PERMISSION_DENIED:
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
    case grpc::StatusCode::UNAUTHENTICATED:
    case grpc::StatusCode::OUT_OF_RANGE:
    case grpc::StatusCode::ALREADY_EXISTS:
      return true;
    default:
      return false;
  }
}

std::string CodeName(grpc::StatusCode code) {
  static const std::map<int, std::string> kNames = {{0, "OK"},
                                                    {1, "CANCELLED"},
                                                    {2, "UNKNOWN"},
                                                    {3, "INVALID_ARGUMENT"},
                                                    {4, "DEADLINE_EXCEEDED"},
                                                    {5, "NOT_FOUND"},
                                                    {6, "ALREADY_EXISTS"},
                                                    {7, "PERMISSION_DENIED"},
                                                    {8, "RESOURCE_EXHAUSTED"},
                                                    {9, "FAILED_PRECONDITION"},
                                                    {10, "ABORTED"},
                                                    {11, "OUT_OF_RANGE"},
                                                    {12, "UNIMPLEMENTED"},
                                                    {13, "INTERNAL"},
                                                    {14, "UNAVAILABLE"},
                                                    {15, "DATA_LOSS"},
                                                    {16, "UNAUTHENTICATED"}};
  auto it = kNames.find(code);
  return it == kNames.end() ? std::to_string(code) : it->second;
}

class HostileInputTest : public E2eTest {
 protected:
  void SetUp() override {
    E2eTest::SetUp();
    if (HasFatalFailure()) return;
    ASSERT_EQ(Bootstrap().exit_code, 0);
    // One user holding every role reaches every RPC's handler; technician
    // and QA in one person is a deployment's explicit choice. A training
    // clock, so that AdvanceClock's handler reads the hostile values (on
    // real time it refuses them all, TRAINING_CLOCK_OFF, unread).
    Start({"--allow-technician-qa", "--training-clock"});
    if (HasFatalFailure()) return;
    channel_ = daemon_->Channel("lab-ws-01");
    ASSERT_NE(channel_, nullptr);
    auto admin = daemon_->Login("admin-cli", "admin", kAdminPassword);
    ASSERT_TRUE(admin.ok()) << admin.status();
    admin_token_ = *admin;
    ASSERT_NO_FATAL_FAILURE(ProvisionAllRoles());
    auto audit = pg::Connection::Open(db_->conninfo());
    ASSERT_TRUE(audit.ok()) << audit.status();
    audit_ = std::make_unique<pg::Connection>(std::move(*audit));
  }

  // kUser, holding every role so that every RPC's gate lets the call reach
  // its service (a refusal at the gate is itself an audit record), with
  // its own password; token_ is its session at lab-ws-01.
  void ProvisionAllRoles();

  // Sends `wire` as the request of `method` with token_, through a generic
  // streaming call (the same wire for unary and server-streaming RPCs); a
  // first response of a stream cancels it and counts as OK.
  grpc::Status Call(const std::string& method, const std::string& wire,
                    const std::string& token);

  // The audit log's size: every write and every refusal the services
  // record is a record.
  int64_t AuditRecords() {
    auto r = audit_->Exec("SELECT count(*) FROM cellchain_audit.records");
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? r->GetInt64(0, 0).value_or(-1) : -1;
  }

  // grpc.health.v1.Health/Check for the whole server answers SERVING.
  bool Healthy();

  // A fresh session of kUser (Logout ends the one it is called with).
  std::string FreshToken() {
    auto token = daemon_->Login("lab-ws-01", kUser, password_);
    EXPECT_TRUE(token.ok()) << token.status();
    return token.ok() ? *token : "";
  }

  std::string admin_token_;
  std::string password_;
  std::string token_;
  // One mTLS channel at lab-ws-01 for every call of the test (a channel per
  // call cost a TCP connection and an mTLS handshake each, about 4,400 a
  // run, and hid a closed connection).
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<pg::Connection> audit_;

  // Sends every hostile value to every field of every RPC and checks what
  // each answer is (see the top of the file); prints the summary.
  // `with_context`: only the RPCs whose request has a `context`, which is
  // filled in (FillContext); its own fields are not tried.
  void Campaign(bool with_context);
};

// The request's `context` (cellchain.common.v1.RequestContext), when it has
// one: a fresh request id and a reason. False when it has none.
bool FillContext(pb::Message& request) {
  const pb::FieldDescriptor* context =
      request.GetDescriptor()->FindFieldByName("context");
  if (context == nullptr ||
      context->cpp_type() != pb::FieldDescriptor::CPPTYPE_MESSAGE ||
      context->message_type()->full_name() !=
          "cellchain.common.v1.RequestContext") {
    return false;
  }
  pb::Message* filled = PutMessage(request, *context);
  const pb::Descriptor* d = filled->GetDescriptor();
  filled->GetReflection()->SetString(filled, d->FindFieldByName("request_id"),
                                     crypto::RandomId("req"));
  filled->GetReflection()->SetString(filled, d->FindFieldByName("reason"),
                                     "hostile input campaign");
  return true;
}

TEST_F(HostileInputTest, EveryFieldOfEveryRpcRefusesHostileValuesClearly) {
  Campaign(/*with_context=*/false);
}

// The same values with the request's context (a fresh request id and a
// reason) filled in, in the RPCs that take one: a handler that checks the
// context first now reads the hostile field. Its own values are the first
// test's; the empty and oversized requests are not sent again.
TEST_F(HostileInputTest, WithARequestContextTheHandlersReadTheHostileField) {
  Campaign(/*with_context=*/true);
}

void HostileInputTest::Campaign(bool with_context) {
  std::vector<std::string> services = EveryService();
  ASSERT_EQ(services.size(), 10u);

  const pb::DescriptorPool* pool = pb::DescriptorPool::generated_pool();
  pb::MessageFactory* factory = pb::MessageFactory::generated_factory();
  std::map<std::string, int> codes_seen;
  // Where the run's time goes, by value (the budget is about a minute).
  std::map<std::string, double> seconds_of;
  int rpcs = 0;
  int rpcs_tried = 0;
  int tried = 0;
  int refused = 0;
  int answered_ok = 0;
  int named_the_field = 0;
  int invalid_arguments = 0;
  const auto started = std::chrono::steady_clock::now();
  for (const std::string& service_name : services) {
    const pb::ServiceDescriptor* service =
        pool->FindServiceByName(service_name);
    ASSERT_NE(service, nullptr) << service_name;
    for (int m = 0; m < service->method_count(); ++m) {
      const pb::MethodDescriptor* method = service->method(m);
      const std::string path =
          absl::StrCat("/", service_name, "/", method->name());
      ++rpcs;
      const pb::Message* prototype =
          factory->GetPrototype(method->input_type());
      ASSERT_NE(prototype, nullptr) << path;

      // One request: `label` names the value; `wire` its bytes.
      auto attempt = [&](const std::string& field, const std::string& label,
                         const std::string& wire,
                         const std::string& wire_path = "") {
        // Logout ends the session it is called with: it gets a fresh one,
        // before the count (a login is itself recorded).
        const std::string token =
            method->name() == "Logout" ? FreshToken() : token_;
        const int64_t baseline = AuditRecords();
        const auto sent = std::chrono::steady_clock::now();
        grpc::Status status = Call(path, wire, token);
        seconds_of[label] += std::chrono::duration<double>(
                                 std::chrono::steady_clock::now() - sent)
                                 .count();
        const int64_t after = AuditRecords();
        ++tried;
        ++codes_seen[CodeName(status.error_code())];
        const std::string what = absl::StrCat(
            path, " ", field, " = ", label, ": ", CodeName(status.error_code()),
            " ", status.error_message().substr(0, 200));
        const Accepted* accepted =
            status.ok() ? AcceptedWrite(method->name(), field, label) : nullptr;
        if (status.ok()) {
          ++answered_ok;
          EXPECT_TRUE(MayAnswerOk(method->name()) || accepted != nullptr)
              << "accepted " << what;
        } else {
          ++refused;
          EXPECT_TRUE(IsClear(status.error_code())) << what;
        }
        if (accepted == nullptr) {
          EXPECT_EQ(after, baseline)
              << "wrote " << (after - baseline) << " audit records: " << what;
        }
        if (status.error_code() == grpc::StatusCode::INVALID_ARGUMENT) {
          ++invalid_arguments;
          absl::Status received = grpcx::FromGrpcStatus(status);
          const std::string named = FieldOf(received);
          EXPECT_FALSE(named.empty() && ReasonOf(received).empty())
              << "names no field or rule: " << what;
          if (!named.empty() &&
              absl::StartsWith(named, wire_path.empty() ? field : wire_path)) {
            ++named_the_field;
          }
        }
        // The text rules every service runs before parsing (CheckRequestText)
        // name the very field, by its proto path, and the rule.
        if (const char* rule = TextRuleOf(label, field); rule != nullptr) {
          absl::Status received = grpcx::FromGrpcStatus(status);
          EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
              << what;
          EXPECT_EQ(FieldOf(received), wire_path) << what;
          EXPECT_EQ(ReasonOf(received), rule) << what;
        }
      };

      if (with_context) {
        std::unique_ptr<pb::Message> probe(prototype->New());
        if (!FillContext(*probe)) continue;
      }
      ++rpcs_tried;
      // Nested messages missing: the empty request.
      if (!with_context) attempt("(request)", "empty", "");
      // Just over the receive limit: refused by gRPC before any handler.
      // The limit is the server's, not a method's: once per service.
      if (m == 0 && !with_context) {
        const int64_t baseline = AuditRecords();
        std::unique_ptr<pb::Message> request(prototype->New());
        std::string wire = request->SerializeAsString();
        // An unknown length-delimited field 536870911 (the largest number).
        std::string pad(kMaxMessage + 1024, 'z');
        wire.append("\xfa\xff\xff\xff\x0f");
        size_t n = pad.size();
        while (n >= 0x80) {
          wire.push_back(static_cast<char>((n & 0x7f) | 0x80));
          n >>= 7;
        }
        wire.push_back(static_cast<char>(n));
        wire += pad;
        const std::string token =
            method->name() == "Logout" ? FreshToken() : token_;
        grpc::Status status = Call(path, wire, token);
        ++tried;
        ++refused;
        ++codes_seen[CodeName(status.error_code())];
        EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED)
            << path << " just over 4 MiB: " << status.error_message();
        EXPECT_EQ(AuditRecords(), baseline) << path << " just over 4 MiB";
      }

      std::vector<FieldPath> fields;
      CollectPaths(*method->input_type(), {}, /*depth=*/2, &fields);
      // A string field gets kStringSample of the string values, taken in
      // turn across the RPC's string fields, so that an RPC with four or
      // more string fields meets every one of them (all of them for every
      // field would take minutes: each call costs a session check).
      const size_t kStringSample =
          std::getenv("CELLCHAIN_HOSTILE_ALL_STRINGS") != nullptr ? 10 : 3;
      size_t next_string_value = 0;
      for (const FieldPath& field : fields) {
        if (with_context && field.front()->name() == "context") continue;
        std::vector<HostileValue> values = ValuesFor(*field.back());
        const bool text =
            field.back()->type() == pb::FieldDescriptor::TYPE_STRING;
        if (text) {
          const size_t kinds = values.size() - (field.back()->is_repeated());
          std::vector<HostileValue> sample;
          for (size_t i = 0; i < kStringSample; ++i) {
            sample.push_back(values[next_string_value++ % kinds]);
          }
          if (field.back()->is_repeated()) sample.push_back(values.back());
          values = std::move(sample);
        }
        for (const HostileValue& value : values) {
          std::unique_ptr<pb::Message> request(prototype->New());
          if (with_context) FillContext(*request);
          pb::Message* holder = request.get();
          for (size_t i = 0; i + 1 < field.size(); ++i) {
            holder = PutMessage(*holder, *field[i]);
          }
          value.put(*holder, *field.back());
          std::string wire;
          ASSERT_TRUE(request->SerializePartialToString(&wire));
          ASSERT_LE(wire.size(), kMaxMessage) << path << " " << value.label;
          attempt(PathText(field), value.label, wire, WirePath(field));
        }
      }
      EXPECT_TRUE(Healthy()) << "cellchaind unhealthy after " << path;
      // No hostile value may end or lock the session it came with.
      grpc::Status who =
          Call("/cellchain.identity.v1.AuthService/WhoAmI", "", token_);
      EXPECT_TRUE(who.ok())
          << "session lost after " << path << ": " << who.error_message();
      if (!who.ok()) token_ = FreshToken();
      if (HasFatalFailure()) return;
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started)
          .count();
  std::cout << "hostile input" << (with_context ? " with a context: " : ": ")
            << rpcs_tried << " RPCs, " << tried << " requests, " << refused
            << " refused, " << answered_ok
            << " answered OK (reads or kAccepted), " << invalid_arguments
            << " INVALID_ARGUMENT (" << named_the_field
            << " naming the very field tried), " << seconds << " s\n";
  for (const auto& [code, count] : codes_seen) {
    std::cout << "  " << code << ": " << count << "\n";
  }
  for (const auto& [label, spent] : seconds_of) {
    std::cout << "  " << label << ": " << spent << " s\n";
  }
  EXPECT_EQ(rpcs, 120);
}

// The helpers declared above.

void HostileInputTest::ProvisionAllRoles() {
  password_ = "own password " + crypto::RandomId("p");
  absl::Status provisioned =
      ProvisionUser(*daemon_, admin_token_, kUser, "Hostile Tester",
                    auth::AllRoles(), password_);
  ASSERT_TRUE(provisioned.ok()) << provisioned;
  token_ = FreshToken();
  ASSERT_FALSE(token_.empty());
}

grpc::Status HostileInputTest::Call(const std::string& method,
                                    const std::string& wire,
                                    const std::string& token) {
  grpc::Status status = CallGeneric(channel_, method, wire, token);
  EXPECT_EQ(channel_->GetState(/*try_to_connect=*/false), GRPC_CHANNEL_READY)
      << "the connection was closed after " << method << " ("
      << wire.size() << " bytes): " << status.error_code() << " "
      << status.error_message().substr(0, 200);
  return status;
}

bool HostileInputTest::Healthy() {
  // grpc.health.v1.HealthCheckRequest{service: ""} is the empty message;
  // HealthCheckResponse{status: SERVING (1)} is field 1 varint 1.
  grpc::GenericStub stub(channel_);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(10));
  grpc::CompletionQueue cq;
  grpc::Slice empty("");
  grpc::ByteBuffer request(&empty, 1);
  grpc::ByteBuffer response;
  grpc::Status status;
  std::unique_ptr<grpc::GenericClientAsyncResponseReader> call =
      stub.PrepareUnaryCall(&context, "/grpc.health.v1.Health/Check", request,
                            &cq);
  call->StartCall();
  call->Finish(&response, &status, reinterpret_cast<void*>(1));
  void* tag = nullptr;
  bool ok = false;
  cq.Next(&tag, &ok);
  cq.Shutdown();
  while (cq.Next(&tag, &ok)) {
  }
  if (!status.ok()) return false;
  std::vector<grpc::Slice> slices;
  if (!response.Dump(&slices).ok()) return false;
  std::string bytes;
  for (const grpc::Slice& s : slices) {
    bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  }
  return bytes == std::string("\x08\x01", 2);
}

}  // namespace
}  // namespace cellchain::e2e
