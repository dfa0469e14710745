// How a route calls its RPC (routes.h's Invoke and OpenStream), shared by
// the files that declare routes: Unary(&Service::Stub::Method) parses the
// body into the request (unknown fields refused), calls the stub, returns
// the response; ServerStream(&Service::Stub::Method) starts a
// server-streaming call and hands its messages over one by one.
#ifndef CELLCHAIN_CLIENTS_WEB_UNARY_H_
#define CELLCHAIN_CLIENTS_WEB_UNARY_H_

#include <google/protobuf/util/json_util.h>

#include <grpcpp/support/sync_stream.h>

#include <memory>
#include <string>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "clients/web/routes.h"
#include "services/common/grpc/grpc_status.h"

namespace cellchain::web {

// The body parsed into `Request` ("" = the empty message), unknown fields
// refused: INVALID_ARGUMENT naming the message.
template <typename Request>
absl::StatusOr<Request> ParseBody(std::string_view json) {
  Request request;
  if (json.empty()) return request;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  auto parsed = google::protobuf::util::JsonStringToMessage(std::string(json),
                                                            &request, options);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("the body is not a ", Request::descriptor()->name(),
                     " in JSON: ", parsed.ToString()));
  }
  return request;
}

// The Invoke of a unary RPC of `Service`: the body parsed into its request
// (unknown fields refused), the stub's call, the response.
template <typename Service, typename Request, typename Response>
Invoke Unary(grpc::Status (Service::Stub::*call)(grpc::ClientContext*,
                                                 const Request&, Response*)) {
  return [call](const std::shared_ptr<grpc::Channel>& channel,
                grpc::ClientContext& context, std::string_view json)
             -> absl::StatusOr<std::unique_ptr<google::protobuf::Message>> {
    absl::StatusOr<Request> request = ParseBody<Request>(json);
    if (!request.ok()) return request.status();
    auto response = std::make_unique<Response>();
    auto stub = Service::NewStub(channel);
    grpc::Status status = ((*stub).*call)(&context, *request, response.get());
    if (!status.ok()) return grpcx::FromGrpcStatus(status);
    return std::unique_ptr<google::protobuf::Message>(std::move(response));
  };
}

// A server-streaming call and what it needs alive while it runs.
template <typename Service, typename Response>
class GrpcMessageStream : public MessageStream {
 public:
  GrpcMessageStream(std::unique_ptr<typename Service::Stub> stub,
                    std::unique_ptr<grpc::ClientContext> context)
      : stub_(std::move(stub)), context_(std::move(context)) {}
  // A stream left before its end (the browser went away): cancelled, and
  // finished as gRPC requires.
  ~GrpcMessageStream() override {
    if (reader_ == nullptr || finished_) return;
    context_->TryCancel();
    while (reader_->Read(&message_)) {
    }
    reader_->Finish();
  }

  template <typename Request>
  void Start(std::unique_ptr<grpc::ClientReader<Response>> (
                 Service::Stub::*call)(grpc::ClientContext*, const Request&),
             const Request& request) {
    reader_ = ((*stub_).*call)(context_.get(), request);
  }

  const google::protobuf::Message* Next() override {
    return reader_->Read(&message_) ? &message_ : nullptr;
  }
  absl::Status Finish() override {
    finished_ = true;
    return grpcx::FromGrpcStatus(reader_->Finish());
  }

 private:
  std::unique_ptr<typename Service::Stub> stub_;
  std::unique_ptr<grpc::ClientContext> context_;
  std::unique_ptr<grpc::ClientReader<Response>> reader_;
  Response message_;
  bool finished_ = false;
};

// The OpenStream of a server-streaming RPC of `Service`: the body parsed
// into its request (unknown fields refused), the call started.
template <typename Service, typename Request, typename Response>
OpenStream ServerStream(std::unique_ptr<grpc::ClientReader<Response>> (
    Service::Stub::*call)(grpc::ClientContext*, const Request&)) {
  return [call](const std::shared_ptr<grpc::Channel>& channel,
                std::unique_ptr<grpc::ClientContext> context,
                std::string_view json)
             -> absl::StatusOr<std::unique_ptr<MessageStream>> {
    absl::StatusOr<Request> request = ParseBody<Request>(json);
    if (!request.ok()) return request.status();
    auto stream = std::make_unique<GrpcMessageStream<Service, Response>>(
        Service::NewStub(channel), std::move(context));
    stream->Start(call, *request);
    return std::unique_ptr<MessageStream>(std::move(stream));
  };
}

// The gRPC method name of `service`'s `method`: "/pkg.Service/Method".
inline std::string Rpc(const std::string& service, const std::string& method) {
  return "/" + service + "/" + method;
}

}  // namespace cellchain::web

#endif  // CELLCHAIN_CLIENTS_WEB_UNARY_H_
