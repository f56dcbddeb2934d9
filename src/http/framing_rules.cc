#include "http/framing_rules.h"

#include <boost/beast/core/string.hpp>
#include <boost/container/small_vector.hpp>
#include <cstring>
#include <string>

#include "http/field_value.h"

namespace dc::http {

namespace {

bool IsChunked(std::string_view coding) { return boost::beast::iequals(coding, "chunked"); }

// Every field's value, split on commas; empty list elements are allowed
// and skipped (RFC 9110 §5.6.1).
boost::container::small_vector<std::string_view, 4> CodingsOf(const HeaderValues& fields) {
  boost::container::small_vector<std::string_view, 4> codings;
  for (std::string_view value : fields) {
    while (!value.empty()) {
      const size_t comma = value.find(',');
      const std::string_view element = TrimOws(value.substr(0, comma));
      if (!element.empty()) codings.push_back(element);
      value = comma == std::string_view::npos ? std::string_view() : value.substr(comma + 1);
    }
  }
  return codings;
}

Status CheckTransferEncoding(const HeaderValues& fields, bool has_content_length) {
  if (has_content_length) {
    return Status::InvalidArgument(
        "a request may carry Transfer-Encoding or Content-Length, not both");
  }
  const auto codings = CodingsOf(fields);
  if (codings.empty() || !IsChunked(codings.back())) {
    const std::string last = codings.empty() ? "" : std::string(codings.back());
    return Status::InvalidArgument(
        "Transfer-Encoding must end with chunked (or send Content-Length instead), got '" + last +
        "'");
  }
  for (size_t i = 0; i + 1 < codings.size(); ++i) {
    if (IsChunked(codings[i])) {
      return Status::InvalidArgument("Transfer-Encoding lists chunked more than once");
    }
  }
  if (codings.size() > 1) {
    return Status::NotImplemented("Transfer-Encoding '" + std::string(codings.front()) +
                                  "' is not implemented: send the body chunked alone, or use "
                                  "Content-Encoding");
  }
  return Status::Ok();
}

// A host, or an IP literal, with an optional port: no whitespace, path,
// query, fragment or user information.
bool IsValidHost(std::string_view host) {
  for (const char c : host) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte >= 0x7f || std::strchr("/?#@\\\"<>{}|^`", c) != nullptr) {
      return false;
    }
  }
  return true;
}

Status CheckHost(const HeaderValues& hosts, unsigned version) {
  if (hosts.size() > 1) return Status::InvalidArgument("a request may carry one Host header only");
  if (hosts.empty()) {
    if (version >= 11) return Status::InvalidArgument("an HTTP/1.1 request must carry Host");
    return Status::Ok();
  }
  if (!IsValidHost(hosts.front())) {
    return Status::InvalidArgument("Host must be a host name or address with an optional port");
  }
  return Status::Ok();
}

}  // namespace

Status CheckFraming(const HeaderLookup& headers, unsigned version, bool has_content_length) {
  if (const HeaderValues codings = headers.GetAll("transfer-encoding"); !codings.empty()) {
    if (Status checked = CheckTransferEncoding(codings, has_content_length); !checked.ok()) {
      return checked;
    }
  }
  return CheckHost(headers.GetAll("host"), version);
}

std::string_view OriginForm(std::string_view target) {
  if (target.empty() || target.front() == '/') return target;
  const size_t scheme_end = target.find("://");
  if (scheme_end == std::string_view::npos) return target;
  const std::string_view scheme = target.substr(0, scheme_end);
  if (!boost::beast::iequals(scheme, "http") && !boost::beast::iequals(scheme, "https")) {
    return target;
  }
  const size_t path = target.find_first_of("/?#", scheme_end + 3);
  if (path == std::string_view::npos || target[path] != '/') return "/";
  return target.substr(path);
}

size_t LeadingEmptyLines(std::string_view data) {
  size_t skipped = 0;
  while (data.substr(skipped, 2) == "\r\n") skipped += 2;
  return skipped;
}

std::string_view HeadPart(std::string_view pending) {
  // The parser takes whole lines, so only a head's last CRLF can begin it.
  if (pending.substr(0, 2) == "\r\n") return pending.substr(0, 2);
  const size_t end = pending.find("\r\n\r\n");
  return end == std::string_view::npos ? pending : pending.substr(0, end + 4);
}

bool HasBareLineFeed(std::string_view data) {
  for (size_t at = data.find('\n'); at != std::string_view::npos; at = data.find('\n', at + 1)) {
    if (at == 0 || data[at - 1] != '\r') return true;
  }
  return false;
}

Status CheckChunkFraming(std::string_view pending, uint64_t framing, const ChunkLimits& limits) {
  if (framing > limits.framing) {
    return Status::InvalidArgument(
        "chunked body framing (chunk-size lines, extensions, trailers) larger than " +
        std::to_string(limits.framing) + " bytes");
  }
  if (HasBareLineFeed(pending)) {
    return Status::InvalidArgument("chunked body lines must end in CRLF, not LF alone");
  }
  // The CRLF after a chunk's data is taken with the line that follows it.
  const std::string_view line = pending.substr(0, 2) == "\r\n" ? pending.substr(2) : pending;
  const size_t line_end = line.find("\r\n");
  const size_t line_length = line_end == std::string_view::npos ? line.size() : line_end + 2;
  if (line_length > limits.line) {
    return Status::InvalidArgument("chunk-size line (with its extensions) longer than " +
                                   std::to_string(limits.line) + " bytes");
  }
  // A whole line the parser left is the last chunk's: trailers follow it.
  if (line_end != std::string_view::npos && pending.size() > limits.trailers) {
    return Status::InvalidArgument("chunked body trailers larger than " +
                                   std::to_string(limits.trailers) + " bytes");
  }
  return Status::Ok();
}

}  // namespace dc::http
