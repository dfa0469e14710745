// The arithmetic of the denial windows without a database: the first
// denial of a key opens a window and is recorded, identical ones in it are
// counted, and a window's count comes back once it closed or at a flush.
#include "services/identity/denial_windows.h"

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"

namespace cellchain::identity {
namespace {

const absl::Time kT0 = absl::FromUnixSeconds(1'700'000'000);
const absl::Duration kWindow = absl::Seconds(60);

DeniedCall Garbage(std::string workstation = "CN=ws-1") {
  return {.method = "/cellchain.custody.v1.CustodyService/GetItem",
          .workstation = std::move(workstation),
          .user_id = "",
          .attempted_user_id = "",
          .code = "UNAUTHENTICATED",
          .reason = "SESSION_INVALID"};
}

// Ids "acd-1", "acd-2", ... in the order asked.
class Ids {
 public:
  std::string operator()() { return "acd-" + std::to_string(++n_); }

 private:
  int n_ = 0;
};

TEST(DenialWindowsTest, TheFirstIsRecordedTheIdenticalOnesCounted) {
  DenialWindows windows(kWindow);
  Ids ids;
  DenialWindows::Noted first = windows.Note(Garbage(), kT0, std::ref(ids));
  EXPECT_EQ(first.first_denial_id, "acd-1");
  EXPECT_TRUE(first.closed.empty());
  for (int i = 1; i <= 3; ++i) {
    DenialWindows::Noted again =
        windows.Note(Garbage(), kT0 + absl::Seconds(10 * i), std::ref(ids));
    EXPECT_EQ(again.first_denial_id, "") << "counted, not recorded";
    EXPECT_TRUE(again.closed.empty());
  }
}

TEST(DenialWindowsTest, AnotherKeyHasAWindowOfItsOwn) {
  DenialWindows windows(kWindow);
  Ids ids;
  windows.Note(Garbage("CN=ws-1"), kT0, std::ref(ids));
  EXPECT_EQ(
      windows.Note(Garbage("CN=ws-2"), kT0, std::ref(ids)).first_denial_id,
      "acd-2");
  DeniedCall other_reason = Garbage("CN=ws-1");
  other_reason.reason = "SESSION_EXPIRED";
  EXPECT_EQ(windows.Note(other_reason, kT0, std::ref(ids)).first_denial_id,
            "acd-3");
}

TEST(DenialWindowsTest, AClosedWindowsCountComesBackAtTheNextDenialOfAnyKey) {
  DenialWindows windows(kWindow);
  Ids ids;
  windows.Note(Garbage("CN=ws-1"), kT0, std::ref(ids));
  windows.Note(Garbage("CN=ws-1"), kT0 + absl::Seconds(5), std::ref(ids));
  windows.Note(Garbage("CN=ws-1"), kT0 + absl::Seconds(59), std::ref(ids));

  // At 60 s the window [0 s, 60 s) has closed; another key's denial hands
  // its count back and opens its own window.
  DenialWindows::Noted later =
      windows.Note(Garbage("CN=ws-2"), kT0 + kWindow, std::ref(ids));
  EXPECT_EQ(later.first_denial_id, "acd-2");
  ASSERT_EQ(later.closed.size(), 1u);
  const Counted& counted = later.closed.front();
  EXPECT_EQ(counted.first.workstation, "CN=ws-1");
  EXPECT_EQ(counted.repeat.count, 2);
  EXPECT_EQ(counted.repeat.window_start, kT0);
  EXPECT_EQ(counted.repeat.window_end, kT0 + kWindow);
  EXPECT_EQ(counted.repeat.last_at, kT0 + absl::Seconds(59));
  EXPECT_EQ(counted.repeat.first_denial_id, "acd-1");

  // The next identical denial opens a new window, recorded again.
  EXPECT_EQ(windows.Note(Garbage("CN=ws-1"), kT0 + kWindow, std::ref(ids))
                .first_denial_id,
            "acd-3");
}

TEST(DenialWindowsTest, AWindowThatCountedNothingGivesNothingBack) {
  DenialWindows windows(kWindow);
  Ids ids;
  windows.Note(Garbage("CN=ws-1"), kT0, std::ref(ids));
  EXPECT_TRUE(
      windows.Note(Garbage("CN=ws-2"), kT0 + absl::Hours(1), std::ref(ids))
          .closed.empty());
  EXPECT_TRUE(windows.Flush(kT0 + absl::Hours(2)).empty());
}

TEST(DenialWindowsTest, AFlushEndsTheOpenWindowsNow) {
  DenialWindows windows(kWindow);
  Ids ids;
  windows.Note(Garbage(), kT0, std::ref(ids));
  windows.Note(Garbage(), kT0 + absl::Seconds(1), std::ref(ids));
  std::vector<Counted> flushed = windows.Flush(kT0 + absl::Seconds(20));
  ASSERT_EQ(flushed.size(), 1u);
  EXPECT_EQ(flushed.front().repeat.count, 1);
  EXPECT_EQ(flushed.front().repeat.window_end, kT0 + absl::Seconds(20));
  // Every window closed: the same denial is recorded again, and there is
  // nothing left to flush.
  EXPECT_EQ(windows.Note(Garbage(), kT0 + absl::Seconds(21), std::ref(ids))
                .first_denial_id,
            "acd-2");
  EXPECT_TRUE(windows.Flush(kT0 + absl::Seconds(22)).empty());
}

}  // namespace
}  // namespace cellchain::identity
