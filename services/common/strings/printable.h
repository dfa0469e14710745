// Printable: text from other people made safe for a terminal or a log line.
// Names and free text come from the server and were typed by other people
// (before issue 23 the server stored control characters); a bundle given
// to cellchain-verify is untrusted. A printed ESC can rewrite the screen, a
// CR or LF forge a table or log line. Every value the clients print in a
// line or a table, and every log value, goes through Printable():
//   \n \r \t \\           for LF, CR, TAB and the backslash itself;
//   \xNN                  for every other C0 control, DEL, and each byte
//                         that is not part of valid UTF-8;
//   \u{NNNN}              for C1 controls (U+0080–U+009F) and U+2028/9;
// everything else (printable ASCII, valid UTF-8 text) unchanged.
// Thread-safety: a pure function.
#ifndef CELLCHAIN_SERVICES_COMMON_STRINGS_PRINTABLE_H_
#define CELLCHAIN_SERVICES_COMMON_STRINGS_PRINTABLE_H_

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace cellchain {

// The length of the valid UTF-8 sequence at text[i] and its code point, or
// 0 when the bytes there are not one.
inline size_t Utf8Sequence(std::string_view text, size_t i, uint32_t* cp) {
  auto at = [&](size_t k) -> unsigned {
    return k < text.size() ? static_cast<unsigned char>(text[k]) : 0x100u;
  };
  auto cont = [&](size_t k, unsigned lo = 0x80, unsigned hi = 0xBF) {
    return at(k) >= lo && at(k) <= hi;
  };
  unsigned b = at(i);
  if (b < 0x80) {
    *cp = b;
    return 1;
  }
  if (b >= 0xC2 && b <= 0xDF && cont(i + 1)) {
    *cp = ((b & 0x1Fu) << 6) | (at(i + 1) & 0x3Fu);
    return 2;
  }
  if (b >= 0xE0 && b <= 0xEF &&
      cont(i + 1, b == 0xE0 ? 0xA0 : 0x80, b == 0xED ? 0x9F : 0xBF) &&
      cont(i + 2)) {
    *cp =
        ((b & 0x0Fu) << 12) | ((at(i + 1) & 0x3Fu) << 6) | (at(i + 2) & 0x3Fu);
    return 3;
  }
  if (b >= 0xF0 && b <= 0xF4 &&
      cont(i + 1, b == 0xF0 ? 0x90 : 0x80, b == 0xF4 ? 0x8F : 0xBF) &&
      cont(i + 2) && cont(i + 3)) {
    *cp = ((b & 0x07u) << 18) | ((at(i + 1) & 0x3Fu) << 12) |
          ((at(i + 2) & 0x3Fu) << 6) | (at(i + 3) & 0x3Fu);
    return 4;
  }
  return 0;
}

inline std::string Printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  char buffer[16];
  for (size_t i = 0; i < text.size();) {
    uint32_t cp = 0;
    size_t n = Utf8Sequence(text, i, &cp);
    if (n == 0) {
      std::snprintf(buffer, sizeof(buffer), "\\x%02x",
                    static_cast<unsigned char>(text[i]));
      out += buffer;
      ++i;
      continue;
    }
    if (cp == '\n') {
      out += "\\n";
    } else if (cp == '\r') {
      out += "\\r";
    } else if (cp == '\t') {
      out += "\\t";
    } else if (cp == '\\') {
      out += "\\\\";
    } else if (cp < 0x20 || cp == 0x7F) {
      std::snprintf(buffer, sizeof(buffer), "\\x%02x", cp);
      out += buffer;
    } else if ((cp >= 0x80 && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029) {
      std::snprintf(buffer, sizeof(buffer), "\\u{%04x}", cp);
      out += buffer;
    } else {
      out.append(text.substr(i, n));
    }
    i += n;
  }
  return out;
}

}  // namespace cellchain

#endif  // CELLCHAIN_SERVICES_COMMON_STRINGS_PRINTABLE_H_
