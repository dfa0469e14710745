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
//
// Thread-safety: a RowLoader is immutable and each call uses only the
// executor passed in; CsvColumn is a pure function.
#ifndef CELLCHAIN_SERVICES_COMMON_PG_STORE_ROWS_H_
#define CELLCHAIN_SERVICES_COMMON_PG_STORE_ROWS_H_

#include <string>
#include <string_view>
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
    return LoadRows<Proto>(executor, sql, params, rest);
  }

  // The first row `sql` selects with `id` as $1. NOT_FOUND naming `what`,
  // `id` and `reason` when there is none; otherwise as pg::LoadRows.
  template <typename Proto, typename Executor>
  absl::StatusOr<Proto> First(Executor& executor, const std::string& sql,
                              const std::string& id, std::string_view what,
                              std::string_view reason) const {
    return LoadFirstRow<Proto>(executor, sql, id, what, reason, rest);
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
