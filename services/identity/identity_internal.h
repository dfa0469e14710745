// Declarations the identity service's own .cc files share, and no one else
// includes: who an unauthenticated attempt is recorded as, why sessions
// end, the audit record of a change of a user, and the session token. The
// store's declarations are in store.h; the class's methods are defined, one
// idea per file, in identity.cc (construction, password hashing),
// login.cc (attempts, lockout, rate limits, re-authentication),
// sessions.cc, users.cc (administration and password changes),
// denials.cc (access denials) and store.cc (the state readers).
//
// Thread-safety: free functions over values and the transaction passed in.
#ifndef CELLCHAIN_SERVICES_IDENTITY_IDENTITY_INTERNAL_H_
#define CELLCHAIN_SERVICES_IDENTITY_IDENTITY_INTERNAL_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "cellchain/common/v1/common.pb.h"
#include "cellchain/identity/v1/identity.pb.h"
#include "services/common/pg/transaction.h"
#include "services/ledger/ledger.h"
#include "services/ledger/recorder.h"

namespace cellchain::identity {

// Why a session ended (sessions.end_reason), as SESSION_ENDED tells the
// user ("this session has ended (password changed); log in again").
inline constexpr char kEndedByLogout[] = "logout";
inline constexpr char kEndedByLock[] = "locked";
inline constexpr char kEndedByPasswordChange[] = "password changed";
inline constexpr char kEndedByPasswordReset[] = "password reset";
inline constexpr char kEndedByDisable[] = "user disabled";

// The actor of a record of an attempt nobody has authenticated: the claimed
// user id ("(anonymous)" when none) with printed name "(not
// authenticated)", at `workstation`.
common::v1::Actor Unauthenticated(std::string_view claimed_user_id,
                                  std::string_view workstation);

// The recorder of a change no client request names (an attempt, a login,
// a logout, the first administrator, an access denial): its records share
// a random request id of their own.
ledger::Recorder RecorderWithOwnId(pg::Transaction& tx,
                                   const ledger::Ledger& ledger,
                                   common::v1::Actor actor);

// Appends the record of `action` on user `user_id`, with the user's state
// as it now is in the recorder's transaction; returns that state.
// NOT_FOUND USER_NOT_FOUND when there is no such user; the ledger's errors.
absl::StatusOr<v1::User> AppendUser(ledger::Recorder& audit, std::string action,
                                    std::string_view user_id,
                                    std::string reason = "");

// A new session token and the SHA-256 the sessions table keeps of it.
struct SessionToken {
  std::string token;  // base64url without padding: 43 characters
  std::string hash;   // 32 bytes
};
absl::StatusOr<SessionToken> NewSessionToken();
std::string TokenHash(std::string_view token);

}  // namespace cellchain::identity

#endif  // CELLCHAIN_SERVICES_IDENTITY_IDENTITY_INTERNAL_H_
