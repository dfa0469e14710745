#include "services/isbt128/scan.h"

#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "services/common/status/status.h"
#include "services/isbt128/digits.h"

namespace cellchain::isbt128 {
namespace {

constexpr std::string_view kCompoundIdentifier = "=+";

using internal::IsDigit;

// The data structure at the start of `rest`: its number and full length, or
// number 0 when the identifier is not one this library reads.
struct Shape {
  int number = 0;
  size_t length = 0;
};

Shape ShapeAt(std::string_view rest) {
  if (rest.size() < 2) return {};
  char first = rest[0];
  char second = rest[1];
  if (first == '=') {
    // 001: the second identifier character is the first FIN character,
    // A-N P-Z 1-9 (ST-001 2.4.1); no other '=' identifier uses one.
    if ((second >= 'A' && second <= 'Z' && second != 'O') ||
        (second >= '1' && second <= '9')) {
      return {1, 16};
    }
    switch (second) {
      case '%':
        return {2, 6};
      case '<':
        return {3, 10};
      case '>':
        return {4, 8};
      case '+':
        return {23, 7};
      default:
        return {};
    }
  }
  if (first == '&') {
    switch (second) {
      case '>':
        return {5, 12};
      case '*':
        return {7, 12};
      case '/':
        return {40, 17};
      default:
        return {};
    }
  }
  return {};
}

std::string Printable(std::string_view s) {
  std::string out;
  for (char c : s.substr(0, 3)) {
    if (c >= 0x20 && c < 0x7f) {
      out.push_back(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned char>(c));
      out += buf;
    }
  }
  return out;
}

absl::StatusOr<DataStructureValue> ParseOne(int number, std::string_view text) {
  switch (number) {
    case 1: {
      CC_ASSIGN_OR_RETURN(DonationIdentification din,
                          ParseDonationIdentification(text));
      return din;
    }
    case 2: {
      std::string content(text.substr(2));
      for (char c : content) {
        bool ok =
            (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || IsDigit(c);
        if (!ok) return InvalidField("blood_groups", "ggre is alphanumeric");
      }
      return BloodGroups{content};
    }
    case 3: {
      CC_ASSIGN_OR_RETURN(ProductCode code, ParseProductCode(text));
      return code;
    }
    case 4: {
      CC_ASSIGN_OR_RETURN(absl::CivilDay day, ParseExpirationDate(text));
      return ExpirationDate{day};
    }
    case 5: {
      CC_ASSIGN_OR_RETURN(absl::CivilMinute at, ParseExpiration(text));
      return Expiration{at};
    }
    case 7: {
      CC_ASSIGN_OR_RETURN(absl::CivilMinute at, ParseCollection(text));
      return Collection{at};
    }
    case 40: {
      CC_ASSIGN_OR_RETURN(ChainOfIdentityId id, ParseChainOfIdentity(text));
      return id;
    }
    default:
      return InvalidField("scan", "unsupported data structure");
  }
}

}  // namespace

absl::StatusOr<std::vector<DataStructure>> ParseScan(std::string_view scan) {
  if (scan.empty()) return InvalidField("scan", "nothing was scanned");
  std::vector<DataStructure> out;
  size_t pos = 0;
  int expected = -1;  // structures announced by a compound header, or -1
  while (pos < scan.size()) {
    std::string_view rest = scan.substr(pos);
    Shape shape = ShapeAt(rest);
    if (shape.number == 0) {
      return InvalidField(
          "scan",
          absl::StrCat("unknown or unsupported data identifier \"",
                       Printable(rest.substr(0, 2)), "\" at offset ", pos));
    }
    if (rest.size() < shape.length) {
      return InvalidField(
          "scan", absl::StrCat("data structure ", shape.number, " at offset ",
                               pos, " is cut short: ", shape.length,
                               " characters expected, ", rest.size(), " left"));
    }
    std::string_view text = rest.substr(0, shape.length);
    if (shape.number == 23) {
      if (pos != 0) {
        return InvalidField("compound",
                            "a compound message header must come first and "
                            "only once");
      }
      std::string_view content = text.substr(2);
      for (char c : content) {
        if (!IsDigit(c)) {
          return InvalidField("compound", "compound header is \"=+aabbb\"");
        }
      }
      expected = (content[0] - '0') * 10 + (content[1] - '0');
      if (expected == 0) {
        return InvalidField("compound.count",
                            "a compound message holds at least one structure");
      }
      if (content.substr(2) != "000") {
        return WithReason(
            absl::UnimplementedError(
                "specified-sequence compound messages (ICCBBA table RT017) "
                "are not supported; only bbb = 000"),
            "COMPOUND_SEQUENCE_UNSUPPORTED");
      }
      pos += shape.length;
      continue;
    }
    CC_ASSIGN_OR_RETURN(DataStructureValue value, ParseOne(shape.number, text));
    out.push_back(
        DataStructure{shape.number, std::string(text), std::move(value)});
    pos += shape.length;
  }
  if (expected >= 0 && static_cast<int>(out.size()) != expected) {
    return InvalidField(
        "compound.count",
        absl::StrCat("compound message announces ", expected,
                     " data structures, ", out.size(), " follow"));
  }
  return out;
}

absl::StatusOr<std::string> EncodeCompound(
    const std::vector<std::string>& data_structures) {
  if (data_structures.empty() || data_structures.size() > 99) {
    return InvalidField("compound.count",
                        "a compound message holds 1 to 99 data structures");
  }
  char header[32];
  std::snprintf(header, sizeof header, "=+%02zu000", data_structures.size());
  std::string out = header;
  for (const std::string& ds : data_structures) {
    Shape shape = ShapeAt(ds);
    if (shape.number == 0 || shape.number == 23 || ds.size() != shape.length) {
      return InvalidField("compound",
                          absl::StrCat("\"", ds,
                                       "\" is not one data structure this "
                                       "library reads"));
    }
    CC_RETURN_IF_ERROR(ParseOne(shape.number, ds).status());
    out += ds;
  }
  return out;
}

}  // namespace cellchain::isbt128
