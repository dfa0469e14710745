#include "services/cellchaind/hosted_services.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "cellchain_audit_migrations.h"
#include "cellchain_meta_migrations.h"
#include "cellchain_system_migrations.h"
#include "services/common/status/status.h"
#include "services/system/pg_database_probe.h"
#include "services/system/system_service.h"

namespace cellchain::cellchaind {
namespace {

class SystemModule final : public Module {
 public:
  SystemModule(std::unique_ptr<pg::Pool> pool, std::string version,
               std::vector<std::string> services)
      : pool_(std::move(pool)),
        probe_(pool_.get()),
        service_(std::move(version), std::move(services), &probe_) {}

  std::vector<grpc::Service*> grpc_services() override { return {&service_}; }

 private:
  std::unique_ptr<pg::Pool> pool_;
  system::PgDatabaseProbe probe_;
  system::SystemService service_;
};

absl::StatusOr<std::unique_ptr<pg::Pool>> PoolFor(const HostOptions& options,
                                                  const std::string& service) {
  // A later keyword wins in a libpq conninfo, so the role cannot be
  // overridden by what the operator passed in --pg.
  return pg::Pool::Create(
      {.name = service,
       .conninfo = absl::StrCat(options.pg_conninfo, " user=cellchain_",
                                service),
       .size = options.pool_size,
       .acquire_timeout = absl::FromChrono(options.pool_wait)});
}

}  // namespace

const std::vector<std::string>& KnownServices() {
  static const std::vector<std::string> kServices = {"system"};
  return kServices;
}

absl::StatusOr<std::vector<std::string>> ResolveServices(
    const std::vector<std::string>& requested) {
  if (requested.empty()) {
    return InvalidField("services", "no service selected");
  }
  std::vector<std::string> resolved;
  for (const std::string& name : requested) {
    if (name == "all") return KnownServices();
    bool known = false;
    for (const std::string& service : KnownServices()) known |= name == service;
    if (!known) {
      return InvalidField(
          "services", absl::StrCat("unknown service \"", name, "\" (known: ",
                                   absl::StrJoin(KnownServices(), ", "), ")"));
    }
    resolved.push_back(name);
  }
  return resolved;
}

std::vector<const migrations::MigrationSet*> AllMigrations() {
  return {&migrations::MetaMigrations(), &migrations::AuditMigrations(),
          &migrations::SystemMigrations()};
}

absl::StatusOr<std::vector<std::unique_ptr<Module>>> BuildModules(
    const HostOptions& options, const std::vector<std::string>& services) {
  std::vector<std::unique_ptr<Module>> modules;
  for (const std::string& service : services) {
    CC_ASSIGN_OR_RETURN(std::unique_ptr<pg::Pool> pool,
                        PoolFor(options, service));
    if (service == "system") {
      modules.push_back(std::make_unique<SystemModule>(
          std::move(pool), options.version, services));
    }
  }
  return modules;
}

}  // namespace cellchain::cellchaind
