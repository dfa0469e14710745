#include "services/audit/audit_service.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/audit/record_store.h"
#include "services/common/grpc/grpc_status.h"
#include "services/common/status/status.h"
#include "services/ledger/log_store.h"
#include "services/ledger/verifier.h"

namespace cellchain::audit {
namespace {

using grpcx::ToGrpcStatus;

void SetTime(absl::Time time, google::protobuf::Timestamp* out) {
  int64_t micros = absl::ToUnixMicros(time);
  out->set_seconds(micros / 1000000);
  out->set_nanos(static_cast<int32_t>(micros % 1000000) * 1000);
}

std::string HashString(const ledger::Hash& hash) {
  return std::string(reinterpret_cast<const char*>(hash.data()), hash.size());
}

void ToProto(const ledger::StoredCheckpoint& checkpoint,
             v1::Checkpoint* out) {
  out->set_tree_size(static_cast<int64_t>(checkpoint.tree_size));
  out->set_root_hash(HashString(checkpoint.root));
  out->set_note(checkpoint.note);
  SetTime(checkpoint.created_at, out->mutable_created_at());
}

// The checkpoint at `tree_size`, or the latest for 0. NOT_FOUND naming it.
absl::StatusOr<ledger::StoredCheckpoint> FindCheckpoint(
    ledger::LogStore& store, int64_t tree_size, std::string_view field) {
  if (tree_size < 0) return InvalidField(field, "must not be negative");
  absl::StatusOr<ledger::StoredCheckpoint> checkpoint =
      tree_size == 0 ? store.LatestCheckpoint()
                     : store.CheckpointAt(static_cast<uint64_t>(tree_size));
  if (checkpoint.status().code() == absl::StatusCode::kNotFound) {
    return absl::NotFoundError(
        tree_size == 0 ? std::string("no checkpoint has been signed yet")
                       : absl::StrCat("no checkpoint at tree size ",
                                      tree_size));
  }
  return checkpoint;
}

// "entity donor_lot/L01, din A999…", or "whole log" for an empty filter.
std::string DescribeFilter(const v1::RecordFilter& filter) {
  std::vector<std::string> parts;
  if (filter.has_entity()) {
    parts.push_back(absl::StrCat("entity ", filter.entity().type(), "/",
                                 filter.entity().id().empty()
                                     ? "*"
                                     : filter.entity().id()));
  }
  if (!filter.din().empty()) parts.push_back("din " + filter.din());
  if (!filter.actor_user_id().empty()) {
    parts.push_back("actor " + filter.actor_user_id());
  }
  if (!filter.action().empty()) parts.push_back("action " + filter.action());
  if (filter.has_recorded_from()) {
    parts.push_back(absl::StrCat("from ", filter.recorded_from().seconds()));
  }
  if (filter.has_recorded_before()) {
    parts.push_back(
        absl::StrCat("before ", filter.recorded_before().seconds()));
  }
  return parts.empty() ? "whole log" : absl::StrJoin(parts, ", ");
}

void AddProof(const std::vector<ledger::Hash>& proof,
              google::protobuf::RepeatedPtrField<std::string>* out) {
  for (const ledger::Hash& hash : proof) out->Add(HashString(hash));
}

}  // namespace

v1::Finding ToProto(const ledger::Finding& finding) {
  v1::Finding out;
  out.set_check(std::string(ledger::CheckName(finding.check)));
  out.set_record_id(finding.record_id);
  out.set_log_index(finding.log_index.has_value()
                        ? static_cast<int64_t>(*finding.log_index)
                        : -1);
  out.mutable_entity()->set_type(finding.entity_type);
  out.mutable_entity()->set_id(finding.entity_id);
  out.set_message(finding.checkpoint_size.has_value()
                      ? absl::StrCat("checkpoint ", *finding.checkpoint_size,
                                     ": ", finding.message)
                      : finding.message);
  return out;
}

AuditService::AuditService(pg::Pool* pool,
                           const ledger::StateRegistry* registry,
                           AuditServiceOptions options)
    : pool_(pool), registry_(registry), options_(std::move(options)) {}

std::vector<ledger::NoteVerifier> AuditService::CheckpointVerifiers() const {
  std::vector<ledger::NoteVerifier> verifiers = {options_.verifier};
  verifiers.insert(verifiers.end(), options_.other_verifiers.begin(),
                   options_.other_verifiers.end());
  return verifiers;
}

grpc::Status AuditService::GetCheckpoint(
    grpc::ServerContext* context, const v1::GetCheckpointRequest* request,
    v1::GetCheckpointResponse* response) {
  absl::StatusOr<pg::Pool::Lease> lease = pool_->Acquire();
  if (!lease.ok()) return ToGrpcStatus(lease.status());
  ledger::LogStore store(**lease);
  absl::StatusOr<ledger::StoredCheckpoint> checkpoint =
      FindCheckpoint(store, request->tree_size(), "tree_size");
  if (!checkpoint.ok()) return ToGrpcStatus(checkpoint.status());
  ToProto(*checkpoint, response->mutable_checkpoint());
  response->set_verifier_key(options_.verifier.KeyString());
  return grpc::Status::OK;
}

grpc::Status AuditService::GetInclusionProof(
    grpc::ServerContext* context, const v1::GetInclusionProofRequest* request,
    v1::GetInclusionProofResponse* response) {
  if (request->record_id().empty()) {
    return ToGrpcStatus(InvalidField("record_id", "required"));
  }
  absl::StatusOr<pg::Pool::Lease> lease = pool_->Acquire();
  if (!lease.ok()) return ToGrpcStatus(lease.status());
  ledger::LogStore store(**lease);
  absl::StatusOr<ledger::LogEntry> entry =
      store.EntryByRecordId(request->record_id());
  if (entry.status().code() == absl::StatusCode::kNotFound) {
    absl::StatusOr<pg::Result> exists = (*lease)->Exec(
        "SELECT FROM cellchain_audit.records WHERE record_id = $1",
        {request->record_id()});
    if (!exists.ok()) return ToGrpcStatus(exists.status());
    if (exists->rows() == 0) {
      return ToGrpcStatus(absl::NotFoundError(
          absl::StrCat("no record ", request->record_id())));
    }
    return ToGrpcStatus(FailedRule(
        "RECORD_NOT_YET_INTEGRATED",
        absl::StrCat("record ", request->record_id(),
                     " is not in the log yet; the sequencer integrates "
                     "committed records within a second")));
  }
  if (!entry.ok()) return ToGrpcStatus(entry.status());
  absl::StatusOr<ledger::StoredCheckpoint> checkpoint =
      FindCheckpoint(store, request->tree_size(), "tree_size");
  if (!checkpoint.ok()) return ToGrpcStatus(checkpoint.status());
  if (entry->log_index >= checkpoint->tree_size) {
    return ToGrpcStatus(FailedRule(
        "RECORD_NOT_YET_CHECKPOINTED",
        absl::StrCat("record ", request->record_id(), " is leaf ",
                     entry->log_index, ", beyond the checkpoint of size ",
                     checkpoint->tree_size)));
  }
  absl::StatusOr<std::vector<ledger::Hash>> proof =
      store.InclusionProof(entry->log_index, checkpoint->tree_size);
  if (!proof.ok()) return ToGrpcStatus(proof.status());
  response->set_log_index(static_cast<int64_t>(entry->log_index));
  response->set_tree_size(static_cast<int64_t>(checkpoint->tree_size));
  response->set_leaf_hash(HashString(entry->leaf_hash));
  AddProof(*proof, response->mutable_proof());
  ToProto(*checkpoint, response->mutable_checkpoint());
  return grpc::Status::OK;
}

grpc::Status AuditService::GetConsistencyProof(
    grpc::ServerContext* context, const v1::GetConsistencyProofRequest* request,
    v1::GetConsistencyProofResponse* response) {
  if (request->size1() <= 0) {
    return ToGrpcStatus(InvalidField("size1", "must be a checkpointed size"));
  }
  absl::StatusOr<pg::Pool::Lease> lease = pool_->Acquire();
  if (!lease.ok()) return ToGrpcStatus(lease.status());
  ledger::LogStore store(**lease);
  absl::StatusOr<ledger::StoredCheckpoint> first =
      FindCheckpoint(store, request->size1(), "size1");
  if (!first.ok()) return ToGrpcStatus(first.status());
  absl::StatusOr<ledger::StoredCheckpoint> second =
      FindCheckpoint(store, request->size2(), "size2");
  if (!second.ok()) return ToGrpcStatus(second.status());
  if (first->tree_size > second->tree_size) {
    return ToGrpcStatus(InvalidField("size1", "must not exceed size2"));
  }
  absl::StatusOr<std::vector<ledger::Hash>> proof =
      store.ConsistencyProof(first->tree_size, second->tree_size);
  if (!proof.ok()) return ToGrpcStatus(proof.status());
  AddProof(*proof, response->mutable_proof());
  ToProto(*first, response->mutable_checkpoint1());
  ToProto(*second, response->mutable_checkpoint2());
  return grpc::Status::OK;
}

grpc::Status AuditService::QueryRecords(grpc::ServerContext* context,
                                        const v1::QueryRecordsRequest* request,
                                        v1::QueryRecordsResponse* response) {
  absl::StatusOr<pg::Pool::Lease> lease = pool_->Acquire();
  if (!lease.ok()) return ToGrpcStatus(lease.status());
  absl::StatusOr<RecordPage> page =
      audit::QueryRecords(**lease, request->filter(), request->order(),
                          request->page().page_size(),
                          request->page().page_token());
  if (!page.ok()) return ToGrpcStatus(page.status());
  for (v1::RecordView& view : page->records) {
    *response->add_records() = std::move(view);
  }
  response->mutable_page()->set_next_page_token(page->next_page_token);
  return grpc::Status::OK;
}

grpc::Status AuditService::GetEntityHistory(
    grpc::ServerContext* context, const v1::GetEntityHistoryRequest* request,
    v1::GetEntityHistoryResponse* response) {
  if (request->entity().type().empty()) {
    return ToGrpcStatus(InvalidField("entity.type", "required"));
  }
  if (request->entity().id().empty()) {
    return ToGrpcStatus(InvalidField("entity.id", "required"));
  }
  absl::StatusOr<pg::Pool::Lease> lease = pool_->Acquire();
  if (!lease.ok()) return ToGrpcStatus(lease.status());
  v1::RecordFilter filter;
  *filter.mutable_entity() = request->entity();
  absl::StatusOr<LoadedLog> log = LoadLog(**lease, &filter,
                                          options_.max_records);
  if (!log.ok()) return ToGrpcStatus(log.status());
  absl::StatusOr<LoadedKeys> keys = LoadKeys(**lease);
  if (!keys.ok()) return ToGrpcStatus(keys.status());
  ledger::VerifyInput input;
  // The entity's whole history is here, but not the rest of the log.
  input.complete = false;
  input.records = log->records;
  input.keys = std::move(keys->keys);
  input.keyring = options_.keyring;
  input.origin = options_.origin;
  input.checkpoint_verifiers = CheckpointVerifiers();
  // Tie each record to the log: the latest checkpoint and an inclusion
  // proof of every record it covers.
  ledger::LogStore store(**lease);
  absl::StatusOr<ledger::StoredCheckpoint> latest = store.LatestCheckpoint();
  if (latest.ok()) {
    input.checkpoints.push_back(latest->note);
    for (const ledger::StoredRecord& record : input.records) {
      if (record.log_index >= latest->tree_size) continue;
      absl::StatusOr<std::vector<ledger::Hash>> proof =
          store.InclusionProof(record.log_index, latest->tree_size);
      if (!proof.ok()) return ToGrpcStatus(proof.status());
      input.inclusion_proofs.push_back(
          {record.log_index, latest->tree_size, *std::move(proof)});
    }
  } else if (latest.status().code() != absl::StatusCode::kNotFound) {
    return ToGrpcStatus(latest.status());
  }
  ledger::VerifyResult result = ledger::Verify(input);
  bool intact = result.ok() && log->unplaced.empty() &&
                result.summary.chain_gaps_unchecked == 0 &&
                result.summary.chain_starts_unchecked == 0;
  for (const ledger::StoredRecord& record : log->records) {
    *response->add_records() = ToView(record);
  }
  for (const ledger::Finding& finding : log->unplaced) {
    *response->add_findings() = ToProto(finding);
  }
  for (const ledger::Finding& finding : result.findings) {
    *response->add_findings() = ToProto(finding);
  }
  response->set_chain_intact(intact);
  return grpc::Status::OK;
}

grpc::Status AuditService::VerifyLog(
    grpc::ServerContext* context, const v1::VerifyLogRequest* request,
    grpc::ServerWriter<v1::VerifyLogResponse>* writer) {
  absl::StatusOr<pg::Pool::Lease> lease = pool_->Acquire();
  if (!lease.ok()) return ToGrpcStatus(lease.status());
  ledger::VerifyOptions options;
  options.progress = [&](std::string_view phase, uint64_t done,
                         uint64_t total) {
    v1::VerifyLogResponse item;
    item.mutable_progress()->set_phase(std::string(phase));
    item.mutable_progress()->set_done(static_cast<int64_t>(done));
    item.mutable_progress()->set_total(static_cast<int64_t>(total));
    writer->Write(item);
  };
  absl::StatusOr<StoredLogVerification> verification =
      VerifyStoredLog(**lease, *registry_, options_.origin, CheckpointVerifiers(),
                      &options_.keyring, options_.max_records, options,
                      {request->known_checkpoint_notes().begin(),
                       request->known_checkpoint_notes().end()});
  if (!verification.ok()) return ToGrpcStatus(verification.status());
  for (const ledger::Finding& finding : verification->findings) {
    v1::VerifyLogResponse item;
    *item.mutable_finding() = ToProto(finding);
    writer->Write(item);
  }
  const ledger::Summary& summary = verification->result.summary;
  v1::VerifyLogResponse item;
  auto* s = item.mutable_summary();
  s->set_records(static_cast<int64_t>(summary.records));
  s->set_checkpoints(static_cast<int64_t>(summary.checkpoints));
  s->set_entities(static_cast<int64_t>(summary.entities));
  s->set_findings(static_cast<int64_t>(verification->findings.size()));
  s->set_tree_size(static_cast<int64_t>(summary.tree_size));
  writer->Write(item);
  return grpc::Status::OK;
}

grpc::Status AuditService::ExportBundle(
    grpc::ServerContext* context, const v1::ExportBundleRequest* request,
    grpc::ServerWriter<v1::ExportBundleResponse>* writer) {
  absl::StatusOr<pg::Pool::Lease> lease = pool_->Acquire();
  if (!lease.ok()) return ToGrpcStatus(lease.status());
  absl::StatusOr<pg::Transaction> tx = pg::Transaction::Begin(
      **lease, {.isolation = pg::Isolation::kRepeatableRead,
                .read_only = true});
  if (!tx.ok()) return ToGrpcStatus(tx.status());
  ledger::LogStore store(**lease);
  absl::StatusOr<ledger::StoredCheckpoint> latest =
      FindCheckpoint(store, 0, "tree_size");
  if (!latest.ok()) return ToGrpcStatus(latest.status());
  absl::StatusOr<LoadedLog> log =
      LoadLog(**lease, &request->filter(), options_.max_records);
  if (!log.ok()) return ToGrpcStatus(log.status());

  v1::ExportBundleResponse item;
  v1::BundleHeader* header = item.mutable_header();
  header->set_origin(options_.origin);
  header->set_verifier_key(options_.verifier.KeyString());
  header->set_query(DescribeFilter(request->filter()));
  // A filter that selects nothing narrower than the log exports all of it.
  const bool header_complete =
      DescribeFilter(request->filter()) == "whole log";
  header->set_complete(header_complete);
  header->set_tree_size(static_cast<int64_t>(latest->tree_size));
  SetTime(absl::Now(), header->mutable_exported_at());
  writer->Write(item);
  // Unreadable key rows are left out (VerifyLog reports them): the bundle's
  // verifier then names every record they signed.
  absl::StatusOr<LoadedKeys> keys = LoadKeys(**lease);
  if (!keys.ok()) return ToGrpcStatus(keys.status());
  for (const ledger::SigningKeyInfo& key : keys->keys) {
    item.Clear();
    v1::SigningKey* out = item.mutable_key();
    out->set_key_id(key.key_id);
    out->set_service(key.service);
    out->set_public_key(key.public_key);
    SetTime(key.valid_from, out->mutable_valid_from());
    writer->Write(item);
  }
  absl::StatusOr<std::vector<std::string>> notes = LoadCheckpoints(**lease);
  if (!notes.ok()) return ToGrpcStatus(notes.status());
  // Every checkpoint up to the latest, and the proofs that each extends
  // the one before.
  int64_t previous = 0;
  for (const std::string& note : *notes) {
    absl::StatusOr<ledger::Note> signed_note = ledger::ParseNote(note);
    if (!signed_note.ok()) return ToGrpcStatus(signed_note.status());
    absl::StatusOr<ledger::Checkpoint> parsed =
        ledger::ParseCheckpoint(signed_note->text);
    if (!parsed.ok()) return ToGrpcStatus(parsed.status());
    item.Clear();
    item.mutable_checkpoint()->set_tree_size(
        static_cast<int64_t>(parsed->size));
    item.mutable_checkpoint()->set_note(note);
    writer->Write(item);
    if (previous > 0 && static_cast<int64_t>(parsed->size) > previous) {
      absl::StatusOr<std::vector<ledger::Hash>> proof = store.ConsistencyProof(
          static_cast<uint64_t>(previous), parsed->size);
      if (!proof.ok()) return ToGrpcStatus(proof.status());
      item.Clear();
      item.mutable_consistency_proof()->set_size1(previous);
      item.mutable_consistency_proof()->set_size2(
          static_cast<int64_t>(parsed->size));
      AddProof(*proof, item.mutable_consistency_proof()->mutable_proof());
      writer->Write(item);
    }
    previous = static_cast<int64_t>(parsed->size);
  }
  for (const ledger::StoredRecord& record : log->records) {
    item.Clear();
    *item.mutable_record() = ToView(record);
    writer->Write(item);
    if (record.log_index < latest->tree_size) {
      absl::StatusOr<std::vector<ledger::Hash>> proof =
          store.InclusionProof(record.log_index, latest->tree_size);
      if (!proof.ok()) return ToGrpcStatus(proof.status());
      item.Clear();
      auto* out = item.mutable_inclusion_proof();
      out->set_log_index(static_cast<int64_t>(record.log_index));
      out->set_tree_size(static_cast<int64_t>(latest->tree_size));
      AddProof(*proof, out->mutable_proof());
      writer->Write(item);
    }
  }
  if (request->include_current_state()) {
    absl::StatusOr<std::vector<ledger::CurrentState>> states =
        LoadStates(**lease, *registry_, log->records, header_complete);
    if (!states.ok()) return ToGrpcStatus(states.status());
    for (const ledger::CurrentState& state : *states) {
      item.Clear();
      item.mutable_state()->mutable_entity()->set_type(state.entity_type);
      item.mutable_state()->mutable_entity()->set_id(state.entity_id);
      if (state.state.has_value()) {
        item.mutable_state()->set_state(*state.state);
      } else {
        item.mutable_state()->set_missing(true);
      }
      writer->Write(item);
    }
  }
  return grpc::Status::OK;
}

}  // namespace cellchain::audit
