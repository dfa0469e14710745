#include "services/common/config/config.h"

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cellchain::config {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

constexpr char kSecretValue[] = "hunter2-Zq9!";
constexpr char kSecretDefault[] = "default-S3cret";

struct TestConfig {
  std::string listen = "0.0.0.0:7443";
  int64_t pg_pool_size = 8;
  bool verbose = false;
  bool tls = true;
  std::chrono::milliseconds deadline{5000};
  std::string log_format = "json";
  std::vector<std::string> peers = {"a", "b"};
  std::string ca_file;
  std::string pg_password = kSecretDefault;
};

// The loader of a typical binary, with a fake environment.
class ConfigLoaderTest : public ::testing::Test {
 protected:
  ConfigLoaderTest() : loader_("cellchaind", "CELLCHAIN") {
    loader_.set_summary("Commands: serve, migrate.");
    loader_.String("listen", &cfg_.listen, "Address to serve gRPC on.");
    loader_.Int64("pg-pool-size", &cfg_.pg_pool_size, 1, 64,
                  "Connections in the PostgreSQL pool.");
    loader_.Bool("verbose", &cfg_.verbose, "Log debug lines.");
    loader_.Bool("tls", &cfg_.tls, "Serve over mTLS.");
    loader_.Duration("deadline", &cfg_.deadline, "Deadline of each RPC.");
    loader_.Enum("log-format", &cfg_.log_format, {"json", "text"},
                 "Log line format.");
    loader_.List("peers", &cfg_.peers, "Peer addresses.");
    loader_.ReadableFile("ca-file", &cfg_.ca_file, "CA bundle (PEM).");
    loader_.Secret("pg-password", &cfg_.pg_password, "PostgreSQL password.");
  }

  absl::Status Load(std::vector<std::string> args) {
    args.insert(args.begin(), "cellchaind");
    std::vector<const char*> argv;
    for (const std::string& arg : args) argv.push_back(arg.c_str());
    return loader_.Load(
        static_cast<int>(argv.size()), argv.data(),
        [this](const std::string& name) -> std::optional<std::string> {
          auto it = env_.find(name);
          if (it == env_.end()) return std::nullopt;
          return it->second;
        });
  }

  TestConfig cfg_;
  std::map<std::string, std::string> env_;
  Loader loader_;
};

TEST_F(ConfigLoaderTest, DefaultsWhenNothingIsSet) {
  ASSERT_TRUE(Load({}).ok());
  EXPECT_EQ(cfg_.listen, "0.0.0.0:7443");
  EXPECT_EQ(cfg_.pg_pool_size, 8);
  EXPECT_EQ(cfg_.deadline, std::chrono::seconds(5));
  EXPECT_THAT(cfg_.peers, ElementsAre("a", "b"));
  EXPECT_THAT(loader_.positional(), IsEmpty());
}

TEST_F(ConfigLoaderTest, FlagBeatsEnvBeatsDefault) {
  env_["CELLCHAIN_PG_POOL_SIZE"] = "16";
  env_["CELLCHAIN_LISTEN"] = "127.0.0.1:1";
  env_["CELLCHAIN_LOG_FORMAT"] = "text";
  ASSERT_TRUE(Load({"--pg-pool-size=32", "--listen", "[::]:2"}).ok());
  EXPECT_EQ(cfg_.pg_pool_size, 32);    // flag over env
  EXPECT_EQ(cfg_.listen, "[::]:2");    // flag ("--name value") over env
  EXPECT_EQ(cfg_.log_format, "text");  // env over default
  EXPECT_EQ(cfg_.deadline, std::chrono::seconds(5));  // default

  std::string described = loader_.Describe();
  EXPECT_THAT(described, HasSubstr("--pg-pool-size=32 (flag)"));
  EXPECT_THAT(described,
              HasSubstr("--log-format=text (env CELLCHAIN_LOG_FORMAT)"));
  EXPECT_THAT(described, HasSubstr("--deadline=5s (default)"));
}

TEST_F(ConfigLoaderTest, EmptyEnvVarCountsAsUnset) {
  env_["CELLCHAIN_PG_POOL_SIZE"] = "";
  ASSERT_TRUE(Load({}).ok());
  EXPECT_EQ(cfg_.pg_pool_size, 8);
}

TEST_F(ConfigLoaderTest, LastFlagWins) {
  ASSERT_TRUE(Load({"--pg-pool-size=2", "--pg-pool-size=3"}).ok());
  EXPECT_EQ(cfg_.pg_pool_size, 3);
}

TEST_F(ConfigLoaderTest, BoolForms) {
  ASSERT_TRUE(Load({"--verbose", "--no-tls"}).ok());
  EXPECT_TRUE(cfg_.verbose);
  EXPECT_FALSE(cfg_.tls);

  ASSERT_TRUE(Load({"--verbose=false", "--tls=true"}).ok());
  EXPECT_FALSE(cfg_.verbose);
  EXPECT_TRUE(cfg_.tls);

  env_["CELLCHAIN_VERBOSE"] = "1";
  env_["CELLCHAIN_TLS"] = "false";
  ASSERT_TRUE(Load({}).ok());
  EXPECT_TRUE(cfg_.verbose);
  EXPECT_FALSE(cfg_.tls);

  // A bare bool flag does not swallow the next argument.
  ASSERT_TRUE(Load({"--verbose", "serve"}).ok());
  EXPECT_THAT(loader_.positional(), ElementsAre("serve"));
}

TEST_F(ConfigLoaderTest, DurationsListsAndEnums) {
  for (auto [text, ms] :
       std::vector<std::pair<std::string, int64_t>>{{"250ms", 250},
                                                    {"30s", 30'000},
                                                    {"5m", 300'000},
                                                    {"2h", 7'200'000},
                                                    {"1500", 1500},
                                                    {"0", 0}}) {
    ASSERT_TRUE(Load({"--deadline=" + text}).ok()) << text;
    EXPECT_EQ(cfg_.deadline.count(), ms) << text;
  }
  ASSERT_TRUE(Load({"--peers= x:1 ,,y:2,", "--log-format", "text"}).ok());
  EXPECT_THAT(cfg_.peers, ElementsAre("x:1", "y:2"));
  EXPECT_EQ(cfg_.log_format, "text");
  ASSERT_TRUE(Load({"--peers="}).ok());
  EXPECT_THAT(cfg_.peers, IsEmpty());
  // A value may end in "=" (Base64 padding): only "--name=" is empty.
  ASSERT_TRUE(Load({"--listen=abc="}).ok());
  EXPECT_EQ(cfg_.listen, "abc=");
  ASSERT_TRUE(Load({"--listen=a=b=="}).ok());
  EXPECT_EQ(cfg_.listen, "a=b==");
  // A list flag given again adds to it; another flag's last value wins.
  ASSERT_TRUE(Load({"--peers=x:1", "--log-format=json", "--peers", "y:2,z:3",
                    "--log-format=text"})
                  .ok());
  EXPECT_THAT(cfg_.peers, ElementsAre("x:1", "y:2", "z:3"));
  EXPECT_EQ(cfg_.log_format, "text");
}

// A choice is read in any case, as the CLI reads proto codes, and kept in
// its declared spelling (what the binary compares against).
TEST_F(ConfigLoaderTest, AChoiceIsReadInAnyCase) {
  ASSERT_TRUE(Load({"--log-format=TEXT"}).ok());
  EXPECT_EQ(cfg_.log_format, "text");
  env_["CELLCHAIN_LOG_FORMAT"] = "Json";
  ASSERT_TRUE(Load({}).ok());
  EXPECT_EQ(cfg_.log_format, "json");
  absl::Status bad = Load({"--log-format=XML"});
  EXPECT_EQ(bad.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.message(), HasSubstr("\"XML\" is not one of json, text"));
}

TEST_F(ConfigLoaderTest, PositionalArgumentsAreCollected) {
  ASSERT_TRUE(
      Load({"serve", "--verbose", "extra", "-", "--", "--not-a-flag"}).ok());
  EXPECT_THAT(loader_.positional(),
              ElementsAre("serve", "extra", "-", "--not-a-flag"));
}

// CLI11's reading of the command line, which every binary shares: a value
// that looks like a flag must be given with '=', but a negative number
// need not be.
TEST_F(ConfigLoaderTest, AValueThatLooksLikeAFlagNeedsTheEqualsForm) {
  ASSERT_TRUE(Load({"--listen=-v"}).ok());
  EXPECT_EQ(cfg_.listen, "-v");
  EXPECT_EQ(Load({"--listen", "-v"}).message(),
            "unknown flag -v\n--listen (CELLCHAIN_LISTEN): missing value");
  EXPECT_EQ(Load({"--pg-pool-size", "-3"}).message(),
            "--pg-pool-size (CELLCHAIN_PG_POOL_SIZE): -3 is below the "
            "minimum 1");
  EXPECT_TRUE(IsHelpRequested(Load({"--listen", "-h"})));
  ASSERT_TRUE(Load({"--", "-h"}).ok());
  EXPECT_THAT(loader_.positional(), ElementsAre("-h"));
  // "--" ends the flags even right after a flag that wants a value (CLI11
  // alone would go on reading flags), and "---x" is a mistyped flag (CLI11
  // alone would take it for an argument).
  EXPECT_EQ(Load({"--listen", "--", "--pg-pool-size=3"}).message(),
            "--listen (CELLCHAIN_LISTEN): missing value");
  EXPECT_THAT(loader_.positional(), ElementsAre("--pg-pool-size=3"));
  EXPECT_EQ(cfg_.pg_pool_size, 8);
  EXPECT_EQ(Load({"serve", "---verbose", "--bogus"}).message(),
            "unknown flag ---verbose\nunknown flag --bogus");
}

TEST_F(ConfigLoaderTest, ReadableFileMustExist) {
  std::string file = ::testing::TempDir() + "config_test_ca.pem";
  FILE* f = std::fopen(file.c_str(), "w");
  ASSERT_NE(f, nullptr);
  std::fclose(f);
  ASSERT_TRUE(Load({"--ca-file", file}).ok());
  EXPECT_EQ(cfg_.ca_file, file);
  std::remove(file.c_str());
}

// Each failure names the flag and its environment variable, and says what is
// wrong; the field keeps its default.
TEST_F(ConfigLoaderTest, ValidationFailuresNameFlagAndEnvVar) {
  struct Case {
    std::vector<std::string> args;
    std::map<std::string, std::string> env;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {{"--pg-pool-size=0"},
       {},
       "--pg-pool-size (CELLCHAIN_PG_POOL_SIZE): 0 is below the minimum 1"},
      {{},
       {{"CELLCHAIN_PG_POOL_SIZE", "65"}},
       "--pg-pool-size (CELLCHAIN_PG_POOL_SIZE): 65 is above the maximum 64"},
      {{"--pg-pool-size", "eight"},
       {},
       "--pg-pool-size (CELLCHAIN_PG_POOL_SIZE): \"eight\" is not an integer"},
      {{"--pg-pool-size=99999999999999999999"},
       {},
       "--pg-pool-size (CELLCHAIN_PG_POOL_SIZE): \"99999999999999999999\" "
       "is out of the int64 range"},
      {{"--pg-pool-size"},
       {},
       "--pg-pool-size (CELLCHAIN_PG_POOL_SIZE): missing value"},
      {{"--listen", "--verbose"},
       {},
       "--listen (CELLCHAIN_LISTEN): missing value"},
      {{"--verbose=maybe"},
       {},
       "--verbose (CELLCHAIN_VERBOSE): \"maybe\" is not a boolean "
       "(true or false)"},
      {{"--no-verbose=true"},
       {},
       "--verbose (CELLCHAIN_VERBOSE): --no-verbose takes no value"},
      {{},
       {{"CELLCHAIN_DEADLINE", "5 s"}},
       "--deadline (CELLCHAIN_DEADLINE): \"5 s\" is not a duration "
       "(like 250ms, 30s, 5m, 2h)"},
      {{"--deadline=-1s"},
       {},
       "--deadline (CELLCHAIN_DEADLINE): \"-1s\" is not a duration "
       "(like 250ms, 30s, 5m, 2h)"},
      {{"--log-format=xml"},
       {},
       "--log-format (CELLCHAIN_LOG_FORMAT): \"xml\" is not one of json, text"},
      {{"--ca-file=/nonexistent/ca.pem"},
       {},
       "--ca-file (CELLCHAIN_CA_FILE): /nonexistent/ca.pem does not exist"},
      {{},
       {{"CELLCHAIN_CA_FILE", "/"}},
       "--ca-file (CELLCHAIN_CA_FILE): / is a directory"},
  };
  for (const Case& c : cases) {
    cfg_ = TestConfig();
    env_ = c.env;
    absl::Status status = Load(c.args);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.expected;
    EXPECT_EQ(status.message(), c.expected);
  }
  EXPECT_EQ(cfg_.pg_pool_size, 8);
}

TEST_F(ConfigLoaderTest, RequiredOptionLeftUnsetIsRefused) {
  std::string token;
  loader_.Secret("api-token", &token, "Token for the registry.").Required();
  absl::Status status = Load({});
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(),
            "--api-token (CELLCHAIN_API_TOKEN): required but not set");

  env_["CELLCHAIN_API_TOKEN"] = "t0k";
  ASSERT_TRUE(Load({}).ok());
  EXPECT_EQ(token, "t0k");
}

TEST_F(ConfigLoaderTest, UnknownFlagsAreRefusedByName) {
  absl::Status status =
      Load({"--pg-pool-sise=4", "--colour", "-v", "--no-listen"});
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(),
            "unknown flag --pg-pool-sise\n"
            "unknown flag --colour\n"
            "unknown flag -v\n"
            "unknown flag --no-listen");
}

TEST_F(ConfigLoaderTest, EveryProblemIsReportedAtOnce) {
  env_["CELLCHAIN_LOG_FORMAT"] = "xml";
  absl::Status status = Load({"--bogus", "--pg-pool-size=0"});
  EXPECT_EQ(
      status.message(),
      "unknown flag --bogus\n"
      "--pg-pool-size (CELLCHAIN_PG_POOL_SIZE): 0 is below the minimum 1\n"
      "--log-format (CELLCHAIN_LOG_FORMAT): \"xml\" is not one of json, "
      "text");
}

TEST_F(ConfigLoaderTest, HelpIsADistinctStatusAndSkipsValidation) {
  loader_.String("required-thing", &cfg_.listen, "Needed.").Required();
  for (const char* flag : {"--help", "-h"}) {
    absl::Status status = Load({"--pg-pool-size=0", flag, "--bogus"});
    EXPECT_TRUE(IsHelpRequested(status)) << flag << ": " << status;
    EXPECT_FALSE(status.ok());
  }
  EXPECT_FALSE(IsHelpRequested(Load({"--bogus"})));
  EXPECT_FALSE(IsHelpRequested(absl::CancelledError("help requested")));
}

TEST_F(ConfigLoaderTest, UsageListsEveryOptionWithEnvDefaultAndHelp) {
  loader_.String("required-thing", &cfg_.ca_file, "Needed.").Required();
  std::string usage = loader_.Usage();
  EXPECT_THAT(usage, HasSubstr("Usage: cellchaind [flags] [args...]\n"
                               "Commands: serve, migrate.\n"));
  EXPECT_THAT(usage, HasSubstr("  --pg-pool-size=INT  (env "
                               "CELLCHAIN_PG_POOL_SIZE)\n"
                               "      Connections in the PostgreSQL pool.\n"
                               "      Range [1, 64]. Default: 8.\n"));
  EXPECT_THAT(usage, HasSubstr("  --listen=STRING  (env CELLCHAIN_LISTEN)\n"
                               "      Address to serve gRPC on.\n"
                               "      Default: 0.0.0.0:7443.\n"));
  EXPECT_THAT(usage, HasSubstr("  --[no-]verbose  (env CELLCHAIN_VERBOSE)\n"
                               "      Log debug lines.\n"
                               "      Default: false.\n"));
  EXPECT_THAT(usage, HasSubstr("  --deadline=DURATION  (env "
                               "CELLCHAIN_DEADLINE)\n"
                               "      Deadline of each RPC.\n"
                               "      Default: 5s.\n"));
  EXPECT_THAT(usage, HasSubstr("  --log-format=json|text  (env "
                               "CELLCHAIN_LOG_FORMAT)\n"));
  EXPECT_THAT(usage, HasSubstr("  --peers=A,B,...  (env CELLCHAIN_PEERS)\n"
                               "      Peer addresses.\n"
                               "      Default: a,b.\n"));
  EXPECT_THAT(usage, HasSubstr("  --ca-file=FILE  (env CELLCHAIN_CA_FILE)\n"
                               "      CA bundle (PEM).\n"));
  EXPECT_THAT(usage, HasSubstr("  --pg-password=SECRET  (env "
                               "CELLCHAIN_PG_PASSWORD)\n"
                               "      PostgreSQL password.\n"
                               "      Secret: never printed.\n"));
  EXPECT_THAT(usage, HasSubstr("  --required-thing=STRING  (env "
                               "CELLCHAIN_REQUIRED_THING)\n"
                               "      Needed.\n"
                               "      Required.\n"));
  EXPECT_THAT(usage, HasSubstr("  --help, -h\n"));
}

TEST_F(ConfigLoaderTest, SecretValuesNeverAppearInAnyMessage) {
  // The default secret: not in usage, nor in the description.
  EXPECT_THAT(loader_.Usage(), Not(HasSubstr(kSecretDefault)));
  ASSERT_TRUE(Load({}).ok());
  EXPECT_THAT(loader_.Describe(),
              AllOf(HasSubstr("--pg-password=<redacted> (default)"),
                    Not(HasSubstr(kSecretDefault))));

  // Set from the environment and from a flag, alongside other errors.
  env_["CELLCHAIN_PG_PASSWORD"] = kSecretValue;
  absl::Status status = Load({"--pg-pool-size=0"});
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), Not(HasSubstr(kSecretValue)));
  EXPECT_EQ(cfg_.pg_password, kSecretValue);

  status = Load({std::string("--pg-password=") + kSecretValue, "--bogus"});
  EXPECT_THAT(status.message(), Not(HasSubstr(kSecretValue)));
  status = Load({"--pg-password", kSecretValue});
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(cfg_.pg_password, kSecretValue);
  EXPECT_THAT(loader_.Describe(),
              AllOf(HasSubstr("--pg-password=<redacted> (flag)"),
                    Not(HasSubstr(kSecretValue))));
  EXPECT_THAT(loader_.Usage(), Not(HasSubstr(kSecretValue)));

  // A misspelt secret flag is refused by name only.
  status = Load({std::string("--pg-pasword=") + kSecretValue});
  EXPECT_EQ(status.message(), "unknown flag --pg-pasword");
  status = Load({std::string("-p=") + kSecretValue});
  EXPECT_EQ(status.message(), "unknown flag -p");

  // A secret left unset when required: named, with no value to leak.
  cfg_.pg_password.clear();
  env_.clear();
  std::string token = kSecretValue;
  loader_.Secret("token", &token, "Token.").Required();
  status = Load({});
  EXPECT_THAT(status.message(), AllOf(HasSubstr("--token (CELLCHAIN_TOKEN)"),
                                      Not(HasSubstr(kSecretValue))));
}

TEST(ConfigDeclarationTest, BadDeclarationsAreInternalErrors) {
  struct {
    std::string s;
    int64_t n = 0;
    int64_t small = 0;
    std::string mode = "fast";
  } cfg;
  Loader loader("x", "");
  loader.String("Bad_Name", &cfg.s, "");
  loader.Int64("n", &cfg.n, 5, 1, "");
  loader.Int64("small", &cfg.small, 1, 10, "");
  loader.Enum("mode", &cfg.mode, {"slow"}, "");
  loader.String("mode", &cfg.s, "");
  loader.String("help", &cfg.s, "");
  loader.Bool("no-cache", nullptr, "");
  const char* argv[] = {"x"};
  absl::Status status = loader.Load(1, argv);
  EXPECT_EQ(status.code(), absl::StatusCode::kInternal);
  for (const char* expected :
       {"\"Bad_Name\" is not lowercase kebab case", "--n has minimum 5",
        "--small has default 0 outside [1, 10]", "--mode has default \"fast\"",
        "--mode is declared twice", "\"help\" is reserved",
        "\"no-cache\" is reserved", "--no-cache is bound to a null field"}) {
    EXPECT_THAT(status.message(), HasSubstr(expected));
  }
}

TEST(ConfigDeclarationTest, EnvVarNamesAndNoPrefix) {
  std::string s;
  Loader loader("x", "");
  loader.String("pg-host", &s, "");
  EXPECT_EQ(loader.EnvVarFor("pg-host"), "PG_HOST");
  EXPECT_EQ(Loader("x", "CELLCHAIN").EnvVarFor("pg-pool-size"),
            "CELLCHAIN_PG_POOL_SIZE");
  const char* argv[] = {"x"};
  ASSERT_TRUE(
      loader
          .Load(1, argv,
                [](const std::string& name) -> std::optional<std::string> {
                  if (name == "PG_HOST") return "db";
                  return std::nullopt;
                })
          .ok());
  EXPECT_EQ(s, "db");
}

}  // namespace
}  // namespace cellchain::config
