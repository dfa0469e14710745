#include "clients/web/console.h"

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <httplib.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <algorithm>
#include <filesystem>
#include <utility>
#include <variant>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "cellchain/clinical/v1/clinical.pb.h"
#include "cellchain/custody/v1/custody.pb.h"
#include "cellchain/donor/v1/donor.pb.h"
#include "cellchain/dose/v1/dose.pb.h"
#include "cellchain/identity/v1/identity.grpc.pb.h"
#include "cellchain/labels/v1/labels.pb.h"
#include "cellchain/manufacturing/v1/manufacturing.pb.h"
#include "cellchain/qc/v1/qc.pb.h"
#include "cellchain/system/v1/system.pb.h"
#include "clients/web/routes.h"
#include "services/common/grpc/client.h"
#include "services/common/grpc/grpc_status.h"
#include "services/common/log/log.h"
#include "services/common/status/metadata.h"
#include "services/common/status/status.h"

namespace cellchain::web {
namespace {

namespace identity = ::cellchain::identity::v1;

constexpr char kContentSecurityPolicy[] =
    "default-src 'self'; script-src 'self'; frame-ancestors 'none'";

// The deadline of a download or a stream at least: the CLI's for the same
// calls (audit verify, audit export).
constexpr std::chrono::milliseconds kLongCallDeadline{600000};

int HttpStatusOf(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kOk:
      return 200;
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kOutOfRange:
      return 400;
    case absl::StatusCode::kUnauthenticated:
      return 401;
    case absl::StatusCode::kPermissionDenied:
      return 403;
    case absl::StatusCode::kNotFound:
      return 404;
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kAborted:
      return 409;
    case absl::StatusCode::kResourceExhausted:
      return 429;
    case absl::StatusCode::kUnavailable:
      return 503;
    case absl::StatusCode::kDeadlineExceeded:
      return 504;
    default:
      return 500;
  }
}

// Audit records carry their entity's state as a google.protobuf.Any, which
// prints in JSON only when its type is in the generated pool, and a static
// library's file joins the pool only when something links it: one message
// of each package that holds such states.
void LinkRecordStateTypes() {
  const google::protobuf::Message* linked[] = {
      &clinical::v1::Wristband::default_instance(),
      &custody::v1::ParentLink::default_instance(),
      &donor::v1::IdentifyingData::default_instance(),
      &dose::v1::PatientIdentifying::default_instance(),
      &labels::v1::LabelText::default_instance(),
      &manufacturing::v1::MaterialLot::default_instance(),
      &qc::v1::NumericLimits::default_instance(),
      &system::v1::GetVersionRequest::default_instance(),
  };
  for (const google::protobuf::Message* message : linked) {
    (void)message->GetDescriptor();
  }
}

absl::StatusOr<std::string> ToJson(const google::protobuf::Message& message) {
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.always_print_primitive_fields = true;
  auto printed =
      google::protobuf::util::MessageToJsonString(message, &json, options);
  if (!printed.ok()) {
    return absl::InternalError(
        absl::StrCat("cannot print the answer in JSON: ", printed.ToString()));
  }
  return json;
}

// A refusal as the page reads it: {"code", "message", "reason", "field",
// "metadata"}, the last the ErrorInfo's metadata by key ({} when none:
// a release's failing gates are "gate_<reason>", services/dose/reasons.h),
// for the page to read facts from, never from the message's words.
std::string RefusalJson(const absl::Status& status) {
  google::protobuf::Struct body;
  auto& fields = *body.mutable_fields();
  fields["code"].set_string_value(absl::StatusCodeToString(status.code()));
  fields["message"].set_string_value(std::string(status.message()));
  fields["reason"].set_string_value(ReasonOf(status));
  fields["field"].set_string_value(FieldOf(status));
  auto& metadata = *fields["metadata"].mutable_struct_value()->mutable_fields();
  for (const auto& [key, value] : AllMetadataOf(status)) {
    metadata[key].set_string_value(value);
  }
  return ToJson(body).value_or("{}");
}

void Refuse(httplib::Response& response, const absl::Status& status) {
  response.status = HttpStatusOf(status.code());
  response.set_content(RefusalJson(status), "application/json");
}

// A file the browser saves under its name.
void SendDownload(httplib::Response& response, const Download& download) {
  response.status = 200;
  response.set_header(
      "Content-Disposition",
      absl::StrCat("attachment; filename=\"", download.file_name, "\""));
  response.set_content(download.bytes, download.content_type);
}

// A stream's messages as they come, one JSON object a line
// (application/x-ndjson); `first`, already read, opens the answer. A call
// that ends in a refusal after it began ends the answer with the refusal's
// line ({"code", "message", ...}).
void SendStream(httplib::Response& response,
                std::shared_ptr<MessageStream> stream,
                const google::protobuf::Message& first) {
  auto line = [](const google::protobuf::Message& message) {
    absl::StatusOr<std::string> json = ToJson(message);
    return (json.ok() ? *json : RefusalJson(json.status())) + "\n";
  };
  response.status = 200;
  response.set_chunked_content_provider(
      "application/x-ndjson",
      [stream, line, pending = line(first)](size_t /*offset*/,
                                            httplib::DataSink& sink) mutable {
        if (pending.empty()) {
          if (const google::protobuf::Message* next = stream->Next()) {
            pending = line(*next);
          } else {
            const absl::Status ended = stream->Finish();
            if (!ended.ok()) pending = RefusalJson(ended) + "\n";
            if (!pending.empty() && !sink.write(pending.data(), pending.size())) {
              return false;
            }
            sink.done();
            return true;
          }
        }
        const bool written = sink.write(pending.data(), pending.size());
        pending.clear();
        return written;
      });
}

// The value of cookie `name` in the request's Cookie headers, or "".
std::string CookieOf(const httplib::Request& request, const std::string& name) {
  const size_t count = request.get_header_value_count("Cookie");
  for (size_t i = 0; i < count; ++i) {
    for (absl::string_view part :
         absl::StrSplit(request.get_header_value("Cookie", i), ';')) {
      part = absl::StripAsciiWhitespace(part);
      if (absl::ConsumePrefix(&part, absl::StrCat(name, "="))) {
        return std::string(part);
      }
    }
  }
  return "";
}

std::string Cookie(const std::string& name, const std::string& value,
                   bool http_only, bool clear) {
  return absl::StrCat(name, "=", value, "; Secure;",
                      http_only ? " HttpOnly;" : "",
                      " SameSite=Strict; Path=/", clear ? "; Max-Age=0" : "");
}

// The pattern a request is logged under: its route's path, a static file's
// path, or "(no route)"; never the query string.
std::string RouteLabel(const httplib::Request& request,
                       const httplib::Response& response) {
  if (const Route* route = FindRoute(request.method, request.path)) {
    return route->path;
  }
  if (!absl::StartsWith(request.path, "/api/") &&
      (response.status == 200 || response.status == 304)) {
    return request.path;
  }
  return "(no route)";
}

absl::StatusOr<std::pair<std::string, int>> ParseListen(
    const std::string& listen) {
  const size_t colon = listen.rfind(':');
  int port = -1;
  if (colon == std::string::npos || colon == 0 ||
      !absl::SimpleAtoi(listen.substr(colon + 1), &port) || port < 0 ||
      port > 65535) {
    return InvalidField("listen",
                        absl::StrCat("--listen must be HOST:PORT, not \"",
                                     listen, "\""));
  }
  return std::make_pair(listen.substr(0, colon), port);
}

}  // namespace

Console::Console(ConsoleOptions options, std::shared_ptr<grpc::Channel> channel)
    : options_(std::move(options)), channel_(std::move(channel)) {}

absl::StatusOr<std::unique_ptr<Console>> Console::Start(
    const ConsoleOptions& options, std::shared_ptr<grpc::Channel> channel) {
  absl::StatusOr<std::pair<std::string, int>> listen =
      ParseListen(options.listen);
  if (!listen.ok()) return listen.status();
  if (!std::filesystem::is_directory(options.static_dir)) {
    return InvalidField("static-dir",
                        absl::StrCat("--static-dir: no directory \"",
                                     options.static_dir, "\""));
  }
  LinkRecordStateTypes();
  std::unique_ptr<Console> console(new Console(options, std::move(channel)));
  unsigned char key[32];
  if (RAND_bytes(key, sizeof(key)) != 1) {
    return absl::InternalError("no random bytes for the CSRF key");
  }
  console->csrf_key_.assign(reinterpret_cast<const char*>(key), sizeof(key));
  console->server_ = std::make_unique<httplib::SSLServer>(
      options.https_cert.c_str(), options.https_key.c_str());
  httplib::SSLServer& server = *console->server_;
  if (!server.is_valid()) {
    return InvalidField(
        "https-cert", absl::StrCat("the HTTPS certificate \"",
                                   options.https_cert, "\" or its key \"",
                                   options.https_key, "\" is unusable"));
  }
  server.set_default_headers(
      {{"Content-Security-Policy", kContentSecurityPolicy},
       {"X-Content-Type-Options", "nosniff"},
       {"Referrer-Policy", "no-referrer"}});
  server.set_payload_max_length(1 << 20);
  if (!server.set_mount_point("/", options.static_dir)) {
    return InvalidField("static-dir", "--static-dir cannot be served");
  }
  Console* self = console.get();
  // Every /api/ path of every method comes to Handle, which knows the
  // table (the library reads a body only for a handler of the request's
  // method).
  auto api = [self](const httplib::Request& request,
                    httplib::Response& response) {
    self->Handle(request, response);
  };
  const char* const kApi = "/api/.*";
  server.Get(kApi, api).Post(kApi, api).Put(kApi, api).Patch(kApi, api);
  server.Delete(kApi, api).Options(kApi, api);
  server.set_logger(
      [](const httplib::Request& request, const httplib::Response& response) {
        log::Info("web_request",
                  {{"method", request.method},
                   {"route", RouteLabel(request, response)},
                   {"status", absl::StrCat(response.status)}});
      });
  const auto& [host, port] = *listen;
  console->port_ = port == 0 ? server.bind_to_any_port(host)
                             : (server.bind_to_port(host, port) ? port : -1);
  if (console->port_ <= 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", options.listen));
  }
  console->thread_ = std::thread([self] { self->server_->listen_after_bind(); });
  return console;
}

Console::~Console() { Stop(); }

void Console::Stop() {
  if (server_ != nullptr) server_->stop();
  if (thread_.joinable()) thread_.join();
}

std::string Console::CsrfFor(const std::string& token) const {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), csrf_key_.data(), static_cast<int>(csrf_key_.size()),
       reinterpret_cast<const unsigned char*>(token.data()), token.size(), mac,
       &length);
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(mac), length));
}

void Console::Handle(const httplib::Request& request,
                     httplib::Response& response) {
  response.set_header("Cache-Control", "no-store");
  const Route* route = FindRoute(request.method, request.path);
  if (route == nullptr) {
    Refuse(response, WithReason(absl::NotFoundError("no such route"),
                                "NO_ROUTE"));
    return;
  }
  const std::string token = CookieOf(request, kSessionCookie);
  if (route->access != Access::kPublic) {
    if (token.empty()) {
      Refuse(response,
             WithReason(absl::UnauthenticatedError("log in first"),
                        "SESSION_REQUIRED"));
      return;
    }
    if (ChangesState(request.method)) {
      const std::string sent = request.get_header_value(kCsrfHeader);
      const std::string expected = CsrfFor(token);
      if (sent.size() != expected.size() ||
          CRYPTO_memcmp(sent.data(), expected.data(), sent.size()) != 0) {
        Refuse(response,
               WithReason(absl::PermissionDeniedError(absl::StrCat(
                              "a change needs the ", kCsrfHeader,
                              " header of this session")),
                          "CSRF_TOKEN_MISSING"));
        return;
      }
    }
  }
  if (ChangesState(request.method) &&
      !absl::StartsWith(request.get_header_value("Content-Type"),
                        "application/json")) {
    Refuse(response, InvalidField("Content-Type",
                                  "send the body as application/json"));
    return;
  }
  if (route->access == Access::kRoles) {
    // The user's roles, asked of cellchaind with the session itself (a
    // revoked or expired session is UNAUTHENTICATED here).
    identity::WhoAmIResponse who;
    auto context = grpcx::NewContext(options_.deadline);
    context->AddMetadata("authorization", "Bearer " + token);
    grpc::Status status = identity::AuthService::NewStub(channel_)->WhoAmI(
        context.get(), identity::WhoAmIRequest(), &who);
    if (!status.ok()) {
      Refuse(response, grpcx::FromGrpcStatus(status));
      return;
    }
    std::vector<auth::Role> roles;
    for (int role : who.user().roles()) {
      roles.push_back(static_cast<auth::Role>(role));
    }
    if (!Allows(*route, roles)) {
      Refuse(response,
             WithReason(absl::PermissionDeniedError(absl::StrCat(
                            request.method, " ", route->path, " is for ",
                            auth::RoleNames(route->roles))),
                        "ROLE_NOT_ALLOWED"));
      return;
    }
  }
  const bool long_call = !std::holds_alternative<Invoke>(route->answer);
  auto context = grpcx::NewContext(
      long_call ? std::max(options_.deadline, kLongCallDeadline)
                : options_.deadline);
  if (route->access != Access::kPublic) {
    context->AddMetadata("authorization", "Bearer " + token);
  }
  // The refusal of the call; a session cellchaind no longer knows is
  // cleared from the browser.
  auto refuse = [&](const absl::Status& status) {
    Refuse(response, status);
    if (status.code() == absl::StatusCode::kUnauthenticated && !token.empty()) {
      response.set_header("Set-Cookie", Cookie(kSessionCookie, "", true, true));
    }
  };
  if (const auto* fetch = std::get_if<Fetch>(&route->answer)) {
    absl::StatusOr<Download> download =
        (*fetch)(channel_, *context, request.body);
    if (!download.ok()) return refuse(download.status());
    SendDownload(response, *download);
    return;
  }
  if (const auto* open = std::get_if<OpenStream>(&route->answer)) {
    absl::StatusOr<std::unique_ptr<MessageStream>> opened =
        (*open)(channel_, std::move(context), request.body);
    if (!opened.ok()) return refuse(opened.status());
    std::shared_ptr<MessageStream> stream = std::move(*opened);
    // The first message decides the status: a refusal before it is the
    // answer's own.
    const google::protobuf::Message* first = stream->Next();
    if (first == nullptr) {
      absl::Status ended = stream->Finish();
      if (!ended.ok()) return refuse(ended);
      response.status = 200;
      response.set_content("", "application/x-ndjson");
      return;
    }
    SendStream(response, std::move(stream), *first);
    return;
  }
  absl::StatusOr<std::unique_ptr<google::protobuf::Message>> answer =
      std::get<Invoke>(route->answer)(channel_, *context, request.body);
  if (!answer.ok()) return refuse(answer.status());
  switch (route->effect) {
    case SessionEffect::kStarts: {
      auto* login = dynamic_cast<identity::LoginResponse*>(answer->get());
      const std::string session = login->session_token();
      login->clear_session_token();  // the script never sees it
      response.set_header("Set-Cookie",
                          Cookie(kSessionCookie, session, true, false));
      response.set_header("Set-Cookie",
                          Cookie(kCsrfCookie, CsrfFor(session), false, false));
      break;
    }
    case SessionEffect::kEnds:
      response.set_header("Set-Cookie", Cookie(kSessionCookie, "", true, true));
      response.set_header("Set-Cookie", Cookie(kCsrfCookie, "", false, true));
      break;
    case SessionEffect::kNone:
      break;
  }
  absl::StatusOr<std::string> json = ToJson(**answer);
  if (!json.ok()) {
    Refuse(response, json.status());
    return;
  }
  response.status = 200;
  response.set_content(*json, "application/json");
}

}  // namespace cellchain::web
