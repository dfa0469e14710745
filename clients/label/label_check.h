// The checks a label's content passes before anything is rendered from it.
// The labels service decides the content; the client checks it again
// because a label is the last place an error can still be stopped: a bar
// code whose text under it says something else, a check character that
// does not match the DIN, a Data Matrix that disagrees with the linear
// codes, or a patient's data on a container that is not the patient's dose
// would each be printed, applied and believed.
//
// Rules (every one names its field on refusal):
//   - type set; item_id 1-64 of A-Z a-z 0-9 '_' '-'.
//   - every ISBT 128 code present holds exactly its data structure (001,
//     003, 005, 007, 040), its eye_readable is isbt128::EyeReadableOf(data)
//     and its check_character that function's K (empty where it has none);
//     a code absent has all three empty.
//   - 001 on every label, with flags 00 or Type 3. Type 1 and 2 flags are
//     printed rotated beside the DIN, which the renderer does not do yet.
//   - the compound message (023, undefined sequence) on every label, holding
//     exactly the structures present, each once, in any order.
//   - product_name on every label; per type: dose bag — product code,
//     expiration, chain of identity, cells and volume, storage, route,
//     investigational statement, subject id, date of birth; cryovial —
//     product code, cells and volume, storage; tissue container —
//     collection, storage.
//   - chain of identity, route, subject id and date of birth on a dose bag
//     only.
//   - text: one line of valid UTF-8 without control characters, at most 200
//     bytes; at most 12 detail lines; subject_id 1-32 of A-Z 0-9 '-';
//     date_of_birth a real date YYYY-MM-DD.
//
// Thread-safety: pure functions.
#ifndef CELLCHAIN_CLIENTS_LABEL_LABEL_CHECK_H_
#define CELLCHAIN_CLIENTS_LABEL_LABEL_CHECK_H_

#include "absl/status/status.h"
#include "cellchain/labels/v1/labels.pb.h"

namespace cellchain::label {

// OK, or INVALID_ARGUMENT naming the field (its proto path, e.g.
// "isbt128.product_code.eye_readable", "text.subject_id"), or
// UNIMPLEMENTED for Type 1 or 2 DIN flags.
absl::Status CheckLabel(const cellchain::labels::v1::Label& label);

}  // namespace cellchain::label

#endif  // CELLCHAIN_CLIENTS_LABEL_LABEL_CHECK_H_
