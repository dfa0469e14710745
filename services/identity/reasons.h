// The reasons the identity service refuses with: the machine-readable
// UPPER_SNAKE_CASE identifiers a status carries (services/common/status,
// WithReason) that clients, the CLI and the access_denials rows switch on.
// Each is spelled here once; what each RPC refuses with is in identity.h and
// docs/services/identity.md. The reasons every service shares
// (ACCOUNT_LOCKED, ACCOUNT_DISABLED, SIGNATURE_REAUTHENTICATION_FAILED) are
// auth's, in services/common/auth/signatures.h.
//
// Thread-safety: constants.
#ifndef CELLCHAIN_SERVICES_IDENTITY_REASONS_H_
#define CELLCHAIN_SERVICES_IDENTITY_REASONS_H_

namespace cellchain::identity {

// Credentials and authentication attempts.
inline constexpr char kReasonInvalidCredentials[] = "INVALID_CREDENTIALS";
inline constexpr char kReasonAuthenticationBusy[] = "AUTHENTICATION_BUSY";
inline constexpr char kReasonTooManyFailedAttempts[] =
    "TOO_MANY_FAILED_ATTEMPTS";
inline constexpr char kReasonCredentialChanged[] = "CREDENTIAL_CHANGED";

// Passwords (the policy, password_policy.h, and the bound on any password
// presented, kMaxPasswordBytes).
inline constexpr char kReasonPasswordNotUtf8[] = "PASSWORD_NOT_UTF8";
inline constexpr char kReasonPasswordTooShort[] = "PASSWORD_TOO_SHORT";
inline constexpr char kReasonPasswordTooLong[] = "PASSWORD_TOO_LONG";
inline constexpr char kReasonPasswordContainsUserId[] =
    "PASSWORD_CONTAINS_USER_ID";
inline constexpr char kReasonPasswordReused[] = "PASSWORD_REUSED";

// Sessions.
inline constexpr char kReasonClientCertificateRequired[] =
    "CLIENT_CERTIFICATE_REQUIRED";
inline constexpr char kReasonSessionInvalid[] = "SESSION_INVALID";
inline constexpr char kReasonSessionEnded[] = "SESSION_ENDED";
inline constexpr char kReasonSessionExpired[] = "SESSION_EXPIRED";
inline constexpr char kReasonSessionIdleTimeout[] = "SESSION_IDLE_TIMEOUT";
inline constexpr char kReasonSessionWorkstationMismatch[] =
    "SESSION_WORKSTATION_MISMATCH";
inline constexpr char kReasonSessionClientKeyMismatch[] =
    "SESSION_CLIENT_KEY_MISMATCH";

// User administration.
inline constexpr char kReasonAdminExists[] = "ADMIN_EXISTS";
inline constexpr char kReasonIncompatibleRoles[] = "INCOMPATIBLE_ROLES";
inline constexpr char kReasonCannotChangeOwnRoles[] = "CANNOT_CHANGE_OWN_ROLES";
inline constexpr char kReasonCannotDisableSelf[] = "CANNOT_DISABLE_SELF";
inline constexpr char kReasonAlreadyDisabled[] = "ALREADY_DISABLED";
inline constexpr char kReasonNotDisabled[] = "NOT_DISABLED";
inline constexpr char kReasonNotLocked[] = "NOT_LOCKED";

// NOT_FOUND.
inline constexpr char kReasonUserNotFound[] = "USER_NOT_FOUND";
inline constexpr char kReasonAccessDenialNotFound[] = "ACCESS_DENIAL_NOT_FOUND";

}  // namespace cellchain::identity

#endif  // CELLCHAIN_SERVICES_IDENTITY_REASONS_H_
