// cellchaind: hosts any set of cellchain services in one process.
// Parses its configuration, wires the services, runs until SIGTERM/SIGINT.
#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <thread>

#include "services/cellchaind/cellchaind_config.h"
#include "services/cellchaind/hosted_services.h"
#include "services/common/auth/access_gate.h"
#include "services/common/auth/call_principal.h"
#include "services/common/crypto/password.h"
#include "services/common/grpc/server.h"
#include "services/common/idempotency/idempotency.h"
#include "services/common/log/log.h"
#include "services/common/migrations/migrations.h"
#include "services/common/pg/connection.h"
#include "services/common/status/status.h"
#include "services/identity/identity.h"
#include "services/ledger/keyring.h"
#include "services/ledger/ledger.h"
#include "services/system/training_clock.h"

namespace cellchain::cellchaind {
namespace {

constexpr char kVersion[] = CELLCHAIN_VERSION;

void SetLogLevel(const std::string& name) {
  log::Level level = log::Level::kInfo;
  log::ParseLevel(name, &level);
  log::SetMinLevel(level);
}

int Fail(std::string_view what, const absl::Status& status) {
  log::Error(what, {{"code", absl::StatusCodeToString(status.code())},
                    {"reason", ReasonOf(status)},
                    {"field", FieldOf(status)},
                    {"message", std::string(status.message())}});
  return 1;
}

int Migrate(const MigrateConfig& config) {
  SetLogLevel(config.log_level);
  absl::StatusOr<pg::Connection> connection = pg::Connection::Open(config.pg);
  if (!connection.ok()) return Fail("migrate_failed", connection.status());
  absl::StatusOr<std::vector<std::string>> applied =
      migrations::Apply(*connection, AllMigrations());
  if (!applied.ok()) return Fail("migrate_failed", applied.status());
  for (const std::string& name : *applied) {
    log::Info("migration_applied", {{"migration", name}});
  }
  if (!config.keyring.empty()) {
    absl::StatusOr<ledger::Keyring> keyring =
        ledger::Keyring::FromFile(config.keyring);
    if (!keyring.ok()) return Fail("migrate_failed", keyring.status());
    for (const ledger::TrustedKey& key : keyring->keys()) {
      absl::Status registered = ledger::RegisterSigningKey(
          *connection, key.service, key.public_key, absl::Now());
      if (!registered.ok()) return Fail("migrate_failed", registered);
      log::Info("signing_key_registered", {{"key_id", key.key_id}});
    }
  }
  log::Info("migrate_done", {{"applied", std::to_string(applied->size())}});
  return 0;
}

static_assert(kPasswordHashCostFloor == crypto::ScryptParams{}.log2_n,
              "the production floor is the product's scrypt cost");

// The scrypt parameters of new password hashes (and of the dummy hash
// unknown users are checked against) at `cost`, announced loudly when it is
// below the production floor (decision 0020).
crypto::ScryptParams PasswordHashParams(int64_t cost) {
  crypto::ScryptParams params;
  params.log2_n = static_cast<int>(cost);
  if (cost < kPasswordHashCostFloor) {
    log::Warning(
        "password_hash_cost_below_floor",
        {{"message",
          "CHEAP PASSWORD HASHES: new passwords are hashed below the "
          "production floor, for tests and training only, NEVER production "
          "(--password-hash-cost)"},
         {"cost", std::to_string(cost)},
         {"floor", std::to_string(kPasswordHashCostFloor)}});
  }
  return params;
}

identity::IdentityOptions IdentityOptionsOf(const ServeConfig& config) {
  identity::IdentityOptions options;
  options.scrypt = PasswordHashParams(config.password_hash_cost);
  options.session_lifetime = absl::FromChrono(config.session_lifetime);
  options.idle_timeout = absl::FromChrono(config.session_idle_timeout);
  options.lockout_threshold = static_cast<int>(config.lockout_threshold);
  options.password.min_length = static_cast<int>(config.password_min_length);
  options.password.history = static_cast<int>(config.password_history);
  options.allow_technician_qa = config.allow_technician_qa;
  return options;
}

// The password of bootstrap-admin: $CELLCHAIN_BOOTSTRAP_PASSWORD, else the
// first line of stdin. Never an argument: arguments are visible to every
// user of the machine (ps, /proc).
std::string ReadBootstrapPassword() {
  if (const char* env = std::getenv("CELLCHAIN_BOOTSTRAP_PASSWORD");
      env != nullptr && *env != '\0') {
    return env;
  }
  std::string line;
  std::getline(std::cin, line);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

int BootstrapAdmin(const BootstrapConfig& config) {
  SetLogLevel(config.log_level);
  std::string password = ReadBootstrapPassword();
  if (password.empty()) {
    return Fail("bootstrap_failed",
                absl::InvalidArgumentError(
                    "no password: set CELLCHAIN_BOOTSTRAP_PASSWORD or give "
                    "it as one line on stdin"));
  }
  absl::StatusOr<std::unique_ptr<pg::Pool>> pool =
      pg::Pool::Create({.name = "identity",
                        .conninfo = config.pg + " user=cellchain_identity",
                        .size = 1});
  if (!pool.ok()) return Fail("bootstrap_failed", pool.status());
  absl::StatusOr<std::unique_ptr<ledger::Ledger>> ledger =
      ledger::Ledger::FromPemFile("identity",
                                  config.signing_key_dir + "/identity.key",
                                  ledger::RealClock());
  if (!ledger.ok()) return Fail("bootstrap_failed", ledger.status());
  {
    absl::StatusOr<pg::Pool::Lease> lease = (*pool)->Acquire();
    if (!lease.ok()) return Fail("bootstrap_failed", lease.status());
    absl::Status registered = (*ledger)->CheckRegistered(**lease);
    if (!registered.ok()) return Fail("bootstrap_failed", registered);
  }
  identity::IdentityOptions options;
  options.password.min_length = static_cast<int>(config.password_min_length);
  options.scrypt = PasswordHashParams(config.password_hash_cost);
  identity::Identity identity(pool->get(), ledger->get(), options);
  char host[256] = {};
  gethostname(host, sizeof(host) - 1);
  const passwd* pw = getpwuid(getuid());
  std::string console =
      std::string("console:") + host +
      " user=" + (pw != nullptr ? pw->pw_name : std::to_string(getuid()));
  absl::StatusOr<identity::v1::User> user = identity.BootstrapAdmin(
      config.user_id, config.printed_name, password, console);
  password.assign(password.size(), '\0');
  if (!user.ok()) {
    Fail("bootstrap_failed", user.status());
    if (ReasonOf(user.status()) == identity::kReasonAdminExists) return 3;
    return 1;
  }
  log::Info("admin_created", {{"user", user->user_id()},
                              {"printed_name", user->printed_name()}});
  return 0;
}

int Serve(const ServeConfig& config) {
  SetLogLevel(config.log_level);
  absl::StatusOr<std::vector<std::string>> services =
      ResolveServices(config.services);
  if (!services.ok()) return Fail("startup_failed", services.status());
  // Before any module: every mutating RPC hashes its request under it.
  absl::StatusOr<std::string> request_hash_key =
      idempotency::ReadRequestHashKeyFile(config.request_hash_key_file);
  if (!request_hash_key.ok()) {
    return Fail("startup_failed", request_hash_key.status());
  }
  idempotency::SetRequestHashKey(*std::move(request_hash_key));
  // A training stack's one clock, read back at its persisted offset so that
  // a restart never moves time backwards (decision 0017).
  std::unique_ptr<system::TrainingClock> training_clock;
  if (config.training_clock) {
    const std::string clock_conninfo = config.pg + " user=cellchain_system";
    absl::StatusOr<pg::Connection> connection =
        pg::Connection::Open(clock_conninfo);
    if (!connection.ok()) return Fail("startup_failed", connection.status());
    absl::StatusOr<std::unique_ptr<system::TrainingClock>> loaded =
        system::TrainingClock::Load(*connection);
    if (!loaded.ok()) return Fail("startup_failed", loaded.status());
    training_clock = *std::move(loaded);
    // Another process on this database (a replica) may advance it: each
    // second this one reads the offset again, so they agree within one.
    training_clock->Follow(clock_conninfo, absl::Seconds(1));
    log::Warning("training_clock_on",
                 {{"message",
                   "TRAINING CLOCK: this is a training/demo stack, not for "
                   "production; its time is real time plus an offset "
                   "administrators advance (cellchain system clock-advance)"},
                  {"offset", absl::FormatDuration(training_clock->offset())}});
  }
  HostOptions host{.clock = training_clock.get(),
                   .training_clock = training_clock.get(),
                   .identity = IdentityOptionsOf(config),
                   .pg_conninfo = config.pg,
                   .pool_size = static_cast<int>(config.pg_pool_size),
                   .pool_wait = config.pg_pool_wait,
                   .version = kVersion,
                   .signing_key_dir = config.signing_key_dir,
                   .checkpoint_origin = config.checkpoint_origin,
                   .keyring_file = config.keyring,
                   .run_sequencer = config.sequencer,
                   .field_key_file = config.field_key_file,
                   .donor = {},
                   .manufacturing = {},
                   .qc = {},
                   .dose = {},
                   .clinical = {},
                   .labels = {}};
  host.donor.fin = config.facility_fin;
  host.donor.max_collection_to_processing =
      absl::FromChrono(config.donor_max_collection_to_processing);
  host.donor.transport_min_celsius =
      static_cast<double>(config.donor_transport_min_celsius);
  host.donor.transport_max_celsius =
      static_cast<double>(config.donor_transport_max_celsius);
  // One limit from collection: to the cord's receipt (donor) and to the
  // start of processing (manufacturing).
  host.manufacturing.max_collection_to_processing =
      host.donor.max_collection_to_processing;
  host.manufacturing.late_entry_after =
      absl::FromChrono(config.manufacturing_late_entry_after);
  host.qc.default_spec = config.qc_spec;
  host.dose.rules = config.dose_rules;
  host.clinical.rules = config.clinical_rules;
  // A label's collection date and time (007) is written in the facility's
  // zone, the one dose writes its expiry in.
  host.labels.content.time_zone = config.dose_rules.time_zone;
  Shared shared;
  absl::StatusOr<std::vector<std::unique_ptr<Module>>> modules =
      BuildModules(host, *services, &shared);
  if (!modules.ok()) return Fail("startup_failed", modules.status());

  // Every RPC of every service this binary links is governed by the policy
  // its proto declares; one without is refused (and named here).
  absl::StatusOr<auth::PolicyTable> policies = auth::PolicyTable::ForServices(
      auth::PolicyTable::LinkedCellchainServices());
  if (!policies.ok()) return Fail("startup_failed", policies.status());
  for (const std::string& method : policies->unprotected()) {
    log::Error("rpc_without_access_policy", {{"method", method}});
  }
  auto gate =
      std::make_shared<auth::AccessGate>(*std::move(policies), shared.sessions);

  grpcx::ServerOptions options{
      .listen_address = config.listen,
      .tls = {config.tls_cert, config.tls_key, config.tls_ca},
      .max_threads = static_cast<int>(config.threads),
      .services = {},
      .auth_processor = gate,
      .caller_interceptor = [] {
        return std::make_unique<auth::CallPrincipalInterceptorFactory>();
      }};
  for (const std::unique_ptr<Module>& module : *modules) {
    for (const grpcx::HostedService& service : module->grpc_services()) {
      options.services.push_back(service);
    }
  }
  absl::StatusOr<std::unique_ptr<grpcx::Server>> server =
      grpcx::Server::Start(std::move(options));
  if (!server.ok()) return Fail("startup_failed", server.status());

  std::string signal = grpcx::WaitForShutdownSignal();
  log::Info("shutdown_requested",
            {{"signal", signal},
             {"grace_ms", std::to_string(config.shutdown_grace.count())}});
  (*server)->Shutdown(config.shutdown_grace);
  (*server)->Wait();
  log::Info("shutdown_complete");
  return 0;
}

int Main(int argc, char** argv) {
  // Before any thread exists, so that every thread inherits the mask and
  // only WaitForShutdownSignal receives SIGTERM/SIGINT.
  grpcx::BlockShutdownSignals();
  absl::StatusOr<Command> command = ParseCommandLine(argc, argv);
  if (!command.ok()) {
    std::cerr << "cellchaind: " << command.status().message() << "\n";
    return 2;
  }
  switch (command->kind) {
    case Command::Kind::kHelp:
      std::cout << command->help_text;
      return 0;
    case Command::Kind::kMigrate:
      return Migrate(command->migrate);
    case Command::Kind::kServe:
      return Serve(command->serve);
    case Command::Kind::kBootstrapAdmin:
      return BootstrapAdmin(command->bootstrap);
  }
  return 2;
}

}  // namespace
}  // namespace cellchain::cellchaind

int main(int argc, char** argv) {
  return cellchain::cellchaind::Main(argc, argv);
}
