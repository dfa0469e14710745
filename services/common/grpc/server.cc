#include "services/common/grpc/server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/resource_quota.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server_builder.h>
#include <signal.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "services/common/grpc/rpc_log_interceptor.h"
#include "services/common/log/log.h"

namespace cellchain::grpcx {

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(
        absl::StrCat("cannot read ", path, ": ", std::strerror(errno)));
  }
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

absl::StatusOr<std::unique_ptr<Server>> Server::Start(ServerOptions options) {
  if (options.max_threads < 2) {
    return absl::InvalidArgumentError("max_threads must be at least 2");
  }
  grpc::SslServerCredentialsOptions ssl(
      GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  grpc::SslServerCredentialsOptions::PemKeyCertPair pair;
  absl::StatusOr<std::string> cert = ReadFile(options.tls.cert_path);
  if (!cert.ok()) return cert.status();
  absl::StatusOr<std::string> key = ReadFile(options.tls.key_path);
  if (!key.ok()) return key.status();
  absl::StatusOr<std::string> ca = ReadFile(options.tls.ca_path);
  if (!ca.ok()) return ca.status();
  pair.cert_chain = *std::move(cert);
  pair.private_key = *std::move(key);
  ssl.pem_key_cert_pairs.push_back(std::move(pair));
  ssl.pem_root_certs = *std::move(ca);

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();

  grpc::ServerBuilder builder;
  int port = 0;
  std::shared_ptr<grpc::ServerCredentials> credentials =
      grpc::SslServerCredentials(ssl);
  if (options.auth_processor != nullptr) {
    credentials->SetAuthMetadataProcessor(options.auth_processor);
  }
  builder.AddListeningPort(options.listen_address, credentials, &port);
  grpc::ResourceQuota quota("cellchain");
  quota.SetMaxThreads(options.max_threads);
  builder.SetResourceQuota(quota);
  std::vector<
      std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
      interceptors;
  if (options.caller_interceptor) {
    interceptors.push_back(options.caller_interceptor());
  }
  interceptors.push_back(std::make_unique<RpcLogInterceptorFactory>());
  builder.experimental().SetInterceptorCreators(std::move(interceptors));
  std::vector<std::unique_ptr<CheckedService>> services;
  for (const HostedService& hosted : options.services) {
    absl::StatusOr<std::unique_ptr<CheckedService>> checked =
        CheckedService::Create(hosted);
    if (!checked.ok()) return checked.status();
    builder.RegisterService(checked->get());
    services.push_back(*std::move(checked));
  }
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || port == 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", options.listen_address,
                     " (address in use, or TLS material rejected)"));
  }
  server->GetHealthCheckService()->SetServingStatus(true);
  log::Info("server_started",
            {{"listen", options.listen_address},
             {"port", absl::StrCat(port)},
             {"max_threads", absl::StrCat(options.max_threads)}});
  return std::unique_ptr<Server>(
      new Server(std::move(services), std::move(server), port));
}

Server::Server(std::vector<std::unique_ptr<CheckedService>> services,
               std::unique_ptr<grpc::Server> server, int port)
    : services_(std::move(services)), server_(std::move(server)), port_(port) {}

Server::~Server() { Shutdown(std::chrono::milliseconds(0)); }

void Server::Shutdown(std::chrono::milliseconds grace) {
  std::call_once(shutdown_once_, [&] {
    server_->GetHealthCheckService()->SetServingStatus(false);
    server_->Shutdown(std::chrono::system_clock::now() + grace);
    log::Info("server_stopped", {{"port", absl::StrCat(port_)}});
  });
}

void Server::Wait() { server_->Wait(); }

void BlockShutdownSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

std::string WaitForShutdownSignal() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  int signal_number = 0;
  while (sigwait(&set, &signal_number) != 0) {
  }
  return signal_number == SIGTERM ? "SIGTERM" : "SIGINT";
}

}  // namespace cellchain::grpcx
