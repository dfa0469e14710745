#include "services/ledger/state_registry.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "services/common/status/status.h"
#include "services/common/strings/absl_view.h"
#include "services/ledger/internal_text.h"
#include "services/ledger/ledger.h"

namespace cellchain::ledger {
namespace {

using internal::IsSnakeCase;

}  // namespace

IdLister IdsFrom(std::string sql) {
  return [sql = std::move(sql)](pg::Connection& connection)
             -> absl::StatusOr<std::vector<std::string>> {
    CC_ASSIGN_OR_RETURN(pg::Result rows, connection.Exec(sql));
    std::vector<std::string> ids;
    ids.reserve(rows.rows());
    for (int row = 0; row < rows.rows(); ++row) {
      CC_ASSIGN_OR_RETURN(std::string id, rows.GetString(row, 0));
      ids.push_back(std::move(id));
    }
    return ids;
  };
}

absl::Status StateRegistry::Register(std::string entity_type,
                                     std::string message_full_name,
                                     StateReader reader, IdLister lister) {
  if (!IsSnakeCase(entity_type)) {
    return InvalidField("entity_type", "must be snake_case (\"donor_lot\")");
  }
  if (message_full_name.empty()) {
    return InvalidField("message_full_name", "is required");
  }
  if (!reader) return InvalidField("reader", "is required");
  absl::MutexLock lock(&mu_);
  auto [it, inserted] = readers_.try_emplace(
      entity_type,
      Entry{absl::StrCat(kAfterStateTypeUrlPrefix, message_full_name),
            std::move(reader), std::move(lister)});
  if (!inserted) {
    return absl::AlreadyExistsError(
        absl::StrCat("a state reader for entity type ", entity_type,
                     " is registered already"));
  }
  return absl::OkStatus();
}

bool StateRegistry::Contains(std::string_view entity_type) const {
  absl::MutexLock lock(&mu_);
  return readers_.contains(ToAbsl(entity_type));
}

std::vector<std::string> StateRegistry::EntityTypes() const {
  std::vector<std::string> types;
  {
    absl::MutexLock lock(&mu_);
    for (const auto& [type, entry] : readers_) types.push_back(type);
  }
  std::sort(types.begin(), types.end());
  return types;
}

absl::StatusOr<StateRegistry::Entry> StateRegistry::Find(
    std::string_view entity_type) const {
  absl::MutexLock lock(&mu_);
  auto it = readers_.find(ToAbsl(entity_type));
  if (it == readers_.end()) {
    return FailedRule(
        kReasonNoStateReader,
        absl::StrCat("no state reader is registered for entity type ",
                     ToAbsl(entity_type)));
  }
  return it->second;  // a copy: readers and listers run outside the lock
}

absl::StatusOr<EntityState> StateRegistry::ReadState(
    pg::Connection& connection, std::string_view entity_type,
    const std::string& entity_id) const {
  CC_ASSIGN_OR_RETURN(Entry entry, Find(entity_type));
  CC_ASSIGN_OR_RETURN(std::string bytes, entry.reader(connection, entity_id));
  return EntityState{std::move(entry.type_url), std::move(bytes)};
}

absl::StatusOr<std::vector<std::string>> StateRegistry::ListIds(
    pg::Connection& connection, std::string_view entity_type) const {
  CC_ASSIGN_OR_RETURN(Entry entry, Find(entity_type));
  const IdLister& lister = entry.lister;
  if (!lister) {
    return absl::NotFoundError(
        absl::StrCat("entity type ", ToAbsl(entity_type),
                     " was registered without an id lister"));
  }
  return lister(connection);
}

}  // namespace cellchain::ledger
