#include "services/cellchaind/cellchaind_config.h"

#include <fstream>
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

// `serve` with every required flag set (the files exist) and `extra`.
absl::StatusOr<Command> ParseServe(
    std::vector<const char*> extra,
    std::map<std::string, std::string> env = {}) {
  static const std::string file = [] {
    std::string path = ::testing::TempDir() + "/cellchaind_config_test.pem";
    std::ofstream(path) << "x\n";
    return path;
  }();
  static const std::string cert = "--tls-cert=" + file;
  static const std::string key = "--tls-key=" + file;
  static const std::string ca = "--tls-ca=" + file;
  static const std::string hash = "--request-hash-key-file=" + file;
  std::vector<const char*> args = {"serve",    cert.c_str(), key.c_str(),
                                   ca.c_str(), hash.c_str(), "--pg=host=/x"};
  args.insert(args.end(), extra.begin(), extra.end());
  return Parse(std::move(args), std::move(env));
}

// Production never runs on a training clock: only the flag or its variable
// turns it on (decision 0017).
TEST(CellchaindConfigTest, TheTrainingClockIsOffUnlessAsked) {
  absl::StatusOr<Command> defaults = ParseServe({});
  ASSERT_TRUE(defaults.ok()) << defaults.status();
  EXPECT_FALSE(defaults->serve.training_clock);
  absl::StatusOr<Command> flag = ParseServe({"--training-clock"});
  ASSERT_TRUE(flag.ok()) << flag.status();
  EXPECT_TRUE(flag->serve.training_clock);
  absl::StatusOr<Command> env =
      ParseServe({}, {{"CELLCHAIN_TRAINING_CLOCK", "true"}});
  ASSERT_TRUE(env.ok()) << env.status();
  EXPECT_TRUE(env->serve.training_clock);
}

// Production hashes passwords at the product's scrypt cost unless an
// operator asks otherwise; a cost outside what a verifier accepts, or too
// cheap to be scrypt at all, is refused naming the flag (decision 0020).
TEST(CellchaindConfigTest, PasswordHashCostIsTheProductsUnlessAsked) {
  absl::StatusOr<Command> defaults = ParseServe({});
  ASSERT_TRUE(defaults.ok()) << defaults.status();
  EXPECT_EQ(defaults->serve.password_hash_cost, 15);
  absl::StatusOr<Command> flag = ParseServe({"--password-hash-cost=4"});
  ASSERT_TRUE(flag.ok()) << flag.status();
  EXPECT_EQ(flag->serve.password_hash_cost, 4);
  absl::StatusOr<Command> env =
      ParseServe({}, {{"CELLCHAIN_PASSWORD_HASH_COST", "17"}});
  ASSERT_TRUE(env.ok()) << env.status();
  EXPECT_EQ(env->serve.password_hash_cost, 17);
  for (const char* bad : {"--password-hash-cost=3", "--password-hash-cost=21",
                          "--password-hash-cost=fast"}) {
    absl::StatusOr<Command> refused = ParseServe({bad});
    ASSERT_FALSE(refused.ok()) << bad;
    EXPECT_THAT(std::string(refused.status().message()),
                HasSubstr("--password-hash-cost (CELLCHAIN_PASSWORD_HASH_COST)"))
        << bad;
  }

  // The first admin's password is hashed by bootstrap-admin, at the same cost.
  const std::vector<const char*> bootstrap = {
      "bootstrap-admin", "--pg=host=/x", "--signing-key-dir=/keys",
      "--user-id=admin", "--printed-name=Ada Admin"};
  absl::StatusOr<Command> first = Parse(bootstrap);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->bootstrap.password_hash_cost, 15);
  first = Parse(bootstrap, {{"CELLCHAIN_PASSWORD_HASH_COST", "4"}});
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->bootstrap.password_hash_cost, 4);
}

TEST(CellchaindConfigTest, QcSpecificationValuesComeFromFlagsAndEnvironment) {
  absl::StatusOr<Command> defaults = ParseServe({});
  ASSERT_TRUE(defaults.ok()) << defaults.status();
  EXPECT_EQ(defaults->serve.qc_spec.endotoxin_limit_eu_per_ml, "0.5");
  EXPECT_EQ(defaults->serve.qc_spec.viable_cells_min, "1.0E7");
  EXPECT_EQ(defaults->serve.qc_spec.viable_cells_max, "1.0E9");

  absl::StatusOr<Command> set =
      ParseServe({"--qc-endotoxin-limit=0.25", "--qc-viable-cells-min=2E7"},
                 {{"CELLCHAIN_QC_VIABLE_CELLS_MAX", "5.0E8"},
                  {"CELLCHAIN_QC_ENDOTOXIN_LIMIT", "0.4"}});
  ASSERT_TRUE(set.ok()) << set.status();
  // The flag wins over the environment.
  EXPECT_EQ(set->serve.qc_spec.endotoxin_limit_eu_per_ml, "0.25");
  EXPECT_EQ(set->serve.qc_spec.viable_cells_min, "2E7");
  EXPECT_EQ(set->serve.qc_spec.viable_cells_max, "5.0E8");
  // What the default specification then says.
  std::vector<qc::v1::SpecTest> tests = qc::DefaultTests(set->serve.qc_spec);
  const qc::v1::SpecTest* endotoxin = nullptr;
  const qc::v1::SpecTest* cells = nullptr;
  for (const qc::v1::SpecTest& test : tests) {
    if (test.code() == "ENDOTOXIN") endotoxin = &test;
    if (test.code() == "VIABLE_CELL_COUNT") cells = &test;
  }
  ASSERT_NE(endotoxin, nullptr);
  ASSERT_NE(cells, nullptr);
  EXPECT_EQ(endotoxin->criterion(), "< 0.25 [EU]/mL");
  EXPECT_EQ(cells->criterion(), "≥ 2E7 and ≤ 5.0E8 cells");
}

TEST(CellchaindConfigTest, QcSpecificationValueThatIsNotAPositiveNumber) {
  for (const char* bad : {"abc", "0", "-0.5", "nan", "inf", "0x1p3", ""}) {
    std::string flag = std::string("--qc-endotoxin-limit=") + bad;
    absl::StatusOr<Command> command = ParseServe({flag.c_str()});
    ASSERT_FALSE(command.ok()) << bad;
    EXPECT_EQ(command.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(command.status().message()),
                HasSubstr("--qc-endotoxin-limit (CELLCHAIN_QC_ENDOTOXIN_LIMIT)"
                          ": \"" +
                          std::string(bad) +
                          "\" is not a positive decimal number (EU/ml)"));
  }
  absl::StatusOr<Command> cells =
      ParseServe({}, {{"CELLCHAIN_QC_VIABLE_CELLS_MIN", "-1E7"},
                      {"CELLCHAIN_QC_VIABLE_CELLS_MAX", "lots"}});
  ASSERT_FALSE(cells.ok());
  std::string message(cells.status().message());
  EXPECT_THAT(message, HasSubstr("--qc-viable-cells-min "
                                 "(CELLCHAIN_QC_VIABLE_CELLS_MIN): \"-1E7\""));
  EXPECT_THAT(message, HasSubstr("--qc-viable-cells-max "
                                 "(CELLCHAIN_QC_VIABLE_CELLS_MAX): \"lots\""));
}

TEST(CellchaindConfigTest, QcViableCellRangeMustNotBeInverted) {
  absl::StatusOr<Command> inverted = ParseServe(
      {"--qc-viable-cells-min=1.0E9", "--qc-viable-cells-max=1.0E7"});
  ASSERT_FALSE(inverted.ok());
  EXPECT_EQ(inverted.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(inverted.status().message()),
              HasSubstr("--qc-viable-cells-min (CELLCHAIN_QC_VIABLE_CELLS_MIN):"
                        " 1.0E9 is above --qc-viable-cells-max 1.0E7"));
  // A range of one value is a range.
  EXPECT_TRUE(
      ParseServe({"--qc-viable-cells-min=5E8", "--qc-viable-cells-max=5.0E8"})
          .ok());
}

TEST(CellchaindConfigTest, QcProblemsAreListedWithTheOthers) {
  absl::StatusOr<Command> command =
      Parse({"serve", "--pg=host=/x", "--qc-endotoxin-limit=0"});
  ASSERT_FALSE(command.ok());
  std::string message(command.status().message());
  EXPECT_THAT(message, HasSubstr("--tls-cert (CELLCHAIN_TLS_CERT)"));
  EXPECT_THAT(message,
              HasSubstr("--qc-endotoxin-limit (CELLCHAIN_QC_ENDOTOXIN_LIMIT)"));
}

TEST(CellchaindConfigTest, ManufacturingLateEntryWindowComesFromFlagOrEnv) {
  absl::StatusOr<Command> defaults = ParseServe({});
  ASSERT_TRUE(defaults.ok()) << defaults.status();
  EXPECT_EQ(absl::FromChrono(defaults->serve.manufacturing_late_entry_after),
            absl::Hours(1));
  absl::StatusOr<Command> env =
      ParseServe({}, {{"CELLCHAIN_MANUFACTURING_LATE_ENTRY_AFTER", "30m"}});
  ASSERT_TRUE(env.ok()) << env.status();
  EXPECT_EQ(absl::FromChrono(env->serve.manufacturing_late_entry_after),
            absl::Minutes(30));
  absl::StatusOr<Command> flag =
      ParseServe({"--manufacturing-late-entry-after=4h"},
                 {{"CELLCHAIN_MANUFACTURING_LATE_ENTRY_AFTER", "30m"}});
  ASSERT_TRUE(flag.ok()) << flag.status();
  EXPECT_EQ(absl::FromChrono(flag->serve.manufacturing_late_entry_after),
            absl::Hours(4));  // the flag wins
  absl::StatusOr<Command> bad =
      ParseServe({"--manufacturing-late-entry-after=an hour"});
  EXPECT_FALSE(bad.ok());
  EXPECT_THAT(bad.status().message(),
              HasSubstr("--manufacturing-late-entry-after"));
}

TEST(CellchaindConfigTest, DoseRulesComeFromFlagsAndEnvironment) {
  absl::StatusOr<Command> defaults = ParseServe({});
  ASSERT_TRUE(defaults.ok()) << defaults.status();
  const dose::RuleOptions& standard = defaults->serve.dose_rules;
  EXPECT_EQ(standard.expiry, absl::Hours(6));
  EXPECT_EQ(standard.dose_tolerance_percent, 10);
  EXPECT_EQ(standard.min_viability_percent, 70);
  EXPECT_EQ(standard.product_description_code, "S1295");
  EXPECT_EQ(standard.time_zone.name(), "UTC");

  absl::StatusOr<Command> set =
      ParseServe({"--dose-expiry-hours=8", "--dose-tolerance-percent=15",
                  "--dose-product-code=S2417"},
                 {{"CELLCHAIN_DOSE_MIN_VIABILITY_PERCENT", "75"},
                  {"CELLCHAIN_DOSE_TIME_ZONE", "Europe/Vienna"},
                  {"CELLCHAIN_DOSE_PRODUCT_CODE", "S0001"}});
  ASSERT_TRUE(set.ok()) << set.status();
  const dose::RuleOptions& rules = set->serve.dose_rules;
  EXPECT_EQ(rules.product_description_code, "S2417");  // the flag wins
  // What a pharmacist sees: prepared at 10:00:30 UTC, the label says 19:00
  // in Vienna (8 h later, UTC+1 in January, rounded down to the minute).
  const absl::Time prepared = absl::FromCivil(
      absl::CivilSecond(2026, 1, 15, 10, 0, 30), absl::UTCTimeZone());
  const absl::Time expires = dose::ExpiryOf(prepared, rules);
  EXPECT_EQ(expires, prepared + absl::Hours(8) - absl::Seconds(30));
  absl::StatusOr<std::string> label = dose::ExpirationOf(expires, rules);
  ASSERT_TRUE(label.ok()) << label.status();
  EXPECT_THAT(*label, ::testing::EndsWith("1900"));
  absl::StatusOr<std::string> product = dose::DoseProductCode("A0", rules);
  ASSERT_TRUE(product.ok()) << product.status();
  EXPECT_THAT(*product, HasSubstr("S2417"));
  // 8.8e6 viable cells of 1e7 prescribed (-12 %) at 88 %: within ±15 %
  // and above 75 %, outside the default ±10 %.
  absl::StatusOr<dose::Acceptance> wider =
      dose::JudgeCount(1.0e7, 20, 5.0e5, 88, rules);
  ASSERT_TRUE(wider.ok()) << wider.status();
  EXPECT_TRUE(wider->failures.empty());
  absl::StatusOr<dose::Acceptance> narrower =
      dose::JudgeCount(1.0e7, 20, 5.0e5, 88, standard);
  ASSERT_TRUE(narrower.ok()) << narrower.status();
  EXPECT_FALSE(narrower->failures.empty());
}

TEST(CellchaindConfigTest, DoseRuleValuesOutsideWhatTheRulesTakeAreRefused) {
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"--dose-tolerance-percent=0",
       "--dose-tolerance-percent (CELLCHAIN_DOSE_TOLERANCE_PERCENT)"},
      {"--dose-tolerance-percent=100",
       "--dose-tolerance-percent (CELLCHAIN_DOSE_TOLERANCE_PERCENT)"},
      {"--dose-tolerance-percent=ten",
       "--dose-tolerance-percent (CELLCHAIN_DOSE_TOLERANCE_PERCENT)"},
      {"--dose-tolerance-percent=nan",
       "--dose-tolerance-percent (CELLCHAIN_DOSE_TOLERANCE_PERCENT)"},
      {"--dose-min-viability-percent=0",
       "--dose-min-viability-percent (CELLCHAIN_DOSE_MIN_VIABILITY_PERCENT)"},
      {"--dose-min-viability-percent=100.5",
       "--dose-min-viability-percent (CELLCHAIN_DOSE_MIN_VIABILITY_PERCENT)"},
      {"--dose-product-code=S12",
       "--dose-product-code (CELLCHAIN_DOSE_PRODUCT_CODE)"},
      {"--dose-product-code=12345",
       "--dose-product-code (CELLCHAIN_DOSE_PRODUCT_CODE)"},
      {"--dose-time-zone=Mars/Olympus_Mons",
       "--dose-time-zone (CELLCHAIN_DOSE_TIME_ZONE)"},
      {"--dose-expiry-hours=0",
       "--dose-expiry-hours (CELLCHAIN_DOSE_EXPIRY_HOURS)"},
      {"--dose-expiry-hours=73",
       "--dose-expiry-hours (CELLCHAIN_DOSE_EXPIRY_HOURS)"},
  };
  for (const auto& [flag, named] : bad) {
    absl::StatusOr<Command> command = ParseServe({flag.c_str()});
    ASSERT_FALSE(command.ok()) << flag;
    EXPECT_EQ(command.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(command.status().message()), HasSubstr(named))
        << flag;
  }
  // 100 % viability is the top of the range, and accepted.
  EXPECT_TRUE(ParseServe({"--dose-min-viability-percent=100"}).ok());
}

TEST(CellchaindConfigTest, DoseProblemsAreListedWithTheOthers) {
  absl::StatusOr<Command> command =
      Parse({"serve", "--pg=host=/x", "--qc-endotoxin-limit=0",
             "--dose-product-code=X", "--dose-time-zone=Nowhere"});
  ASSERT_FALSE(command.ok());
  std::string message(command.status().message());
  EXPECT_THAT(message, HasSubstr("--tls-cert (CELLCHAIN_TLS_CERT)"));
  EXPECT_THAT(message,
              HasSubstr("--qc-endotoxin-limit (CELLCHAIN_QC_ENDOTOXIN_LIMIT)"));
  EXPECT_THAT(message, HasSubstr("--dose-product-code "
                                 "(CELLCHAIN_DOSE_PRODUCT_CODE): \"X\""));
  EXPECT_THAT(message, HasSubstr("--dose-time-zone (CELLCHAIN_DOSE_TIME_ZONE): "
                                 "\"Nowhere\" is not a known time zone"));
}

TEST(CellchaindConfigTest, ClinicalRulesComeFromFlagsAndEnvironment) {
  absl::StatusOr<Command> defaults = ParseServe({});
  ASSERT_TRUE(defaults.ok()) << defaults.status();
  const clinical::RuleOptions& standard = defaults->serve.clinical_rules;
  EXPECT_EQ(standard.target_rate_ml_per_min, 2.0);
  EXPECT_EQ(standard.min_rate_ml_per_min, 1.5);
  EXPECT_EQ(standard.max_rate_ml_per_min, 2.5);
  EXPECT_EQ(standard.time_zone.name(), "UTC");

  absl::StatusOr<Command> set = ParseServe(
      {"--clinical-rate-max-ml-per-min=2.2", "--dose-time-zone=Europe/Vienna"},
      {{"CELLCHAIN_CLINICAL_RATE_MAX_ML_PER_MIN", "3"},
       {"CELLCHAIN_CLINICAL_RATE_MIN_ML_PER_MIN", "1.75"}});
  ASSERT_TRUE(set.ok()) << set.status();
  const clinical::RuleOptions& rules = set->serve.clinical_rules;
  EXPECT_EQ(rules.max_rate_ml_per_min, 2.2);  // the flag wins
  EXPECT_EQ(rules.min_rate_ml_per_min, 1.75);
  // What the operator sees: 20 ml in 9 min is 2.22 ml/min, inside the
  // default band and a deviation above the configured 2.20.
  const absl::Time start = absl::FromCivil(
      absl::CivilSecond(2026, 1, 15, 22, 30, 0), absl::UTCTimeZone());
  absl::StatusOr<clinical::Rate> rate =
      clinical::InfusionRate(20, start, start + absl::Minutes(9), rules);
  ASSERT_TRUE(rate.ok()) << rate.status();
  EXPECT_EQ(rate->ml_per_min, 2.22);
  EXPECT_TRUE(rate->deviation);
  EXPECT_THAT(rate->deviation_text, HasSubstr("above the band 1.75"));
  absl::StatusOr<clinical::Rate> standard_rate =
      clinical::InfusionRate(20, start, start + absl::Minutes(9), standard);
  ASSERT_TRUE(standard_rate.ok()) << standard_rate.status();
  EXPECT_FALSE(standard_rate->deviation);
  // 1.70 ml/min (20 ml in 11 min 46 s): inside the default band, below
  // the configured minimum.
  absl::StatusOr<clinical::Rate> slow = clinical::InfusionRate(
      20, start, start + absl::Seconds(11 * 60 + 46), rules);
  ASSERT_TRUE(slow.ok()) << slow.status();
  EXPECT_EQ(slow->ml_per_min, 1.7);
  EXPECT_TRUE(slow->deviation);

  // The observation's days follow the site's zone, by default dose's:
  // infused at 23:30 in Vienna, an observation an hour later is day 2
  // there, and still day 1 in UTC.
  const absl::Time later = start + absl::Hours(1);
  EXPECT_EQ(rules.time_zone.name(), "Europe/Vienna");
  EXPECT_EQ(clinical::ObservationDayOf(start, later, rules), 2);
  EXPECT_EQ(clinical::ObservationDayOf(start, later, standard), 1);
  // Its own flag wins over dose's.
  absl::StatusOr<Command> own = ParseServe(
      {"--dose-time-zone=Europe/Vienna", "--clinical-time-zone=UTC"});
  ASSERT_TRUE(own.ok()) << own.status();
  EXPECT_EQ(own->serve.clinical_rules.time_zone.name(), "UTC");
  EXPECT_EQ(own->serve.dose_rules.time_zone.name(), "Europe/Vienna");
}

TEST(CellchaindConfigTest,
     ClinicalRuleValuesOutsideWhatTheRulesTakeAreRefused) {
  const std::string target =
      "--clinical-rate-target-ml-per-min "
      "(CELLCHAIN_CLINICAL_RATE_TARGET_ML_PER_MIN)";
  const std::string min =
      "--clinical-rate-min-ml-per-min (CELLCHAIN_CLINICAL_RATE_MIN_ML_PER_MIN)";
  const std::string max =
      "--clinical-rate-max-ml-per-min (CELLCHAIN_CLINICAL_RATE_MAX_ML_PER_MIN)";
  const std::vector<std::pair<std::vector<const char*>, std::string>> bad = {
      {{"--clinical-rate-min-ml-per-min=0"}, min},
      {{"--clinical-rate-min-ml-per-min=-1.5"}, min},
      {{"--clinical-rate-max-ml-per-min=fast"}, max},
      {{"--clinical-rate-max-ml-per-min=inf"}, max},
      {{"--clinical-rate-target-ml-per-min=nan"}, target},
      {{"--clinical-rate-max-ml-per-min=101"}, max},
      // Judged in hundredths: 1.555 would silently become 1.56.
      {{"--clinical-rate-min-ml-per-min=1.555"}, min},
      // The target outside the band.
      {{"--clinical-rate-min-ml-per-min=2.1"}, min},
      {{"--clinical-rate-max-ml-per-min=1.9"}, max},
      {{"--clinical-rate-target-ml-per-min=3",
        "--clinical-rate-min-ml-per-min=1"},
       max},
      {{"--clinical-time-zone=Mars/Olympus_Mons"},
       "--clinical-time-zone (CELLCHAIN_CLINICAL_TIME_ZONE)"},
  };
  for (const auto& [flags, named] : bad) {
    absl::StatusOr<Command> command = ParseServe(flags);
    ASSERT_FALSE(command.ok()) << flags[0];
    EXPECT_EQ(command.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(command.status().message()), HasSubstr(named))
        << flags[0];
  }
  // The band's edges may be the target itself, and a rate a whole number.
  EXPECT_TRUE(ParseServe({"--clinical-rate-min-ml-per-min=2",
                          "--clinical-rate-max-ml-per-min=2.00"})
                  .ok());
}

TEST(CellchaindConfigTest, ClinicalProblemsAreListedWithTheOthers) {
  absl::StatusOr<Command> command = Parse(
      {"serve", "--pg=host=/x", "--dose-product-code=X",
       "--clinical-rate-min-ml-per-min=0", "--clinical-time-zone=Nowhere"});
  ASSERT_FALSE(command.ok());
  std::string message(command.status().message());
  EXPECT_THAT(message, HasSubstr("--tls-cert (CELLCHAIN_TLS_CERT)"));
  EXPECT_THAT(message, HasSubstr("--dose-product-code "
                                 "(CELLCHAIN_DOSE_PRODUCT_CODE): \"X\""));
  EXPECT_THAT(message, HasSubstr("--clinical-rate-min-ml-per-min "
                                 "(CELLCHAIN_CLINICAL_RATE_MIN_ML_PER_MIN): "
                                 "\"0\""));
  EXPECT_THAT(message, HasSubstr("--clinical-time-zone "
                                 "(CELLCHAIN_CLINICAL_TIME_ZONE): \"Nowhere\" "
                                 "is not a known time zone"));
}

TEST(CellchaindConfigTest, ServicesResolve) {
  EXPECT_EQ(KnownServices(),
            (std::vector<std::string>{"identity", "system", "custody", "donor",
                                      "manufacturing", "qc", "dose", "clinical",
                                      "labels", "audit"}));
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
  // dose reads qc's lots, manufacturing's materials and custody's items.
  EXPECT_EQ(*ResolveServices({"dose"}),
            (std::vector<std::string>{"identity", "custody", "donor",
                                      "manufacturing", "qc", "dose"}));
  // clinical reads dose's doses and patients, qc's lots and custody's
  // items.
  EXPECT_EQ(
      *ResolveServices({"clinical"}),
      (std::vector<std::string>{"identity", "custody", "donor", "manufacturing",
                                "qc", "dose", "clinical"}));
  // labels reads custody's items and dose's doses and patients (and,
  // through them, hosts what dose does).
  EXPECT_EQ(
      *ResolveServices({"labels"}),
      (std::vector<std::string>{"identity", "custody", "donor", "manufacturing",
                                "qc", "dose", "labels"}));
  EXPECT_EQ(
      *ResolveServices({"labels", "clinical"}),
      (std::vector<std::string>{"identity", "custody", "donor", "manufacturing",
                                "qc", "dose", "clinical", "labels"}));
  absl::StatusOr<std::vector<std::string>> bad =
      ResolveServices({"system", "donr"});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(FieldOf(bad.status()), "services");
  EXPECT_THAT(std::string(bad.status().message()), HasSubstr("\"donr\""));
}

}  // namespace
}  // namespace cellchain::cellchaind
