// Custody's temperatures (RecordTemperatures, SetTemperatureLimits,
// ListTemperatureLimits): a logger's readings of one item, or of a location
// and every available item at or below it, each item's first reading out
// of its type's range stored as its excursion and flagged on the item.
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/common/crypto/crypto.h"
#include "services/common/pg/proto_row.h"
#include "services/common/status/status.h"
#include "services/custody/custody.h"
#include "services/custody/custody_internal.h"
#include "services/custody/rules.h"
#include "services/custody/store.h"
#include "services/ledger/record_once.h"
#include "services/ledger/recorder.h"

namespace cellchain::custody {
namespace {

// When location $1 was created (microseconds; an item's registration time
// comes with its lock, LockedItem).
const std::string& SelectLocationCreatedAt() {
  static const std::string* const kSql = new std::string(
      absl::StrCat("SELECT ", pg::MicrosColumn("created_at"),
                   " FROM cellchain_custody.locations WHERE location_id = $1"));
  return *kSql;
}

// The available items (held ones included; not those in transit or ended)
// at location $1 or any location below it, by id.
constexpr char kSelectAvailableAtOrBelow[] =
    "WITH RECURSIVE below(id) AS ("
    "  SELECT $1::text "
    "  UNION ALL "
    "  SELECT l.location_id FROM cellchain_custody.locations l "
    "  JOIN below ON l.parent_id = below.id) "
    "SELECT item_id FROM cellchain_custody.items "
    "WHERE location_id IN (SELECT id FROM below) "
    "AND state = 'available' ORDER BY item_id";

// $1 upload, $2 item or $3 location (the other ''), $4 logger, $5 by whom.
constexpr char kInsertUpload[] =
    "INSERT INTO cellchain_custody.temperature_uploads "
    "(upload_id, item_id, location_id, logger_id, uploaded_by, uploaded_at) "
    "VALUES ($1, nullif($2, ''), nullif($3, ''), $4, $5, now())";

// Upload $1's readings, in order: the arrays $2 (microseconds since the
// epoch) and $3 (degrees Celsius) of ReadingColumns.
constexpr char kInsertReadings[] =
    "INSERT INTO cellchain_custody.temperature_readings "
    "(upload_id, seq, measured_at, celsius) "
    "SELECT $1, r.seq, "
    "  'epoch'::timestamptz + r.micros * interval '1 microsecond', r.celsius "
    "FROM unnest($2::int8[], $3::float8[]) "
    "  WITH ORDINALITY AS r(micros, celsius, seq)";

// For each of the items $2 (IdIn), the first reading of upload $1 out of
// its type's range, with the limits then in force; returns the items
// flagged.
std::string InsertExcursions(const std::vector<std::string>& items) {
  return absl::StrCat(
      "INSERT INTO cellchain_custody.temperature_excursions "
      "(upload_id, item_id, measured_at, celsius, min_celsius, max_celsius) "
      "SELECT DISTINCT ON (i.item_id) $1, i.item_id, "
      "  r.measured_at, r.celsius, t.min_celsius, t.max_celsius "
      "FROM cellchain_custody.items i "
      "JOIN cellchain_custody.temperature_limits t ON t.item_type = i.type "
      "JOIN cellchain_custody.temperature_readings r ON r.upload_id = $1 "
      "WHERE ",
      IdIn("i.item_id", 2, items),
      "  AND (r.celsius < t.min_celsius OR r.celsius > t.max_celsius) "
      "ORDER BY i.item_id, r.seq "
      "RETURNING item_id");
}

// The items $1 (IdIn) flagged.
std::string FlagExcursions(const std::vector<std::string>& items) {
  return absl::StrCat(
      "UPDATE cellchain_custody.items "
      "SET temperature_excursion = true, version = version + 1 WHERE ",
      IdIn("item_id", 1, items));
}

// The range of item type $1 (ItemType): $2 to $3 degrees Celsius.
constexpr char kSetLimit[] =
    "INSERT INTO cellchain_custody.temperature_limits "
    "(item_type, min_celsius, max_celsius) "
    "VALUES ($1, $2, $3) ON CONFLICT (item_type) DO UPDATE "
    "SET min_celsius = EXCLUDED.min_celsius, "
    "max_celsius = EXCLUDED.max_celsius";

}  // namespace

absl::StatusOr<v1::RecordTemperaturesResponse> Custody::RecordTemperatures(
    const auth::Principal& caller,
    const v1::RecordTemperaturesRequest& request) {
  CC_ASSIGN_OR_RETURN(ReadingColumns readings,
                      CheckReadings(request, clock_->Now()));
  return ledger::RecordOnce<v1::RecordTemperaturesResponse>(
      *pool_, *ledger_,
      {kServiceName, "RecordTemperatures", auth::ActorOf(caller)}, request,
      [&](ledger::Recorder& audit,
          v1::RecordTemperaturesResponse& response) -> absl::Status {
        pg::Transaction& tx = audit.tx();
        std::vector<std::string> targets;
        // No reading from before its item (or location) existed.
        int64_t since_micros = 0;
        if (!request.item_id().empty()) {
          CC_ASSIGN_OR_RETURN(LockedItem item, LockItem(tx, request.item_id()));
          CC_RETURN_IF_ERROR(RequireNotEnded(item));
          targets.push_back(request.item_id());
          since_micros = item.registered_micros;
        } else {
          CC_RETURN_IF_ERROR(
              LoadLocation(tx, request.location_id(), "location_id").status());
          CC_ASSIGN_OR_RETURN(
              pg::Result since,
              tx.Exec(SelectLocationCreatedAt(), {request.location_id()}));
          CC_ASSIGN_OR_RETURN(since_micros, since.GetInt64(0, 0));
        }
        CC_RETURN_IF_ERROR(CheckReadingsSince(request, since_micros));
        if (request.item_id().empty()) {
          CC_ASSIGN_OR_RETURN(pg::Result r, tx.Exec(kSelectAvailableAtOrBelow,
                                                    {request.location_id()}));
          for (int row = 0; row < r.rows(); ++row) {
            CC_ASSIGN_OR_RETURN(std::string id, r.GetString(row, 0));
            targets.push_back(std::move(id));
          }
          CC_RETURN_IF_ERROR(LockItems(tx, targets, true).status());
        }
        std::string upload_id = crypto::RandomId("tmp");
        // The upload and its readings deferred: they travel with the
        // excursions' INSERT, which reads them (one round trip for three).
        tx.Defer({kInsertUpload,
                  {upload_id, request.item_id(), request.location_id(),
                   request.logger_id(), caller.user_id}});
        tx.Defer({kInsertReadings, {upload_id, pg::TextArray(readings.micros),
                                    pg::TextArray(readings.celsius)}});
        // The first reading out of an item's range is its excursion.
        CC_ASSIGN_OR_RETURN(
            pg::Result excursions,
            tx.Exec(InsertExcursions(targets), {upload_id, IdsParam(targets)}));
        std::vector<std::string> flagged;
        for (int row = 0; row < excursions.rows(); ++row) {
          CC_ASSIGN_OR_RETURN(std::string id, excursions.GetString(row, 0));
          flagged.push_back(std::move(id));
        }
        std::sort(flagged.begin(), flagged.end());
        if (!flagged.empty()) {
          CC_RETURN_IF_ERROR(
              tx.Exec(FlagExcursions(flagged), {IdsParam(flagged)}).status());
          CC_RETURN_IF_ERROR(RecordItems(
              audit, "item.temperature_excursion", flagged,
              absl::StrCat("temperature upload ", upload_id, " out of range")));
        }
        // The upload is read in its record's own round trip.
        v1::TemperatureUpload upload;
        CC_RETURN_IF_ERROR(
            audit
                .AppendRead("temperature_upload.record", "temperature_upload",
                            upload_id, UploadReads(upload_id),
                            [&](std::span<pg::Result> results,
                                ledger::Event& event) -> absl::Status {
                              CC_ASSIGN_OR_RETURN(
                                  upload, UploadFromReads(results, upload_id));
                              event.after_state = &upload;
                              return absl::OkStatus();
                            })
                .status());
        *response.mutable_upload() = std::move(upload);
        return absl::OkStatus();
      });
}

absl::StatusOr<v1::SetTemperatureLimitsResponse> Custody::SetTemperatureLimits(
    const auth::Principal& caller,
    const v1::SetTemperatureLimitsRequest& request) {
  const v1::TemperatureLimit& limit = request.limit();
  CC_RETURN_IF_ERROR(CheckLimit(limit));
  CC_RETURN_IF_ERROR(RequireReason(request.context(), "changing a limit"));
  return ledger::RecordOnce<v1::SetTemperatureLimitsResponse>(
      *pool_, *ledger_,
      {kServiceName, "SetTemperatureLimits", auth::ActorOf(caller)}, request,
      [&](ledger::Recorder& audit,
          v1::SetTemperatureLimitsResponse& response) -> absl::Status {
        pg::Transaction& tx = audit.tx();
        CC_RETURN_IF_ERROR(
            tx.Exec(kSetLimit, {static_cast<int>(limit.item_type()),
                                limit.min_celsius(), limit.max_celsius()})
                .status());
        CC_ASSIGN_OR_RETURN(v1::TemperatureLimit stored,
                            LoadLimit(tx, limit.item_type()));
        CC_RETURN_IF_ERROR(audit
                               .Append("temperature_limit.set",
                                       "temperature_limit",
                                       v1::ItemType_Name(limit.item_type()),
                                       stored, request.context().reason())
                               .status());
        *response.mutable_limit() = stored;
        return absl::OkStatus();
      });
}

absl::StatusOr<v1::ListTemperatureLimitsResponse>
Custody::ListTemperatureLimits() {
  CC_ASSIGN_OR_RETURN(pg::Pool::Lease lease, pool_->Acquire());
  CC_ASSIGN_OR_RETURN(std::vector<v1::TemperatureLimit> limits,
                      LoadLimits(*lease));
  v1::ListTemperatureLimitsResponse response;
  for (v1::TemperatureLimit& limit : limits) {
    *response.add_limits() = std::move(limit);
  }
  return response;
}

}  // namespace cellchain::custody
