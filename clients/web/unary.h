// How a route calls its RPC (routes.h's Invoke), shared by the files that
// declare routes: Unary(&Service::Stub::Method) parses the body into the
// request (unknown fields refused), calls the stub, returns the response.
#ifndef CELLCHAIN_CLIENTS_WEB_UNARY_H_
#define CELLCHAIN_CLIENTS_WEB_UNARY_H_

#include <google/protobuf/util/json_util.h>

#include <memory>
#include <string>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "clients/web/routes.h"
#include "services/common/grpc/grpc_status.h"

namespace cellchain::web {

// The Invoke of a unary RPC of `Service`: the body parsed into its request
// (unknown fields refused), the stub's call, the response.
template <typename Service, typename Request, typename Response>
Invoke Unary(grpc::Status (Service::Stub::*call)(grpc::ClientContext*,
                                                 const Request&, Response*)) {
  return [call](const std::shared_ptr<grpc::Channel>& channel,
                grpc::ClientContext& context, std::string_view json)
             -> absl::StatusOr<std::unique_ptr<google::protobuf::Message>> {
    Request request;
    if (!json.empty()) {
      google::protobuf::util::JsonParseOptions options;
      options.ignore_unknown_fields = false;
      auto parsed = google::protobuf::util::JsonStringToMessage(
          std::string(json), &request, options);
      if (!parsed.ok()) {
        return absl::InvalidArgumentError(
            absl::StrCat("the body is not a ", Request::descriptor()->name(),
                         " in JSON: ", parsed.ToString()));
      }
    }
    auto response = std::make_unique<Response>();
    auto stub = Service::NewStub(channel);
    grpc::Status status = ((*stub).*call)(&context, request, response.get());
    if (!status.ok()) return grpcx::FromGrpcStatus(status);
    return std::unique_ptr<google::protobuf::Message>(std::move(response));
  };
}

// The gRPC method name of `service`'s `method`: "/pkg.Service/Method".
inline std::string Rpc(const std::string& service, const std::string& method) {
  return "/" + service + "/" + method;
}

}  // namespace cellchain::web

#endif  // CELLCHAIN_CLIENTS_WEB_UNARY_H_
