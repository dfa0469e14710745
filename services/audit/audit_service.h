// AuditService: QA's window on the signed audit ledger (proto
// cellchain.audit.v1). Read-only over cellchain_audit; verification runs
// services/ledger/verifier.h over the log as stored.
// Thread-safety: handlers run concurrently; shared state is immutable after
// construction (the pool and the registry are thread-safe).
#ifndef CELLCHAIN_SERVICES_AUDIT_AUDIT_SERVICE_H_
#define CELLCHAIN_SERVICES_AUDIT_AUDIT_SERVICE_H_

#include <string>
#include <vector>

#include "cellchain/audit/v1/audit.grpc.pb.h"
#include "services/common/pg/pool.h"
#include "services/ledger/keyring.h"
#include "services/ledger/note.h"
#include "services/ledger/state_registry.h"
#include "services/ledger/verifier.h"

namespace cellchain::audit {

struct AuditServiceOptions {
  std::string origin;              // the checkpoints' origin line
  ledger::NoteVerifier verifier;   // the sequencer's checkpoint key
  // Other checkpoint keys whose signature a checkpoint may carry instead: a
  // rotation's next key and the retired ones (checkpoint_keys.h). Trusted
  // like `verifier`; only `verifier` is published.
  std::vector<ledger::NoteVerifier> other_verifiers;
  // The record-signing keys QA trusts (keyring.h): a key registered in the
  // database but not listed here is a finding, and what it signed proves
  // nothing. Required by cellchaind (--audit-keyring).
  ledger::Keyring keyring;
  // Most records one history, export or verification loads.
  int max_records = 2'000'000;
};

class AuditService final : public cellchain::audit::v1::AuditService::Service {
 public:
  // `pool` and `registry` must outlive the service.
  AuditService(pg::Pool* pool, const ledger::StateRegistry* registry,
               AuditServiceOptions options);

  grpc::Status GetCheckpoint(grpc::ServerContext* context,
                             const v1::GetCheckpointRequest* request,
                             v1::GetCheckpointResponse* response) override;
  grpc::Status GetInclusionProof(
      grpc::ServerContext* context, const v1::GetInclusionProofRequest* request,
      v1::GetInclusionProofResponse* response) override;
  grpc::Status GetConsistencyProof(
      grpc::ServerContext* context,
      const v1::GetConsistencyProofRequest* request,
      v1::GetConsistencyProofResponse* response) override;
  grpc::Status QueryRecords(grpc::ServerContext* context,
                            const v1::QueryRecordsRequest* request,
                            v1::QueryRecordsResponse* response) override;
  grpc::Status GetEntityHistory(
      grpc::ServerContext* context, const v1::GetEntityHistoryRequest* request,
      v1::GetEntityHistoryResponse* response) override;
  grpc::Status VerifyLog(
      grpc::ServerContext* context, const v1::VerifyLogRequest* request,
      grpc::ServerWriter<v1::VerifyLogResponse>* writer) override;
  grpc::Status ExportBundle(
      grpc::ServerContext* context, const v1::ExportBundleRequest* request,
      grpc::ServerWriter<v1::ExportBundleResponse>* writer) override;

 private:
  // options_.verifier, then options_.other_verifiers.
  std::vector<ledger::NoteVerifier> CheckpointVerifiers() const;

  pg::Pool* pool_;
  const ledger::StateRegistry* registry_;
  AuditServiceOptions options_;
};

// Translates a verifier finding for the wire.
v1::Finding ToProto(const ledger::Finding& finding);

}  // namespace cellchain::audit

#endif  // CELLCHAIN_SERVICES_AUDIT_AUDIT_SERVICE_H_
