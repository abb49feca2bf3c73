// Just enough XML for S3's replies (ListObjectsV2, multipart, errors): the
// replies are flat, machine-written documents, so elements are found by tag
// without a general parser. Text is returned unescaped.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace snaplake::s3 {

// Inner XML of every <tag>...</tag> in `xml`, in order (tags of that name must not nest).
std::vector<std::string_view> XmlElements(std::string_view xml, std::string_view tag);

// Unescaped text of the first <tag>, or "" when absent.
std::string XmlText(std::string_view xml, std::string_view tag);

std::string XmlEscape(std::string_view text);
std::string XmlUnescape(std::string_view text);

}  // namespace snaplake::s3
