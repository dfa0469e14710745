// How the caller the access gate established reaches the call's handler.
//
// gRPC shares one AuthContext among all the calls of a connection
// (grpc/grpc#28809), so the gate must not write the caller there: calls
// running at once on one connection would write and read it concurrently
// (cellchaind crashed in gRPC's property iterator under load), and every
// call of a connection would read its first caller's user — a client that
// keeps its connection, as a gateway or the label station does, would act
// as whoever called first. Instead:
//   1. the gate (AuthMetadataProcessor) remembers the Principal it decided
//      under what the call presented and asked for: the SHA-256 of its
//      session token and its method (CallPrincipals::Remember);
//   2. an interceptor, which sees each call's method, metadata and
//      ServerContext, finds that Principal again as the call starts, binds
//      it to the call's ServerContext and removes the token from the
//      metadata, so handlers never see it (CallPrincipalInterceptorFactory);
//   3. PrincipalOf (principal_context.h) reads the binding, which the
//      interceptor drops when the call ends.
// A call the gate let through without a user (a workstation_only method)
// has its token consumed by the gate, so nothing is found and bound.
// Thread-safety: CallPrincipals is safe to use concurrently; one
// interceptor per call.
#ifndef CELLCHAIN_SERVICES_COMMON_AUTH_CALL_PRINCIPAL_H_
#define CELLCHAIN_SERVICES_COMMON_AUTH_CALL_PRINCIPAL_H_

#include <grpcpp/server_context.h>
#include <grpcpp/support/server_interceptor.h>

#include <optional>
#include <string>
#include <string_view>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/common/auth/principal.h"

namespace cellchain::auth {

class CallPrincipals {
 public:
  // The process's one registry (the gate and the interceptor of every
  // server in the process share it; keys never collide across servers:
  // a token is a session's).
  static CallPrincipals& Global();

  // The gate: `principal` is the caller of calls to `method` presenting
  // `token`. Entries older than kKept are dropped as new ones come.
  void Remember(std::string_view token, std::string_view method,
                Principal principal);
  // The interceptor: the caller Remember recorded for `token` and
  // `method`, if any.
  std::optional<Principal> Find(std::string_view token,
                                std::string_view method) const;

  // The interceptor: `call`'s caller from now until Unbind(call).
  void Bind(const grpc::ServerContextBase* call, Principal principal);
  void Unbind(const grpc::ServerContextBase* call);
  // PrincipalOf: `call`'s caller, if bound.
  std::optional<Principal> Bound(const grpc::ServerContextBase* call) const;

  // How long a remembered caller is kept: far longer than any call takes
  // from its gate to its start.
  static constexpr absl::Duration kKept = absl::Minutes(10);

 private:
  struct Remembered {
    Principal principal;
    absl::Time at;
  };
  static std::string Key(std::string_view token, std::string_view method);

  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, Remembered> remembered_ ABSL_GUARDED_BY(mu_);
  absl::Time swept_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  absl::flat_hash_map<const grpc::ServerContextBase*, Principal> bound_
      ABSL_GUARDED_BY(mu_);
};

// Registers, for every call, the interceptor of step 2 above.
class CallPrincipalInterceptorFactory
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;
};

}  // namespace cellchain::auth

#endif  // CELLCHAIN_SERVICES_COMMON_AUTH_CALL_PRINCIPAL_H_
