#include "tests/web/chromium.h"

#include <fcntl.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <openssl/x509.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "tests/web/spawn.h"

namespace cellchain::web_test {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::chrono::seconds kCallTimeout(15);

// `fd` moved to a number of at least 10, so that placing the pipe's ends on
// 3 and 4 in the child cannot overwrite one with the other.
int HighFd(int fd) {
  const int high = fcntl(fd, F_DUPFD_CLOEXEC, 10);
  close(fd);
  return high;
}

}  // namespace

std::string JsString(const std::string& text) {
  return nlohmann::json(text).dump();
}

absl::StatusOr<std::string> SpkiSha256(const std::string& cert_path) {
  FILE* file = std::fopen(cert_path.c_str(), "r");
  if (file == nullptr) {
    return absl::NotFoundError(absl::StrCat("cannot read ", cert_path));
  }
  X509* cert = PEM_read_X509(file, nullptr, nullptr, nullptr);
  std::fclose(file);
  if (cert == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat(cert_path, " is not a PEM certificate"));
  }
  unsigned char* der = nullptr;
  const int length = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(cert), &der);
  X509_free(cert);
  if (length <= 0) return absl::InternalError("cannot encode the public key");
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(der, static_cast<size_t>(length), digest);
  OPENSSL_free(der);
  return absl::Base64Escape(std::string(reinterpret_cast<char*>(digest),
                                        sizeof(digest)));
}

absl::StatusOr<std::unique_ptr<Chromium>> Chromium::Start(
    const std::string& profile_dir, const std::string& trusted_cert) {
  const char* binary = std::getenv("CELLCHAIN_CHROMIUM");
  std::vector<std::string> args = {
      binary != nullptr && *binary != '\0' ? binary : "/usr/bin/chromium",
      "--headless",
      "--remote-debugging-pipe",
      "--user-data-dir=" + profile_dir,
      "--window-size=1280,900",
      "--disable-gpu",
      "--disable-dev-shm-usage",
      "--no-first-run",
      "--no-default-browser-check",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-extensions",
      "--password-store=basic",
      "--use-mock-keychain"};
  if (!trusted_cert.empty()) {
    absl::StatusOr<std::string> spki = SpkiSha256(trusted_cert);
    if (!spki.ok()) return spki.status();
    args.push_back("--ignore-certificate-errors-spki-list=" + *spki);
  }
  // Chromium refuses to run as root with its sandbox on (a container's CI).
  if (geteuid() == 0) args.push_back("--no-sandbox");
  args.push_back("about:blank");

  int to_browser[2];
  int from_browser[2];
  if (pipe(to_browser) != 0 || pipe(from_browser) != 0) {
    return absl::InternalError("pipe failed");
  }
  for (int* fd : {&to_browser[0], &to_browser[1], &from_browser[0],
                  &from_browser[1]}) {
    *fd = HighFd(*fd);
  }
  const std::string log_path = profile_dir + "/chromium.log";
  std::filesystem::create_directories(profile_dir);
  std::string error;
  const pid_t pid = SpawnLogged(args, log_path,
                                {{to_browser[0], 3}, {from_browser[1], 4}},
                                &error);
  close(to_browser[0]);
  close(from_browser[1]);
  if (pid < 0) {
    close(to_browser[1]);
    close(from_browser[0]);
    return absl::FailedPreconditionError(
        error + " (deploy/local/packages.txt installs chromium)");
  }
  std::unique_ptr<Chromium> browser(
      new Chromium(pid, to_browser[1], from_browser[0], log_path));

  absl::StatusOr<nlohmann::json> targets =
      browser->Call("Target.getTargets", nlohmann::json::object(), false);
  if (!targets.ok()) return targets.status();
  std::string page;
  for (const nlohmann::json& target : (*targets)["targetInfos"]) {
    if (target.value("type", "") == "page") page = target.value("targetId", "");
  }
  if (page.empty()) {
    return absl::InternalError("chromium has no page: " + targets->dump());
  }
  absl::StatusOr<nlohmann::json> attached = browser->Call(
      "Target.attachToTarget", {{"targetId", page}, {"flatten", true}}, false);
  if (!attached.ok()) return attached.status();
  browser->session_id_ = (*attached)["sessionId"].get<std::string>();
  for (const char* domain : {"Page.enable", "Runtime.enable"}) {
    absl::Status enabled = browser->Call(domain).status();
    if (!enabled.ok()) return enabled;
  }
  return browser;
}

Chromium::~Chromium() {
  // Browser.close lets chromium end its own children; SIGKILL if it hangs.
  nlohmann::json close_message = {{"id", next_id_++}, {"method", "Browser.close"}};
  const std::string text = close_message.dump() + '\0';
  (void)!write(to_browser_, text.data(), text.size());
  close(to_browser_);
  close(from_browser_);
  for (int i = 0; i < 100; ++i) {
    if (waitpid(pid_, nullptr, WNOHANG) == pid_) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
}

absl::StatusOr<nlohmann::json> Chromium::Receive(Clock::time_point deadline) {
  for (;;) {
    const size_t end = pending_.find('\0');
    if (end != std::string::npos) {
      std::string message = pending_.substr(0, end);
      pending_.erase(0, end + 1);
      nlohmann::json parsed = nlohmann::json::parse(message, nullptr, false);
      if (parsed.is_discarded()) {
        return absl::InternalError("chromium sent a message that is not JSON");
      }
      return parsed;
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - Clock::now());
    if (left.count() <= 0) {
      return absl::DeadlineExceededError("chromium did not answer:\n" + Log());
    }
    pollfd ready = {from_browser_, POLLIN, 0};
    if (poll(&ready, 1, static_cast<int>(left.count())) <= 0) continue;
    char buffer[65536];
    const ssize_t got = read(from_browser_, buffer, sizeof(buffer));
    if (got <= 0) {
      return absl::UnavailableError("chromium closed its pipe:\n" + Log());
    }
    pending_.append(buffer, static_cast<size_t>(got));
  }
}

absl::StatusOr<nlohmann::json> Chromium::Call(const std::string& method,
                                              nlohmann::json params,
                                              bool on_page) {
  const int id = next_id_++;
  nlohmann::json message = {{"id", id}, {"method", method},
                            {"params", std::move(params)}};
  if (on_page && !session_id_.empty()) message["sessionId"] = session_id_;
  const std::string text = message.dump() + '\0';
  if (write(to_browser_, text.data(), text.size()) !=
      static_cast<ssize_t>(text.size())) {
    return absl::UnavailableError("cannot write to chromium:\n" + Log());
  }
  const Clock::time_point deadline = Clock::now() + kCallTimeout;
  for (;;) {
    absl::StatusOr<nlohmann::json> answer = Receive(deadline);
    if (!answer.ok()) return answer.status();
    if (answer->value("id", -1) != id) continue;  // an event, or stale
    if (answer->contains("error")) {
      return absl::InternalError(
          absl::StrCat(method, ": ", (*answer)["error"].dump()));
    }
    return (*answer)["result"];
  }
}

absl::Status Chromium::Navigate(const std::string& url) {
  absl::StatusOr<nlohmann::json> result = Call("Page.navigate", {{"url", url}});
  if (!result.ok()) return result.status();
  if (result->contains("errorText")) {
    return absl::UnavailableError(absl::StrCat(
        "navigating to ", url, ": ", (*result)["errorText"].get<std::string>()));
  }
  return absl::OkStatus();
}

absl::StatusOr<nlohmann::json> Chromium::Evaluate(const std::string& expression) {
  absl::StatusOr<nlohmann::json> result =
      Call("Runtime.evaluate", {{"expression", expression},
                                {"returnByValue", true},
                                {"awaitPromise", true}});
  if (!result.ok()) return result.status();
  if (result->contains("exceptionDetails")) {
    const nlohmann::json& details = (*result)["exceptionDetails"];
    std::string text = details.value("text", "exception");
    if (details.contains("exception")) {
      text += " " + details["exception"].value("description", "");
    }
    return absl::FailedPreconditionError(
        absl::StrCat(expression, " threw: ", text));
  }
  const nlohmann::json& value = (*result)["result"];
  return value.contains("value") ? value["value"] : nlohmann::json();
}

absl::Status Chromium::WaitFor(const std::string& expression,
                               std::chrono::milliseconds timeout) {
  const Clock::time_point deadline = Clock::now() + timeout;
  std::string last;
  do {
    // Between two pages there is no context to evaluate in: poll on.
    absl::StatusOr<nlohmann::json> value = Evaluate(expression);
    if (value.ok() && value->is_boolean() && value->get<bool>()) {
      return absl::OkStatus();
    }
    last = value.ok() ? value->dump() : value.status().ToString();
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  } while (Clock::now() < deadline);
  return absl::DeadlineExceededError(absl::StrCat(
      "still not true after ", timeout.count(), " ms: ", expression,
      " (last: ", last, ")"));
}

absl::StatusOr<std::string> Chromium::TextOf(const std::string& selector) {
  absl::StatusOr<nlohmann::json> text = Evaluate(absl::StrCat(
      "(() => { const e = document.querySelector(", JsString(selector),
      "); return e ? e.innerText : null; })()"));
  if (!text.ok()) return text.status();
  if (!text->is_string()) {
    return absl::NotFoundError(absl::StrCat("no element ", selector));
  }
  return text->get<std::string>();
}

absl::Status Chromium::Type(const std::string& selector,
                            const std::string& text) {
  absl::StatusOr<nlohmann::json> focused = Evaluate(absl::StrCat(
      "(() => { const e = document.querySelector(", JsString(selector),
      "); if (!e) return false; e.focus(); e.value = ''; return document.activeElement === e; })()"));
  if (!focused.ok()) return focused.status();
  if (*focused != true) {
    return absl::NotFoundError(absl::StrCat("cannot focus ", selector));
  }
  return Call("Input.insertText", {{"text", text}}).status();
}

absl::Status Chromium::Click(const std::string& selector) {
  // Where a person would click: the element's centre once it stays put
  // for two frames and is what that point shows. A page still filling in
  // (a table above it getting its rows) moves it between the reading and
  // the click, which would then land on something else: read it again
  // until it holds, for up to 5 s.
  const std::string locate = absl::StrCat(
      "new Promise((resolve) => { const e = document.querySelector(",
      JsString(selector),
      "); if (!e) return resolve(null); e.scrollIntoView({block: 'center'});"
      " const before = e.getBoundingClientRect();"
      " requestAnimationFrame(() => requestAnimationFrame(() => {"
      " const r = e.getBoundingClientRect();"
      " if (r.width === 0 || r.height === 0) return resolve(null);"
      " if (r.x !== before.x || r.y !== before.y) return resolve('moving');"
      " const x = r.x + r.width / 2, y = r.y + r.height / 2;"
      " const hit = document.elementFromPoint(x, y);"
      " resolve(hit && (hit === e || e.contains(hit)) ? {x, y} : 'covered');"
      " })); })");
  absl::StatusOr<nlohmann::json> centre;
  const absl::Time give_up = absl::Now() + absl::Seconds(5);
  for (;;) {
    centre = Evaluate(locate);
    if (!centre.ok()) return centre.status();
    if (centre->is_null()) {
      return absl::NotFoundError(
          absl::StrCat("nothing visible to click at ", selector));
    }
    if (centre->is_object()) break;
    if (absl::Now() > give_up) {
      return absl::FailedPreconditionError(absl::StrCat(
          selector, " never held still to be clicked: ", centre->dump()));
    }
    absl::SleepFor(absl::Milliseconds(50));
  }
  for (const char* type : {"mouseMoved", "mousePressed", "mouseReleased"}) {
    absl::Status sent = Call("Input.dispatchMouseEvent",
                             {{"type", type},
                              {"x", (*centre)["x"]},
                              {"y", (*centre)["y"]},
                              {"button", "left"},
                              {"clickCount", 1}})
                            .status();
    if (!sent.ok()) return sent;
  }
  return absl::OkStatus();
}

absl::Status Chromium::Screenshot(const std::string& path) {
  absl::StatusOr<nlohmann::json> shot =
      Call("Page.captureScreenshot", {{"format", "png"}});
  if (!shot.ok()) return shot.status();
  std::string png;
  if (!absl::Base64Unescape((*shot)["data"].get<std::string>(), &png)) {
    return absl::InternalError("the screenshot is not base64");
  }
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << png;
  out.close();
  return out ? absl::OkStatus()
             : absl::InternalError(absl::StrCat("cannot write ", path));
}

std::string Chromium::Log() const { return ReadWholeFile(log_path_); }

}  // namespace cellchain::web_test
