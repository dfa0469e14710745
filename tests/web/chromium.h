// Headless Chromium (Debian's /usr/bin/chromium) driven over the Chrome
// DevTools Protocol for the web console's browser tests. The protocol runs
// over a pipe (--remote-debugging-pipe: commands in on fd 3, answers out on
// fd 4, each message JSON ended by a NUL byte), so there is no debugging
// port, no WebSocket and nothing from npm. One page, attached with a flat
// session; the helpers act as a person does: type into a field, click a
// button by its position on the screen, read what is shown, take a
// screenshot.
//
// The console's HTTPS certificate is trusted by its public key alone
// (--ignore-certificate-errors-spki-list with that key's SHA-256), so no
// other certificate error is ignored.
//
// Thread-safety: not thread-safe; one per test.
#ifndef CELLCHAIN_TESTS_WEB_CHROMIUM_H_
#define CELLCHAIN_TESTS_WEB_CHROMIUM_H_

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace cellchain::web_test {

// The base64 SHA-256 of the public key (SubjectPublicKeyInfo, DER) of the
// PEM certificate at `cert_path`: what --ignore-certificate-errors-spki-list
// takes.
absl::StatusOr<std::string> SpkiSha256(const std::string& cert_path);

class Chromium {
 public:
  // Starts $CELLCHAIN_CHROMIUM (default /usr/bin/chromium) headless with a
  // fresh profile under `profile_dir`, trusting the certificate at
  // `trusted_cert` by its key ("" trusts nothing more), and attaches to its
  // page. Its stderr goes to
  // `profile_dir`/chromium.log.
  static absl::StatusOr<std::unique_ptr<Chromium>> Start(
      const std::string& profile_dir, const std::string& trusted_cert);
  ~Chromium();
  Chromium(const Chromium&) = delete;
  Chromium& operator=(const Chromium&) = delete;

  // A DevTools command on the page's session (or the browser's with
  // `on_page` false); its result, or the protocol's error.
  absl::StatusOr<nlohmann::json> Call(const std::string& method,
                                      nlohmann::json params = nlohmann::json::object(),
                                      bool on_page = true);

  // Loads `url` in the page (returns once the navigation is committed).
  absl::Status Navigate(const std::string& url);

  // Evaluates `expression` in the page, awaiting a promise; its value as
  // JSON, or the exception it threw.
  absl::StatusOr<nlohmann::json> Evaluate(const std::string& expression);

  // Polls `expression` every 50 ms until it is true; an error naming it
  // (and the last exception, if any) after `timeout`.
  absl::Status WaitFor(const std::string& expression,
                       std::chrono::milliseconds timeout = std::chrono::seconds(10));

  // The visible text of the first element matching `selector` (innerText:
  // what a person reads; "" for a hidden element).
  absl::StatusOr<std::string> TextOf(const std::string& selector);

  // Focuses the field matching `selector`, empties it as a person selecting
  // its text would, and types `text` into it as keyboard input
  // (Input.insertText).
  absl::Status Type(const std::string& selector, const std::string& text);

  // A left click with the mouse at the centre of the element matching
  // `selector` (scrolled into view first): it fails when the element is
  // hidden, as a person could not click it.
  absl::Status Click(const std::string& selector);

  // A PNG of the page's viewport written to `path` (directories created).
  absl::Status Screenshot(const std::string& path);

  // What chromium wrote to stderr.
  std::string Log() const;

 private:
  Chromium(pid_t pid, int to_browser, int from_browser, std::string log_path)
      : pid_(pid), to_browser_(to_browser), from_browser_(from_browser),
        log_path_(std::move(log_path)) {}

  // The next whole message from the browser, waiting until `deadline`.
  absl::StatusOr<nlohmann::json> Receive(
      std::chrono::steady_clock::time_point deadline);

  pid_t pid_;
  int to_browser_;
  int from_browser_;
  std::string log_path_;
  std::string pending_;  // bytes read past the last NUL
  std::string session_id_;
  int next_id_ = 1;
};

// `text` as a JavaScript string literal (JSON's quoting is JavaScript's).
std::string JsString(const std::string& text);

}  // namespace cellchain::web_test

#endif  // CELLCHAIN_TESTS_WEB_CHROMIUM_H_
