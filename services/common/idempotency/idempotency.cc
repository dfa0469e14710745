#include "services/common/idempotency/idempotency.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <memory>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "services/common/crypto/encoding.h"
#include "services/common/crypto/openssl_util.h"
#include "services/common/crypto/random.h"
#include "services/common/crypto/sha256.h"
#include "services/common/pg/error.h"
#include "services/common/status/status.h"

namespace cellchain::idempotency {
namespace {

constexpr size_t kKeyBytes = 32;

absl::Mutex key_mutex;
std::string* hash_key ABSL_GUARDED_BY(key_mutex) = nullptr;

std::string HashKey() {
  absl::MutexLock lock(&key_mutex);
  if (hash_key == nullptr) {
    absl::StatusOr<std::string> random = crypto::RandomBytes(kKeyBytes);
    // RandomBytes fails only without an entropy source; a zero key then
    // still keys the hash, and cellchaind always sets its own.
    hash_key = new std::string(random.ok() ? *random
                                           : std::string(kKeyBytes, '\0'));
  }
  return *hash_key;
}

thread_local const CallerScope* current_scope = nullptr;

bool IsIdChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
         (c >= '0' && c <= '9') || c == '_' || c == '-';
}

}  // namespace

std::string DerivedRequestId(std::string_view request_id,
                             std::string_view step) {
  crypto::Sha256Digest digest = crypto::Sha256(
      absl::StrCat(std::string(request_id), "/", std::string(step)));
  std::string b64 = crypto::Base64Encode(std::string_view(
      reinterpret_cast<const char*>(digest.data()), digest.size()));
  for (char& c : b64) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return b64.substr(0, 32);
}

absl::Status ValidateRequestId(std::string_view request_id) {
  bool ok = request_id.size() >= 16 && request_id.size() <= 64;
  for (char c : request_id) ok = ok && IsIdChar(c);
  if (!ok) {
    return InvalidField("request_id",
                        "must be 16 to 64 characters of A-Z a-z 0-9 _ -");
  }
  return absl::OkStatus();
}

void SetRequestHashKey(std::string key) {
  absl::MutexLock lock(&key_mutex);
  delete hash_key;
  hash_key = new std::string(std::move(key));
}

absl::StatusOr<std::string> ReadRequestHashKeyFile(const std::string& path) {
  CC_ASSIGN_OR_RETURN(std::string text,
                      crypto::internal::ReadSmallFile(path, 1024));
  absl::StatusOr<std::string> key = crypto::Base64Decode(
      std::string(absl::StripAsciiWhitespace(text)));
  if (!key.ok() || key->size() != kKeyBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        path, ": expected one line, the base64 of 32 random bytes"));
  }
  return key;
}

std::string RequestHash(std::string_view request_bytes) {
  std::string key = HashKey();
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(request_bytes.data()),
       request_bytes.size(), out, &length);
  return std::string(reinterpret_cast<const char*>(out), length);
}

CallerScope::CallerScope(std::string_view user_id)
    : user_id_(user_id), outer_(current_scope) {
  current_scope = this;
}

CallerScope::~CallerScope() { current_scope = outer_; }

std::string_view CurrentCaller() {
  return current_scope == nullptr ? std::string_view()
                                  : std::string_view(current_scope->user_id_);
}

Claim::Claim(const Key& key, std::string_view user_id, bool replay,
             std::string response)
    : service_(key.service),
      method_(key.method),
      user_id_(user_id),
      request_id_(key.request_id),
      replay_(replay),
      response_(std::move(response)) {}

absl::StatusOr<Claim> ClaimRequest(pg::Transaction& tx, const Key& key,
                                   std::string_view request_bytes) {
  CC_RETURN_IF_ERROR(ValidateRequestId(key.request_id));
  if (key.service.empty() || key.method.empty()) {
    return absl::InternalError("idempotency key needs a service and method");
  }
  std::string_view user_id =
      key.user_id.has_value() ? *key.user_id : CurrentCaller();
  std::string hash = RequestHash(request_bytes);
  pg::Params key_params = {key.service, key.method, user_id, key.request_id};
  const absl::Status reused = WithReason(
      InvalidField("request_id",
                   "was already used for a different request; send a new "
                   "request id with a new request"),
      "REQUEST_ID_REUSED");
  // One round trip. The INSERT waits for a concurrent claim of the same key
  // to end; the SELECT, a new statement with a new snapshot, then sees that
  // claim's committed row (or our own new one), and a row of the same id
  // with no caller ('': before migration 0002), whose request is unknown.
  std::vector<pg::Statement> statements = {
      {"INSERT INTO cellchain_meta.idempotency "
       "(service, method, user_id, request_id, request_hash) "
       "VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
       pg::Params(key_params).Add(pg::Param::Bytes(hash))},
      {"SELECT request_hash, response, user_id = $3 AS own "
       "FROM cellchain_meta.idempotency "
       "WHERE service = $1 AND method = $2 AND request_id = $4 "
       "AND user_id IN ($3, '') ORDER BY own DESC",
       key_params, pg::ResultFormat::kBinary},
  };
  CC_ASSIGN_OR_RETURN(std::vector<pg::Result> results,
                      tx.ExecPipeline(statements));
  const pg::Result& row = results[1];
  if (row.rows() == 2) return reused;  // ours is new; the '' row is older
  if (results[0].affected_rows() == 1) {
    return Claim(key, user_id, false, "");
  }
  if (row.rows() != 1) {
    return absl::InternalError("idempotency row conflicted but is not there");
  }
  CC_ASSIGN_OR_RETURN(std::string stored_hash, row.GetBytes(0, "request_hash"));
  if (stored_hash != hash) return reused;
  CC_ASSIGN_OR_RETURN(int response_column, row.ColumnIndex("response"));
  if (row.IsNull(0, response_column)) {
    return absl::InternalError(
        "request id claimed but without a response: claimed twice in one "
        "transaction, or committed without Claim::Complete");
  }
  CC_ASSIGN_OR_RETURN(std::string response, row.GetBytes(0, response_column));
  return Claim(key, user_id, true, std::move(response));
}

absl::Status Claim::Complete(pg::Transaction& tx, std::string_view response) {
  if (replay_ || completed_) {
    return absl::InternalError(
        "Claim::Complete on a replay or a completed claim");
  }
  // Deferred: the response travels with the transaction's next round trip,
  // in practice its COMMIT (issue 13: one round trip less per audited
  // write). The check that the claim row was there, which the caller can no
  // longer read, is the statement's own: 1 / count(*) of the rows updated
  // fails with division_by_zero (22012) when there were none, and stops the
  // pipeline before COMMIT.
  tx.Defer(
      {"WITH done AS (UPDATE cellchain_meta.idempotency SET response = $5 "
       "WHERE service = $1 AND method = $2 AND user_id = $3 "
       "AND request_id = $4 AND response IS NULL RETURNING 1) "
       "SELECT 1 / count(*) FROM done",
       {service_, method_, user_id_, request_id_,
        pg::Param::Bytes(response)}},
      [](absl::Status error) {
        if (pg::SqlStateOf(error) != "22012") return error;
        return absl::InternalError(
            "idempotency claim not found: Complete must run in the claim's "
            "transaction");
      });
  completed_ = true;
  return absl::OkStatus();
}

}  // namespace cellchain::idempotency
