#include "services/ledger/verifier_testing.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "cellchain/audit/v1/record.pb.h"
#include "services/common/crypto/random.h"
#include "services/common/status/status.h"

namespace cellchain::ledger::testing {

InMemoryTree::InMemoryTree(std::vector<Hash> leaves) {
  levels_.push_back(std::move(leaves));
  while (levels_.back().size() >= 2) {
    const std::vector<Hash>& below = levels_.back();
    std::vector<Hash> above;
    above.reserve(below.size() / 2);
    for (size_t i = 0; i + 1 < below.size(); i += 2) {
      above.push_back(NodeHash(below[i], below[i + 1]));
    }
    levels_.push_back(std::move(above));
  }
}

PerfectSubtreeSource InMemoryTree::Source() const {
  return [this](const NodeRange& range) -> absl::StatusOr<Hash> {
    const size_t level = static_cast<size_t>(range.level());
    if (level >= levels_.size() || range.index() >= levels_[level].size()) {
      return absl::OutOfRangeError(absl::StrCat(
          "no subtree ", ToString(range), " in a tree of ", size(), " leaves"));
    }
    return levels_[level][range.index()];
  };
}

absl::StatusOr<StoredRecord> MakeStoredRecord(
    const RecordSpec& spec, const crypto::Ed25519PrivateKey& key,
    uint64_t log_index) {
  cellchain::audit::v1::AuditRecord record;
  record.set_record_id(spec.record_id);
  record.set_service(spec.service);
  record.set_key_id(spec.key_id);
  const int64_t micros = absl::ToUnixMicros(spec.recorded_at);
  record.mutable_recorded_at()->set_seconds(micros / 1'000'000);
  record.mutable_recorded_at()->set_nanos(
      static_cast<int32_t>(micros % 1'000'000) * 1000);
  record.mutable_actor()->set_user_id(spec.actor_user_id);
  record.mutable_actor()->set_printed_name("Test Technician");
  record.mutable_actor()->set_role("technician");
  record.mutable_actor()->set_workstation("CN=lab-ws-1");
  record.set_action(spec.action);
  record.mutable_entity()->set_type(spec.entity_type);
  record.mutable_entity()->set_id(spec.entity_id);
  // An identifier of another kind first: the DIN column is the first "din".
  auto* product = record.add_isbt128();
  product->set_kind("product_code");
  product->set_value("S1234V00");
  if (spec.din.has_value()) {
    auto* din = record.add_isbt128();
    din->set_kind("din");
    din->set_value(*spec.din);
  }
  record.mutable_after_state()->set_type_url(
      "type.googleapis.com/cellchain.test.v1.State");
  record.mutable_after_state()->set_value(spec.after_state);
  record.set_request_id(spec.request_id);
  record.set_previous_entity_hash(spec.previous_entity_hash);

  StoredRecord out;
  {
    google::protobuf::io::StringOutputStream stream(&out.record_bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    if (!record.SerializeToCodedStream(&coded)) {
      return absl::InternalError("cannot serialize the record");
    }
  }
  CC_ASSIGN_OR_RETURN(out.signature,
                      key.Sign(RecordSignatureMessage(out.record_bytes)));
  out.log_index = log_index;
  out.record_id = spec.record_id;
  out.key_id = spec.key_id;
  out.service = spec.service;
  out.entity_type = spec.entity_type;
  out.entity_id = spec.entity_id;
  out.recorded_at = absl::FromUnixMicros(micros);
  out.actor_user_id = spec.actor_user_id;
  out.action = spec.action;
  out.din = spec.din;
  out.request_id = spec.request_id;
  out.previous_entity_hash = spec.previous_entity_hash;
  out.leaf_hash = HashBytes(LeafHash(out.record_bytes));
  return out;
}

absl::StatusOr<std::unique_ptr<SyntheticLog>> SyntheticLog::Create() {
  CC_ASSIGN_OR_RETURN(NoteSigner signer, NoteSigner::Generate(kTestOrigin));
  std::unique_ptr<SyntheticLog> log(new SyntheticLog(std::move(signer)));
  for (const char* service : {"donor", "qc"}) {
    CC_ASSIGN_OR_RETURN(crypto::Ed25519PrivateKey key,
                        crypto::Ed25519PrivateKey::Generate());
    log->key_infos_.push_back({SigningKeyId(service, key.PublicKeyRaw()),
                               service, key.PublicKeyRaw(), KeysValidFrom()});
    log->keys_.emplace(service, std::move(key));
  }
  log->next_time_ = absl::FromCivil(absl::CivilSecond(2024, 6, 1, 8, 0, 0),
                                    absl::UTCTimeZone()) +
                    absl::Microseconds(123456);
  return log;
}

absl::Time SyntheticLog::KeysValidFrom() {
  return absl::FromCivil(absl::CivilSecond(2024, 1, 1, 0, 0, 0),
                         absl::UTCTimeZone());
}

absl::Status SyntheticLog::Append(const std::string& service,
                                  const std::string& entity_type,
                                  const std::string& entity_id,
                                  const std::string& action,
                                  std::optional<std::string> din) {
  auto key = keys_.find(service);
  if (key == keys_.end()) {
    return absl::InvalidArgumentError(absl::StrCat("no service ", service));
  }
  const uint64_t index = records_.size();
  RecordSpec spec;
  spec.record_id = crypto::RandomId("rec");
  spec.service = service;
  spec.key_id = SigningKeyId(service, key->second.PublicKeyRaw());
  spec.recorded_at = next_time_;
  spec.action = action;
  spec.entity_type = entity_type;
  spec.entity_id = entity_id;
  spec.din = std::move(din);
  spec.request_id = absl::StrCat("req-", index, "-0123456789abcdef");
  spec.after_state = absl::StrCat(action, "#", index);
  auto [head, first] = heads_.try_emplace({entity_type, entity_id}, index);
  if (!first) {
    spec.previous_entity_hash = records_[head->second].leaf_hash;
    head->second = index;
  }
  CC_ASSIGN_OR_RETURN(StoredRecord record,
                      MakeStoredRecord(spec, key->second, index));
  CC_ASSIGN_OR_RETURN(Hash leaf, HashFromBytes(record.leaf_hash));
  frontier_.Append(leaf);
  records_.push_back(std::move(record));
  specs_.push_back(std::move(spec));
  next_time_ += absl::Seconds(1);
  return absl::OkStatus();
}

absl::StatusOr<std::string> SyntheticLog::SignCheckpoint(
    uint64_t size, const Hash& root) const {
  return ledger::SignCheckpoint({kTestOrigin, size, root, {}}, log_signer_);
}

absl::Status SyntheticLog::Checkpoint() {
  CC_ASSIGN_OR_RETURN(std::string note,
                      SignCheckpoint(frontier_.size(), frontier_.Root()));
  checkpoints_.push_back(std::move(note));
  checkpoint_sizes_.push_back(frontier_.size());
  return absl::OkStatus();
}

std::vector<Hash> SyntheticLog::Leaves() const {
  std::vector<Hash> leaves;
  leaves.reserve(records_.size());
  for (const StoredRecord& record : records_) {
    leaves.push_back(*HashFromBytes(record.leaf_hash));
  }
  return leaves;
}

Bundle SyntheticLog::WholeLogBundle(const VerifyInput& input,
                                    std::string query) const {
  Bundle bundle;
  bundle.origin = input.origin;
  bundle.verifier_key = log_signer_.verifier().KeyString();
  bundle.query = std::move(query);
  bundle.complete = true;
  bundle.tree_size = checkpoint_sizes_.empty() ? 0 : checkpoint_sizes_.back();
  bundle.keys = input.keys;
  bundle.records = input.records;
  bundle.checkpoints = input.checkpoints;
  bundle.inclusion_proofs = input.inclusion_proofs;
  bundle.consistency_proofs = input.consistency_proofs;
  bundle.states = input.states;
  return bundle;
}

VerifyInput SyntheticLog::Input(bool proofs) const {
  VerifyInput input;
  input.complete = true;
  input.records = records_;
  input.keys = key_infos_;
  input.origin = kTestOrigin;
  input.checkpoint_verifiers = {log_signer_.verifier()};
  input.checkpoints = checkpoints_;
  for (const auto& [entity, position] : heads_) {
    input.states.push_back(
        {entity.first, entity.second, specs_[position].after_state});
  }
  if (!proofs || checkpoint_sizes_.empty()) return input;
  InMemoryTree tree(Leaves());
  const PerfectSubtreeSource source = tree.Source();
  const uint64_t latest = checkpoint_sizes_.back();
  for (uint64_t index = 0; index < latest; ++index) {
    input.inclusion_proofs.push_back(
        {index, latest, *InclusionProof(index, latest, source)});
  }
  for (size_t c = 1; c < checkpoint_sizes_.size(); ++c) {
    const uint64_t size1 = checkpoint_sizes_[c - 1];
    const uint64_t size2 = checkpoint_sizes_[c];
    if (size1 == size2) continue;
    input.consistency_proofs.push_back(
        {size1, size2, *ConsistencyProof(size1, size2, source)});
  }
  return input;
}

}  // namespace cellchain::ledger::testing
