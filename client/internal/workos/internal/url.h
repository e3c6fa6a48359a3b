// Percent-decoding, shared inside this project and never installed: the client library's
// QueryParam and the conformance suite's drift recorder read query strings and form bodies with
// this one decoder. Encoding is public: workos::UrlEncode in workos/http.h.
#pragma once

#include <string>

namespace workos::internal {

// "a%20b+c" -> "a b c": each %XX (two hex digits) becomes its byte and '+' a space, as in
// application/x-www-form-urlencoded; a '%' without two hex digits after it is kept as it is.
std::string PercentDecode(const std::string& s);

}  // namespace workos::internal
