// Idempotent mutating RPCs: a retry with the same client request id gets the
// first answer back and changes nothing.
//
// Inside the RPC's transaction, before anything else:
//
//   CC_ASSIGN_OR_RETURN(idempotency::Claim claim,
//       idempotency::ClaimRequest(tx, {kService, "RegisterDonor", id},
//                                 request_bytes));
//   if (claim.is_replay()) return Parse(claim.response());  // write nothing
//   ... the change ...
//   CC_RETURN_IF_ERROR(claim.Complete(tx, response_bytes));
//   // then commit: the response is stored with the change, or neither is.
//
// `request_bytes` is the serialized request with its request id cleared, so
// the same request resent hashes the same. What is stored
// (cellchain_meta.idempotency; services/common/migrations/meta) is its
// HMAC-SHA-256 under the process's request hash key (SetRequestHashKey):
// every service role can read the table, and a plain digest of a request
// holding a donor's name and date of birth would let a reader confirm a
// guessed identity.
//
// A request id belongs to its caller: the key is (service, method, the
// caller's user id, request id). The user id is Key::user_id when given,
// else the one a CallerScope on this thread names (auth::Handle opens one
// for every handler), else "" (no logged-in caller). User B sending user
// A's request id makes B's own claim: B's request runs and B gets B's own
// response, never A's.
//
// What a duplicate sees:
//   - after the first committed: the stored response (is_replay()).
//   - while the first is still running: ClaimRequest waits on the first
//     transaction's row lock, then sees its committed response — or, if it
//     rolled back, becomes the claim itself and proceeds. In REPEATABLE READ
//     or SERIALIZABLE the wait ends in ABORTED (40001) instead, which
//     pg::Pool::InTransaction retries into the replay.
//   - with a different request under the same id: INVALID_ARGUMENT.
// Only successful outcomes are stored: an RPC that fails rolls back its
// claim, and a retry runs again (the failure may not recur).
//
// Thread-safety: functions are thread-compatible; a Claim belongs to the
// thread and transaction that made it.
#ifndef CELLCHAIN_SERVICES_COMMON_IDEMPOTENCY_IDEMPOTENCY_H_
#define CELLCHAIN_SERVICES_COMMON_IDEMPOTENCY_IDEMPOTENCY_H_

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/functional/function_ref.h"
#include "services/common/pg/pool.h"
#include "services/common/pg/transaction.h"

namespace cellchain::idempotency {

// INVALID_ARGUMENT, field "request_id": not 16 to 64 characters of
// [A-Za-z0-9_-] (e.g. a UUID, or 22 characters of base64url).
absl::Status ValidateRequestId(std::string_view request_id);

// A request id for the `step`-th call a request makes to another service:
// 32 characters of base64url of SHA-256(request_id "/" step), so that the
// same request always derives the same id and a retry of it repeats, and
// so replays, exactly the calls the first attempt made.
std::string DerivedRequestId(std::string_view request_id,
                             std::string_view step);

struct Key {
  std::string_view service;  // e.g. "cellchain.donor.v1.DonorService"
  std::string_view method;   // e.g. "RegisterDonor"
  std::string_view request_id;
  // The caller; nullopt: the CallerScope of this thread, else "".
  std::optional<std::string_view> user_id = std::nullopt;
};

// The key of request hashes, process-wide: 32 bytes (cellchaind reads them
// from --request-hash-key-file at startup, before serving). Until it is set
// a random key of this process is used, so hashes (and replays) would not
// carry over to another process or a restart: only tests rely on that.
// Thread-safe.
void SetRequestHashKey(std::string key);

// Reads the key file: one line, the base64 of 32 bytes. NOT_FOUND /
// PERMISSION_DENIED naming an unreadable file; INVALID_ARGUMENT naming it
// when the content is not that.
absl::StatusOr<std::string> ReadRequestHashKeyFile(const std::string& path);

// HMAC-SHA-256 of `request_bytes` under the request hash key (32 bytes).
std::string RequestHash(std::string_view request_bytes);

// Names the caller of the requests claimed on this thread while it lives
// (scopes nest; the innermost wins). Not copyable.
class CallerScope {
 public:
  explicit CallerScope(std::string_view user_id);
  ~CallerScope();
  CallerScope(const CallerScope&) = delete;
  CallerScope& operator=(const CallerScope&) = delete;

 private:
  std::string user_id_;
  const CallerScope* outer_;
  friend std::string_view CurrentCaller();
};

// The user id of the innermost CallerScope of this thread, or "".
std::string_view CurrentCaller();

class Claim {
 public:
  // The request was done before: return response() and write nothing.
  bool is_replay() const { return replay_; }
  // The stored response of a replay ("" otherwise).
  const std::string& response() const { return response_; }

  // Stores the response of a new claim in `tx`, the transaction the claim was
  // made in; the caller then commits. The UPDATE is deferred
  // (pg::Transaction::Defer): it travels with the transaction's next round
  // trip, normally its COMMIT, so completing costs no round trip of its own.
  // INTERNAL: a replay or already completed (at once); the claim row is not
  // there to complete (a different transaction): from the call that carries
  // the UPDATE, normally Commit(), and nothing is committed.
  absl::Status Complete(pg::Transaction& tx, std::string_view response);

 private:
  friend absl::StatusOr<Claim> ClaimRequest(pg::Transaction&, const Key&,
                                            std::string_view);
  Claim(const Key& key, std::string_view user_id, bool replay,
        std::string response);

  std::string service_;
  std::string method_;
  std::string user_id_;
  std::string request_id_;
  bool replay_;
  bool completed_ = false;
  std::string response_;
};

// Claims key.request_id for this request in `tx` (see the top of the file).
// INVALID_ARGUMENT field "request_id": bad shape (ValidateRequestId), or
//   reason REQUEST_ID_REUSED: this caller used the id before for a
//   different request, or it was used before migration 0002 (by anyone).
// INTERNAL: empty service or method; the id was claimed in this transaction
//   already, or committed without a response.
// Otherwise database errors as from pg (UNAVAILABLE, ABORTED, ...).
absl::StatusOr<Claim> ClaimRequest(pg::Transaction& tx, const Key& key,
                                   std::string_view request_bytes);


// The whole pattern above for one RPC: runs `change` in a transaction of
// `pool` (retried by pg::Pool::InTransaction on serialization failures)
// under the claim of `key`; a replay parses and returns the stored response
// without calling `change`. `request_bytes` as for ClaimRequest. `change`
// fills `response`, which is stored with the change.
// Errors: those of ClaimRequest, of `change`, and of the commit; INTERNAL
// when a stored response does not parse.
template <typename Response>
absl::StatusOr<Response> RunOnce(
    pg::Pool& pool, const Key& key, std::string_view request_bytes,
    absl::FunctionRef<absl::Status(pg::Transaction&, Response&)> change) {
  Response response;
  absl::Status status =
      pool.InTransaction([&](pg::Transaction& tx) -> absl::Status {
        response.Clear();
        absl::StatusOr<Claim> claim = ClaimRequest(tx, key, request_bytes);
        if (!claim.ok()) return claim.status();
        if (claim->is_replay()) {
          if (!response.ParseFromString(claim->response())) {
            return absl::InternalError("stored response does not parse");
          }
          return absl::OkStatus();
        }
        absl::Status changed = change(tx, response);
        if (!changed.ok()) return changed;
        return claim->Complete(tx, response.SerializeAsString());
      });
  if (!status.ok()) return status;
  return response;
}

}  // namespace cellchain::idempotency

#endif  // CELLCHAIN_SERVICES_COMMON_IDEMPOTENCY_IDEMPOTENCY_H_
