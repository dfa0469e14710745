// What a technician at the label station types or scans, read into what the
// services take. A keyboard-wedge scanner "types" the bar code's data and
// then Enter, so a scan arrives as one line of stdin; some scanners are set
// to send an AIM symbology identifier first ("]C0" for Code 128, "]d2" for
// Data Matrix) and a CR before the LF. Neither is part of the label's data,
// and the labels service compares scans byte for byte, so both are removed
// here — and nothing else: what remains is sent exactly as read.
//
// Thread-safety: pure functions.
#ifndef CELLCHAIN_CLIENTS_LABEL_SCAN_INPUT_H_
#define CELLCHAIN_CLIENTS_LABEL_SCAN_INPUT_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace cellchain::label {

// `line` without its trailing CR/LF characters and without a leading AIM
// symbology identifier (']', a letter, one more character).
std::string CleanScanLine(std::string_view line);

// How the station names the item a label is for.
struct ItemInput {
  enum class Kind {
    kItemId,  // custody's id, "itm_...": used as is
    kScan,    // ISBT 128 data to look the item up with (FindItemByScan)
  };
  Kind kind = Kind::kItemId;
  std::string value;
};

// An item id ("itm_..."); a DIN in any form isbt128::ParseDinText takes
// (13 characters, with its check character, the eye-readable text, data
// structure 001 as scanned), turned into the 001 structure with flags "00"
// (custody then finds the donation's item that has no product code); or
// other scanned ISBT 128 data (it starts with '=' or '&': a DIN followed by
// a product code, a compound message), passed on as scanned. Surrounding
// white space and a scanner's AIM identifier are dropped first.
// INVALID_ARGUMENT (field "item"): empty, or none of these; a DIN whose
// check character does not match is refused as ParseDinText refuses it.
absl::StatusOr<ItemInput> ParseItemInput(std::string_view text);

// The 13 characters of a DIN typed or scanned in any form ParseDinText
// takes. INVALID_ARGUMENT (field "din") otherwise.
absl::StatusOr<std::string> ParseDinInput(std::string_view text);

}  // namespace cellchain::label

#endif  // CELLCHAIN_CLIENTS_LABEL_SCAN_INPUT_H_
