// Electronic signatures (21 CFR Part 11 §11.50, §11.70, §11.100, §11.200):
// the helpers every service uses to capture one, to require a second
// person (four eyes), and to keep a signer away from what they did
// themselves (segregation of duties).
//
// A signature is an audit record: the service appends its record with the
// Signature's actor and manifestation (ledger::Event::signature), and the
// ledger signs the record's bytes, so the manifestation — printed name,
// time, meaning — is bound to that one record and cannot be moved.
//
//   CC_ASSIGN_OR_RETURN(auth::Signature sig,
//       auth::Sign(*signatures, principal, request.signature(),
//                  {SIGNATURE_MEANING_RELEASED}, request_id));
//   ... event.actor = sig.actor; event.signature = sig.manifestation;
//
// Re-authentication happens before the action's transaction and outside
// it: a wrong password is recorded (and counted toward lockout) in the
// identity service's own transaction, which commits although the action
// is refused.
//
// Thread-safety: the helpers are thread-compatible; SignatureAuthority
// implementations must be thread-safe.
#ifndef CELLCHAIN_SERVICES_COMMON_AUTH_SIGNATURES_H_
#define CELLCHAIN_SERVICES_COMMON_AUTH_SIGNATURES_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "cellchain/common/v1/common.pb.h"
#include "services/common/auth/principal.h"
#include "services/common/idempotency/idempotency.h"
#include "services/common/pg/transaction.h"

namespace cellchain::auth {

using common::v1::SignatureMeaning;

inline constexpr char kReasonReauthenticationFailed[] =
    "SIGNATURE_REAUTHENTICATION_FAILED";
inline constexpr char kReasonSamePerson[] = "FOUR_EYES_SAME_PERSON";
inline constexpr char kReasonSegregationOfDuties[] = "SEGREGATION_OF_DUTIES";
inline constexpr char kReasonAccountLocked[] = "ACCOUNT_LOCKED";
inline constexpr char kReasonAccountDisabled[] = "ACCOUNT_DISABLED";

// A user whose password has just been checked again.
struct Reauthenticated {
  std::string user_id;
  std::string printed_name;
  std::vector<Role> roles;  // sorted
};

// Where a signature is being made, for the record of a failure.
struct SignatureAttempt {
  std::string method;       // "/pkg.Service/Method"
  std::string workstation;  // certificate subject
  std::string request_id;
  // The signer is the caller's own session user (Sign sets it; CoSign does
  // not): their account exists and the caller knows it, so a wrong password
  // may be answered as such, with the attempts left before the lockout.
  bool signer_is_caller = false;
};

// Checks a signer's password at the moment of signing (identity service).
class SignatureAuthority {
 public:
  virtual ~SignatureAuthority() = default;

  // PERMISSION_DENIED reason SIGNATURE_REAUTHENTICATION_FAILED: unknown user,
  //   wrong password or locked account (one answer) — a wrong password is
  //   audited and counted toward the user's lockout (which the attempt may
  //   trigger), and, when attempt.signer_is_caller, answered as a wrong
  //   password with the attempts left; a right one ends the count of
  //   consecutive failures; reason ACCOUNT_DISABLED. UNAVAILABLE etc. from
  //   the database.
  virtual absl::StatusOr<Reauthenticated> Reauthenticate(
      std::string_view user_id, std::string_view password,
      const SignatureAttempt& attempt) = 0;
};

// A captured signature: the actor and manifestation of its audit record.
// manifestation.signed_at is left unset: the ledger sets it to the record's
// time.
struct Signature {
  common::v1::Actor actor;
  common::v1::SignatureManifestation manifestation;
};

// The caller signs: checks the meaning is one of `allowed` and the
// password, for `caller`.
// INVALID_ARGUMENT field "<field>.meaning" (a meaning not allowed here) or
//   "<field>.password" (empty), before any check of the password;
// then the errors of Reauthenticate.
absl::StatusOr<Signature> Sign(SignatureAuthority& authority,
                               const Principal& caller,
                               const common::v1::ESignature& signature,
                               const std::vector<SignatureMeaning>& allowed,
                               const SignatureAttempt& attempt,
                               std::string_view field = "signature");

// The attempt of `caller`, at their workstation, signing in RPC
// /<service>/<method> (service: its full name, "cellchain.qc.v1.QcService")
// for `request_id`.
SignatureAttempt RpcAttempt(std::string_view service, std::string_view method,
                            const Principal& caller,
                            std::string_view request_id);

// Sign for the RPCs of the service named kService: the attempt is
// RpcAttempt(kService, method, caller, request_id). A service names one in
// its internal header,
//   inline constexpr auth::RpcSigner<kServiceName> SignAs;
// and signs with SignAs(*signatures_, caller, request.signature(),
// SIGNATURE_MEANING_APPROVED, "ReleaseLot", request_id).
// The signature is made for `request_id`, so a malformed one is refused
// first (INVALID_ARGUMENT field "request_id", idempotency::ValidateRequestId)
// before the password is checked, or a wrong one counted; then the errors of
// Sign.
template <const char* kService>
struct RpcSigner {
  absl::StatusOr<Signature> operator()(
      SignatureAuthority& authority, const Principal& caller,
      const common::v1::ESignature& signature,
      const std::vector<SignatureMeaning>& allowed, std::string_view method,
      std::string_view request_id) const {
    absl::Status valid_id = idempotency::ValidateRequestId(request_id);
    if (!valid_id.ok()) return valid_id;
    return Sign(authority, caller, signature, allowed,
                RpcAttempt(kService, method, caller, request_id));
  }
  // With the one meaning allowed.
  absl::StatusOr<Signature> operator()(SignatureAuthority& authority,
                                       const Principal& caller,
                                       const common::v1::ESignature& signature,
                                       SignatureMeaning meaning,
                                       std::string_view method,
                                       std::string_view request_id) const {
    return (*this)(authority, caller, signature,
                   std::vector<SignatureMeaning>{meaning}, method, request_id);
  }
};

// The second person of a four-eyes step signs at the caller's workstation.
// `second_roles`: the roles allowed for the second part (the first of them
// the second person holds is recorded).
// INVALID_ARGUMENT field "<field>.user_id" / ".password" (empty),
//   ".meaning" (not allowed);
// PERMISSION_DENIED reason FOUR_EYES_SAME_PERSON: the second person is the
//   caller (checked before the password: nothing is counted); reason
//   ROLE_NOT_ALLOWED: the second person holds none of `second_roles`;
// then the errors of Reauthenticate.
absl::StatusOr<Signature> CoSign(SignatureAuthority& authority,
                                 const Principal& caller,
                                 const common::v1::CoSignature& cosignature,
                                 const std::vector<Role>& second_roles,
                                 const std::vector<SignatureMeaning>& allowed,
                                 const SignatureAttempt& attempt,
                                 std::string_view field = "cosignature");

// Two signatures of one step must come from two people (for steps done in
// two RPCs: verify that the verifier is not the performer).
// PERMISSION_DENIED reason FOUR_EYES_SAME_PERSON when the user ids match.
absl::Status RequireDistinct(std::string_view first_user_id,
                             std::string_view second_user_id,
                             std::string_view step);

// Segregation of duties: refuses `signer_user_id` if they performed or
// verified any step of `entities` — if any audit record of those entities
// has them as its actor, unless the record
//   - carries their signature meaning APPROVED, RELEASED or REJECTED (a
//     disposition: QA's own signatures, e.g. an earlier deviation
//     assessment, are no step of the thing disposed), or
//   - has an action listed in `not_steps` (what the caller's context counts
//     as oversight rather than work, e.g. placing a hold, or QA viewing
//     identifying data).
// A record whose signature is theirs and means PERFORMED, VERIFIED,
// REVIEWED or WITNESSED always counts. Recording intake data, receiving a
// material or registering an item is performing a step although such
// records carry no signature. Reads cellchain_audit.records in `tx` (the
// action's transaction: the role needs SELECT on it, which
// cellchain_service has), so a step recorded by a concurrent transaction
// that has not committed is not seen.
// PERMISSION_DENIED reason SEGREGATION_OF_DUTIES naming the first such
//   record's entity and action; INTERNAL for a record that does not parse;
//   database errors as from pg.
absl::Status CheckSegregationOfDuties(
    pg::Transaction& tx, std::string_view signer_user_id,
    const std::vector<common::v1::EntityRef>& entities,
    const std::vector<std::string>& not_steps = {});

}  // namespace cellchain::auth

#endif  // CELLCHAIN_SERVICES_COMMON_AUTH_SIGNATURES_H_
