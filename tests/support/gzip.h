#pragma once

#include <cstddef>
#include <string>

namespace dc::testing {

// `text` gzip-coded (one member), as `gzip` or curl's --compressed sends it.
std::string GzipText(const std::string& text);

// `mebibytes` MiB of zeros, gzip-coded, deflated one MiB at a time so that
// the test never holds the decoded bytes: a gzip bomb of about a thousandth
// of its decoded size.
std::string GzipZeros(size_t mebibytes);

}  // namespace dc::testing
