#include "services/ledger/entity_guard.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "cellchain/audit/v1/record.pb.h"
#include "services/common/status/status.h"
#include "services/ledger/ledger.h"

namespace cellchain::ledger {
namespace {

// The entity's latest record the sequencer did not refuse (records_entity_
// chain serves the lookup).
constexpr char kLatestSql[] =
    "SELECT r.record_id, r.record_bytes FROM cellchain_audit.records r "
    "WHERE r.entity_type = $1 AND r.entity_id = $2 AND NOT EXISTS ("
    "  SELECT FROM cellchain_audit.refused_records x "
    "  WHERE x.record_id = r.record_id) "
    "ORDER BY r.entity_seq DESC LIMIT 1";

absl::Status NotAudited(std::string_view type, std::string_view id,
                        std::string_view why) {
  return FailedRule(
      kReasonEntityNotAudited,
      absl::StrCat(std::string(type), " ", std::string(id), " ",
                   std::string(why),
                   ": it was written behind the service's back and is not "
                   "used until QA has investigated"));
}

}  // namespace

absl::Status RequireAudited(pg::Transaction& tx, std::string_view entity_type,
                            std::string_view entity_id,
                            const google::protobuf::Message& current) {
  std::vector<pg::Statement> statements = {
      LatestRecordStatement(entity_type, entity_id)};
  CC_ASSIGN_OR_RETURN(std::vector<pg::Result> latest,
                      tx.ExecPipeline(statements));
  return CheckAudited(latest[0], entity_type, entity_id, current);
}

pg::Statement LatestRecordStatement(std::string_view entity_type,
                                    std::string_view entity_id) {
  return {kLatestSql, {std::string(entity_type), std::string(entity_id)},
          pg::ResultFormat::kBinary};
}

absl::Status CheckAudited(const pg::Result& latest,
                          std::string_view entity_type,
                          std::string_view entity_id,
                          const google::protobuf::Message& current) {
  if (latest.rows() == 0) {
    return NotAudited(entity_type, entity_id, "has no signed audit record");
  }
  CC_ASSIGN_OR_RETURN(std::string bytes, latest.GetBytes(0, 1));
  cellchain::audit::v1::AuditRecord record;
  if (!record.ParseFromString(bytes)) {
    return NotAudited(entity_type, entity_id,
                      "has a latest audit record that does not parse");
  }
  CC_ASSIGN_OR_RETURN(std::string state, SerializeDeterministic(current));
  const std::string type_url = absl::StrCat(kAfterStateTypeUrlPrefix,
                                            current.GetDescriptor()->full_name());
  if (record.after_state().type_url() != type_url ||
      record.after_state().value() != state) {
    return NotAudited(entity_type, entity_id,
                      "is not what its latest signed audit record says");
  }
  return absl::OkStatus();
}

}  // namespace cellchain::ledger
