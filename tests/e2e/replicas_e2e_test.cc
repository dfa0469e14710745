// Two cellchaind replicas on one database, and a person whose CLI is given
// both (--target=a,b; issue 26): when one replica is killed, their next
// commands go on through the other without their noticing, and so do the
// calls on a channel kept over both, as cellchain-web's and the label
// station's; when the only target given is dead, they get the one-line
// UNAVAILABLE they always got.
#include <signal.h>

#include <algorithm>
#include <thread>

#include "cellchain/system/v1/system.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/grpc/client.h"
#include "tests/e2e/e2e_test.h"

namespace cellchain::e2e {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

class ReplicasTest : public E2eTest {
 protected:
  void SetUp() override {
    E2eTest::SetUp();
    if (HasFatalFailure()) return;
    ASSERT_EQ(Bootstrap().exit_code, 0);
    first_ = StartDaemon();
    ASSERT_NE(first_, nullptr);
    second_ = StartDaemon();
    ASSERT_NE(second_, nullptr);
  }

  // The admin's CLI at admin-cli against `target`, sharing one session file.
  CliSession Admin(const std::string& target) {
    return CliSession(target, "admin-cli", sessions_.path() + "/admin");
  }

  std::string Both() const {
    return first_->target() + "," + second_->target();
  }

  static int Lines(const std::string& text) {
    return static_cast<int>(std::count(text.begin(), text.end(), '\n'));
  }

  std::unique_ptr<Daemon> first_;
  std::unique_ptr<Daemon> second_;
};

TEST_F(ReplicasTest, CommandsGoOnThroughTheOtherReplicaWhenOneIsKilled) {
  CliSession admin = Admin(Both());
  RunResult login = admin.Login("admin", kAdminPassword);
  ASSERT_EQ(login.exit_code, 0) << login.output;
  // One channel kept over both, as cellchain-web and the label station
  // keep theirs (a CLI command makes a new one).
  absl::StatusOr<std::shared_ptr<grpc::Channel>> kept = grpcx::NewChannel(
      {Both(),
       {Pki() + "/clients/lab-ws-01.crt", Pki() + "/clients/lab-ws-01.key",
        Pki() + "/ca.crt"}});
  ASSERT_TRUE(kept.ok()) << kept.status();
  auto stub = system::v1::SystemService::NewStub(*kept);
  system::v1::PingResponse pong;
  for (int i = 0; i < 4; ++i) {
    auto context = grpcx::NewContext();
    context->set_wait_for_ready(true);  // until a replica answers SERVING
    ASSERT_TRUE(stub->Ping(context.get(), {}, &pong).ok());
  }

  ASSERT_EQ(first_->SignalAndWait(SIGKILL, std::chrono::seconds(5)),
            128 + SIGKILL);
  // The kept channel's next calls, fail-fast, 20 ms apart, go to the
  // replica left (20 of 20 in a run; the first may lose the race with the
  // client's noticing the dead connection, as a call in flight would).
  int ok = 0;
  std::string failures;
  for (int i = 0; i < 10; ++i) {
    grpc::Status status = stub->Ping(grpcx::NewContext().get(), {}, &pong);
    if (status.ok()) {
      ++ok;
    } else {
      failures += " " + std::to_string(i) + ": " + status.error_message();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_GE(ok, 9) << failures;
  RunResult whoami = admin.Run({"whoami"});
  EXPECT_EQ(whoami.exit_code, 0) << whoami.output;
  EXPECT_THAT(whoami.output, HasSubstr("admin (Ada Admin)"));
  // A write, audited, through the replica left.
  RunResult created = admin.Run(
      {"user", "create", "--user-id=qa.quinn", "--printed-name=Quinn Quality",
       "--roles=qa", "--password-stdin"},
      "first day temporary 1\n");
  EXPECT_EQ(created.exit_code, 0) << created.output;
  EXPECT_THAT(created.output, HasSubstr("created user qa.quinn"));
  RunResult list = admin.Run({"user", "list"});
  EXPECT_EQ(list.exit_code, 0) << list.output;
  EXPECT_THAT(list.output, HasSubstr("Quinn Quality"));
  EXPECT_THAT(second_->Log(),
              HasSubstr("method=/cellchain.identity.v1.AuthService/CreateUser"));

  // Only the dead one named: the one line a user always got.
  RunResult dead = Admin(first_->target()).Run({"whoami"});
  EXPECT_EQ(dead.exit_code, 1) << dead.output;
  EXPECT_EQ(Lines(dead.output), 1) << dead.output;
  EXPECT_THAT(dead.output, StartsWith("cellchain: whoami: UNAVAILABLE: "));

  // Both dead: the same line.
  ASSERT_EQ(second_->SignalAndWait(SIGKILL, std::chrono::seconds(5)),
            128 + SIGKILL);
  RunResult none = admin.Run({"whoami"});
  EXPECT_EQ(none.exit_code, 1) << none.output;
  EXPECT_EQ(Lines(none.output), 1) << none.output;
  EXPECT_THAT(none.output, StartsWith("cellchain: whoami: UNAVAILABLE: "));
}

TEST_F(ReplicasTest, BadTargetListIsAUsageErrorNamingTheEntry) {
  RunResult bad = Admin(first_->target() + ",127.0.0.1").Run({"whoami"});
  EXPECT_EQ(bad.exit_code, 2) << bad.output;
  EXPECT_THAT(bad.output, HasSubstr("\"127.0.0.1\" is not HOST:PORT"));
}

}  // namespace
}  // namespace cellchain::e2e
