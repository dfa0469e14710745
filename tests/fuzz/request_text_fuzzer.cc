// Fuzz target: the front door of every service's request handling. Before
// protobuf parses a request and before any handler runs, cellchaind checks
// the request's wire bytes against the rules of its message type
// (services/common/grpc/request_text.h, CheckRequestText, run by
// CheckedService for every hosted service). The input is a method's full
// name on the first line ("cellchain.identity.v1.AuthService/Login"; an
// unknown name picks a method by its bytes) and the request's wire bytes
// after it; every RPC of every cellchain service is reachable. Besides "no
// crash" (the check walks untrusted lengths and nesting), it checks:
//   - the check answers OK or INVALID_ARGUMENT only;
//   - a request the check passed and protobuf parses is still passed once
//     re-serialized: every string a handler can read from it was checked.
// The service's handlers themselves need PostgreSQL and are not driven
// here (docs/reliability.md says what issue 13 adds for them).

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>
#include <google/protobuf/stubs/logging.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "cellchain/audit/v1/audit.pb.h"
#include "cellchain/clinical/v1/clinical.pb.h"
#include "cellchain/custody/v1/custody.pb.h"
#include "cellchain/donor/v1/donor.pb.h"
#include "cellchain/dose/v1/dose.pb.h"
#include "cellchain/identity/v1/identity.pb.h"
#include "cellchain/labels/v1/labels.pb.h"
#include "cellchain/manufacturing/v1/manufacturing.pb.h"
#include "cellchain/qc/v1/qc.pb.h"
#include "cellchain/system/v1/system.pb.h"
#include "services/common/grpc/request_text.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

namespace pb = google::protobuf;

struct Method {
  std::string name;  // "package.Service/Method"
  const pb::Descriptor* request = nullptr;
};

// Every RPC of every service, by name. Naming one message of each file
// links its generated code, which registers the file's descriptors.
const std::vector<Method>& Methods() {
  static const std::vector<Method>* methods = [] {
    const pb::FileDescriptor* files[] = {
        cellchain::audit::v1::Checkpoint::descriptor()->file(),
        cellchain::clinical::v1::Wristband::descriptor()->file(),
        cellchain::custody::v1::ParentLink::descriptor()->file(),
        cellchain::donor::v1::IdentifyingData::descriptor()->file(),
        cellchain::dose::v1::PatientIdentifying::descriptor()->file(),
        cellchain::identity::v1::User::descriptor()->file(),
        cellchain::labels::v1::Isbt128Code::descriptor()->file(),
        cellchain::manufacturing::v1::MaterialLot::descriptor()->file(),
        cellchain::qc::v1::NumericLimits::descriptor()->file(),
        cellchain::system::v1::GetVersionRequest::descriptor()->file(),
    };
    auto* all = new std::vector<Method>;
    for (const pb::FileDescriptor* file : files) {
      for (int s = 0; s < file->service_count(); ++s) {
        const pb::ServiceDescriptor* service = file->service(s);
        for (int m = 0; m < service->method_count(); ++m) {
          const pb::MethodDescriptor* method = service->method(m);
          all->push_back({service->full_name() + "/" + method->name(),
                          method->input_type()});
        }
      }
    }
    std::sort(all->begin(), all->end(),
              [](const Method& a, const Method& b) { return a.name < b.name; });
    FUZZ_CHECK(!all->empty(), "the services have methods");
    return all;
  }();
  return *methods;
}

const Method& Pick(std::string_view name) {
  const std::vector<Method>& methods = Methods();
  auto it = std::lower_bound(
      methods.begin(), methods.end(), name,
      [](const Method& m, std::string_view n) { return m.name < n; });
  if (it != methods.end() && it->name == name) return *it;
  size_t sum = 0;
  for (char c : name) sum += static_cast<unsigned char>(c);
  return methods[sum % methods.size()];
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  size_t newline = input.find('\n');
  std::string_view name = input.substr(0, newline);
  std::string_view wire = newline == std::string_view::npos
                              ? std::string_view()
                              : input.substr(newline + 1);
  const Method& method = Pick(name);

  absl::Status verdict =
      cellchain::grpcx::CheckRequestText(*method.request, wire);
  FUZZ_CHECK(
      verdict.ok() || verdict.code() == absl::StatusCode::kInvalidArgument,
      "CheckRequestText answers OK or INVALID_ARGUMENT");
  if (!verdict.ok()) return 0;

  // Protobuf logs what it refuses to parse; that is expected here.
  pb::LogSilencer quiet;
  std::unique_ptr<pb::Message> request(pb::MessageFactory::generated_factory()
                                           ->GetPrototype(method.request)
                                           ->New());
  if (!request->ParseFromArray(wire.data(), static_cast<int>(wire.size()))) {
    return 0;
  }
  std::string again;
  FUZZ_CHECK(request->SerializeToString(&again), "a parsed request serializes");
  FUZZ_CHECK(cellchain::grpcx::CheckRequestText(*method.request, again).ok(),
             "what a handler reads from a passed request was checked");
  return 0;
}
