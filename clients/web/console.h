// cellchain-web's HTTPS server: the static pages of the console and its JSON
// API (routes.h), calling cellchaind over mTLS gRPC with the person's own
// session token, so that the same access gate decides sessions, lockout,
// roles and e-signatures for the browser as for the CLI (decision 0019).
//
//   auto console = Console::Start(options, channel);   // listening
//   ... (*console)->port() ...
//   (*console)->Stop();
//
// Per request:
//   - /api/...: the route of the table or 404; without the session cookie
//     401; a POST without X-CSRF-Token equal to the session's CSRF value
//     403 (nothing is called); a user holding none of the route's roles
//     (cellchaind's WhoAmI with the cookie's token) 403; otherwise the RPC,
//     its answer in JSON, Cache-Control: no-store. A refusal is
//     {"code", "message", "reason", "field"} with the HTTP status of its
//     gRPC code.
//   - Login sets the session cookie (Secure; HttpOnly; SameSite=Strict;
//     Path=/) and the CSRF cookie the page's script reads (not HttpOnly);
//     logout revokes the session at cellchaind and clears both.
//   - anything else: a file of the static directory, or 404.
//   - every response: Content-Security-Policy default-src 'self';
//     script-src 'self'; frame-ancestors 'none', X-Content-Type-Options
//     nosniff, Referrer-Policy no-referrer.
//   - the log: one line per request with its method, the route's pattern
//     and the status; never the query string, a body or a cookie.
//
// Thread-safety: Start and Stop from one thread; requests are served on the
// HTTP library's own threads.
#ifndef CELLCHAIN_CLIENTS_WEB_CONSOLE_H_
#define CELLCHAIN_CLIENTS_WEB_CONSOLE_H_

#include <grpcpp/channel.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"

namespace httplib {
class SSLServer;
struct Request;
struct Response;
}  // namespace httplib

namespace cellchain::web {

inline constexpr char kSessionCookie[] = "cellchain_session";
inline constexpr char kCsrfCookie[] = "cellchain_csrf";
inline constexpr char kCsrfHeader[] = "X-CSRF-Token";

struct ConsoleOptions {
  std::string listen = "127.0.0.1:8443";  // HOST:PORT; port 0 picks one
  std::string https_cert;  // PEM certificate chain the browser sees
  std::string https_key;   // its private key
  std::string static_dir;  // the pages, served as they are
  std::chrono::milliseconds deadline{10000};  // of each call to cellchaind
};

class Console {
 public:
  // Binds, then serves on a thread of its own. INVALID_ARGUMENT for a bad
  // --listen, the certificate or key unusable, or the static directory
  // missing; UNAVAILABLE when the address cannot be bound.
  static absl::StatusOr<std::unique_ptr<Console>> Start(
      const ConsoleOptions& options, std::shared_ptr<grpc::Channel> channel);
  ~Console();
  Console(const Console&) = delete;
  Console& operator=(const Console&) = delete;

  int port() const { return port_; }
  // Stops accepting and waits for the serving thread.
  void Stop();

 private:
  Console(ConsoleOptions options, std::shared_ptr<grpc::Channel> channel);
  void Handle(const httplib::Request& request, httplib::Response& response);
  // The CSRF value bound to a session token: HMAC-SHA256 under a key made
  // at start, hex.
  std::string CsrfFor(const std::string& token) const;

  ConsoleOptions options_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<httplib::SSLServer> server_;
  std::string csrf_key_;
  int port_ = 0;
  std::thread thread_;
};

}  // namespace cellchain::web

#endif  // CELLCHAIN_CLIENTS_WEB_CONSOLE_H_
