// What the tests that call every RPC of every hosted service need
// (access_matrix_e2e_test, hostile_input_e2e_test): the services, whose
// RPCs their descriptors list, and one call of an RPC named only by its
// path ("/cellchain.custody.v1.CustodyService/GetItem") with a request
// given as its wire bytes, through gRPC's generic stub, without the
// generated code of each; and a user made to hold any roles, as both tests
// need one per role (or one holding all) to reach every handler.
// Thread-safety: free functions; each call has its own completion queue.
#ifndef CELLCHAIN_TESTS_E2E_EVERY_RPC_H_
#define CELLCHAIN_TESTS_E2E_EVERY_RPC_H_

#include <grpcpp/channel.h>
#include <grpcpp/support/status.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/common/auth/roles.h"
#include "tests/e2e/daemon.h"

namespace cellchain::e2e {

// The full names of the cellchain services linked into this test, every
// one cellchaind hosts ("cellchain.custody.v1.CustodyService", ...).
std::vector<std::string> EveryService();

// Calls `method` on `channel` with `wire` as the request and `token` as the
// session ("" for none), within 20 s. OK as soon as a response message
// arrives (the call is then cancelled: these tests ask only whether the
// server answered or refused, and a streaming RPC may go on), else the
// status the server or the channel ended the call with.
grpc::Status CallGeneric(const std::shared_ptr<grpc::Channel>& channel,
                         const std::string& method, const std::string& wire,
                         const std::string& token);

// Creates `user_id` named `printed_name` holding `roles`, as the
// administrator whose session is `admin_token` (at admin-cli), then logs
// in at lab-ws-01 with the temporary password and sets `password` in its
// place, so that the user can log in for real. OK, or the status of the
// step that failed (CreateUser, the first login, ChangePassword).
absl::Status ProvisionUser(Daemon& daemon, const std::string& admin_token,
                           const std::string& user_id,
                           const std::string& printed_name,
                           const std::vector<auth::Role>& roles,
                           const std::string& password);

}  // namespace cellchain::e2e

#endif  // CELLCHAIN_TESTS_E2E_EVERY_RPC_H_
