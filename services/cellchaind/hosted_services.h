// The services one cellchaind process can host, and how each is wired: its
// PostgreSQL role and pool, its gRPC service objects. `--services=all` or a
// list selects them; main.cc only asks this registry.
// Thread-safety: build once at startup; the result is then read-only.
#ifndef CELLCHAIN_SERVICES_CELLCHAIND_HOSTED_SERVICES_H_
#define CELLCHAIN_SERVICES_CELLCHAIND_HOSTED_SERVICES_H_

#include <grpcpp/impl/service_type.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/clinical/clinical.h"
#include "services/clinical/ports.h"
#include "services/common/auth/access_gate.h"
#include "services/common/auth/signatures.h"
#include "services/common/grpc/checked_service.h"
#include "services/common/migrations/migrations.h"
#include "services/common/pg/pool.h"
#include "services/donor/donor.h"
#include "services/dose/dose.h"
#include "services/dose/ports.h"
#include "services/identity/identity.h"
#include "services/labels/labels.h"
#include "services/labels/ports.h"
#include "services/ledger/state_registry.h"
#include "services/manufacturing/manufacturing.h"
#include "services/qc/qc.h"
#include "services/system/training_clock.h"

namespace cellchain::cellchaind {

// Names of every service this build can host, in start order.
const std::vector<std::string>& KnownServices();

// Expands "all" and checks every name; INVALID_ARGUMENT naming an unknown
// service. "identity" is always hosted (first): the access gate of every
// process authenticates through it.
absl::StatusOr<std::vector<std::string>> ResolveServices(
    const std::vector<std::string>& requested);

// Every migration set of the build, in the order they must be applied.
std::vector<const migrations::MigrationSet*> AllMigrations();

struct HostOptions {
  // The time of every hosted service and ledger (and of each service's
  // options' clock, which BuildModules sets to it); null: ledger::RealClock().
  // Not owned.
  ledger::Clock* clock = nullptr;
  // Set on a training stack (--training-clock): the clock everything uses,
  // which the system service's AdvanceClock moves; null in production. Not
  // owned; must outlive the modules.
  system::TrainingClock* training_clock = nullptr;
  identity::IdentityOptions identity;
  std::string pg_conninfo;  // without user: each service connects as its role
  int pool_size = 8;
  std::chrono::milliseconds pool_wait{2000};
  std::string version;
  // <service>.key / .pub Ed25519 keys (the dev PKI's DIR/signing); the
  // audit module reads sequencer.pub (and sequencer.key when it runs a
  // sequencer), with a checkpoint key rotation's sequencer.next.* and
  // sequencer.retired-*.pub (services/audit/checkpoint_keys.h).
  std::string signing_key_dir;
  std::string checkpoint_origin = "cellchain.local/audit";
  // The keyring file of the record-signing keys QA trusts (required to
  // host audit): the sequencer integrates only what they sign.
  std::string keyring_file;
  bool run_sequencer = true;
  // donor: the key ring file for identifying data (required to host donor)
  std::string field_key_file;
  donor::DonorOptions donor;
  // manufacturing: its processes and limits (hosting it hosts donor too)
  manufacturing::ManufacturingOptions manufacturing;
  // qc: its default specification (hosting it hosts manufacturing too)
  qc::QcOptions qc;
  // dose: its rules (hosting it hosts qc too); the chain of identity
  // identifiers are issued under donor.fin (--facility-fin), and the
  // patients' identifying data sealed with field_key_file.
  dose::DoseOptions dose;
  // clinical: its rules (hosting it hosts dose, and so qc, manufacturing,
  // donor and custody, too).
  clinical::ClinicalOptions clinical;
  // labels: what a label says besides the item's data (hosting it hosts
  // dose, and so qc, manufacturing, donor and custody, too).
  labels::LabelsOptions labels;
};

// One hosted bounded context: owns its pool, stores and gRPC services.
class Module {
 public:
  virtual ~Module() = default;
  virtual std::vector<grpcx::HostedService> grpc_services() = 0;
};

// What the modules of one process share: the registry of entity state
// readers (each service registers its entity types; audit reads them), and
// the identity module's session and signature authorities (the access gate
// and every service's e-signatures use them).
struct Shared {
  ledger::StateRegistry states;
  auth::SessionAuthority* sessions = nullptr;
  auth::SignatureAuthority* signatures = nullptr;
  // Set by the custody module for services that call custody in-process:
  // donor, manufacturing and qc, and dose's, clinical's and labels's
  // ItemPort, which are custody's CustodyPort.
  custody::CustodyPort* custody = nullptr;
  // Set by the donor module for services that read donor lots in-process.
  manufacturing::DonorLotPort* donor_lots = nullptr;
  // Set by the manufacturing module for services that read batches
  // in-process.
  qc::BatchPort* batches = nullptr;
  // Set by the manufacturing module for the dose service's MaterialPort.
  dose::MaterialPort* dose_materials = nullptr;
  // Set by the qc module for the dose and clinical services, which read
  // lots' dispositions through it (clinical's LotPort is dose's).
  dose::LotPort* lots = nullptr;
  // Set by the dose module for the clinical and labels services, which
  // reach it in-process through their own ports.
  clinical::DosePort* clinical_doses = nullptr;
  labels::DosePort* labels_doses = nullptr;
  // Set by the donor and manufacturing modules for the labels service's
  // ProcessPort (services/labels/direct_process.h), which asks both: the
  // cord's collection by DIN, a vial's cells and volume.
  donor::Donors* donors = nullptr;
  manufacturing::Manufacturing* manufacturing = nullptr;
};

// Builds the modules for `services` (resolved names), each with its own pool
// connecting as role cellchain_<service>. UNAVAILABLE when the database
// cannot be reached; NOT_FOUND / INVALID_ARGUMENT naming a key file that
// cannot be used. `shared` must outlive the modules.
absl::StatusOr<std::vector<std::unique_ptr<Module>>> BuildModules(
    const HostOptions& options, const std::vector<std::string>& services,
    Shared* shared);

}  // namespace cellchain::cellchaind

#endif  // CELLCHAIN_SERVICES_CELLCHAIND_HOSTED_SERVICES_H_
