#include "services/common/grpc/checked_service.h"

#include <grpc/byte_buffer.h>
#include <grpc/byte_buffer_reader.h>
#include <grpc/slice.h>
#include <grpcpp/impl/rpc_service_method.h>

#include <string_view>

#include "absl/strings/str_cat.h"
#include "services/common/grpc/grpc_status.h"
#include "services/common/grpc/request_text.h"

namespace cellchain::grpcx {
namespace {

using grpc::internal::MethodHandler;
using grpc::internal::RpcMethod;
using grpc::internal::RpcServiceMethod;

// The request's bytes, decompressed. false when grpc cannot read them (the
// wrapped handler's own Deserialize then reports it).
bool ReadAll(grpc_byte_buffer* buffer, std::string* out) {
  grpc_byte_buffer_reader reader;
  if (!grpc_byte_buffer_reader_init(&reader, buffer)) return false;
  grpc_slice slice;
  while (grpc_byte_buffer_reader_next(&reader, &slice) != 0) {
    out->append(reinterpret_cast<const char*>(GRPC_SLICE_START_PTR(slice)),
                GRPC_SLICE_LENGTH(slice));
    grpc_slice_unref(slice);
  }
  grpc_byte_buffer_reader_destroy(&reader);
  return true;
}

class CheckingHandler final : public MethodHandler {
 public:
  CheckingHandler(MethodHandler* inner,
                  const google::protobuf::Descriptor* request_type)
      : inner_(inner), request_type_(request_type) {}

  void RunHandler(const HandlerParameter& param) override {
    // With a non-OK param.status the wrapped handler sends that status and
    // does not call the service.
    inner_->RunHandler(param);
  }

  // The server hands over ownership of `request`: the wrapped Deserialize
  // consumes it, and so must a refusal here.
  void* Deserialize(grpc_call* call, grpc_byte_buffer* request,
                    grpc::Status* status, void** handler_data) override {
    if (request != nullptr) {
      std::string wire;
      if (ReadAll(request, &wire)) {
        absl::Status checked = CheckRequestText(*request_type_, wire);
        if (!checked.ok()) {
          grpc_byte_buffer_destroy(request);
          *status = ToGrpcStatus(checked);
          return nullptr;
        }
      }
    }
    return inner_->Deserialize(call, request, status, handler_data);
  }

 private:
  MethodHandler* const inner_;  // owned by the wrapped service
  const google::protobuf::Descriptor* const request_type_;
};

RpcMethod::RpcType TypeOf(const google::protobuf::MethodDescriptor& method) {
  if (method.client_streaming()) {
    return method.server_streaming() ? RpcMethod::BIDI_STREAMING
                                     : RpcMethod::CLIENT_STREAMING;
  }
  return method.server_streaming() ? RpcMethod::SERVER_STREAMING
                                   : RpcMethod::NORMAL_RPC;
}

}  // namespace

absl::StatusOr<std::unique_ptr<CheckedService>> CheckedService::Create(
    HostedService hosted) {
  if (hosted.service == nullptr || hosted.descriptor == nullptr) {
    return absl::InvalidArgumentError(
        "a hosted service needs its object and its proto descriptor");
  }
  const google::protobuf::ServiceDescriptor& descriptor = *hosted.descriptor;
  grpc::Service& inner = *hosted.service;
  if (inner.has_async_methods() || inner.has_generic_methods() ||
      inner.has_callback_methods()) {
    return absl::InvalidArgumentError(
        absl::StrCat(descriptor.full_name(),
                     ": only sync methods can be hosted with request checks"));
  }
  std::unique_ptr<CheckedService> checked(new CheckedService());
  // Generated services add their methods in the order of the descriptor's;
  // GetHandler is protected in grpc::Service, reachable from a subclass
  // through a pointer to member named by that subclass.
  MethodHandler* (grpc::Service::*get_handler)(int) =
      &CheckedService::GetHandler;
  for (int i = 0; i < descriptor.method_count(); ++i) {
    const google::protobuf::MethodDescriptor& method = *descriptor.method(i);
    MethodHandler* handler = (inner.*get_handler)(i);
    if (handler == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat(method.full_name(), " has no handler"));
    }
    checked->names_.push_back(
        absl::StrCat("/", descriptor.full_name(), "/", method.name()));
    checked->AddMethod(new RpcServiceMethod(
        checked->names_.back().c_str(), TypeOf(method),
        new CheckingHandler(handler, method.input_type())));
  }
  return checked;
}

}  // namespace cellchain::grpcx
