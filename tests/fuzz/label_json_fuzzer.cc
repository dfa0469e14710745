// Fuzz target: a label as `cellchain-label render|print --from-json FILE`
// reads it (clients/label/command.cc): JSON into a cellchain.labels.v1.Label
// by protobuf's JSON parser, unknown fields refused, then the label's
// checks (label_check.h) and its ZPL II (render.h), which is what goes to
// the printer. Besides "no crash", it checks:
//   - CheckLabel refuses with INVALID_ARGUMENT or UNIMPLEMENTED only;
//   - a label CheckLabel passes renders to ZPL at both resolutions, unless
//     its text does not fit the stock (INVALID_ARGUMENT, field "text"): one
//     label format from ^XA to ^XZ, plain ASCII whatever the label's text
//     (field data escaped, so no text can inject a printer command); a
//     label it refuses does not render.
// The seeds are the sample labels of every type (clients/label/
// sample_labels.cc) as protobuf writes them in JSON.

#include <google/protobuf/stubs/logging.h>
#include <google/protobuf/util/json_util.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "cellchain/labels/v1/labels.pb.h"
#include "clients/label/label_check.h"
#include "clients/label/render.h"
#include "services/common/status/status.h"
#include "tests/fuzz/fuzz_check.h"

namespace label = cellchain::label;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string json(reinterpret_cast<const char*>(data), size);
  google::protobuf::LogSilencer quiet;
  cellchain::labels::v1::Label parsed;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;  // as ReadLabel
  if (!google::protobuf::util::JsonStringToMessage(json, &parsed, options)
           .ok()) {
    return 0;
  }
  absl::Status checked = label::CheckLabel(parsed);
  for (int dpi : {203, 300}) {
    absl::StatusOr<std::string> zpl =
        label::Render(parsed, label::Format::kZpl, dpi);
    if (!checked.ok()) {
      FUZZ_CHECK(checked.code() == absl::StatusCode::kInvalidArgument ||
                     checked.code() == absl::StatusCode::kUnimplemented,
                 "CheckLabel refuses with INVALID_ARGUMENT or UNIMPLEMENTED");
      FUZZ_CHECK(!zpl.ok(), "a label CheckLabel refuses does not render");
      continue;
    }
    if (!zpl.ok()) {
      // layout.h: text that does not fit the label's stock is refused.
      FUZZ_CHECK(zpl.status().code() == absl::StatusCode::kInvalidArgument &&
                     cellchain::FieldOf(zpl.status()) == "text",
                 "a checked label renders to ZPL unless its text does not fit");
      continue;
    }
    std::string_view text = *zpl;
    FUZZ_CHECK(text.starts_with("^XA") && text.rfind("^XA") == 0 &&
                   text.find("^XZ") != std::string_view::npos &&
                   text.find("^XZ") == text.rfind("^XZ"),
               "the ZPL is one label format, ^XA to ^XZ");
    for (char c : text) {
      FUZZ_CHECK(c == '\n' || (c >= 0x20 && c <= 0x7e),
                 "the ZPL is plain ASCII whatever the text (zpl.h)");
    }
  }
  return 0;
}
