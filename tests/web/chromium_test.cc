// The browser driver (chromium.h) against a real headless Chromium and a
// page of its own: what it types arrives, its click runs the page's
// handler, it reads what is shown, it cannot click what a person cannot
// see, it reports a page's exception and a condition that never comes
// true, and its screenshot is a PNG.
#include "tests/web/chromium.h"

#include <fstream>
#include <iterator>
#include <memory>
#include <string>

#include "gtest/gtest.h"
#include "services/common/testing/status_matchers.h"
#include "tests/e2e/daemon.h"

namespace cellchain::web_test {
namespace {

// No '#' or '%': the page travels as a data: URL.
constexpr char kPage[] =
    "data:text/html,<!DOCTYPE html><title>t</title>"
    "<label>Name <input id='name'></label>"
    "<button id='go'>Greet</button><button id='gone' hidden>Gone</button>"
    "<p id='out'></p>"
    "<script>document.getElementById('go').onclick = () => {"
    " document.getElementById('out').textContent ="
    " 'Hello, ' + document.getElementById('name').value; };</script>";

// One browser for the suite (its start is most of a test's time); each
// test loads the page afresh.
class ChromiumTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new e2e::TempDir("cellchain-chromium-test");
    absl::StatusOr<std::unique_ptr<Chromium>> started =
        Chromium::Start(dir_->path() + "/profile", "");
    if (started.ok()) {
      browser_ = started->release();
    } else {
      start_error_ = new std::string(started.status().ToString());
    }
  }
  static void TearDownTestSuite() {
    delete browser_;
    browser_ = nullptr;
    delete dir_;
    dir_ = nullptr;
  }

  void SetUp() override {
    ASSERT_NE(browser_, nullptr) << *start_error_;
    CC_ASSERT_OK(browser_->Navigate(kPage));
    CC_ASSERT_OK(browser_->WaitFor(
        "document.readyState === 'complete' &&"
        " document.getElementById('out').innerText === ''"));
  }

  static e2e::TempDir* dir_;
  static Chromium* browser_;
  static std::string* start_error_;
};

e2e::TempDir* ChromiumTest::dir_ = nullptr;
Chromium* ChromiumTest::browser_ = nullptr;
std::string* ChromiumTest::start_error_ = nullptr;

TEST_F(ChromiumTest, TypesClicksAndReadsWhatIsShown) {
  CC_ASSERT_OK(browser_->Type("input", "Quinn"));
  CC_ASSERT_OK(browser_->Click("button"));
  CC_ASSERT_OK(browser_->WaitFor(
      "document.getElementById('out').innerText.length > 0"));
  CC_ASSERT_OK_AND_ASSIGN(std::string shown, browser_->TextOf("p"));
  EXPECT_EQ(shown, "Hello, Quinn");

  // Typing again replaces the field's text.
  CC_ASSERT_OK(browser_->Type("input", "Tina"));
  CC_ASSERT_OK(browser_->Click("button"));
  CC_ASSERT_OK(browser_->WaitFor(
      "document.getElementById('out').innerText === 'Hello, Tina'"));
}

TEST_F(ChromiumTest, RefusesWhatAPersonCouldNotDo) {
  EXPECT_EQ(browser_->Click("button[hidden]").code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(browser_->Type("textarea", "x").code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(browser_->TextOf("table").status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(ChromiumTest, ReportsExceptionsAndConditionsThatNeverHold) {
  CC_ASSERT_OK_AND_ASSIGN(nlohmann::json sum,
                          browser_->Evaluate("Promise.resolve(20 + 22)"));
  EXPECT_EQ(sum, 42);
  absl::StatusOr<nlohmann::json> thrown = browser_->Evaluate("noSuchName()");
  ASSERT_FALSE(thrown.ok());
  EXPECT_NE(thrown.status().message().find("ReferenceError"),
            std::string::npos)
      << thrown.status();
  absl::Status never =
      browser_->WaitFor("1 === 2", std::chrono::milliseconds(300));
  EXPECT_EQ(never.code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_NE(never.message().find("1 === 2"), std::string::npos) << never;
}

TEST_F(ChromiumTest, ScreenshotIsAPng) {
  const std::string path = dir_->path() + "/shots/page.png";
  CC_ASSERT_OK(browser_->Screenshot(path));
  std::ifstream in(path, std::ios::binary);
  const std::string png((std::istreambuf_iterator<char>(in)),
                        std::istreambuf_iterator<char>());
  ASSERT_GT(png.size(), 1000u);
  EXPECT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
}

}  // namespace
}  // namespace cellchain::web_test
