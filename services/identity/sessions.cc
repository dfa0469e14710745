// Sessions: the token a login opens (its session row is inserted in the
// login's transaction, login.cc), the access gate's check of a token on
// every call (Authenticate: ended, account state, expiry, idle timeout,
// workstation and client key, then a touch), Logout and WhoAmI.
#include <algorithm>
#include <string>

#include "absl/strings/str_cat.h"
#include "services/common/auth/signatures.h"
#include "services/common/crypto/crypto.h"
#include "services/common/log/log.h"
#include "services/common/status/status.h"
#include "services/identity/identity.h"
#include "services/identity/identity_internal.h"
#include "services/identity/store.h"

namespace cellchain::identity {
namespace {

// 32 random bytes in base64url without padding.
constexpr size_t kTokenLength = 43;

absl::Status RefuseSession(std::string_view reason, std::string_view message) {
  return WithReason(absl::UnauthenticatedError(std::string(message)), reason);
}

}  // namespace

absl::StatusOr<SessionToken> NewSessionToken() {
  CC_ASSIGN_OR_RETURN(std::string random, crypto::RandomBytes(32));
  // base64url without padding: 43 characters, safe in a header.
  std::string token = crypto::Base64Encode(random);
  while (!token.empty() && token.back() == '=') token.pop_back();
  std::replace(token.begin(), token.end(), '+', '-');
  std::replace(token.begin(), token.end(), '/', '_');
  std::string hash = TokenHash(token);
  return SessionToken{.token = std::move(token), .hash = std::move(hash)};
}

std::string TokenHash(std::string_view token) {
  crypto::Sha256Digest digest = crypto::Sha256(token);
  return std::string(reinterpret_cast<const char*>(digest.data()),
                     digest.size());
}

absl::StatusOr<auth::Session> Identity::Authenticate(
    std::string_view token, std::string_view workstation,
    std::string_view client_key) {
  if (token.size() != kTokenLength) {
    return RefuseSession(kReasonSessionInvalid,
                         "unknown session token; log in again");
  }
  CC_ASSIGN_OR_RETURN(pg::Pool::Lease lease, pool_->Acquire());
  const absl::Time now = Now();
  CC_ASSIGN_OR_RETURN(std::optional<StoredSession> stored,
                      LoadSessionByToken(*lease, TokenHash(token), now));
  if (!stored.has_value()) {
    return RefuseSession(kReasonSessionInvalid,
                         "unknown session token; log in again");
  }
  const StoredSession& s = *stored;
  if (s.ended) {
    return RefuseSession(kReasonSessionEnded,
                         absl::StrCat("this session has ended (", s.end_reason,
                                      "); log in again"));
  }
  if (s.disabled) {
    return RefuseSession(auth::kReasonAccountDisabled,
                         "this account is disabled");
  }
  if (s.locked) {
    return RefuseSession(auth::kReasonAccountLocked, "this account is locked");
  }
  if (s.expired) {
    return RefuseSession(kReasonSessionExpired,
                         "the session has expired; log in again");
  }
  if (s.idle) {
    return RefuseSession(
        kReasonSessionIdleTimeout,
        "the session timed out after inactivity; log in again");
  }
  if (s.workstation != workstation) {
    return RefuseSession(
        kReasonSessionWorkstationMismatch,
        "this session belongs to another workstation; log in here");
  }
  if (s.client_key.empty() || s.client_key != client_key) {
    // The subject matches but the key does not: the token was copied to a
    // machine holding another certificate of that name.
    return RefuseSession(
        kReasonSessionClientKeyMismatch,
        "this session belongs to another client certificate (same "
        "name, another key); log in with this one");
  }
  if (s.needs_touch) {
    absl::Status touched = TouchSession(*lease, s.session.session_id, now);
    if (!touched.ok()) {
      log::Warning("session_touch_failed", {{"error", touched.ToString()}});
    }
  }
  return s.session;
}

absl::Status Identity::Logout(const auth::Principal& caller) {
  return pool_->InTransaction([&](pg::Transaction& tx) -> absl::Status {
    CC_ASSIGN_OR_RETURN(bool ended,
                        EndSession(tx, caller.session_id, kEndedByLogout));
    if (!ended) {
      return WithReason(absl::UnauthenticatedError("this session has ended"),
                        kReasonSessionEnded);
    }
    ledger::Recorder audit =
        RecorderWithOwnId(tx, *ledger_, auth::ActorOf(caller));
    return AppendUser(audit, "user.logout", caller.user_id).status();
  });
}

absl::StatusOr<v1::WhoAmIResponse> Identity::WhoAmI(
    const auth::Principal& caller) {
  CC_ASSIGN_OR_RETURN(pg::Pool::Lease lease, pool_->Acquire());
  v1::WhoAmIResponse response;
  CC_ASSIGN_OR_RETURN(*response.mutable_user(),
                      LoadUser(*lease, caller.user_id));
  CC_RETURN_IF_ERROR(LoadSessionInto(*lease, caller.session_id, response));
  response.set_session_id(caller.session_id);
  response.set_acting_role(caller.acting_role);
  return response;
}

}  // namespace cellchain::identity
