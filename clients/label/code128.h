// How a Code 128 symbol encodes a string: the code sets it uses where, as
// both the ZPL writer (which spells them out with ^BC invocation codes so
// that the printer encodes exactly this) and the layout (which needs the
// symbol's width before anything is drawn) see it.
//
// The plan is the usual one for short alphanumeric data: subset B, with
// subset C (two digits per symbol character) for a run of at least 4
// digits at the start or end of the data, or of at least 6 inside it; an
// odd run leaves its first digit in B. ISBT 128 data is what this is for:
// "=A99992112345600" becomes B "=A", C "99992112345600".
//
// Thread-safety: pure functions and values.
#ifndef CELLCHAIN_CLIENTS_LABEL_CODE128_H_
#define CELLCHAIN_CLIENTS_LABEL_CODE128_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace cellchain::label {

struct Code128Segment {
  bool subset_c = false;  // else subset B
  std::string data;       // the characters it encodes; even digits in C
};

struct Code128Plan {
  std::vector<Code128Segment> segments;
  // Symbol characters: start, data, code set switches, check; the stop
  // pattern is counted in Modules().
  int symbol_characters = 0;
  // The symbol's width in modules, quiet zones not included: 11 per symbol
  // character and 13 for the stop pattern.
  int Modules() const { return symbol_characters * 11 + 13; }
};

// INVALID_ARGUMENT (field "code128"): empty, or a character outside printable
// ASCII (0x20-0x7E), which would need subset A; no ISBT 128 data has one.
absl::StatusOr<Code128Plan> PlanCode128(std::string_view data);

}  // namespace cellchain::label

#endif  // CELLCHAIN_CLIENTS_LABEL_CODE128_H_
