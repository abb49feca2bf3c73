// Percent-encoding as AWS Signature Version 4 defines it: every byte except
// the unreserved characters A-Z a-z 0-9 - . _ ~ becomes %XY (upper-case hex).
#pragma once

#include <string>
#include <string_view>

namespace snaplake::s3 {

// `keep_slash` leaves '/' as is (object keys in a path).
std::string UriEncode(std::string_view text, bool keep_slash = false);

// Decodes %XY escapes; malformed escapes are kept literally. '+' stays '+'.
std::string UriDecode(std::string_view text);

}  // namespace snaplake::s3
