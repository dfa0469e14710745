#include "services/common/auth/access_gate.h"

#include <grpc/grpc_security_constants.h>

#include "absl/strings/str_cat.h"
#include "services/common/auth/call_principal.h"
#include "services/common/grpc/grpc_status.h"
#include "services/common/grpc/peer.h"
#include "services/common/log/log.h"
#include "services/common/status/status.h"

namespace cellchain::auth {
namespace {

std::string_view Find(const grpc::AuthMetadataProcessor::InputMetadata& md,
                      std::string_view key) {
  auto it = md.find(grpc::string_ref(key.data(), key.size()));
  if (it == md.end()) return {};
  return std::string_view(it->second.data(), it->second.size());
}

bool StartsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

}  // namespace

bool IsInfrastructureMethod(std::string_view method) {
  return StartsWith(method, "/grpc.health.v1.Health/") ||
         StartsWith(method, "/grpc.reflection.v1alpha.ServerReflection/") ||
         StartsWith(method, "/grpc.reflection.v1.ServerReflection/");
}

AccessGate::AccessGate(PolicyTable policies, SessionAuthority* authority)
    : policies_(std::move(policies)), authority_(authority) {}

absl::Status AccessGate::Refuse(std::string_view method,
                                std::string_view workstation,
                                std::string_view user_id, absl::Status status) {
  Denial denial{.method = std::string(method),
                .workstation = std::string(workstation),
                .user_id = std::string(user_id),
                .attempted_user_id = "",
                .status = status};
  log::Warning("access_denied",
               {{"method", denial.method},
                {"peer", denial.workstation},
                {"user", denial.user_id},
                {"code", absl::StatusCodeToString(status.code())},
                {"reason", ReasonOf(status)}});
  authority_->RecordDenial(denial);
  return status;
}

absl::StatusOr<Principal> AccessGate::Decide(std::string_view method,
                                             std::string_view workstation,
                                             std::string_view authorization,
                                             std::string_view client_key) {
  Principal principal;
  principal.workstation = std::string(workstation);
  if (IsInfrastructureMethod(method)) return principal;
  if (workstation.empty()) {
    // mTLS makes this unreachable over the network; a call that arrives
    // without a verified certificate (an in-process channel) has no
    // workstation to record, so it is refused.
    return Refuse(
        method, "(none)", "",
        WithReason(absl::UnauthenticatedError("no verified client certificate"),
                   "CLIENT_CERTIFICATE_REQUIRED"));
  }
  const AccessPolicy* policy = policies_.Find(method);
  if (policy == nullptr) {
    return Refuse(method, workstation, "",
                  WithReason(absl::PermissionDeniedError(absl::StrCat(
                                 std::string(method),
                                 " declares no access policy: refused to "
                                 "everyone")),
                             kReasonNoAccessPolicy));
  }
  if (policy->workstation_only()) return principal;
  if (!StartsWith(authorization, kBearerPrefix) ||
      authorization.size() == sizeof(kBearerPrefix) - 1) {
    return Refuse(method, workstation, "",
                  WithReason(absl::UnauthenticatedError(
                                 "log in first: this call needs a session "
                                 "token (authorization: Bearer …)"),
                             kReasonSessionRequired));
  }
  std::string_view token = authorization.substr(sizeof(kBearerPrefix) - 1);
  absl::StatusOr<Session> session =
      authority_->Authenticate(token, workstation, client_key);
  if (!session.ok()) {
    if (session.status().code() != absl::StatusCode::kUnauthenticated) {
      return session.status();  // the database, not the caller
    }
    return Refuse(method, workstation, "", session.status());
  }
  absl::StatusOr<Role> acting = ActingRole(*policy, method, session->roles,
                                           session->password_change_required);
  if (!acting.ok()) {
    return Refuse(method, workstation, session->user_id, acting.status());
  }
  principal.user_id = session->user_id;
  principal.printed_name = session->printed_name;
  principal.roles = session->roles;
  principal.acting_role = *acting;
  principal.session_id = session->session_id;
  return principal;
}

grpc::Status AccessGate::Process(const InputMetadata& metadata,
                                 grpc::AuthContext* context,
                                 OutputMetadata* consumed_metadata,
                                 OutputMetadata* /*response_metadata*/) {
  std::string_view method = Find(metadata, ":path");
  std::string workstation;
  std::vector<grpc::string_ref> subject =
      context->FindPropertyValues(GRPC_X509_SUBJECT_PROPERTY_NAME);
  if (!subject.empty()) {
    workstation.assign(subject.front().data(), subject.front().size());
  }
  std::string_view authorization = Find(metadata, kAuthorizationHeader);
  absl::StatusOr<Principal> principal = Decide(
      method, workstation, authorization, grpcx::PeerKeyFingerprint(*context));
  // A call with a user keeps its token until the call's interceptor finds
  // its caller by it and removes it (call_principal.h); any other call's
  // token is consumed here, so that no handler sees a token and none
  // finds a caller the gate did not establish for that very call.
  const bool has_user = principal.ok() && !principal->user_id.empty();
  if (!authorization.empty() && !has_user) {
    consumed_metadata->insert(
        {kAuthorizationHeader, std::string(authorization)});
  }
  if (!principal.ok()) {
    // The reason leads the message: a processor's status carries no
    // details trailer.
    grpc::Status status = grpcx::ToGrpcStatus(principal.status());
    std::string reason = ReasonOf(principal.status());
    std::string message = status.error_message();
    if (!reason.empty()) message = absl::StrCat(reason, ": ", message);
    return grpc::Status(status.error_code(), message);
  }
  // Not into `context`: gRPC shares it among the connection's calls.
  if (has_user) {
    CallPrincipals::Global().Remember(
        authorization.substr(sizeof(kBearerPrefix) - 1), method,
        *std::move(principal));
  }
  return grpc::Status::OK;
}

}  // namespace cellchain::auth
