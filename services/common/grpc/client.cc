#include "services/common/grpc/client.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include "services/common/grpc/peer.h"

namespace cellchain::grpcx {

absl::StatusOr<std::shared_ptr<grpc::Channel>> NewChannel(
    const ChannelOptions& options) {
  grpc::SslCredentialsOptions ssl;
  absl::StatusOr<std::string> ca = ReadFile(options.tls.ca_path);
  if (!ca.ok()) return ca.status();
  absl::StatusOr<std::string> cert = ReadFile(options.tls.cert_path);
  if (!cert.ok()) return cert.status();
  absl::StatusOr<std::string> key = ReadFile(options.tls.key_path);
  if (!key.ok()) return key.status();
  ssl.pem_root_certs = *std::move(ca);
  ssl.pem_cert_chain = *std::move(cert);
  ssl.pem_private_key = *std::move(key);
  grpc::ChannelArguments args;
  // Fail fast instead of queueing forever when the server is down.
  args.SetInt(GRPC_ARG_ENABLE_RETRIES, 0);
  return grpc::CreateCustomChannel(options.target, grpc::SslCredentials(ssl),
                                   args);
}

std::unique_ptr<grpc::ClientContext> NewContext(
    std::chrono::milliseconds deadline, std::string_view request_id) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() + deadline);
  if (!request_id.empty()) {
    context->AddMetadata(kRequestIdHeader, std::string(request_id));
  }
  return context;
}

}  // namespace cellchain::grpcx
