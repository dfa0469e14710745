// ConsoleTest<Base>: an e2e fixture `Base` (E2eTest, CliChainTest, ...)
// with a real cellchain-web calling Base's cellchaind (console_, its log in
// a directory of the test's own). ConsoleBrowserTest<Base> adds headless
// Chromium trusting its certificate, and the steps a person takes (open
// the console, log in) with a screenshot of each under
// CELLCHAIN_WEB_SCREENSHOTS/<test>/.
//
//   class MyTest : public ConsoleBrowserTest<e2e::E2eTest> {
//    protected:
//     MyTest() : ConsoleBrowserTest("my-sessions") {}
//     void SetUp() override { SetUpWithAdmin(); ...; StartConsole(); }
//   };
//
// Thread-safety: as a GoogleTest fixture, the test's main thread only.
#ifndef CELLCHAIN_TESTS_WEB_CONSOLE_BROWSER_H_
#define CELLCHAIN_TESTS_WEB_CONSOLE_BROWSER_H_

#include <filesystem>
#include <memory>
#include <string>

#include "gtest/gtest.h"
#include "services/common/testing/status_matchers.h"
#include "tests/e2e/e2e_test.h"
#include "tests/web/chromium.h"
#include "tests/web/console_process.h"

namespace cellchain::web_test {

template <typename Base>
class ConsoleTest : public Base {
 protected:
  using Base::Base;

  // Starts the console against Base's daemon; fatal on failure. Call from
  // SetUp once Base's daemon runs.
  void StartConsole() {
    std::string error;
    console_ = ConsoleProcess::Start(this->daemon_->target(),
                                     profile_.path() + "/cellchain-web.log",
                                     &error);
    ASSERT_NE(console_, nullptr) << error;
  }

  e2e::TempDir profile_{"cellchain-web-browser"};
  std::unique_ptr<ConsoleProcess> console_;
};

// For the tests built with CELLCHAIN_WEB_SCREENSHOTS (tests/web's
// CMakeLists.txt): where the screenshots go.
#ifdef CELLCHAIN_WEB_SCREENSHOTS
template <typename Base>
class ConsoleBrowserTest : public ConsoleTest<Base> {
 protected:
  using ConsoleTest<Base>::ConsoleTest;

  // Starts the console and the browser; fatal on failure.
  void StartConsole() {
    ConsoleTest<Base>::StartConsole();
    if (::testing::Test::HasFatalFailure()) return;
    CC_ASSERT_OK_AND_ASSIGN(
        browser_, Chromium::Start(this->profile_.path() + "/profile",
                                  ConsoleProcess::Certificate()));
    const ::testing::TestInfo* test =
        ::testing::UnitTest::GetInstance()->current_test_info();
    screenshots_ = std::string(CELLCHAIN_WEB_SCREENSHOTS) + "/" + test->name();
    std::filesystem::remove_all(screenshots_);
  }

  // A screenshot of the page as it is now, as <test>/<name>.png.
  void Shot(const std::string& name) {
    CC_EXPECT_OK(browser_->Screenshot(screenshots_ + "/" + name + ".png"));
  }

  // Opens the console and waits for its login form.
  void OpenTheConsole() {
    CC_ASSERT_OK(browser_->Navigate(this->console_->Origin() + "/"));
    CC_ASSERT_OK(browser_->WaitFor(
        "document.readyState === 'complete' &&"
        " !document.getElementById('login-section').hidden"));
  }

  // Types the user and password into the login form and clicks Log in.
  void SubmitLogin(const std::string& user, const std::string& password) {
    CC_ASSERT_OK(browser_->Type("#login-form [name=userId]", user));
    CC_ASSERT_OK(browser_->Type("#login-form [name=password]", password));
    CC_ASSERT_OK(browser_->Click("#login-form button[type=submit]"));
  }

  // A member of the derived class: the browser closes before the server
  // stops.
  std::unique_ptr<Chromium> browser_;
  std::string screenshots_;
};
#endif  // CELLCHAIN_WEB_SCREENSHOTS

}  // namespace cellchain::web_test

#endif  // CELLCHAIN_TESTS_WEB_CONSOLE_BROWSER_H_
