// FillFromRow: one result row into a protobuf message, column by field
// name, so that a service reads an entity with one SELECT whose columns are
// named as its proto's fields (`coalesce(x, '') AS field` is not needed: a
// NULL leaves the field unset).
//
//   CC_ASSIGN_OR_RETURN(pg::Result r, conn.Exec(
//       "SELECT hold_id, reason, " + pg::MicrosColumn("placed_at") + " ..."));
//   v1::Hold hold;
//   CC_RETURN_IF_ERROR(pg::FillFromRow(r, 0, hold));
//
// Each singular field whose name is a column of the result is set from it:
// string (text), bool, int32/int64/uint32/uint64, double/float, enum (the
// column holds the number), and google.protobuf.Timestamp (the column holds
// microseconds since the epoch, as MicrosColumn selects it). Other fields —
// repeated ones, other messages — are left to the caller, and so are
// columns no field is named after.
//
// Thread-safety: pure functions.
#ifndef CELLCHAIN_SERVICES_COMMON_PG_PROTO_ROW_H_
#define CELLCHAIN_SERVICES_COMMON_PG_PROTO_ROW_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "google/protobuf/message.h"
#include "services/common/pg/params.h"
#include "services/common/pg/result.h"
#include "services/common/status/status.h"

namespace cellchain::pg {

// "(extract(epoch FROM <column>) * 1000000)::int8 AS <as>" (as = column when
// empty): a timestamptz as exact microseconds for FillFromRow. NULL stays
// NULL.
std::string MicrosColumn(std::string_view column, std::string_view as = "");

// INTERNAL naming the column when a value does not parse as its field's
// type (a schema and a proto that disagree), or when an enum column holds a
// number the enum does not define.
absl::Status FillFromRow(const Result& result, int row,
                         google::protobuf::Message& message);

// Every row `sql` selects with `params`, each filled into a Proto by
// FillFromRow and then by `rest(result, row, proto)` (returning
// absl::Status), which fills what FillFromRow leaves to the caller: repeated
// fields, nested messages. `Executor` is a Connection or a Transaction.
// Errors: those of Exec, of FillFromRow and of `rest`.
template <typename Proto, typename Executor, typename Rest>
absl::StatusOr<std::vector<Proto>> LoadRows(Executor& executor,
                                            const std::string& sql,
                                            const Params& params, Rest rest) {
  absl::StatusOr<Result> r = executor.Exec(sql, params);
  if (!r.ok()) return r.status();
  std::vector<Proto> out(r->rows());
  for (int row = 0; row < r->rows(); ++row) {
    absl::Status filled = FillFromRow(*r, row, out[row]);
    if (filled.ok()) filled = rest(*r, row, out[row]);
    if (!filled.ok()) return filled;
  }
  return out;
}

// The same with nothing but FillFromRow.
template <typename Proto, typename Executor>
absl::StatusOr<std::vector<Proto>> LoadRows(Executor& executor,
                                            const std::string& sql,
                                            const Params& params = {}) {
  return LoadRows<Proto>(executor, sql, params, [](const Result&, int, Proto&) {
    return absl::OkStatus();
  });
}

// The first row `sql` selects with `id` as $1, filled as LoadRows fills it;
// NOT_FOUND naming `what`, `id` and `reason` (status.h NotFound) when there
// is none.
template <typename Proto, typename Executor, typename Rest>
absl::StatusOr<Proto> LoadFirstRow(Executor& executor, const std::string& sql,
                                   const std::string& id, std::string_view what,
                                   std::string_view reason, Rest rest) {
  absl::StatusOr<std::vector<Proto>> rows =
      LoadRows<Proto>(executor, sql, {id}, rest);
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return NotFound(what, id, reason);
  return std::move(rows->front());
}

}  // namespace cellchain::pg

#endif  // CELLCHAIN_SERVICES_COMMON_PG_PROTO_ROW_H_
