#include "services/common/auth/call_principal.h"

#include <string_view>
#include <utility>

#include "services/common/auth/access_gate.h"
#include "services/common/crypto/sha256.h"

namespace cellchain::auth {

CallPrincipals& CallPrincipals::Global() {
  static auto* const principals = new CallPrincipals;
  return *principals;
}

std::string CallPrincipals::Key(std::string_view token,
                                std::string_view method) {
  crypto::Sha256Digest digest = crypto::Sha256(token);
  std::string key(reinterpret_cast<const char*>(digest.data()), digest.size());
  key.append(method);
  return key;
}

void CallPrincipals::Remember(std::string_view token, std::string_view method,
                              Principal principal) {
  std::string key = Key(token, method);
  absl::Time now = absl::Now();
  absl::MutexLock lock(&mu_);
  remembered_[key] = Remembered{std::move(principal), now};
  if (now - swept_ > kKept / 10) {
    absl::erase_if(remembered_, [&](const auto& entry) {
      return now - entry.second.at > kKept;
    });
    swept_ = now;
  }
}

std::optional<Principal> CallPrincipals::Find(std::string_view token,
                                              std::string_view method) const {
  std::string key = Key(token, method);
  absl::MutexLock lock(&mu_);
  auto it = remembered_.find(key);
  if (it == remembered_.end()) return std::nullopt;
  return it->second.principal;
}

void CallPrincipals::Bind(const grpc::ServerContextBase* call,
                          Principal principal) {
  absl::MutexLock lock(&mu_);
  bound_[call] = std::move(principal);
}

void CallPrincipals::Unbind(const grpc::ServerContextBase* call) {
  absl::MutexLock lock(&mu_);
  bound_.erase(call);
}

std::optional<Principal> CallPrincipals::Bound(
    const grpc::ServerContextBase* call) const {
  absl::MutexLock lock(&mu_);
  auto it = bound_.find(call);
  if (it == bound_.end()) return std::nullopt;
  return it->second;
}

namespace {

using grpc::experimental::InterceptionHookPoints;

class CallPrincipalInterceptor : public grpc::experimental::Interceptor {
 public:
  explicit CallPrincipalInterceptor(grpc::experimental::ServerRpcInfo* info)
      : info_(info) {}
  ~CallPrincipalInterceptor() override {
    if (bound_) CallPrincipals::Global().Unbind(info_->server_context());
  }

  void Intercept(
      grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            InterceptionHookPoints::POST_RECV_INITIAL_METADATA)) {
      BindCaller(*methods->GetRecvInitialMetadata());
    }
    methods->Proceed();
  }

 private:
  void BindCaller(std::multimap<grpc::string_ref, grpc::string_ref>& metadata) {
    auto it = metadata.find(kAuthorizationHeader);
    if (it == metadata.end()) return;
    std::string_view value(it->second.data(), it->second.size());
    // The handler never sees the token, whatever happens next.
    metadata.erase(it);
    if (!value.starts_with(kBearerPrefix)) return;
    std::optional<Principal> principal = CallPrincipals::Global().Find(
        value.substr(std::string_view(kBearerPrefix).size()), info_->method());
    if (!principal.has_value()) return;
    CallPrincipals::Global().Bind(info_->server_context(),
                                  *std::move(principal));
    bound_ = true;
  }

  grpc::experimental::ServerRpcInfo* info_;
  bool bound_ = false;
};

}  // namespace

grpc::experimental::Interceptor*
CallPrincipalInterceptorFactory::CreateServerInterceptor(
    grpc::experimental::ServerRpcInfo* info) {
  return new CallPrincipalInterceptor(info);
}

}  // namespace cellchain::auth
