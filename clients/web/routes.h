// The web console's routes, declared in one table (Routes()): for each, the
// HTTP method and path, who may call it (nobody's session needed, any
// logged-in user, or the roles named as roles.h spells them) and the
// cellchaind RPC behind it. A request matching no route is 404; the server
// (console.h) refuses a route needing a session without one (401) and a
// user holding none of its roles (403) before calling cellchaind, whose
// access gate then decides again with the person's own session token.
//
// Bodies and answers are the RPC's request and response messages in
// protobuf's JSON mapping (JsonStringToMessage / MessageToJsonString). A
// route answers in one of three ways (Answer): one message (Invoke), a
// file to download (Fetch: an export bundle, a certificate), or a server
// stream's messages as they come, one JSON object a line (OpenStream: a
// log verification's progress).
//
// Thread-safety: the table is immutable; an Invoke may run on many threads.
#ifndef CELLCHAIN_CLIENTS_WEB_ROUTES_H_
#define CELLCHAIN_CLIENTS_WEB_ROUTES_H_

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>
#include <google/protobuf/message.h>

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"
#include "services/common/auth/roles.h"

namespace cellchain::web {

// Who may call a route.
enum class Access {
  kPublic,   // no session (logging in)
  kAnyUser,  // any logged-in user
  kRoles,    // a logged-in user holding one of Route::roles
};

// What a route does to the console's session cookie.
enum class SessionEffect { kNone, kStarts, kEnds };

// Calls the RPC with `json` (the request message in JSON; "" = the empty
// message) on `channel` within `context`; the response message, or
// INVALID_ARGUMENT for a body that is not the request in JSON, or the
// RPC's refusal.
using Invoke = std::function<absl::StatusOr<
    std::unique_ptr<google::protobuf::Message>>(
    const std::shared_ptr<grpc::Channel>& channel,
    grpc::ClientContext& context, std::string_view json)>;

// A file the browser saves: Content-Disposition: attachment.
struct Download {
  std::string content_type;  // "application/pdf"
  std::string file_name;     // no directory; nothing identifying a person
  std::string bytes;
};

// Calls the RPC(s) behind a download with `json` (the request in JSON).
using Fetch = std::function<absl::StatusOr<Download>(
    const std::shared_ptr<grpc::Channel>& channel,
    grpc::ClientContext& context, std::string_view json)>;

// A server-streaming call under way: its messages, one at a time.
class MessageStream {
 public:
  virtual ~MessageStream() = default;
  // The next message (valid until the next call), or nullptr at the end.
  virtual const google::protobuf::Message* Next() = 0;
  // After Next answered nullptr: how the call ended.
  virtual absl::Status Finish() = 0;
};

// Starts the streaming RPC with `json` (the request in JSON); the stream
// owns `context`. INVALID_ARGUMENT for a body that is not the request.
using OpenStream =
    std::function<absl::StatusOr<std::unique_ptr<MessageStream>>(
        const std::shared_ptr<grpc::Channel>& channel,
        std::unique_ptr<grpc::ClientContext> context, std::string_view json)>;

using Answer = std::variant<Invoke, Fetch, OpenStream>;

struct Route {
  std::string method;  // "GET", "POST"
  std::string path;    // "/api/audit/query": exact, no parameters
  Access access;
  std::vector<auth::Role> roles;  // for kRoles
  std::string rpc;  // "/cellchain.audit.v1.AuditService/QueryRecords"
  SessionEffect effect;
  Answer answer;
};

// Every route, in one place.
const std::vector<Route>& Routes();

// The route of `method` and `path`, or nullptr.
const Route* FindRoute(std::string_view method, std::string_view path);

// Whether a user with `user_roles` may call `route` (kPublic and kAnyUser:
// always; kRoles: when they hold one of its roles).
bool Allows(const Route& route, const std::vector<auth::Role>& user_roles);

// True for the methods that change something (every one but GET and HEAD):
// they must carry the CSRF token.
bool ChangesState(std::string_view method);

}  // namespace cellchain::web

#endif  // CELLCHAIN_CLIENTS_WEB_ROUTES_H_
