#include "services/cellchaind/cellchaind_config.h"

#include <cmath>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"

namespace cellchain::cellchaind {
namespace {

constexpr char kSummary[] =
    "Commands:\n"
    "  serve    host cellchain services over mTLS gRPC\n"
    "  migrate  apply the database migrations of this build\n"
    "  bootstrap-admin  create the first administrator (password from\n"
    "           $CELLCHAIN_BOOTSTRAP_PASSWORD or one line of stdin)\n"
    "Run `cellchaind COMMAND --help` for a command's options.\n";

constexpr char kPasswordHashCostHelp[] =
    "scrypt cost of new password hashes, ln (N = 2^ln; 15, the default,\n"
    "is the production floor: 32 MiB and ~0.1-0.2 s of a core per hash).\n"
    "Below 15 only for tests and training (a warning at start); stored\n"
    "hashes keep their own cost.";

const std::vector<std::string> kLogLevels = {"debug", "info", "warning",
                                             "error"};

// The first argument that is not a flag, or "".
std::string_view FindCommand(int argc, const char* const* argv) {
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (!arg.starts_with("-")) return arg;
  }
  return "";
}

// The qc specification's values are decimal text, which the loader takes as
// strings: they are checked here as the qc rules will read them, so that a
// daemon whose default specification the rules would refuse does not start.
// One line per problem, in the loader's form.
std::vector<std::string> QcSpecProblems(const config::Loader& loader,
                                        const qc::DefaultSpecOptions& spec) {
  auto subject = [&loader](std::string_view flag) {
    return absl::StrCat("--", std::string(flag), " (", loader.EnvVarFor(flag),
                        "): ");
  };
  std::vector<std::string> problems;
  auto positive = [&](std::string_view flag, const std::string& text,
                      std::string_view unit) -> std::optional<double> {
    std::optional<double> value = qc::ParseDecimal(text);
    if (!value.has_value() || *value <= 0) {
      problems.push_back(absl::StrCat(subject(flag), "\"", text,
                                      "\" is not a positive decimal number (",
                                      std::string(unit), ")"));
      return std::nullopt;
    }
    return value;
  };
  positive("qc-endotoxin-limit", spec.endotoxin_limit_eu_per_ml, "EU/ml");
  std::optional<double> min =
      positive("qc-viable-cells-min", spec.viable_cells_min, "cells");
  std::optional<double> max =
      positive("qc-viable-cells-max", spec.viable_cells_max, "cells");
  if (min.has_value() && max.has_value() && *min > *max) {
    problems.push_back(
        absl::StrCat(subject("qc-viable-cells-min"), spec.viable_cells_min,
                     " is above --qc-viable-cells-max ", spec.viable_cells_max,
                     ": the viable-cell range is inverted"));
  }
  return problems;
}

// The dose rules' values, checked as the rules will use them (a daemon
// whose every preparation would be refused, or whose labels would carry a
// malformed product code, does not start), and gathered into dose_rules.
// One line per problem, in the loader's form.
std::vector<std::string> DoseRuleProblems(const config::Loader& loader,
                                          ServeConfig& c) {
  auto subject = [&loader](std::string_view flag) {
    return absl::StrCat("--", std::string(flag), " (", loader.EnvVarFor(flag),
                        "): ");
  };
  std::vector<std::string> problems;
  dose::RuleOptions& rules = c.dose_rules;
  rules.expiry = absl::Hours(c.dose_expiry_hours);
  // A percentage in (0, `max`), or (0, `max`] when `max_inclusive`.
  auto percent = [&](std::string_view flag, const std::string& text, double max,
                     bool max_inclusive, double& out) {
    double value = 0;
    if (!absl::SimpleAtod(text, &value) || !std::isfinite(value) ||
        value <= 0 || value > max || (!max_inclusive && value == max)) {
      problems.push_back(absl::StrCat(
          subject(flag), "\"", text, "\" is not a percentage above 0 and ",
          max_inclusive ? "at most " : "below ", max));
      return;
    }
    out = value;
  };
  percent("dose-tolerance-percent", c.dose_tolerance_percent, 100, false,
          rules.dose_tolerance_percent);
  percent("dose-min-viability-percent", c.dose_min_viability_percent, 100, true,
          rules.min_viability_percent);
  rules.product_description_code = c.dose_product_code;
  absl::Status code = dose::DoseProductCode("A0", rules).status();
  if (!code.ok()) {
    problems.push_back(absl::StrCat(
        subject("dose-product-code"), "\"", c.dose_product_code,
        "\" is not an ISBT 128 product description code (a letter and four "
        "digits, e.g. S1295): ",
        std::string(code.message())));
  }
  if (!absl::LoadTimeZone(c.dose_time_zone, &rules.time_zone)) {
    problems.push_back(absl::StrCat(subject("dose-time-zone"), "\"",
                                    c.dose_time_zone,
                                    "\" is not a known time zone (an IANA "
                                    "name such as Europe/Vienna, or UTC)"));
  }
  return problems;
}

// The clinical rules' values, checked as the rate rule judges them (in
// whole hundredths of a ml/min, so a band edge of 1.555 would silently
// become 1.56) and gathered into clinical_rules. One line per problem, in
// the loader's form.
std::vector<std::string> ClinicalRuleProblems(const config::Loader& loader,
                                              ServeConfig& c) {
  auto subject = [&loader](std::string_view flag) {
    return absl::StrCat("--", std::string(flag), " (", loader.EnvVarFor(flag),
                        "): ");
  };
  std::vector<std::string> problems;
  clinical::RuleOptions& rules = c.clinical_rules;
  auto rate = [&](std::string_view flag, const std::string& text,
                  double& out) -> bool {
    double value = 0;
    if (!absl::SimpleAtod(text, &value) || !std::isfinite(value) ||
        value <= 0 || value > 100 ||
        std::abs(value * 100 - std::round(value * 100)) > 1e-6) {
      problems.push_back(absl::StrCat(
          subject(flag), "\"", text,
          "\" is not a rate in ml/min above 0 and at most 100, in whole "
          "hundredths (e.g. 1.5)"));
      return false;
    }
    out = value;
    return true;
  };
  const bool target =
      rate("clinical-rate-target-ml-per-min", c.clinical_rate_target_ml_per_min,
           rules.target_rate_ml_per_min);
  const bool min =
      rate("clinical-rate-min-ml-per-min", c.clinical_rate_min_ml_per_min,
           rules.min_rate_ml_per_min);
  const bool max =
      rate("clinical-rate-max-ml-per-min", c.clinical_rate_max_ml_per_min,
           rules.max_rate_ml_per_min);
  if (target && min &&
      rules.min_rate_ml_per_min > rules.target_rate_ml_per_min) {
    problems.push_back(absl::StrCat(
        subject("clinical-rate-min-ml-per-min"), c.clinical_rate_min_ml_per_min,
        " is above --clinical-rate-target-ml-per-min ",
        c.clinical_rate_target_ml_per_min,
        ": the target must lie in the band"));
  }
  if (target && max &&
      rules.target_rate_ml_per_min > rules.max_rate_ml_per_min) {
    problems.push_back(absl::StrCat(
        subject("clinical-rate-max-ml-per-min"), c.clinical_rate_max_ml_per_min,
        " is below --clinical-rate-target-ml-per-min ",
        c.clinical_rate_target_ml_per_min,
        ": the target must lie in the band"));
  }
  const std::string& zone =
      c.clinical_time_zone.empty() ? c.dose_time_zone : c.clinical_time_zone;
  if (!absl::LoadTimeZone(zone, &rules.time_zone)) {
    // An unknown --dose-time-zone is reported as dose's.
    if (!c.clinical_time_zone.empty()) {
      problems.push_back(absl::StrCat(subject("clinical-time-zone"), "\"",
                                      c.clinical_time_zone,
                                      "\" is not a known time zone (an IANA "
                                      "name such as Europe/Vienna, or UTC)"));
    }
  }
  return problems;
}

absl::StatusOr<Command> Finish(config::Loader& loader, absl::Status status,
                               Command command) {
  if (config::IsHelpRequested(status)) {
    command.kind = Command::Kind::kHelp;
    command.help_text = loader.Usage();
    return command;
  }
  if (!status.ok()) return status;
  if (loader.positional().size() != 1) {
    return absl::InvalidArgumentError(
        "expected exactly one command (serve, migrate or bootstrap-admin)");
  }
  return command;
}

}  // namespace

absl::StatusOr<Command> ParseCommandLine(int argc, const char* const* argv,
                                         const config::EnvLookup& env) {
  std::string_view name = FindCommand(argc, argv);
  Command command;
  if (name == "serve") {
    command.kind = Command::Kind::kServe;
    ServeConfig& c = command.serve;
    config::Loader loader("cellchaind serve", "CELLCHAIN");
    loader.List("services", &c.services,
                "Services to host: all, or a list such as system,donor.");
    loader.String("listen", &c.listen, "Address to serve gRPC (mTLS) on.");
    loader.ReadableFile("tls-cert", &c.tls_cert,
                        "PEM certificate chain of this server.")
        .Required();
    loader.ReadableFile("tls-key", &c.tls_key, "PEM private key of this server.")
        .Required();
    loader.ReadableFile("tls-ca", &c.tls_ca,
                        "PEM CA whose client certificates are accepted.")
        .Required();
    loader.String("pg", &c.pg,
                  "PostgreSQL conninfo without user (each service connects "
                  "as its role cellchain_<service>).")
        .Required();
    loader.Int64("pg-pool-size", &c.pg_pool_size, 1, 256,
                 "Connections per hosted service's pool.");
    loader.Duration("pg-pool-wait", &c.pg_pool_wait,
                    "How long a request waits for a free connection.");
    loader.Int64("threads", &c.threads, 2, 1024,
                 "Maximum gRPC handler threads (size to the pools).");
    loader.Duration("shutdown-grace", &c.shutdown_grace,
                    "On SIGTERM/SIGINT, how long in-flight RPCs may finish.");
    loader.Enum("log-level", &c.log_level, kLogLevels, "Lowest level logged.");
    loader.String("signing-key-dir", &c.signing_key_dir,
                  "Directory of the Ed25519 keys: <service>.key for the "
                  "ledger, sequencer.key/.pub for the audit log.");
    loader.String("checkpoint-origin", &c.checkpoint_origin,
                  "Origin line (log name) of the signed checkpoints.");
    loader.ReadableFile("keyring", &c.keyring,
                        "With audit hosted: the record-signing keys QA "
                        "trusts (\"<key id> <base64>\" per line). The "
                        "sequencer\nintegrates only records they sign; "
                        "verification trusts no other key.");
    loader.Bool("sequencer", &c.sequencer,
                "With audit hosted: take part in sequencer leader election.");
    loader.Duration("session-lifetime", &c.session_lifetime,
                    "A session ends this long after login.");
    loader.Duration("session-idle-timeout", &c.session_idle_timeout,
                    "A session ends after this long without a call.");
    loader.Int64("lockout-threshold", &c.lockout_threshold, 1, 100,
                 "Consecutive failed authentications that lock an account.");
    loader.Int64("password-min-length", &c.password_min_length, 8, 256,
                 "Shortest password accepted.");
    loader.Int64("password-history", &c.password_history, 1, 24,
                 "A new password must differ from this many previous ones.");
    loader.Int64("password-hash-cost", &c.password_hash_cost,
                 kPasswordHashCostMin, kPasswordHashCostMax,
                 kPasswordHashCostHelp);
    loader.Bool("allow-technician-qa", &c.allow_technician_qa,
                "Let one user hold the technician and qa roles together\n"
                "(refused by default; each QA signature still refuses whoever\n"
                "did the work it releases).");
    loader.Bool("training-clock", &c.training_clock,
                "A training or demo stack, NEVER production: time is real "
                "time plus\nan offset that administrators move forward "
                "(cellchain system\nclock-advance), persisted in the "
                "database and audited.");
    loader.ReadableFile("request-hash-key-file", &c.request_hash_key_file,
                        "The key of the stored request hashes of "
                        "idempotent RPCs\n(HMAC-SHA-256; one line, the "
                        "base64 of 32 bytes).")
        .Required();
    loader.ReadableFile("field-key-file", &c.field_key_file,
                        "With donor hosted: the AES-256 key ring that seals "
                        "identifying data (\"<id> <base64>\" per line, the "
                        "last one current).");
    loader.String("facility-fin", &c.facility_fin,
                  "Facility Identification Number whose DINs donor lots "
                  "get.");
    loader.Duration("donor-max-collection-to-processing",
                    &c.donor_max_collection_to_processing,
                    "Cord collection to its receipt (donor) or to the "
                    "start of\nprocessing (manufacturing) beyond this is a "
                    "deviation.");
    loader.Int64("donor-transport-min-celsius", &c.donor_transport_min_celsius,
                 -90, 60, "Lowest transport temperature without a deviation.");
    loader.Int64("donor-transport-max-celsius", &c.donor_transport_max_celsius,
                 -90, 60, "Highest transport temperature without a deviation.");
    loader.Duration("manufacturing-late-entry-after",
                    &c.manufacturing_late_entry_after,
                    "With manufacturing hosted: a step entered more than "
                    "this after the time\nit says it was performed is a "
                    "late entry, refused without a reason\n"
                    "(late_entry_reason) and marked late in the step and "
                    "its audit record.");
    loader.String("qc-endotoxin-limit", &c.qc_spec.endotoxin_limit_eu_per_ml,
                  "With qc hosted: the default specification's endotoxin "
                  "limit in EU/ml\n(a result must be below it; a positive "
                  "decimal).");
    loader.String("qc-viable-cells-min", &c.qc_spec.viable_cells_min,
                  "With qc hosted: the default specification's lowest "
                  "viable cell count\nof a lot (inclusive; a positive "
                  "decimal such as 1.0E7).");
    loader.String("qc-viable-cells-max", &c.qc_spec.viable_cells_max,
                  "With qc hosted: the default specification's highest "
                  "viable cell count\nof a lot (inclusive; not below "
                  "--qc-viable-cells-min).");
    loader.Int64("dose-expiry-hours", &c.dose_expiry_hours, 1, 72,
                 "With dose hosted: a dose expires this many hours after "
                 "its preparation\n(the label's expiry rounded down to the "
                 "minute).");
    loader.String("dose-tolerance-percent", &c.dose_tolerance_percent,
                  "With dose hosted: the acceptance window of the count "
                  "after preparation,\n± this % of the prescribed viable "
                  "cells (inclusive; above 0, below 100).");
    loader.String("dose-min-viability-percent", &c.dose_min_viability_percent,
                  "With dose hosted: the lowest viability in % of an "
                  "acceptable dose\n(inclusive; above 0, at most 100).");
    loader.String("dose-product-code", &c.dose_product_code,
                  "With dose hosted: the ISBT 128 product description code "
                  "of a dose\n(a letter and four digits, the code ICCBBA "
                  "assigned; S1295 is only ST-001's example).");
    loader.String("dose-time-zone", &c.dose_time_zone,
                  "With dose hosted: the time zone a dose's expiry is "
                  "written in on its label\n(an IANA name such as "
                  "Europe/Vienna).");
    loader.String("clinical-rate-target-ml-per-min",
                  &c.clinical_rate_target_ml_per_min,
                  "With clinical hosted: the infusion rate's target in "
                  "ml/min (above 0, at most 100,\nin whole hundredths; "
                  "within the band).");
    loader.String("clinical-rate-min-ml-per-min",
                  &c.clinical_rate_min_ml_per_min,
                  "With clinical hosted: the lowest infusion rate in ml/min "
                  "without a deviation\n(inclusive; the rate is judged "
                  "rounded to 0.01 ml/min).");
    loader.String("clinical-rate-max-ml-per-min",
                  &c.clinical_rate_max_ml_per_min,
                  "With clinical hosted: the highest infusion rate in ml/min "
                  "without a deviation\n(inclusive).");
    loader.String("clinical-time-zone", &c.clinical_time_zone,
                  "With clinical hosted: the site's time zone, in which day "
                  "1 of the safety\nobservation is the infusion's calendar "
                  "day (an IANA name; default: --dose-time-zone's).");
    absl::Status status = loader.Load(argc, argv, env);
    if (status.ok() || status.code() == absl::StatusCode::kInvalidArgument) {
      std::vector<std::string> problems = QcSpecProblems(loader, c.qc_spec);
      std::vector<std::string> dose = DoseRuleProblems(loader, c);
      problems.insert(problems.end(), dose.begin(), dose.end());
      std::vector<std::string> clinical = ClinicalRuleProblems(loader, c);
      problems.insert(problems.end(), clinical.begin(), clinical.end());
      if (!problems.empty()) {
        if (!status.ok()) {
          problems.insert(problems.begin(), std::string(status.message()));
        }
        status = absl::InvalidArgumentError(absl::StrJoin(problems, "\n"));
      }
    }
    return Finish(loader, status, std::move(command));
  }
  if (name == "migrate") {
    command.kind = Command::Kind::kMigrate;
    MigrateConfig& c = command.migrate;
    config::Loader loader("cellchaind migrate", "CELLCHAIN");
    loader.String("pg", &c.pg,
                  "PostgreSQL conninfo of a role that may create schemas "
                  "and roles.")
        .Required();
    loader.ReadableFile("keyring", &c.keyring,
                        "Register the record-signing keys of this keyring "
                        "(\"<key id> <base64>\" per line)\nafter the "
                        "migrations: services cannot register their own.");
    loader.Enum("log-level", &c.log_level, kLogLevels, "Lowest level logged.");
    absl::Status status = loader.Load(argc, argv, env);
    return Finish(loader, status, std::move(command));
  }
  if (name == "bootstrap-admin") {
    command.kind = Command::Kind::kBootstrapAdmin;
    BootstrapConfig& c = command.bootstrap;
    config::Loader loader("cellchaind bootstrap-admin", "CELLCHAIN");
    loader.String("pg", &c.pg,
                  "PostgreSQL conninfo without user (connects as "
                  "cellchain_identity).")
        .Required();
    loader.String("signing-key-dir", &c.signing_key_dir,
                  "Directory holding identity.key, the identity service's "
                  "ledger key.")
        .Required();
    loader.String("user-id", &c.user_id, "User id of the administrator.")
        .Required();
    loader.String("printed-name", &c.printed_name,
                  "Name as it appears on signatures.")
        .Required();
    loader.Int64("password-min-length", &c.password_min_length, 8, 256,
                 "Shortest password accepted (as for serve).");
    loader.Int64("password-hash-cost", &c.password_hash_cost,
                 kPasswordHashCostMin, kPasswordHashCostMax,
                 kPasswordHashCostHelp);
    loader.Enum("log-level", &c.log_level, kLogLevels, "Lowest level logged.");
    absl::Status status = loader.Load(argc, argv, env);
    return Finish(loader, status, std::move(command));
  }
  config::Loader loader("cellchaind COMMAND", "CELLCHAIN");
  loader.set_summary(kSummary);
  absl::Status status = loader.Load(argc, argv, env);
  if (config::IsHelpRequested(status)) {
    command.kind = Command::Kind::kHelp;
    command.help_text = loader.Usage();
    return command;
  }
  if (!status.ok()) return status;
  if (name.empty()) {
    return absl::InvalidArgumentError(
        "missing command (serve, migrate or bootstrap-admin); see "
        "cellchaind --help");
  }
  return absl::InvalidArgumentError("unknown command \"" + std::string(name) +
                                    "\" (expected serve, migrate or "
                                    "bootstrap-admin)");
}

}  // namespace cellchain::cellchaind
