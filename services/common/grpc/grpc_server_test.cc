// The server bootstrap over real mTLS with the test PKI (deploy/local/pki.sh).
#include <grpcpp/completion_queue.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <string>

#include "cellchain/identity/v1/identity.grpc.pb.h"
#include "gmock/gmock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "gtest/gtest.h"
#include "services/common/grpc/client.h"
#include "services/common/grpc/grpc_status.h"
#include "services/common/grpc/request_text.h"
#include "services/common/grpc/server.h"
#include "services/common/status/status.h"

namespace cellchain::grpcx {
namespace {

using grpc::health::v1::Health;
using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;

std::string Pki() {
  const char* dir = std::getenv("CELLCHAIN_TEST_PKI");
  return dir == nullptr ? "" : dir;
}

// A server on an ephemeral port of 127.0.0.1 with the test PKI's server
// certificate and key, trusting its CA.
ServerOptions TestServerOptions() {
  ServerOptions options;
  options.listen_address = "127.0.0.1:0";
  options.tls = {Pki() + "/server/cellchaind.crt",
                 Pki() + "/server/cellchaind.key", Pki() + "/ca.crt"};
  return options;
}

// A channel to 127.0.0.1:`port` presenting the PKI's `client`.crt and .key
// and trusting its `ca`.
absl::StatusOr<std::shared_ptr<grpc::Channel>> ChannelTo(
    int port, const std::string& client, const std::string& ca = "ca.crt") {
  return NewChannel({"127.0.0.1:" + std::to_string(port),
                     {Pki() + "/" + client + ".crt",
                      Pki() + "/" + client + ".key", Pki() + "/" + ca}});
}

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(Pki().empty())
        << "run through ctest (needs CELLCHAIN_TEST_PKI)";
    ServerOptions options = TestServerOptions();
    absl::StatusOr<std::unique_ptr<Server>> server = Server::Start(options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
  }

  std::string Target() const {
    return "127.0.0.1:" + std::to_string(server_->port());
  }

  grpc::Status Check(std::shared_ptr<grpc::Channel> channel,
                     HealthCheckResponse* response) {
    auto stub = Health::NewStub(channel);
    auto context = NewContext(std::chrono::milliseconds(5000));
    return stub->Check(context.get(), HealthCheckRequest(), response);
  }

  std::unique_ptr<Server> server_;
};

TEST_F(ServerTest, ClientWithCertificateFromOurCaIsServed) {
  auto channel = ChannelTo(server_->port(), "clients/lab-ws-01");
  ASSERT_TRUE(channel.ok()) << channel.status();
  testing::internal::CaptureStderr();
  HealthCheckResponse response;
  grpc::Status status = Check(*channel, &response);
  std::string log = testing::internal::GetCapturedStderr();
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.status(), HealthCheckResponse::SERVING);
  // One line per RPC naming the method, the workstation and the outcome.
  EXPECT_THAT(log, testing::HasSubstr("method=/grpc.health.v1.Health/Check"));
  EXPECT_THAT(log, testing::HasSubstr("CN=lab-ws-01"));
  EXPECT_THAT(log, testing::HasSubstr("code=OK"));
}

TEST_F(ServerTest, ClientWithoutCertificateIsRefused) {
  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = *ReadFile(Pki() + "/ca.crt");
  auto channel = grpc::CreateChannel(Target(), grpc::SslCredentials(ssl));
  HealthCheckResponse response;
  grpc::Status status = Check(channel, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE)
      << status.error_message();
}

TEST_F(ServerTest, ClientWithCertificateFromAnotherCaIsRefused) {
  auto channel = ChannelTo(server_->port(), "rogue/clients/intruder");
  ASSERT_TRUE(channel.ok()) << channel.status();
  HealthCheckResponse response;
  grpc::Status status = Check(*channel, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE)
      << status.error_message();
}

TEST_F(ServerTest, ServerNotSignedByTheTrustedCaIsRefusedByTheClient) {
  // The client trusts only the rogue CA: our server must not be accepted.
  auto channel =
      ChannelTo(server_->port(), "clients/lab-ws-01", "rogue/ca.crt");
  ASSERT_TRUE(channel.ok());
  HealthCheckResponse response;
  EXPECT_EQ(Check(*channel, &response).error_code(),
            grpc::StatusCode::UNAVAILABLE);
}

TEST_F(ServerTest, MissingTlsFileIsNamed) {
  ServerOptions options;
  options.listen_address = "127.0.0.1:0";
  options.tls = {Pki() + "/server/nope.crt", Pki() + "/server/cellchaind.key",
                 Pki() + "/ca.crt"};
  absl::StatusOr<std::unique_ptr<Server>> bad = Server::Start(options);
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(std::string(bad.status().message()),
              testing::HasSubstr("server/nope.crt"));
}

// NAME's value in the environment this process was started with
// (/proc/self/environ, which setenv does not change), or "" when it had none.
std::string StartingEnvironment(const std::string& name) {
  std::ifstream environ("/proc/self/environ", std::ios::binary);
  std::string entry;
  while (std::getline(environ, entry, '\0')) {
    if (entry.rfind(name + "=", 0) == 0) return entry.substr(name.size() + 1);
  }
  return "";
}

// A kept channel reaches a restarted server promptly only if gRPC's backup
// poller runs every kBackupPollInterval, and gRPC reads that once, when it
// first starts. So it is in the environment before main(), not set by the
// first NewChannel: a program that starts gRPC earlier (here a completion
// queue, before any channel) polls promptly too. A value the process was
// started with is kept.
TEST(NewChannelTest, TheReconnectPollIsSetBeforeAnythingStartsGrpc) {
  grpc::CompletionQueue queue;  // starts gRPC
  const char* interval =
      std::getenv("GRPC_CLIENT_CHANNEL_BACKUP_POLL_INTERVAL_MS");
  ASSERT_NE(interval, nullptr);
  std::string given =
      StartingEnvironment("GRPC_CLIENT_CHANNEL_BACKUP_POLL_INTERVAL_MS");
  EXPECT_EQ(interval, given.empty()
                          ? std::to_string(kBackupPollInterval.count())
                          : given);
  queue.Shutdown();
  void* tag;
  bool ok;
  while (queue.Next(&tag, &ok)) {
  }
}

// CreateUser counts the calls that reach it; nothing else is implemented.
class CountingAuthService final
    : public cellchain::identity::v1::AuthService::Service {
 public:
  grpc::Status CreateUser(
      grpc::ServerContext* /*context*/,
      const cellchain::identity::v1::CreateUserRequest* request,
      cellchain::identity::v1::CreateUserResponse* response) override {
    ++calls;
    response->mutable_user()->set_printed_name(request->printed_name());
    return grpc::Status::OK;
  }
  std::atomic<int> calls{0};
};

class CheckedRequestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(Pki().empty())
        << "run through ctest (needs CELLCHAIN_TEST_PKI)";
    ServerOptions options = TestServerOptions();
    options.services = {
        Hosted<cellchain::identity::v1::AuthService>(&service_)};
    absl::StatusOr<std::unique_ptr<Server>> server = Server::Start(options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    auto channel = ChannelTo(server_->port(), "clients/lab-ws-01");
    ASSERT_TRUE(channel.ok()) << channel.status();
    stub_ = cellchain::identity::v1::AuthService::NewStub(*channel);
  }

  // CreateUser with `printed_name`, as the client sees the answer.
  absl::Status CreateUser(const std::string& printed_name) {
    cellchain::identity::v1::CreateUserRequest request;
    request.mutable_context()->set_request_id("req-0123456789abcdef");
    request.set_user_id("alice");
    request.set_printed_name(printed_name);
    cellchain::identity::v1::CreateUserResponse response;
    auto context = NewContext(std::chrono::milliseconds(5000));
    return FromGrpcStatus(stub_->CreateUser(context.get(), request, &response));
  }

  CountingAuthService service_;
  std::unique_ptr<Server> server_;
  std::unique_ptr<cellchain::identity::v1::AuthService::Stub> stub_;
};

TEST_F(CheckedRequestTest,
       BadTextIsInvalidArgumentNamingTheFieldAndNoHandlerRuns) {
  struct Case {
    std::string printed_name;
    std::string reason;
  };
  for (const Case& c : {Case{"Ann\xff", kReasonInvalidUtf8},
                        Case{std::string("Ann\0B", 5), kReasonNulCharacter},
                        Case{"Ann\x1b[31mQA", kReasonControlCharacter}}) {
    absl::Status status = CreateUser(c.printed_name);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
    EXPECT_EQ(FieldOf(status), "printed_name") << status;
    EXPECT_EQ(ReasonOf(status), c.reason) << status;
    EXPECT_THAT(std::string(status.message()),
                testing::StartsWith("printed_name: "));
  }
  EXPECT_EQ(service_.calls.load(), 0);

  // The same call with clean text reaches the handler.
  EXPECT_TRUE(CreateUser("Ann Smith").ok());
  EXPECT_EQ(service_.calls.load(), 1);
}

// Two servers behind one channel given both addresses (--target=a,b), each
// counting the calls that reach it.
class TwoServersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(Pki().empty())
        << "run through ctest (needs CELLCHAIN_TEST_PKI)";
    for (int i = 0; i < 2; ++i) {
      ServerOptions options = TestServerOptions();
      options.services = {
          Hosted<cellchain::identity::v1::AuthService>(&services_[i])};
      absl::StatusOr<std::unique_ptr<Server>> server = Server::Start(options);
      ASSERT_TRUE(server.ok()) << server.status();
      servers_[i] = *std::move(server);
    }
  }

  std::shared_ptr<grpc::Channel> BothServers(const std::string& ca) {
    absl::StatusOr<std::shared_ptr<grpc::Channel>> channel = NewChannel(
        {"127.0.0.1:" + std::to_string(servers_[0]->port()) + ",127.0.0.1:" +
             std::to_string(servers_[1]->port()),
         {Pki() + "/clients/lab-ws-01.crt", Pki() + "/clients/lab-ws-01.key",
          Pki() + "/" + ca}});
    EXPECT_TRUE(channel.ok()) << channel.status();
    return channel.ok() ? *channel : nullptr;
  }

  static grpc::Status CreateUser(
      cellchain::identity::v1::AuthService::Stub& stub) {
    cellchain::identity::v1::CreateUserRequest request;
    request.set_user_id("alice");
    request.set_printed_name("Ann Smith");
    cellchain::identity::v1::CreateUserResponse response;
    auto context = NewContext(std::chrono::milliseconds(5000));
    return stub.CreateUser(context.get(), request, &response);
  }

  CountingAuthService services_[2];
  std::unique_ptr<Server> servers_[2];
};

TEST_F(TwoServersTest, CallsGoRoundBothAndOnThroughTheOtherWhenOneStops) {
  std::shared_ptr<grpc::Channel> channel = BothServers("ca.crt");
  ASSERT_NE(channel, nullptr);
  auto stub = cellchain::identity::v1::AuthService::NewStub(channel);
  // Round robin: both serve, as soon as each has connected and answered
  // SERVING to the channel's health check.
  for (int i = 0; i < 200 && (services_[0].calls.load() == 0 ||
                              services_[1].calls.load() == 0);
       ++i) {
    grpc::Status status = CreateUser(*stub);
    ASSERT_TRUE(status.ok()) << i << ": " << status.error_message();
  }
  EXPECT_GE(services_[0].calls.load(), 1);
  EXPECT_GE(services_[1].calls.load(), 1);

  servers_[0]->Shutdown(std::chrono::milliseconds(0));
  const int first_before = services_[0].calls.load();
  const int second_before = services_[1].calls.load();
  for (int i = 0; i < 6; ++i) {
    grpc::Status status = CreateUser(*stub);
    EXPECT_TRUE(status.ok()) << i << ": " << status.error_message();
  }
  EXPECT_EQ(services_[0].calls.load(), first_before);
  EXPECT_EQ(services_[1].calls.load(), second_before + 6);

  servers_[1]->Shutdown(std::chrono::milliseconds(0));
  grpc::Status none_left = CreateUser(*stub);
  EXPECT_EQ(none_left.error_code(), grpc::StatusCode::UNAVAILABLE)
      << none_left.error_message();
}

TEST_F(TwoServersTest, EveryServerOfAListIsVerifiedAgainstTheCa) {
  // The client trusts only the rogue CA: neither of our servers is accepted,
  // and no call reaches one.
  std::shared_ptr<grpc::Channel> channel = BothServers("rogue/ca.crt");
  ASSERT_NE(channel, nullptr);
  auto stub = cellchain::identity::v1::AuthService::NewStub(channel);
  grpc::Status status = CreateUser(*stub);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE)
      << status.error_message();
  EXPECT_EQ(services_[0].calls.load() + services_[1].calls.load(), 0);
}

TEST(CheckedServiceTest, AServiceWithoutItsDescriptorIsRefused) {
  CountingAuthService service;
  absl::StatusOr<std::unique_ptr<CheckedService>> checked =
      CheckedService::Create({&service, nullptr});
  EXPECT_EQ(checked.status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace cellchain::grpcx
