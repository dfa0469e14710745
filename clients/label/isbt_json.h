// The JSON that `cellchain-label isbt parse` prints: a scanned string's ISBT
// 128 data structures, each with its decoded fields. Values are written by
// nlohmann-json (decision 0016), so any text a scan carries comes out as
// valid JSON (RFC 8259) that parses back to the same text; the layout (one
// data structure a line, a space after every ':' and ',') is ours and is
// what scripts reading the output have always seen.
//
// Thread-safety: a pure function.
#ifndef CELLCHAIN_CLIENTS_LABEL_ISBT_JSON_H_
#define CELLCHAIN_CLIENTS_LABEL_ISBT_JSON_H_

#include <string>
#include <vector>

#include "services/isbt128/scan.h"

namespace cellchain::label {

// {"compound_message": ..., "data_structures": [...]} followed by a newline.
// Each data structure has "number" (three digits), "data" (as scanned),
// "name", its decoded fields, and "eye_readable" when it has one. Text that
// is not UTF-8 is written with U+FFFD for each bad byte.
std::string ScanJson(bool compound_message,
                     const std::vector<isbt128::DataStructure>& structures);

}  // namespace cellchain::label

#endif  // CELLCHAIN_CLIENTS_LABEL_ISBT_JSON_H_
