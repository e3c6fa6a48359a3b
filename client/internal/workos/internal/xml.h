// XML 1.0 escaping for the JUnit files this project writes (the conformance suite's drift report,
// `workos-client golive --junit`): one escaper, shared inside this project and never installed.
// Header-only so that the SDK library itself carries none of it.
#pragma once

#include <cstddef>
#include <string>

namespace workos::internal {

// Text safe in an XML 1.0 attribute value or element: &, <, >, " and ' become entities; newline
// and tab become character references (kept, even in attributes); other control characters and
// DEL, which XML 1.0 cannot carry (or should not), are dropped; bytes that are not valid UTF-8
// become '?', so that the file stays readable as the UTF-8 it declares.
inline std::string XmlEscape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      case '\n':
        out += "&#10;";
        break;
      case '\t':
        out += "&#9;";
        break;
      default:
        if (c < 0x20 || c == 0x7f) break;  // not allowed in XML 1.0 (or unhelpful)
        out += static_cast<char>(c);
    }
  }
  // Invalid UTF-8 would make the file unreadable; replace stray bytes.
  std::string clean;
  for (size_t i = 0; i < out.size();) {
    const unsigned char c = static_cast<unsigned char>(out[i]);
    size_t len = c < 0x80           ? 1
                 : (c >> 5) == 0x6  ? 2
                 : (c >> 4) == 0xE  ? 3
                 : (c >> 3) == 0x1E ? 4
                                    : 0;
    bool ok = len > 0 && i + len <= out.size();
    for (size_t k = 1; ok && k < len; ++k) {
      ok = (static_cast<unsigned char>(out[i + k]) & 0xC0) == 0x80;
    }
    if (ok) {
      clean.append(out, i, len);
      i += len;
    } else {
      clean += "?";
      ++i;
    }
  }
  return clean;
}

}  // namespace workos::internal
