// Custody's state readers: for each entity type it audits, the current
// state read exactly as its records' after_state was built (store.h's
// loaders), and the ids of the entities that must have a record, so that
// `audit verify` compares each row with its latest snapshot.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/common/status/status.h"
#include "services/custody/custody.h"
#include "services/custody/store.h"

namespace cellchain::custody {
namespace {

// The defaults migration 0001_custody.sql seeds (no record vouches for
// them but the migration's checksum).
struct SeededLimit {
  v1::ItemType type;
  double min_celsius;
  double max_celsius;
};
constexpr SeededLimit kSeededLimits[] = {
    {v1::ITEM_TYPE_TISSUE_CONTAINER, 2, 25},
    {v1::ITEM_TYPE_CULTURE_VESSEL, 35, 39},
    {v1::ITEM_TYPE_CRYOVIAL, -196, -150},
    {v1::ITEM_TYPE_QC_SAMPLE, 2, 25},
    {v1::ITEM_TYPE_DOSE_BAG, 2, 8},
    {v1::ITEM_TYPE_REAGENT_LOT, 2, 8},
    {v1::ITEM_TYPE_PRODUCT_LOT, 2, 25},
};

// The item types whose limit is not the seed in the arrays $1 (types),
// $2 (minimums), $3 (maximums).
constexpr char kSelectChangedLimits[] =
    "SELECT item_type FROM cellchain_custody.temperature_limits "
    "WHERE (item_type, min_celsius, max_celsius) NOT IN "
    "(SELECT * FROM unnest($1::int2[], $2::float8[], $3::float8[]))";

// A limit's entity id is its item type's name.
absl::StatusOr<v1::TemperatureLimit> ReadLimit(pg::Connection& c,
                                               const std::string& id) {
  v1::ItemType type;
  if (!v1::ItemType_Parse(id, &type)) {
    return absl::NotFoundError(absl::StrCat("no item type ", id));
  }
  return LoadLimit(c, type);
}

}  // namespace

absl::Status Custody::RegisterStateReaders(ledger::StateRegistry& registry) {
  using C = pg::Connection;
  using Id = const std::string&;
  CC_RETURN_IF_ERROR(ledger::RegisterProtoReader<v1::Item>(
      registry, "item", [](C& c, Id id) { return LoadItem(c, id); },
      ledger::IdsFrom("SELECT item_id FROM cellchain_custody.items")));
  CC_RETURN_IF_ERROR(ledger::RegisterProtoReader<v1::Handoff>(
      registry, "handoff", [](C& c, Id id) { return LoadHandoff(c, id); },
      ledger::IdsFrom("SELECT handoff_id FROM cellchain_custody.handoffs")));
  CC_RETURN_IF_ERROR(ledger::RegisterProtoReader<v1::Hold>(
      registry, "hold", [](C& c, Id id) { return LoadHold(c, id); },
      ledger::IdsFrom("SELECT hold_id FROM cellchain_custody.holds")));
  CC_RETURN_IF_ERROR(ledger::RegisterProtoReader<v1::Recall>(
      registry, "recall", [](C& c, Id id) { return LoadRecall(c, id); },
      ledger::IdsFrom("SELECT recall_id FROM cellchain_custody.recalls")));
  CC_RETURN_IF_ERROR(ledger::RegisterProtoReader<v1::Location>(
      registry, "location",
      [](C& c, Id id) { return LoadLocation(c, id, "location"); },
      ledger::IdsFrom("SELECT location_id FROM cellchain_custody.locations")));
  CC_RETURN_IF_ERROR(ledger::RegisterProtoReader<v1::DinAllocation>(
      registry, "din_allocation",
      [](C& c, Id id) { return LoadDinAllocation(c, id); },
      ledger::IdsFrom("SELECT din FROM cellchain_custody.din_allocations")));
  CC_RETURN_IF_ERROR(ledger::RegisterProtoReader<v1::TemperatureUpload>(
      registry, "temperature_upload",
      [](C& c, Id id) { return LoadUpload(c, id); },
      ledger::IdsFrom(
          "SELECT upload_id FROM cellchain_custody.temperature_uploads")));
  // A limit's entity id is its item type's name. The defaults that migration
  // 0001_custody.sql seeds have no record (the migration, checksummed in
  // schema_migrations, vouches for them): a limit still equal to its seed is
  // not listed; any other row must have a record.
  return ledger::RegisterProtoReader<v1::TemperatureLimit>(
      registry, "temperature_limit", &ReadLimit,
      [](C& c) -> absl::StatusOr<std::vector<std::string>> {
        std::vector<std::string> types, minimums, maximums;
        for (const SeededLimit& seed : kSeededLimits) {
          types.push_back(absl::StrCat(static_cast<int>(seed.type)));
          minimums.push_back(absl::StrCat(seed.min_celsius));
          maximums.push_back(absl::StrCat(seed.max_celsius));
        }
        CC_ASSIGN_OR_RETURN(
            pg::Result rows,
            c.Exec(kSelectChangedLimits, {pg::TextArray(types), pg::TextArray(minimums),
                                          pg::TextArray(maximums)}));
        std::vector<std::string> ids;
        for (int row = 0; row < rows.rows(); ++row) {
          CC_ASSIGN_OR_RETURN(int32_t type, rows.GetInt32(row, 0));
          ids.push_back(v1::ItemType_Name(static_cast<v1::ItemType>(type)));
        }
        return ids;
      });
}

}  // namespace cellchain::custody
