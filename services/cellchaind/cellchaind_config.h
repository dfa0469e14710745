// The configuration of the cellchaind binary, from flags and CELLCHAIN_*
// environment variables (services/common/config), validated at startup.
// Thread-safety: plain data.
#ifndef CELLCHAIN_SERVICES_CELLCHAIND_CELLCHAIND_CONFIG_H_
#define CELLCHAIN_SERVICES_CELLCHAIND_CELLCHAIND_CONFIG_H_

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/clinical/rules.h"
#include "services/common/config/config.h"
#include "services/dose/rules.h"
#include "services/qc/rules.h"

namespace cellchain::cellchaind {

// The scrypt cost of new password hashes, ln (N = 2^ln, r=8, p=1), that
// serve and bootstrap-admin use unless --password-hash-cost says otherwise:
// the product's cost (32 MiB and about 0.1-0.2 s of a core per hash) and
// the floor for production. Below it cellchaind warns at start
// (password_hash_cost_below_floor): only tests and training stacks go lower.
// Stored hashes keep their own ln, so changing it never locks anyone out
// (decision 0020).
inline constexpr int64_t kPasswordHashCostFloor = 15;
inline constexpr int64_t kPasswordHashCostMin = 4;
inline constexpr int64_t kPasswordHashCostMax = 20;  // 1 GiB per hash

// `cellchaind serve`: host services over mTLS.
struct ServeConfig {
  std::vector<std::string> services = {"all"};
  std::string listen = "127.0.0.1:7443";
  std::string tls_cert;
  std::string tls_key;
  std::string tls_ca;
  std::string pg;  // conninfo without user; services use their own roles
  int64_t pg_pool_size = 8;
  std::chrono::milliseconds pg_pool_wait{2000};
  // A call beyond the quota is refused RESOURCE_EXHAUSTED, not queued: with
  // 16, sixteen workstations calling at once were refused (tests/load);
  // the threads mostly wait for a pooled PostgreSQL connection.
  int64_t threads = 64;
  std::chrono::milliseconds shutdown_grace{10000};
  std::string log_level = "info";
  std::string signing_key_dir;
  std::string checkpoint_origin = "cellchain.local/audit";
  // The record-signing keys QA trusts (ledger/keyring.h); required with audit.
  std::string keyring;
  bool sequencer = true;
  // The key of idempotency's request hashes (HMAC-SHA-256): the base64 of
  // 32 bytes, the dev PKI's request-hash-key.
  std::string request_hash_key_file;
  // identity: sessions, lockout, password policy
  std::chrono::milliseconds session_lifetime{8 * 3600 * 1000};
  std::chrono::milliseconds session_idle_timeout{15 * 60 * 1000};
  int64_t lockout_threshold = 5;
  int64_t password_min_length = 12;
  int64_t password_history = 5;
  int64_t password_hash_cost = kPasswordHashCostFloor;
  // Whether one user may hold technician and qa together.
  bool allow_technician_qa = false;
  // A training/demo stack: every service's time is real time plus an offset
  // administrators advance (AdvanceClock; decision 0017). Never in
  // production.
  bool training_clock = false;
  // donor: the key ring sealing identifying data, the facility whose DINs
  // donor lots get, and the limits of a cord's transport
  std::string field_key_file;
  std::string facility_fin = "A9999";
  std::chrono::milliseconds donor_max_collection_to_processing{48 * 3600 *
                                                               1000};
  int64_t donor_transport_min_celsius = 2;
  int64_t donor_transport_max_celsius = 8;
  // manufacturing: an entry made more than this after the time it says a
  // step was performed is a late entry, which needs a reason
  std::chrono::milliseconds manufacturing_late_entry_after{3600 * 1000};
  // qc: the configurable values of the default release specification, as
  // decimal text (qc::ParseDecimal): a positive endotoxin limit and a
  // positive viable-cell range whose minimum is not above its maximum.
  qc::DefaultSpecOptions qc_spec;
  // dose: the rules of a preparation as given — hours from preparation to
  // expiry, the acceptance window (± % of the prescribed viable cells, the
  // lowest viability in %, both decimal text), the ISBT 128 product
  // description code of a dose (αoooo: "S1295" is only ST-001's example;
  // configure the code ICCBBA assigned) and the time zone the expiry is
  // written in (an IANA name) — and dose_rules, what ParseCommandLine made
  // of them once each was checked as the dose rules read it.
  int64_t dose_expiry_hours = 6;
  std::string dose_tolerance_percent = "10";
  std::string dose_min_viability_percent = "70";
  std::string dose_product_code = "S1295";
  std::string dose_time_zone = "UTC";
  dose::RuleOptions dose_rules;
  // clinical: the infusion rate's target and the band outside which a rate
  // is a deviation (ml/min, inclusive, decimal text in whole hundredths:
  // the rate is judged rounded to 0.01), and the site's time zone, in
  // which day 1 of the observation is the infusion's calendar day ("":
  // dose_time_zone's) — and clinical_rules, what ParseCommandLine made of
  // them once each was checked.
  std::string clinical_rate_target_ml_per_min = "2.0";
  std::string clinical_rate_min_ml_per_min = "1.5";
  std::string clinical_rate_max_ml_per_min = "2.5";
  std::string clinical_time_zone;
  clinical::RuleOptions clinical_rules;
};

// `cellchaind bootstrap-admin`: create the first administrator. The password
// comes from $CELLCHAIN_BOOTSTRAP_PASSWORD or one line of stdin, never from
// an argument (main.cc reads it).
struct BootstrapConfig {
  std::string pg;  // conninfo without user; connects as cellchain_identity
  std::string signing_key_dir;
  std::string user_id;
  std::string printed_name;
  int64_t password_min_length = 12;
  int64_t password_hash_cost = kPasswordHashCostFloor;
  std::string log_level = "info";
};

// `cellchaind migrate`: apply every migration of the build.
struct MigrateConfig {
  std::string pg;  // conninfo of a role that may create schemas and roles
  // Optional: a keyring whose keys are registered after the migrations.
  std::string keyring;
  std::string log_level = "info";
};

struct Command {
  enum class Kind {
    kServe,
    kMigrate,
    kBootstrapAdmin,
    kHelp
  } kind = Kind::kHelp;
  ServeConfig serve;
  MigrateConfig migrate;
  BootstrapConfig bootstrap;
  std::string help_text;  // for kHelp
};

// Parses argv (argv[1] is the subcommand). INVALID_ARGUMENT with a message
// naming each bad flag and its environment variable, one per line (also a
// qc specification value that is not a positive decimal, or a viable-cell
// minimum above the maximum; a dose tolerance not in (0, 100) %, a minimum
// viability not in (0, 100] %, a product description code that is not
// ISBT 128's αoooo, an unknown time zone; a clinical rate that is not a
// positive number of ml/min in whole hundredths up to 100, a band whose
// minimum is above its target or its target above its maximum, an unknown
// clinical time zone).
absl::StatusOr<Command> ParseCommandLine(
    int argc, const char* const* argv,
    const config::EnvLookup& env = config::GetEnv);

}  // namespace cellchain::cellchaind

#endif  // CELLCHAIN_SERVICES_CELLCHAIND_CELLCHAIND_CONFIG_H_
