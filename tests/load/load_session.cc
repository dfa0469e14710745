#include "tests/load/load_session.h"

#include <cstdlib>
#include <iostream>
#include <utility>

#include "absl/status/statusor.h"
#include "cellchain/identity/v1/identity.grpc.pb.h"
#include "services/common/grpc/rpc_log_interceptor.h"

namespace cellchain::load {

absl::StatusOr<std::shared_ptr<grpc::Channel>> WorkstationChannel(
    const std::string& target, const std::string& pki,
    const std::string& workstation) {
  grpcx::ChannelOptions options;
  options.target = target;
  options.tls.ca_path = pki + "/ca.crt";
  options.tls.cert_path = pki + "/clients/" + workstation + ".crt";
  options.tls.key_path = pki + "/clients/" + workstation + ".key";
  return grpcx::NewChannel(options);
}

std::optional<Person> LogIn(const std::string& target, const std::string& pki,
                            const std::string& workstation,
                            const std::string& user_id,
                            const std::string& password) {
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel =
      WorkstationChannel(target, pki, workstation);
  if (!channel.ok()) {
    std::cerr << "load: " << channel.status() << "\n";
    return std::nullopt;
  }
  identity::v1::LoginRequest request;
  request.set_user_id(user_id);
  request.set_password(password);
  identity::v1::LoginResponse response;
  auto context = grpcx::NewContext();
  grpc::Status status = identity::v1::AuthService::NewStub(*channel)->Login(
      context.get(), request, &response);
  if (!status.ok()) {
    std::cerr << "load: " << user_id << " cannot log in at " << workstation
              << ": " << grpcx::StatusCodeName(status.error_code()) << " "
              << status.error_message() << "\n";
    return std::nullopt;
  }
  return Person{user_id, *std::move(channel), response.session_token()};
}

std::unique_ptr<grpc::ClientContext> CallContext(
    const Person& person, const std::string& request_id,
    std::chrono::milliseconds deadline) {
  auto context = grpcx::NewContext(deadline, request_id);
  context->AddMetadata("authorization", "Bearer " + person.token);
  return context;
}

std::string EnvOrEmpty(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? "" : v;
}

}  // namespace cellchain::load
