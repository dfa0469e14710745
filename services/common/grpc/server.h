// Server bootstrap shared by every cellchain binary.
//
// A Server listens with mutual TLS only: the client must present a
// certificate issued by the configured CA, or the handshake fails before any
// RPC runs. Health checking (grpc.health.v1) and server reflection are always
// on. Handler threads are bounded by a ResourceQuota so that blocking libpq
// calls cannot exhaust the process; size it to the connection pools. Every
// RPC is logged as one line by RpcLogInterceptor. Every service is hosted
// through a CheckedService (checked_service.h): each request's text is
// checked before protobuf parses it and before its handler runs.
//
// Thread-safety: Start() and Shutdown() may be called from any thread;
// Shutdown() is idempotent.
#ifndef CELLCHAIN_SERVICES_COMMON_GRPC_SERVER_H_
#define CELLCHAIN_SERVICES_COMMON_GRPC_SERVER_H_

#include <grpcpp/impl/service_type.h>
#include <grpcpp/security/auth_metadata_processor.h>
#include <grpcpp/server.h>
#include <grpcpp/support/server_interceptor.h>

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/common/grpc/checked_service.h"

namespace cellchain::grpcx {

struct TlsFiles {
  std::string cert_path;  // PEM certificate chain of this endpoint
  std::string key_path;   // PEM private key of this endpoint
  std::string ca_path;    // PEM CA that issued the peer's certificate
};

// Reads the three PEM files. NOT_FOUND / PERMISSION_DENIED naming the file.
absl::StatusOr<std::string> ReadFile(const std::string& path);

struct ServerOptions {
  std::string listen_address;  // "127.0.0.1:7443"; port 0 picks a free one
  TlsFiles tls;
  int max_threads = 16;
  // Services to register (Hosted<Generated>(&impl)); the Server does not
  // own them.
  std::vector<HostedService> services;
  // Runs for every call before its handler and may refuse it (the access
  // gate, services/common/auth/access_gate.h). Without one, any workstation
  // with a valid certificate reaches every handler: tests of the plumbing
  // only; cellchaind always sets it.
  std::shared_ptr<grpc::AuthMetadataProcessor> auth_processor;
  // With auth_processor: the interceptor that brings the caller it decided
  // to the call's handler (auth::CallPrincipalInterceptorFactory; gRPC
  // shares the AuthContext among a connection's calls, so the gate cannot
  // leave the caller there). Runs first on every call.
  std::function<
      std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>()>
      caller_interceptor;
};

class Server {
 public:
  // Builds, binds and starts. INVALID_ARGUMENT / NOT_FOUND for unreadable
  // TLS files, INVALID_ARGUMENT for a service without its descriptor or
  // with non-sync methods, UNAVAILABLE when the address cannot be bound.
  static absl::StatusOr<std::unique_ptr<Server>> Start(ServerOptions options);

  ~Server();

  int port() const { return port_; }

  // Marks the health status NOT_SERVING, stops accepting RPCs, lets in-flight
  // RPCs finish until `grace` has passed, then cancels what remains.
  void Shutdown(std::chrono::milliseconds grace);

  // Blocks until the server has shut down.
  void Wait();

 private:
  Server(std::vector<std::unique_ptr<CheckedService>> services,
         std::unique_ptr<grpc::Server> server, int port);

  std::vector<std::unique_ptr<CheckedService>> services_;
  std::unique_ptr<grpc::Server> server_;
  int port_;
  std::once_flag shutdown_once_;
};

// Blocks SIGTERM and SIGINT in the calling thread and every thread it creates
// afterwards. Call it at the top of main(), before any thread exists.
void BlockShutdownSignals();

// Waits for SIGTERM or SIGINT (blocked with BlockShutdownSignals) and returns
// the signal's name.
std::string WaitForShutdownSignal();

}  // namespace cellchain::grpcx

#endif  // CELLCHAIN_SERVICES_COMMON_GRPC_SERVER_H_
