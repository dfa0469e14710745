// A person logged in at a workstation, as the load generator and the faults
// checker act: an mTLS channel with the workstation's certificate from the
// stack's PKI directory, the session token Login gave, and call contexts
// made as the CLI makes them (a deadline, x-request-id, the bearer token).
//
// Thread-safety: a Person may be shared by any number of threads once made
// (its channel is thread-safe; the token is never changed); each
// CallContext serves one call.
#ifndef CELLCHAIN_TESTS_LOAD_LOAD_SESSION_H_
#define CELLCHAIN_TESTS_LOAD_LOAD_SESSION_H_

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "services/common/grpc/client.h"

namespace cellchain::load {

struct Person {
  std::string user_id;
  std::shared_ptr<grpc::Channel> channel;
  std::string token;
};

// A channel to `target` with `workstation`'s certificate (below);
// NOT_FOUND naming a PEM file that cannot be read.
absl::StatusOr<std::shared_ptr<grpc::Channel>> WorkstationChannel(
    const std::string& target, const std::string& pki,
    const std::string& workstation);

// Logs `user_id` in at `workstation` (its certificate is
// PKI/clients/<workstation>.crt and .key, the CA PKI/ca.crt). Says why on
// stderr and gives nullopt when the channel cannot be made or Login fails.
std::optional<Person> LogIn(const std::string& target, const std::string& pki,
                            const std::string& workstation,
                            const std::string& user_id,
                            const std::string& password);

// A call context as the CLI makes one (clients/cli/cli.cc NewCallContext):
// `deadline`, the request id as x-request-id when given, the session as a
// bearer token.
std::unique_ptr<grpc::ClientContext> CallContext(
    const Person& person, const std::string& request_id = "",
    std::chrono::milliseconds deadline = grpcx::kDefaultDeadline);

// The environment variable `name`, or "" when unset (the passwords come from
// the environment, never the command line).
std::string EnvOrEmpty(const char* name);

}  // namespace cellchain::load

#endif  // CELLCHAIN_TESTS_LOAD_LOAD_SESSION_H_
