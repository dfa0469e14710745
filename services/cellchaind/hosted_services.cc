#include "services/cellchaind/hosted_services.h"

#include <algorithm>
#include <initializer_list>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "cellchain_audit_migrations.h"
#include "cellchain_clinical_migrations.h"
#include "cellchain_custody_migrations.h"
#include "cellchain_donor_migrations.h"
#include "cellchain_dose_migrations.h"
#include "cellchain_identity_migrations.h"
#include "cellchain_labels_migrations.h"
#include "cellchain_manufacturing_migrations.h"
#include "cellchain_meta_migrations.h"
#include "cellchain_qc_migrations.h"
#include "cellchain_system_migrations.h"
#include "services/audit/audit_service.h"
#include "services/audit/checkpoint_keys.h"
#include "services/clinical/clinical_service.h"
#include "services/clinical/direct_doses.h"
#include "services/common/crypto/crypto.h"
#include "services/common/status/status.h"
#include "services/custody/custody_port.h"
#include "services/custody/custody_service.h"
#include "services/donor/donor_service.h"
#include "services/dose/direct_lots.h"
#include "services/dose/direct_ports.h"
#include "services/dose/dose_service.h"
#include "services/identity/auth_service.h"
#include "services/isbt128/din.h"
#include "services/labels/direct_doses.h"
#include "services/labels/direct_process.h"
#include "services/labels/labels_service.h"
#include "services/ledger/note.h"
#include "services/ledger/sequencer.h"
#include "services/manufacturing/direct_donor_lots.h"
#include "services/manufacturing/manufacturing_service.h"
#include "services/qc/direct_batches.h"
#include "services/qc/qc_service.h"
#include "services/system/clock_admin.h"
#include "services/system/pg_database_probe.h"
#include "services/system/system_service.h"

namespace cellchain::cellchaind {
namespace {

// The ledger a service signs its records with: `<service>.key` in
// --signing-key-dir, its public key registered in the database's keyring.
absl::StatusOr<std::unique_ptr<ledger::Ledger>> ServiceLedger(
    const HostOptions& options, const std::string& service, pg::Pool& pool,
    std::string_view why_required = "") {
  if (options.signing_key_dir.empty()) {
    if (!why_required.empty()) {
      return InvalidField("signing-key-dir", why_required);
    }
    return InvalidField(
        "signing-key-dir",
        absl::StrCat("required: ", service, " signs its records with ", service,
                     ".key"));
  }
  CC_ASSIGN_OR_RETURN(
      std::unique_ptr<ledger::Ledger> ledger,
      ledger::Ledger::FromPemFile(
          service, absl::StrCat(options.signing_key_dir, "/", service, ".key"),
          options.clock));
  CC_ASSIGN_OR_RETURN(pg::Pool::Lease lease, pool.Acquire());
  CC_RETURN_IF_ERROR(ledger->CheckRegistered(*lease));
  return ledger;
}

// What a module calls in-process, each with whether it is hosted already:
// ResolveServices hosts them with it, so a caller of BuildModules that did
// not is told which are missing.
struct Needed {
  const char* what;
  bool hosted;
};

absl::Status RequireHosted(const std::string& service,
                           std::initializer_list<Needed> needed) {
  std::vector<std::string> all;
  std::vector<std::string> missing;
  for (const Needed& n : needed) {
    all.push_back(n.what);
    if (!n.hosted) missing.push_back(n.what);
  }
  if (missing.empty()) return absl::OkStatus();
  return absl::InternalError(absl::StrCat(
      service, " needs ", absl::StrJoin(all, ", "),
      " hosted before it; missing: ", absl::StrJoin(missing, ", ")));
}

// Donor lots' and doses' DINs carry the facility's FIN.
absl::Status CheckFin(const HostOptions& options) {
  if (isbt128::IsValidFin(options.donor.fin)) return absl::OkStatus();
  return InvalidField("facility-fin",
                      "a Facility Identification Number is 5 characters "
                      "(e.g. A9999)");
}

class SystemModule final : public Module {
 public:
  static absl::StatusOr<std::unique_ptr<SystemModule>> Create(
      const HostOptions& options, std::unique_ptr<pg::Pool> pool,
      const std::vector<std::string>& services, Shared* shared) {
    // Only a training stack moves its clock, and only then does the system
    // service sign records: production needs no system.key.
    std::unique_ptr<ledger::Ledger> ledger;
    if (options.training_clock != nullptr) {
      CC_ASSIGN_OR_RETURN(
          ledger, ServiceLedger(options, "system", *pool,
                                "required with --training-clock: the system "
                                "service signs each advance with system.key"));
    }
    CC_RETURN_IF_ERROR(
        system::ClockAdmin::RegisterStateReaders(shared->states));
    return std::unique_ptr<SystemModule>(new SystemModule(
        std::move(pool), std::move(ledger), options, services));
  }

  std::vector<grpcx::HostedService> grpc_services() override {
    return {grpcx::Hosted<system::v1::SystemService>(&service_)};
  }

 private:
  SystemModule(std::unique_ptr<pg::Pool> pool,
               std::unique_ptr<ledger::Ledger> ledger,
               const HostOptions& options, std::vector<std::string> services)
      : pool_(std::move(pool)),
        ledger_(std::move(ledger)),
        probe_(pool_.get()),
        clock_(options.training_clock == nullptr
                   ? system::ClockAdmin()
                   : system::ClockAdmin(pool_.get(), ledger_.get(),
                                        options.training_clock)),
        service_(options.version, std::move(services), &probe_, &clock_) {}

  std::unique_ptr<pg::Pool> pool_;
  std::unique_ptr<ledger::Ledger> ledger_;  // null on real time
  system::PgDatabaseProbe probe_;
  system::ClockAdmin clock_;
  system::SystemService service_;
};

class AuditModule final : public Module {
 public:
  static absl::StatusOr<std::unique_ptr<AuditModule>> Create(
      const HostOptions& options, std::unique_ptr<pg::Pool> pool,
      Shared* shared) {
    std::string keys = options.signing_key_dir;
    if (keys.empty()) {
      return InvalidField("signing-key-dir",
                          "required to host audit (sequencer.key/.pub)");
    }
    // The current checkpoint key, and a rotation's next and retired ones.
    CC_ASSIGN_OR_RETURN(
        audit::CheckpointKeys checkpoint_keys,
        audit::ReadCheckpointKeys(keys, options.checkpoint_origin));
    if (options.keyring_file.empty()) {
      return InvalidField("keyring",
                          "required to host audit: the record-signing keys "
                          "QA trusts (the dev PKI's signing/keyring)");
    }
    CC_ASSIGN_OR_RETURN(ledger::Keyring keyring,
                        ledger::Keyring::FromFile(options.keyring_file));
    std::unique_ptr<ledger::Sequencer> sequencer;
    if (options.run_sequencer) {
      CC_ASSIGN_OR_RETURN(std::vector<crypto::Ed25519PrivateKey> signing_keys,
                          audit::ReadCheckpointSigningKeys(keys));
      ledger::SequencerOptions sequencer_options;
      sequencer_options.conninfo =
          absl::StrCat(options.pg_conninfo, " user=cellchain_audit");
      sequencer_options.origin = options.checkpoint_origin;
      sequencer_options.keyring = keyring;
      // The retired keys (and the next one, which it also signs with).
      sequencer_options.trusted_checkpoint_keys = checkpoint_keys.others;
      CC_ASSIGN_OR_RETURN(
          sequencer, ledger::Sequencer::Create(std::move(sequencer_options),
                                               std::move(signing_keys)));
    }
    return std::unique_ptr<AuditModule>(new AuditModule(
        std::move(pool), std::move(sequencer), shared,
        audit::AuditServiceOptions{.origin = options.checkpoint_origin,
                                   .verifier = checkpoint_keys.current,
                                   .other_verifiers = checkpoint_keys.others,
                                   .keyring = std::move(keyring)}));
  }

  ~AuditModule() override {
    if (sequencer_ != nullptr) sequencer_->Stop();
  }

  std::vector<grpcx::HostedService> grpc_services() override {
    return {grpcx::Hosted<audit::v1::AuditService>(&service_)};
  }

 private:
  AuditModule(std::unique_ptr<pg::Pool> pool,
              std::unique_ptr<ledger::Sequencer> sequencer, Shared* shared,
              audit::AuditServiceOptions options)
      : pool_(std::move(pool)),
        sequencer_(std::move(sequencer)),
        service_(pool_.get(), &shared->states, std::move(options)) {
    if (sequencer_ != nullptr) sequencer_->Start();
  }

  std::unique_ptr<pg::Pool> pool_;
  std::unique_ptr<ledger::Sequencer> sequencer_;
  audit::AuditService service_;
};

class IdentityModule final : public Module {
 public:
  static absl::StatusOr<std::unique_ptr<IdentityModule>> Create(
      const HostOptions& options, std::unique_ptr<pg::Pool> pool,
      Shared* shared) {
    CC_ASSIGN_OR_RETURN(std::unique_ptr<ledger::Ledger> ledger,
                        ServiceLedger(options, "identity", *pool));
    CC_RETURN_IF_ERROR(
        identity::Identity::RegisterStateReaders(shared->states));
    auto module = std::unique_ptr<IdentityModule>(
        new IdentityModule(std::move(pool), std::move(ledger), options));
    shared->sessions = &module->identity_;
    shared->signatures = &module->identity_;
    return module;
  }

  std::vector<grpcx::HostedService> grpc_services() override {
    return {grpcx::Hosted<identity::v1::AuthService>(&service_)};
  }

 private:
  IdentityModule(std::unique_ptr<pg::Pool> pool,
                 std::unique_ptr<ledger::Ledger> ledger,
                 const HostOptions& options)
      : pool_(std::move(pool)),
        ledger_(std::move(ledger)),
        identity_(pool_.get(), ledger_.get(), options.identity),
        service_(&identity_) {}

  std::unique_ptr<pg::Pool> pool_;
  std::unique_ptr<ledger::Ledger> ledger_;
  identity::Identity identity_;
  identity::AuthService service_;
};

class CustodyModule final : public Module {
 public:
  static absl::StatusOr<std::unique_ptr<CustodyModule>> Create(
      const HostOptions& options, std::unique_ptr<pg::Pool> pool,
      Shared* shared) {
    CC_RETURN_IF_ERROR(RequireHosted(
        "custody", {{"identity", shared->signatures != nullptr}}));
    CC_ASSIGN_OR_RETURN(std::unique_ptr<ledger::Ledger> ledger,
                        ServiceLedger(options, "custody", *pool));
    CC_RETURN_IF_ERROR(custody::Custody::RegisterStateReaders(shared->states));
    auto module = std::unique_ptr<CustodyModule>(new CustodyModule(
        std::move(pool), std::move(ledger), shared, options.clock));
    shared->custody = &module->port_;
    return module;
  }

  std::vector<grpcx::HostedService> grpc_services() override {
    return {grpcx::Hosted<custody::v1::CustodyService>(&service_)};
  }

 private:
  CustodyModule(std::unique_ptr<pg::Pool> pool,
                std::unique_ptr<ledger::Ledger> ledger, Shared* shared,
                ledger::Clock* clock)
      : pool_(std::move(pool)),
        ledger_(std::move(ledger)),
        custody_(pool_.get(), ledger_.get(), shared->signatures, clock),
        service_(&custody_) {}

  std::unique_ptr<pg::Pool> pool_;
  std::unique_ptr<ledger::Ledger> ledger_;
  custody::Custody custody_;
  custody::CustodyService service_;
  // What every co-hosted service calls custody through (dose's, clinical's
  // and labels's ItemPort are custody's CustodyPort).
  custody::DirectCustody port_{&custody_};
};

class DonorModule final : public Module {
 public:
  static absl::StatusOr<std::unique_ptr<DonorModule>> Create(
      const HostOptions& options, std::unique_ptr<pg::Pool> pool,
      Shared* shared) {
    if (options.field_key_file.empty()) {
      return InvalidField("field-key-file",
                          "required to host donor: it seals identifying "
                          "data");
    }
    CC_RETURN_IF_ERROR(CheckFin(options));
    if (options.donor.transport_min_celsius >
        options.donor.transport_max_celsius) {
      return InvalidField("donor-transport-min-celsius",
                          "above donor-transport-max-celsius");
    }
    CC_RETURN_IF_ERROR(
        RequireHosted("donor", {{"identity", shared->signatures != nullptr},
                                {"custody", shared->custody != nullptr}}));
    CC_ASSIGN_OR_RETURN(
        crypto::FieldCipher cipher,
        crypto::FieldCipher::FromKeyFile(options.field_key_file));
    CC_ASSIGN_OR_RETURN(std::unique_ptr<ledger::Ledger> ledger,
                        ServiceLedger(options, "donor", *pool));
    CC_RETURN_IF_ERROR(donor::Donors::RegisterStateReaders(shared->states));
    auto module = std::unique_ptr<DonorModule>(
        new DonorModule(std::move(pool), std::move(ledger), std::move(cipher),
                        shared, options.donor, options.clock));
    shared->donor_lots = &module->lots_;
    shared->donors = &module->donors_;
    return module;
  }

  std::vector<grpcx::HostedService> grpc_services() override {
    return {grpcx::Hosted<donor::v1::DonorService>(&service_)};
  }

 private:
  DonorModule(std::unique_ptr<pg::Pool> pool,
              std::unique_ptr<ledger::Ledger> ledger,
              crypto::FieldCipher cipher, Shared* shared,
              donor::DonorOptions options, ledger::Clock* clock)
      : pool_(std::move(pool)),
        ledger_(std::move(ledger)),
        cipher_(std::move(cipher)),
        donors_(pool_.get(), ledger_.get(), &cipher_, shared->signatures,
                shared->custody, std::move(options), clock),
        service_(&donors_) {}

  std::unique_ptr<pg::Pool> pool_;
  std::unique_ptr<ledger::Ledger> ledger_;
  crypto::FieldCipher cipher_;
  donor::Donors donors_;
  donor::DonorService service_;
  // What co-hosted services read donor lots through.
  manufacturing::DirectDonorLots lots_{&donors_};
};

class ManufacturingModule final : public Module {
 public:
  static absl::StatusOr<std::unique_ptr<ManufacturingModule>> Create(
      const HostOptions& options, std::unique_ptr<pg::Pool> pool,
      Shared* shared) {
    CC_RETURN_IF_ERROR(RequireHosted(
        "manufacturing", {{"identity", shared->signatures != nullptr},
                          {"custody", shared->custody != nullptr},
                          {"donor", shared->donor_lots != nullptr}}));
    CC_ASSIGN_OR_RETURN(std::unique_ptr<ledger::Ledger> ledger,
                        ServiceLedger(options, "manufacturing", *pool));
    CC_RETURN_IF_ERROR(
        manufacturing::Manufacturing::RegisterStateReaders(shared->states));
    auto module = std::unique_ptr<ManufacturingModule>(new ManufacturingModule(
        std::move(pool), std::move(ledger), shared, options.manufacturing));
    shared->batches = &module->batches_;
    shared->dose_materials = &module->materials_;
    shared->manufacturing = &module->manufacturing_;
    return module;
  }

  std::vector<grpcx::HostedService> grpc_services() override {
    return {grpcx::Hosted<manufacturing::v1::ManufacturingService>(&service_)};
  }

 private:
  ManufacturingModule(std::unique_ptr<pg::Pool> pool,
                      std::unique_ptr<ledger::Ledger> ledger, Shared* shared,
                      manufacturing::ManufacturingOptions options)
      : pool_(std::move(pool)),
        ledger_(std::move(ledger)),
        manufacturing_(pool_.get(), ledger_.get(), shared->signatures,
                       shared->custody, shared->donor_lots, std::move(options)),
        service_(&manufacturing_) {}

  std::unique_ptr<pg::Pool> pool_;
  std::unique_ptr<ledger::Ledger> ledger_;
  manufacturing::Manufacturing manufacturing_;
  manufacturing::ManufacturingService service_;
  // What co-hosted services read batches through.
  qc::DirectBatches batches_{&manufacturing_};
  // What the dose service reads material lots through.
  dose::DirectMaterials materials_{&manufacturing_};
};

class QcModule final : public Module {
 public:
  static absl::StatusOr<std::unique_ptr<QcModule>> Create(
      const HostOptions& options, std::unique_ptr<pg::Pool> pool,
      Shared* shared) {
    CC_RETURN_IF_ERROR(
        RequireHosted("qc", {{"identity", shared->signatures != nullptr},
                             {"custody", shared->custody != nullptr},
                             {"manufacturing", shared->batches != nullptr}}));
    CC_ASSIGN_OR_RETURN(std::unique_ptr<ledger::Ledger> ledger,
                        ServiceLedger(options, "qc", *pool));
    // cellchaind's flags are checked as they are parsed; this holds any
    // other HostOptions to the rules before QA can be offered a default
    // specification they would refuse (INVALID_ARGUMENT naming the test).
    for (qc::v1::SpecTest test : qc::DefaultTests(options.qc.default_spec)) {
      std::string field =
          absl::StrCat("qc default specification ", test.code());
      CC_RETURN_IF_ERROR(qc::NormalizeTest(test, field));
    }
    CC_RETURN_IF_ERROR(qc::Qc::RegisterStateReaders(shared->states));
    auto module = std::unique_ptr<QcModule>(
        new QcModule(std::move(pool), std::move(ledger), shared, options.qc));
    shared->lots = &module->lots_;
    return module;
  }

  std::vector<grpcx::HostedService> grpc_services() override {
    return {grpcx::Hosted<qc::v1::QcService>(&service_)};
  }

 private:
  QcModule(std::unique_ptr<pg::Pool> pool,
           std::unique_ptr<ledger::Ledger> ledger, Shared* shared,
           qc::QcOptions options)
      : pool_(std::move(pool)),
        ledger_(std::move(ledger)),
        qc_(pool_.get(), ledger_.get(), shared->signatures, shared->custody,
            shared->batches, std::move(options)),
        service_(&qc_) {}

  std::unique_ptr<pg::Pool> pool_;
  std::unique_ptr<ledger::Ledger> ledger_;
  qc::Qc qc_;
  qc::QcService service_;
  // What the dose and clinical services read lots' dispositions through.
  dose::DirectLots lots_{&qc_};
};

class DoseModule final : public Module {
 public:
  static absl::StatusOr<std::unique_ptr<DoseModule>> Create(
      const HostOptions& options, std::unique_ptr<pg::Pool> pool,
      Shared* shared) {
    if (options.field_key_file.empty()) {
      return InvalidField("field-key-file",
                          "required to host dose: it seals patients' "
                          "identifying data");
    }
    CC_RETURN_IF_ERROR(CheckFin(options));
    CC_RETURN_IF_ERROR(RequireHosted(
        "dose", {{"identity", shared->signatures != nullptr},
                 {"custody", shared->custody != nullptr},
                 {"manufacturing", shared->dose_materials != nullptr},
                 {"qc", shared->lots != nullptr}}));
    CC_ASSIGN_OR_RETURN(
        crypto::FieldCipher cipher,
        crypto::FieldCipher::FromKeyFile(options.field_key_file));
    CC_ASSIGN_OR_RETURN(std::unique_ptr<ledger::Ledger> ledger,
                        ServiceLedger(options, "dose", *pool));
    dose::DoseOptions dose_options = options.dose;
    dose_options.rules.fin = options.donor.fin;
    // The configured product code must be one ISBT 128 takes.
    CC_RETURN_IF_ERROR(
        dose::DoseProductCode("A0", dose_options.rules).status());
    CC_RETURN_IF_ERROR(dose::Dose::RegisterStateReaders(shared->states));
    auto module = std::unique_ptr<DoseModule>(
        new DoseModule(std::move(pool), std::move(ledger), std::move(cipher),
                       shared, std::move(dose_options)));
    shared->clinical_doses = &module->doses_;
    shared->labels_doses = &module->labels_doses_;
    return module;
  }

  std::vector<grpcx::HostedService> grpc_services() override {
    return {grpcx::Hosted<dose::v1::DoseService>(&service_)};
  }

 private:
  DoseModule(std::unique_ptr<pg::Pool> pool,
             std::unique_ptr<ledger::Ledger> ledger, crypto::FieldCipher cipher,
             Shared* shared, dose::DoseOptions options)
      : pool_(std::move(pool)),
        ledger_(std::move(ledger)),
        cipher_(std::move(cipher)),
        dose_(pool_.get(), ledger_.get(), &cipher_, shared->signatures,
              shared->lots, shared->dose_materials, shared->custody,
              std::move(options)),
        service_(&dose_) {}

  std::unique_ptr<pg::Pool> pool_;
  std::unique_ptr<ledger::Ledger> ledger_;
  crypto::FieldCipher cipher_;
  dose::Dose dose_;
  dose::DoseService service_;
  // What the clinical service reads doses and patients through.
  clinical::DirectDoses doses_{&dose_};
  // What the labels service reads a bag's dose and its patient through.
  labels::DirectDoses labels_doses_{&dose_};
};

class ClinicalModule final : public Module {
 public:
  static absl::StatusOr<std::unique_ptr<ClinicalModule>> Create(
      const HostOptions& options, std::unique_ptr<pg::Pool> pool,
      Shared* shared) {
    CC_RETURN_IF_ERROR(RequireHosted(
        "clinical", {{"identity", shared->signatures != nullptr},
                     {"custody", shared->custody != nullptr},
                     {"qc", shared->lots != nullptr},
                     {"dose", shared->clinical_doses != nullptr}}));
    const clinical::RuleOptions& rules = options.clinical.rules;
    // cellchaind's flags are checked as they are parsed; this holds any
    // other HostOptions to a band the rate rule can judge.
    if (!(rules.min_rate_ml_per_min > 0 &&
          rules.min_rate_ml_per_min <= rules.target_rate_ml_per_min &&
          rules.target_rate_ml_per_min <= rules.max_rate_ml_per_min)) {
      return InvalidField(
          "clinical-rate-min-ml-per-min",
          absl::StrCat("the infusion rate band must be above 0 with the "
                       "target inside it (min ",
                       rules.min_rate_ml_per_min, ", target ",
                       rules.target_rate_ml_per_min, ", max ",
                       rules.max_rate_ml_per_min, ")"));
    }
    CC_ASSIGN_OR_RETURN(std::unique_ptr<ledger::Ledger> ledger,
                        ServiceLedger(options, "clinical", *pool));
    CC_RETURN_IF_ERROR(
        clinical::Clinical::RegisterStateReaders(shared->states));
    return std::unique_ptr<ClinicalModule>(new ClinicalModule(
        std::move(pool), std::move(ledger), shared, options.clinical));
  }

  std::vector<grpcx::HostedService> grpc_services() override {
    return {grpcx::Hosted<clinical::v1::ClinicalService>(&service_)};
  }

 private:
  ClinicalModule(std::unique_ptr<pg::Pool> pool,
                 std::unique_ptr<ledger::Ledger> ledger, Shared* shared,
                 clinical::ClinicalOptions options)
      : pool_(std::move(pool)),
        ledger_(std::move(ledger)),
        clinical_(pool_.get(), ledger_.get(), shared->signatures,
                  shared->clinical_doses, shared->lots, shared->custody,
                  std::move(options)),
        service_(&clinical_) {}

  std::unique_ptr<pg::Pool> pool_;
  std::unique_ptr<ledger::Ledger> ledger_;
  clinical::Clinical clinical_;
  clinical::ClinicalService service_;
};

class LabelsModule final : public Module {
 public:
  static absl::StatusOr<std::unique_ptr<LabelsModule>> Create(
      const HostOptions& options, std::unique_ptr<pg::Pool> pool,
      Shared* shared) {
    CC_RETURN_IF_ERROR(RequireHosted(
        "labels", {{"identity", shared->signatures != nullptr},
                   {"custody", shared->custody != nullptr},
                   {"donor", shared->donors != nullptr},
                   {"manufacturing", shared->manufacturing != nullptr},
                   {"dose", shared->labels_doses != nullptr}}));
    CC_ASSIGN_OR_RETURN(std::unique_ptr<ledger::Ledger> ledger,
                        ServiceLedger(options, "labels", *pool));
    CC_RETURN_IF_ERROR(labels::Labels::RegisterStateReaders(shared->states));
    return std::unique_ptr<LabelsModule>(new LabelsModule(
        std::move(pool), std::move(ledger), shared, options.labels));
  }

  std::vector<grpcx::HostedService> grpc_services() override {
    return {grpcx::Hosted<labels::v1::LabelService>(&service_)};
  }

 private:
  LabelsModule(std::unique_ptr<pg::Pool> pool,
               std::unique_ptr<ledger::Ledger> ledger, Shared* shared,
               labels::LabelsOptions options)
      : pool_(std::move(pool)),
        ledger_(std::move(ledger)),
        process_(shared->donors, shared->manufacturing),
        labels_(pool_.get(), ledger_.get(), shared->signatures, shared->custody,
                shared->labels_doses, &process_, std::move(options)),
        service_(&labels_) {}

  std::unique_ptr<pg::Pool> pool_;
  std::unique_ptr<ledger::Ledger> ledger_;
  // A cord's collection (donor) and a vial's content (manufacturing).
  labels::DirectProcess process_;
  labels::Labels labels_;
  labels::LabelService service_;
};

absl::StatusOr<std::unique_ptr<pg::Pool>> PoolFor(const HostOptions& options,
                                                  const std::string& service) {
  // A later keyword wins in a libpq conninfo, so the role cannot be
  // overridden by what the operator passed in --pg.
  return pg::Pool::Create(
      {.name = service,
       .conninfo =
           absl::StrCat(options.pg_conninfo, " user=cellchain_", service),
       .size = options.pool_size,
       .acquire_timeout = absl::FromChrono(options.pool_wait)});
}

}  // namespace

const std::vector<std::string>& KnownServices() {
  // In the order they are built: a service comes after those it calls.
  static const std::vector<std::string> kServices = {
      "identity", "system", "custody",  "donor",  "manufacturing",
      "qc",       "dose",   "clinical", "labels", "audit"};
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
  // identity always (sessions and signatures); custody with donor, which
  // calls it in-process; donor and custody with manufacturing, which reads
  // donor lots and calls custody in-process; manufacturing (and so donor
  // and custody) with qc, which reads batches and calls custody in-process;
  // qc (and so the rest) with dose, which reads lots, material lots and
  // custody in-process; dose (and so the rest) with clinical, which reads
  // doses, patients and lots and calls custody in-process, and with
  // labels, which reads items, doses, patients, donor lots and vials
  // in-process.
  resolved.push_back("identity");
  auto selected = [&resolved](const char* service) {
    return std::find(resolved.begin(), resolved.end(), service) !=
           resolved.end();
  };
  if (selected("clinical")) resolved.push_back("dose");
  if (selected("labels")) resolved.push_back("dose");
  if (selected("dose")) resolved.push_back("qc");
  if (selected("qc")) resolved.push_back("manufacturing");
  if (selected("manufacturing")) {
    resolved.push_back("donor");
    resolved.push_back("custody");
  }
  if (selected("donor")) resolved.push_back("custody");
  std::vector<std::string> ordered;
  for (const std::string& service : KnownServices()) {
    if (std::find(resolved.begin(), resolved.end(), service) !=
        resolved.end()) {
      ordered.push_back(service);
    }
  }
  return ordered;
}

std::vector<const migrations::MigrationSet*> AllMigrations() {
  return {
      &migrations::MetaMigrations(),          &migrations::AuditMigrations(),
      &migrations::IdentityMigrations(),      &migrations::SystemMigrations(),
      &migrations::CustodyMigrations(),       &migrations::DonorMigrations(),
      &migrations::ManufacturingMigrations(), &migrations::QcMigrations(),
      &migrations::DoseMigrations(),          &migrations::ClinicalMigrations(),
      &migrations::LabelsMigrations()};
}

absl::StatusOr<std::vector<std::unique_ptr<Module>>> BuildModules(
    const HostOptions& given, const std::vector<std::string>& services,
    Shared* shared) {
  // ONE clock for every service and ledger of the process, so that the
  // times of records and rows agree (decision 0017).
  HostOptions options = given;
  if (options.training_clock != nullptr) options.clock = options.training_clock;
  if (options.clock == nullptr) options.clock = ledger::RealClock();
  options.identity.clock = options.clock;
  options.manufacturing.clock = options.clock;
  options.qc.clock = options.clock;
  options.dose.clock = options.clock;
  options.clinical.clock = options.clock;
  std::vector<std::unique_ptr<Module>> modules;
  for (const std::string& service : services) {
    CC_ASSIGN_OR_RETURN(std::unique_ptr<pg::Pool> pool,
                        PoolFor(options, service));
    absl::StatusOr<std::unique_ptr<Module>> module;
    if (service == "identity") {
      module = IdentityModule::Create(options, std::move(pool), shared);
    } else if (service == "system") {
      module = SystemModule::Create(options, std::move(pool), services, shared);
    } else if (service == "custody") {
      module = CustodyModule::Create(options, std::move(pool), shared);
    } else if (service == "donor") {
      module = DonorModule::Create(options, std::move(pool), shared);
    } else if (service == "manufacturing") {
      module = ManufacturingModule::Create(options, std::move(pool), shared);
    } else if (service == "qc") {
      module = QcModule::Create(options, std::move(pool), shared);
    } else if (service == "dose") {
      module = DoseModule::Create(options, std::move(pool), shared);
    } else if (service == "clinical") {
      module = ClinicalModule::Create(options, std::move(pool), shared);
    } else if (service == "labels") {
      module = LabelsModule::Create(options, std::move(pool), shared);
    } else if (service == "audit") {
      module = AuditModule::Create(options, std::move(pool), shared);
    } else {
      continue;
    }
    CC_RETURN_IF_ERROR(module.status());
    modules.push_back(*std::move(module));
  }
  return modules;
}

}  // namespace cellchain::cellchaind
