// cellchaind and the cellchain CLI as a user runs them: real binaries, real
// mTLS with the test PKI, a real PostgreSQL database of the test cluster.
#include <signal.h>

#include <atomic>
#include <future>
#include <thread>

#include "cellchain/system/v1/system.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/grpc/client.h"
#include "services/common/pg/connection.h"
#include "tests/e2e/e2e_test.h"

namespace cellchain::e2e {
namespace {

using system::v1::PingRequest;
using system::v1::PingResponse;
using system::v1::SystemService;
using ::testing::HasSubstr;

class CellchaindTest : public E2eTest {
 protected:
  std::vector<std::string> Cli(const Daemon& daemon, const std::string& client,
                               std::vector<std::string> args) {
    std::vector<std::string> argv = {
        BinDir() + "/cellchain", "--target=" + daemon.target(),
        "--ca=" + Pki() + "/ca.crt",
        "--cert=" + Pki() + "/clients/" + client + ".crt",
        "--key=" + Pki() + "/clients/" + client + ".key"};
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
  }
};

TEST_F(CellchaindTest, PingReachesPostgresAsTheServiceRoleOverMtls) {
  // At the product's password-hashing cost (the fixture's cheap one comes
  // first; the last flag wins), cellchaind starts without a warning.
  std::unique_ptr<Daemon> daemon = StartDaemon({"--password-hash-cost=15"});
  ASSERT_NE(daemon, nullptr);
  EXPECT_THAT(daemon->Log(),
              ::testing::Not(HasSubstr("password_hash_cost_below_floor")));
  RunResult ping = RunCommand(Cli(*daemon, "lab-ws-01", {"system", "ping"}));
  EXPECT_EQ(ping.exit_code, 0) << ping.output;
  EXPECT_THAT(ping.output, HasSubstr("PostgreSQL 15"));
  EXPECT_THAT(ping.output, HasSubstr("CN=lab-ws-01"));

  // The service connected as its own role, not as the superuser.
  absl::StatusOr<pg::Connection> admin = pg::Connection::Open(db_->conninfo());
  ASSERT_TRUE(admin.ok()) << admin.status();
  absl::StatusOr<pg::Result> roles = admin->Exec(
      "SELECT count(*) FROM pg_stat_activity "
      "WHERE datname = current_database() AND usename = 'cellchain_system'");
  ASSERT_TRUE(roles.ok()) << roles.status();
  EXPECT_GE(*roles->GetInt64(0, 0), 1);

  // One log line for the RPC, naming the method and the workstation.
  EXPECT_THAT(daemon->Log(),
              HasSubstr("method=/cellchain.system.v1.SystemService/Ping"));
  RunResult version =
      RunCommand(Cli(*daemon, "qa-ws-01", {"system", "version"}));
  EXPECT_EQ(version.exit_code, 0) << version.output;
  EXPECT_THAT(version.output, HasSubstr("hosting: "));
  EXPECT_THAT(version.output, HasSubstr(" system"));
  // Every process hosts identity: it is the access gate's session authority.
  EXPECT_THAT(version.output, HasSubstr(" identity"));
  RunResult health = RunCommand(Cli(*daemon, "qa-ws-01", {"system", "health"}));
  EXPECT_EQ(health.output, "SERVING\n");
}

TEST_F(CellchaindTest, ClientWithAnotherCasCertificateGetsNoAnswer) {
  std::unique_ptr<Daemon> daemon = StartDaemon();
  ASSERT_NE(daemon, nullptr);
  RunResult ping =
      RunCommand({BinDir() + "/cellchain", "--target=" + daemon->target(),
                  "--ca=" + Pki() + "/ca.crt",
                  "--cert=" + Pki() + "/rogue/clients/intruder.crt",
                  "--key=" + Pki() + "/rogue/clients/intruder.key",
                  "--deadline=3s", "system", "ping"});
  EXPECT_EQ(ping.exit_code, 1) << ping.output;
  EXPECT_THAT(ping.output, HasSubstr("cellchain: system ping: UNAVAILABLE"));
  EXPECT_THAT(daemon->Log(), ::testing::Not(HasSubstr("event=rpc")));
}

TEST_F(CellchaindTest, SigtermLetsAnInFlightRpcFinish) {
  std::unique_ptr<Daemon> daemon = StartDaemon({"--pg-pool-size=1"});
  ASSERT_NE(daemon, nullptr);
  auto stub = SystemService::NewStub(daemon->Channel("lab-ws-01"));
  {
    PingResponse warm;
    auto context = grpcx::NewContext();
    ASSERT_TRUE(stub->Ping(context.get(), PingRequest(), &warm).ok());
  }
  // Freeze the service's database backend so the next Ping stays in flight.
  absl::StatusOr<pg::Connection> admin = pg::Connection::Open(db_->conninfo());
  ASSERT_TRUE(admin.ok()) << admin.status();
  absl::StatusOr<pg::Result> backend = admin->Exec(
      "SELECT pid FROM pg_stat_activity "
      "WHERE datname = current_database() AND usename = 'cellchain_system'");
  ASSERT_TRUE(backend.ok()) << backend.status();
  ASSERT_EQ(backend->rows(), 1);
  pid_t backend_pid = static_cast<pid_t>(*backend->GetInt64(0, 0));
  ASSERT_EQ(kill(backend_pid, SIGSTOP), 0);

  std::future<grpc::Status> in_flight = std::async(std::launch::async, [&] {
    PingResponse response;
    auto context = grpcx::NewContext(std::chrono::seconds(20));
    return stub->Ping(context.get(), PingRequest(), &response);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  kill(daemon->pid(), SIGTERM);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  // Still running: it waits for the Ping instead of cutting it off.
  EXPECT_EQ(in_flight.wait_for(std::chrono::seconds(0)),
            std::future_status::timeout);
  kill(backend_pid, SIGCONT);

  grpc::Status status = in_flight.get();
  EXPECT_TRUE(status.ok()) << status.error_message();
  std::optional<int> exit_code =
      daemon->SignalAndWait(0, std::chrono::seconds(15));
  ASSERT_TRUE(exit_code.has_value()) << daemon->Log();
  EXPECT_EQ(*exit_code, 0) << daemon->Log();
  EXPECT_THAT(daemon->Log(), HasSubstr("event=shutdown_complete"));
}

// A client that keeps its channel (the label station, cellchain-web, the
// load tools) and keeps calling while cellchaind is killed and restarted on
// the same address: its calls fail fast meanwhile, and one gets through
// within a call's deadline of cellchaind being back. Fail-fast calls do not
// drive a reconnecting channel; gRPC's backup poller does, which
// grpcx::NewChannel sets to poll every 100 ms. With gRPC's default of 5 s
// (GRPC_CLIENT_CHANNEL_BACKUP_POLL_INTERVAL_MS=5000 in the environment) the
// first call got through 18.8 s after cellchaind was back; with 100 ms, 1 s.
TEST_F(CellchaindTest, AKeptChannelGetsThroughSoonAfterARestart) {
  std::unique_ptr<Daemon> daemon = StartDaemon();
  ASSERT_NE(daemon, nullptr);
  const std::string listen = "--listen=" + daemon->target();
  auto stub = SystemService::NewStub(daemon->Channel("lab-ws-01"));
  PingResponse response;
  ASSERT_TRUE(stub->Ping(grpcx::NewContext().get(), PingRequest(), &response)
                  .ok());
  ASSERT_EQ(daemon->SignalAndWait(SIGKILL, std::chrono::seconds(5)),
            128 + SIGKILL);

  // Someone tries again every 100 ms, each call fail-fast, as the clients'.
  std::atomic<bool> stop{false};
  std::atomic<int> unavailable{0};
  std::promise<void> got_through;
  std::thread caller([&] {
    while (!stop) {
      PingResponse pong;
      grpc::Status status = stub->Ping(
          grpcx::NewContext(std::chrono::seconds(1)).get(), PingRequest(),
          &pong);
      if (status.ok()) {
        got_through.set_value();
        return;
      }
      if (status.error_code() == grpc::StatusCode::UNAVAILABLE) ++unavailable;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  });
  std::this_thread::sleep_for(std::chrono::seconds(1));
  daemon = StartDaemon({listen});
  bool through =
      daemon != nullptr &&
      got_through.get_future().wait_for(grpcx::kDefaultDeadline) ==
          std::future_status::ready;
  stop = true;
  caller.join();
  ASSERT_NE(daemon, nullptr);
  // While it was down: refused at once, what the clients show.
  EXPECT_GT(unavailable, 0);
  EXPECT_TRUE(through) << "no call got through within "
                       << grpcx::kDefaultDeadline.count()
                       << " ms of cellchaind being back";
}

TEST_F(CellchaindTest, BootstrapAdminCreatesTheFirstAdminOnce) {
  const std::string password = "correct horse battery staple";
  RunResult first =
      BootstrapAdmin(ServiceConninfo(), "admin", "Ada Admin", password);
  EXPECT_EQ(first.exit_code, 0) << first.output;
  // Scripts run it on every start: the second time is exit 3, not an error.
  RunResult second =
      BootstrapAdmin(ServiceConninfo(), "admin2", "Al Other", password);
  EXPECT_EQ(second.exit_code, 3) << second.output;
  EXPECT_THAT(second.output, HasSubstr("ADMIN_EXISTS"));
  EXPECT_THAT(first.output + second.output,
              ::testing::Not(HasSubstr(password)));

  std::unique_ptr<Daemon> daemon = StartDaemon();
  ASSERT_NE(daemon, nullptr);
  absl::StatusOr<std::string> token =
      daemon->Login("admin-cli", "admin", password);
  EXPECT_TRUE(token.ok()) << token.status();
  EXPECT_FALSE(daemon->Login("admin-cli", "admin2", password).ok());

  // The tests' cheap cost (decision 0020) reached both commands: the
  // admin's hash says ln=4, and each process said at start that it hashes
  // below the production floor.
  EXPECT_EQ(Count("SELECT count(*) FROM cellchain_identity.users "
                  "WHERE user_id = 'admin' "
                  "AND password_hash LIKE '$scrypt$ln=4,r=8,p=1$%'"),
            1);
  EXPECT_THAT(first.output,
              HasSubstr("event=password_hash_cost_below_floor"));
  EXPECT_THAT(daemon->Log(),
              HasSubstr("event=password_hash_cost_below_floor"));
}

TEST_F(CellchaindTest, BadConfigurationStopsStartupNamingTheFlag) {
  RunResult run =
      RunCommand({BinDir() + "/cellchaind", "serve",
                  "--tls-cert=" + Pki() + "/server/cellchaind.crt",
                  "--tls-key=" + Pki() + "/server/cellchaind.key",
                  "--tls-ca=" + Pki() + "/ca.crt",
                  "--request-hash-key-file=" + Pki() + "/request-hash-key",
                  "--pg=" + ServiceConninfo(), "--pg-pool-size=0"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.output, HasSubstr("--pg-pool-size (CELLCHAIN_PG_POOL_SIZE)"));
}

TEST_F(CellchaindTest, UnreachableDatabaseStopsStartupClearly) {
  std::string error;
  std::unique_ptr<Daemon> daemon = Daemon::Start(
      "host=/nonexistent/socket/dir port=1 dbname=x connect_timeout=2", {},
      &error);
  EXPECT_EQ(daemon, nullptr);
  EXPECT_THAT(error, HasSubstr("event=startup_failed"));
  EXPECT_THAT(error, HasSubstr("UNAVAILABLE"));
}

}  // namespace
}  // namespace cellchain::e2e
