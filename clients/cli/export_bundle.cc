#include "clients/cli/export_bundle.h"

#include "services/common/fields/fields.h"
#include "services/common/status/status.h"
#include "services/ledger/bundle.h"
#include "services/ledger/merkle.h"

namespace cellchain::cli {
namespace {

namespace v1 = cellchain::audit::v1;
using fields::ToTime;

absl::StatusOr<std::vector<ledger::Hash>> Hashes(
    const google::protobuf::RepeatedPtrField<std::string>& proof) {
  std::vector<ledger::Hash> hashes;
  for (const std::string& bytes : proof) {
    CC_ASSIGN_OR_RETURN(ledger::Hash hash, ledger::HashFromBytes(bytes));
    hashes.push_back(hash);
  }
  return hashes;
}

ledger::StoredRecord ToStored(const v1::RecordView& view) {
  const v1::StoredColumns& c = view.columns();
  ledger::StoredRecord r;
  r.log_index = static_cast<uint64_t>(view.log_index());
  r.record_id = view.record().record_id();
  r.record_bytes = view.record_bytes();
  r.signature = view.signature();
  r.key_id = c.key_id();
  r.service = c.service();
  r.entity_type = c.entity_type();
  r.entity_id = c.entity_id();
  r.recorded_at = ToTime(c.recorded_at());
  r.actor_user_id = c.actor_user_id();
  r.action = c.action();
  if (c.has_din()) r.din = c.din();
  r.request_id = c.request_id();
  r.previous_entity_hash = c.previous_entity_hash();
  r.leaf_hash = view.leaf_hash();
  return r;
}

}  // namespace

absl::StatusOr<ExportSummary> WriteBundle(
    grpc::ClientReaderInterface<v1::ExportBundleResponse>& reader,
    const std::string& dir) {
  ledger::Bundle bundle;
  v1::ExportBundleResponse item;
  bool has_header = false;
  while (reader.Read(&item)) {
    switch (item.item_case()) {
      case v1::ExportBundleResponse::kHeader: {
        const v1::BundleHeader& h = item.header();
        bundle.origin = h.origin();
        bundle.verifier_key = h.verifier_key();
        bundle.query = h.query();
        bundle.complete = h.complete();
        bundle.tree_size = static_cast<uint64_t>(h.tree_size());
        bundle.exported_at = ToTime(h.exported_at());
        has_header = true;
        break;
      }
      case v1::ExportBundleResponse::kKey: {
        ledger::SigningKeyInfo key;
        key.key_id = item.key().key_id();
        key.service = item.key().service();
        key.public_key = item.key().public_key();
        key.valid_from = ToTime(item.key().valid_from());
        bundle.keys.push_back(std::move(key));
        break;
      }
      case v1::ExportBundleResponse::kCheckpoint:
        bundle.checkpoints.push_back(item.checkpoint().note());
        break;
      case v1::ExportBundleResponse::kRecord:
        bundle.records.push_back(ToStored(item.record()));
        break;
      case v1::ExportBundleResponse::kInclusionProof: {
        ledger::InclusionProofInput proof;
        proof.log_index =
            static_cast<uint64_t>(item.inclusion_proof().log_index());
        proof.tree_size =
            static_cast<uint64_t>(item.inclusion_proof().tree_size());
        CC_ASSIGN_OR_RETURN(proof.hashes,
                            Hashes(item.inclusion_proof().proof()));
        bundle.inclusion_proofs.push_back(std::move(proof));
        break;
      }
      case v1::ExportBundleResponse::kConsistencyProof: {
        ledger::ConsistencyProofInput proof;
        proof.size1 = static_cast<uint64_t>(item.consistency_proof().size1());
        proof.size2 = static_cast<uint64_t>(item.consistency_proof().size2());
        CC_ASSIGN_OR_RETURN(proof.hashes,
                            Hashes(item.consistency_proof().proof()));
        bundle.consistency_proofs.push_back(std::move(proof));
        break;
      }
      case v1::ExportBundleResponse::kState: {
        ledger::CurrentState state;
        state.entity_type = item.state().entity().type();
        state.entity_id = item.state().entity().id();
        if (!item.state().missing()) state.state = item.state().state();
        bundle.states.push_back(std::move(state));
        break;
      }
      case v1::ExportBundleResponse::ITEM_NOT_SET:
        return absl::InvalidArgumentError("empty item in the export stream");
    }
  }
  if (!has_header) {
    return absl::InvalidArgumentError(
        "the export stream ended before its header");
  }
  CC_RETURN_IF_ERROR(ledger::WriteBundle(bundle, dir));
  ExportSummary summary;
  summary.records = bundle.records.size();
  summary.keys = bundle.keys.size();
  summary.checkpoints = bundle.checkpoints.size();
  summary.proofs = bundle.inclusion_proofs.size();
  return summary;
}

}  // namespace cellchain::cli
