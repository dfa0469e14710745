#include "services/cellchaind/cellchaind_config.h"

#include <map>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/cellchaind/hosted_services.h"
#include "services/common/status/status.h"

namespace cellchain::cellchaind {
namespace {

using ::testing::HasSubstr;

config::EnvLookup Env(std::map<std::string, std::string> vars) {
  return [vars](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

absl::StatusOr<Command> Parse(std::vector<const char*> args,
                              std::map<std::string, std::string> env = {}) {
  args.insert(args.begin(), "cellchaind");
  return ParseCommandLine(static_cast<int>(args.size()), args.data(),
                          Env(std::move(env)));
}

TEST(CellchaindConfigTest, ServeNeedsTlsFilesAndDatabase) {
  absl::StatusOr<Command> command = Parse({"serve"});
  ASSERT_FALSE(command.ok());
  std::string message(command.status().message());
  EXPECT_THAT(message, HasSubstr("--tls-cert (CELLCHAIN_TLS_CERT)"));
  EXPECT_THAT(message, HasSubstr("--pg (CELLCHAIN_PG)"));
}

TEST(CellchaindConfigTest, BadPoolSizeIsNamedWithItsVariable) {
  absl::StatusOr<Command> command =
      Parse({"serve", "--pg-pool-size=0", "--pg=host=/x"});
  ASSERT_FALSE(command.ok());
  EXPECT_THAT(std::string(command.status().message()),
              HasSubstr("--pg-pool-size (CELLCHAIN_PG_POOL_SIZE)"));
}

TEST(CellchaindConfigTest, MigrateTakesTheDatabaseFromTheEnvironment) {
  absl::StatusOr<Command> command =
      Parse({"migrate"}, {{"CELLCHAIN_PG", "host=/run dbname=cellchain"}});
  ASSERT_TRUE(command.ok()) << command.status();
  EXPECT_EQ(command->kind, Command::Kind::kMigrate);
  EXPECT_EQ(command->migrate.pg, "host=/run dbname=cellchain");
}

TEST(CellchaindConfigTest, MissingAndUnknownCommandsAreRefused) {
  EXPECT_THAT(std::string(Parse({}).status().message()),
              HasSubstr("missing command"));
  EXPECT_THAT(std::string(Parse({"launch"}).status().message()),
              HasSubstr("unknown command \"launch\""));
  absl::StatusOr<Command> help = Parse({"--help"});
  ASSERT_TRUE(help.ok());
  EXPECT_EQ(help->kind, Command::Kind::kHelp);
  EXPECT_THAT(help->help_text, HasSubstr("migrate"));
}

TEST(CellchaindConfigTest, ServicesResolve) {
  EXPECT_EQ(KnownServices(),
            (std::vector<std::string>{"identity", "system", "custody", "donor",
                                      "manufacturing", "qc", "audit"}));
  EXPECT_EQ(*ResolveServices({"all"}), KnownServices());
  // identity always; a service comes with those it calls in-process, and
  // in start order whatever order they were asked for in.
  EXPECT_EQ(*ResolveServices({"system"}),
            (std::vector<std::string>{"identity", "system"}));
  EXPECT_EQ(*ResolveServices({"donor"}),
            (std::vector<std::string>{"identity", "custody", "donor"}));
  EXPECT_EQ(*ResolveServices({"audit", "manufacturing"}),
            (std::vector<std::string>{"identity", "custody", "donor",
                                      "manufacturing", "audit"}));
  EXPECT_EQ(*ResolveServices({"qc"}),
            (std::vector<std::string>{"identity", "custody", "donor",
                                      "manufacturing", "qc"}));
  absl::StatusOr<std::vector<std::string>> bad =
      ResolveServices({"system", "donr"});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(FieldOf(bad.status()), "services");
  EXPECT_THAT(std::string(bad.status().message()), HasSubstr("\"donr\""));
}

}  // namespace
}  // namespace cellchain::cellchaind
