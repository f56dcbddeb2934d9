#include "http/response_head.h"

#include <boost/beast/http/status.hpp>
#include <charconv>
#include <string_view>

#include "http/http_date.h"

namespace dc::http {
namespace {

void AppendField(std::string& out, std::string_view name, std::string_view value) {
  out.append(name);
  out.append(": ");
  out.append(value);
  out.append("\r\n");
}

}  // namespace

void FormatResponseHead(const Response& response, const Framing& framing, std::string& out) {
  // Beast's generic serializer walks a list of per-field buffers through
  // several layers of buffer-sequence adaptors; for a response this small
  // the formatting and those iterators cost more than the bytes. Written
  // here instead, in the same order and spelling, into one buffer.
  const unsigned code = static_cast<unsigned>(response.status);
  char status_line[] = "HTTP/1.1 200 ";
  status_line[5] = static_cast<char>('0' + framing.version / 10 % 10);
  status_line[7] = static_cast<char>('0' + framing.version % 10);
  status_line[9] = static_cast<char>('0' + code / 100 % 10);
  status_line[10] = static_cast<char>('0' + code / 10 % 10);
  status_line[11] = static_cast<char>('0' + code % 10);
  out.assign(status_line, sizeof status_line - 1);
  out.append(boost::beast::http::obsolete_reason(static_cast<boost::beast::http::status>(code)));
  out.append("\r\n");
  AppendField(out, "Server", "datacooee");
  AppendField(out, "Date", HttpDateNow());
  if (!response.content_type.empty()) AppendField(out, "Content-Type", response.content_type);
  for (const auto& [name, value] : response.headers) AppendField(out, name, value);
  // HTTP/1.1 connections persist unless closed; HTTP/1.0 ones only when
  // the response says so.
  if (framing.version >= 11 && !framing.keep_alive) AppendField(out, "Connection", "close");
  if (framing.version < 11 && framing.keep_alive) AppendField(out, "Connection", "keep-alive");
  char length[24];
  const auto end = std::to_chars(length, length + sizeof length, response.body.size()).ptr;
  AppendField(out, "Content-Length", std::string_view(length, static_cast<size_t>(end - length)));
  out.append("\r\n");
}

}  // namespace dc::http
