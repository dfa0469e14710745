// cellchaind: hosts any set of cellchain services in one process.
// Parses its configuration, wires the services, runs until SIGTERM/SIGINT.
#include <iostream>
#include <thread>

#include "services/cellchaind/cellchaind_config.h"
#include "services/cellchaind/hosted_services.h"
#include "services/common/grpc/server.h"
#include "services/common/log/log.h"
#include "services/common/migrations/migrations.h"
#include "services/common/pg/connection.h"

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
  log::Info("migrate_done", {{"applied", std::to_string(applied->size())}});
  return 0;
}

int Serve(const ServeConfig& config) {
  SetLogLevel(config.log_level);
  absl::StatusOr<std::vector<std::string>> services =
      ResolveServices(config.services);
  if (!services.ok()) return Fail("startup_failed", services.status());
  HostOptions host{.pg_conninfo = config.pg,
                   .pool_size = static_cast<int>(config.pg_pool_size),
                   .pool_wait = config.pg_pool_wait,
                   .version = kVersion,
                   .signing_key_dir = config.signing_key_dir,
                   .checkpoint_origin = config.checkpoint_origin,
                   .run_sequencer = config.sequencer};
  Shared shared;
  absl::StatusOr<std::vector<std::unique_ptr<Module>>> modules =
      BuildModules(host, *services, &shared);
  if (!modules.ok()) return Fail("startup_failed", modules.status());

  grpcx::ServerOptions options{
      .listen_address = config.listen,
      .tls = {config.tls_cert, config.tls_key, config.tls_ca},
      .max_threads = static_cast<int>(config.threads),
      .services = {}};
  for (const std::unique_ptr<Module>& module : *modules) {
    for (grpc::Service* service : module->grpc_services()) {
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
  }
  return 2;
}

}  // namespace
}  // namespace cellchain::cellchaind

int main(int argc, char** argv) {
  return cellchain::cellchaind::Main(argc, argv);
}
