// An HTTPS client standing in for a browser in the web console's e2e tests:
// it trusts only the test CA, keeps the cookies the console sets (dropping
// one set with Max-Age=0) and sends the CSRF cookie back as X-CSRF-Token.
// Thread-safety: one test thread.
#ifndef CELLCHAIN_TESTS_WEB_HTTPS_BROWSER_H_
#define CELLCHAIN_TESTS_WEB_HTTPS_BROWSER_H_

#include <httplib.h>
#include <signal.h>

#include <iostream>
#include <map>
#include <regex>
#include <string>

#include "clients/web/console.h"
#include "tests/e2e/e2e_test.h"

namespace cellchain::e2e {

// A browser: HTTPS trusting only the test CA, keeping the two cookies the
// console sets.
class Browser {
 public:
  explicit Browser(int port) : client_("localhost", port) {
    signal(SIGPIPE, SIG_IGN);  // a refused connection is a failed Result
    client_.set_ca_cert_path((Pki() + "/ca.crt").c_str());
    client_.enable_server_certificate_verification(true);
  }

  httplib::Result Send(const std::string& method, const std::string& path,
                       const std::string& body = "", bool with_csrf = true) {
    httplib::Headers headers;
    std::string cookie;
    for (const auto& [name, value] : cookies_) {
      cookie += name + "=" + value + "; ";
    }
    if (!cookie.empty()) headers.emplace("Cookie", cookie);
    if (with_csrf && cookies_.count(web::kCsrfCookie) > 0) {
      headers.emplace(web::kCsrfHeader, cookies_[web::kCsrfCookie]);
    }
    httplib::Result result =
        method == "GET"
            ? client_.Get(path.c_str(), headers)
            : client_.Post(path.c_str(), headers, body, "application/json");
    if (result) {
      for (size_t i = 0; i < result->get_header_value_count("Set-Cookie");
           ++i) {
        std::string line = result->get_header_value("Set-Cookie", i);
        std::smatch match;
        if (std::regex_search(line, match, std::regex("^([^=]+)=([^;]*)"))) {
          if (line.find("Max-Age=0") != std::string::npos) {
            cookies_.erase(match[1]);
          } else {
            cookies_[match[1]] = match[2];
          }
        }
      }
    }
    return result;
  }

  httplib::Result Login(const std::string& user, const std::string& password) {
    return Send(
        "POST", "/api/login",
        "{\"userId\":\"" + user + "\",\"password\":\"" + password + "\"}");
  }

  std::map<std::string, std::string>& cookies() { return cookies_; }

 private:
  httplib::SSLClient client_;
  std::map<std::string, std::string> cookies_;
};

// The status of `result` (-1 when no answer), its body printed when 4xx/5xx.
inline int StatusOf(const httplib::Result& result) {
  if (result && result->status >= 400) {
    std::cerr << "HTTP " << result->status << ": " << result->body << "\n";
  }
  return result ? result->status : -1;
}

}  // namespace cellchain::e2e

#endif  // CELLCHAIN_TESTS_WEB_HTTPS_BROWSER_H_
