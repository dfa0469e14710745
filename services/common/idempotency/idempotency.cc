#include "services/common/idempotency/idempotency.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "services/common/crypto/encoding.h"
#include "services/common/crypto/sha256.h"
#include "services/common/status/status.h"

namespace cellchain::idempotency {
namespace {

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

Claim::Claim(const Key& key, bool replay, std::string response)
    : service_(key.service),
      method_(key.method),
      request_id_(key.request_id),
      replay_(replay),
      response_(std::move(response)) {}

absl::StatusOr<Claim> ClaimRequest(pg::Transaction& tx, const Key& key,
                                   std::string_view request_bytes) {
  CC_RETURN_IF_ERROR(ValidateRequestId(key.request_id));
  if (key.service.empty() || key.method.empty()) {
    return absl::InternalError("idempotency key needs a service and method");
  }
  crypto::Sha256Digest digest = crypto::Sha256(request_bytes);
  std::string hash(digest.begin(), digest.end());
  pg::Params key_params = {key.service, key.method, key.request_id};
  // One round trip. The INSERT waits for a concurrent claim of the same key
  // to end; the SELECT, a new statement with a new snapshot, then sees that
  // claim's committed row (or our own new one).
  std::vector<pg::Statement> statements = {
      {"INSERT INTO cellchain_meta.idempotency "
       "(service, method, request_id, request_hash) VALUES ($1, $2, $3, $4) "
       "ON CONFLICT DO NOTHING",
       pg::Params(key_params).Add(pg::Param::Bytes(hash))},
      {"SELECT request_hash, response FROM cellchain_meta.idempotency "
       "WHERE service = $1 AND method = $2 AND request_id = $3",
       key_params, pg::ResultFormat::kBinary},
  };
  CC_ASSIGN_OR_RETURN(std::vector<pg::Result> results,
                      tx.ExecPipeline(statements));
  if (results[0].affected_rows() == 1) return Claim(key, false, "");

  const pg::Result& row = results[1];
  if (row.rows() != 1) {
    return absl::InternalError("idempotency row conflicted but is not there");
  }
  CC_ASSIGN_OR_RETURN(std::string stored_hash, row.GetBytes(0, "request_hash"));
  if (stored_hash != hash) {
    return WithReason(
        InvalidField("request_id",
                     "was already used for a different request; send a new "
                     "request id with a new request"),
        "REQUEST_ID_REUSED");
  }
  CC_ASSIGN_OR_RETURN(int response_column, row.ColumnIndex("response"));
  if (row.IsNull(0, response_column)) {
    return absl::InternalError(
        "request id claimed but without a response: claimed twice in one "
        "transaction, or committed without Claim::Complete");
  }
  CC_ASSIGN_OR_RETURN(std::string response, row.GetBytes(0, response_column));
  return Claim(key, true, std::move(response));
}

absl::Status Claim::Complete(pg::Transaction& tx, std::string_view response) {
  if (replay_ || completed_) {
    return absl::InternalError(
        "Claim::Complete on a replay or a completed claim");
  }
  CC_ASSIGN_OR_RETURN(
      pg::Result result,
      tx.Exec("UPDATE cellchain_meta.idempotency SET response = $4 "
              "WHERE service = $1 AND method = $2 AND request_id = $3 "
              "AND response IS NULL",
              {service_, method_, request_id_, pg::Param::Bytes(response)}));
  if (result.affected_rows() != 1) {
    return absl::InternalError(
        "idempotency claim not found: Complete must run in the claim's "
        "transaction");
  }
  completed_ = true;
  return absl::OkStatus();
}

}  // namespace cellchain::idempotency
