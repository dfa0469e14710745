#include "services/common/grpc/client.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include <cstdlib>
#include <string>

#include "services/common/grpc/peer.h"
#include "services/common/grpc/targets.h"

namespace cellchain::grpcx {
namespace {

// Calls are fail-fast (no wait_for_ready): while a channel reconnects, its
// calls fail at once and none of them polls the new connection, so only
// gRPC's backup poller (every 5 s by default) drives its TCP connect and TLS
// handshake. A handshake then took several 5 s steps and could overrun the
// 20 s connect timeout again and again: after cellchaind was killed and
// restarted in 4 s, tests/faults saw no call through for up to two minutes.
// gRPC reads the interval from the environment only, once, at its first
// initialization in the process (or first grpc_is_initialized(), which
// runs the same one-time set-up: asking it first froze the 5 s default);
// set later, it is ignored. So it is set before main(), keeping a value
// someone gave:
// - by a static initializer in this file, which every program that opens a
//   channel links (NewChannel is defined here, so the linker takes this
//   object file from the static library with it: in cellchaind, the
//   clients, cellchain-web and -label, load_bench, the fault tools and the
//   tests alike);
// - at init_priority 101, the earliest a program may ask for, so before the
//   program's own static initializers, any of which might start gRPC. The
//   shared libraries' (gRPC's, protobuf's) run earlier still, and start no
//   gRPC (grpcpp's GrpcLibraryInitializer only records a pointer).
// No thread runs yet then, so setenv races no getenv.
// Calling it from main() instead would need a line in every main and every
// test binary's (GoogleTest's main), and one forgotten brought the 5 s back
// silently.
struct PollReconnectsPromptly {
  PollReconnectsPromptly() {
    setenv("GRPC_CLIENT_CHANNEL_BACKUP_POLL_INTERVAL_MS",
           std::to_string(kBackupPollInterval.count()).c_str(),
           /*overwrite=*/0);
  }
};
__attribute__((init_priority(101)))
const PollReconnectsPromptly kPollReconnectsPromptly;

// A list of targets: round robin over the addresses that answer SERVING to
// grpc.health.v1 (the empty service name: the whole server). A cellchaind
// that is down, or draining (NOT_SERVING), gets no call.
constexpr char kBalancedServiceConfig[] =
    R"({"loadBalancingConfig": [{"round_robin": {}}],)"
    R"( "healthCheckConfig": {"serviceName": ""}})";

}  // namespace

absl::StatusOr<std::shared_ptr<grpc::Channel>> NewChannel(
    const ChannelOptions& options) {
  absl::StatusOr<ChannelTarget> target = ParseTarget(options.target);
  if (!target.ok()) return target.status();
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
  // gRPC's retries stay enabled (its default) for its transparent retries
  // alone: a call that never left this client (its stream failed before
  // being written) or that the server refused unseen (REFUSED_STREAM, or
  // past a GOAWAY's last stream: a draining cellchaind) is sent again on
  // another connection within its deadline, where it would otherwise fail
  // UNAVAILABLE. That is safe for writes: the server never saw the first.
  // grpc.enable_retries=0, set here before, turned these off too (gRPC
  // 1.51's grpc_types.h: "When enabled, transparent retries will be
  // performed as appropriate, and configurable retries are enabled when
  // they are configured via the service config"); its comment said "fail
  // fast instead of queueing forever", which is what calls without
  // wait_for_ready do either way: an address that cannot be reached fails
  // the call at once (UNAVAILABLE), not retried. No call is retried after
  // the server saw it: the service config (ours, below; none from a
  // resolver) has no retryPolicy, and a retry of a write is the client's,
  // with its request id (decision 0005).
  args.SetInt(GRPC_ARG_SERVICE_CONFIG_DISABLE_RESOLUTION, 1);
  // A server back after a long outage is reached within this, not after
  // gRPC's default backoff of up to 120 s between attempts.
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS,
              static_cast<int>(kInitialReconnectBackoff.count()));
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS,
              static_cast<int>(kMaxReconnectBackoff.count()));
  if (target->addresses > 1) {
    // The name TLS checks every server's certificate against (the first
    // entry's host), and the :authority of every call.
    args.SetString(GRPC_ARG_DEFAULT_AUTHORITY, target->authority);
    args.SetServiceConfigJSON(kBalancedServiceConfig);
  }
  return grpc::CreateCustomChannel(target->uri, grpc::SslCredentials(ssl),
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
