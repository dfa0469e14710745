// What a service's store (services/<ctx>/store.cc) needs to read its
// snapshots beyond FillFromRow, written once so that each store holds only
// its SQL and its own Rest overloads:
//
//   RowLoader  pg::LoadRows and pg::LoadFirstRow bound to the store's
//              `rest` (what FillFromRow leaves: repeated fields, nested
//              messages), so the store does not wrap both itself;
//   CsvColumn  a text[] column selected as `array_to_string(x, ',') AS
//              x_csv`, split back into its elements (they are identifiers
//              and codes, never holding a comma).
//
//   constexpr pg::RowLoader kRows{
//       [](const pg::Result& r, int row, auto& proto) {
//         return Rest(r, row, proto);
//       }};
//   kRows.All<v1::Dose>(executor, sql, {order_id});
//   kRows.First<v1::Dose>(executor, sql, id, "dose", kReasonDoseNotFound);
//   kRows.First<v1::Dose>(pipeline_results[1], id, "dose", kReasonDoseNotFound);
//
// Thread-safety: a RowLoader is immutable and each call uses only the
// executor passed in; CsvColumn is a pure function.
#ifndef CELLCHAIN_SERVICES_COMMON_PG_STORE_ROWS_H_
#define CELLCHAIN_SERVICES_COMMON_PG_STORE_ROWS_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_split.h"
#include "services/common/pg/params.h"
#include "services/common/pg/proto_row.h"
#include "services/common/pg/result.h"

namespace cellchain::pg {

template <typename Rest>
struct RowLoader {
  Rest rest;

  // Every row `sql` selects with `params`. Errors: as pg::LoadRows.
  template <typename Proto, typename Executor>
  absl::StatusOr<std::vector<Proto>> All(Executor& executor,
                                         const std::string& sql,
                                         const Params& params) const {
    absl::StatusOr<Result> r = executor.Exec(sql, params);
    if (!r.ok()) return r.status();
    return All<Proto>(*r);
  }

  // The first row `sql` selects with `id` as $1. NOT_FOUND naming `what`,
  // `id` and `reason` when there is none; otherwise as pg::LoadRows.
  template <typename Proto, typename Executor>
  absl::StatusOr<Proto> First(Executor& executor, const std::string& sql,
                              const std::string& id, std::string_view what,
                              std::string_view reason) const {
    absl::StatusOr<Result> r = executor.Exec(sql, {id});
    if (!r.ok()) return r.status();
    return First<Proto>(*r, id, what, reason);
  }

  // The same for a result already read: one statement of a pipeline
  // (ExecPipeline, Ledger::AppendRead), so that a store can send its reads
  // in one round trip with others.
  template <typename Proto>
  absl::StatusOr<std::vector<Proto>> All(const Result& result) const {
    std::vector<Proto> out(result.rows());
    for (int row = 0; row < result.rows(); ++row) {
      absl::Status filled = FillFromRow(result, row, out[row]);
      if (filled.ok()) filled = rest(result, row, out[row]);
      if (!filled.ok()) return filled;
    }
    return out;
  }
  template <typename Proto>
  absl::StatusOr<Proto> First(const Result& result, const std::string& id,
                              std::string_view what,
                              std::string_view reason) const {
    absl::StatusOr<std::vector<Proto>> rows = All<Proto>(result);
    if (!rows.ok()) return rows.status();
    if (rows->empty()) return NotFound(what, id, reason);
    return std::move(rows->front());
  }
};
template <typename Rest>
RowLoader(Rest) -> RowLoader<Rest>;

// The elements of `column` in `row`: none when it is NULL or empty.
// INTERNAL when there is no such column.
inline absl::StatusOr<std::vector<std::string>> CsvColumn(
    const Result& result, int row, std::string_view column) {
  absl::StatusOr<int> index = result.ColumnIndex(column);
  if (!index.ok()) return index.status();
  if (result.IsNull(row, *index)) return std::vector<std::string>();
  absl::StatusOr<std::string> csv = result.GetString(row, *index);
  if (!csv.ok()) return csv.status();
  if (csv->empty()) return std::vector<std::string>();
  return std::vector<std::string>(absl::StrSplit(*csv, ','));
}

}  // namespace cellchain::pg

#endif  // CELLCHAIN_SERVICES_COMMON_PG_STORE_ROWS_H_
