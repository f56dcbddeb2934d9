#include "common/status.h"

namespace dc {

int HttpStatusOf(Status::Code code) {
  switch (code) {
    case Status::Code::kOk:
      return 200;
    case Status::Code::kInvalidArgument:
      return 400;
    case Status::Code::kUnauthenticated:
      return 401;
    case Status::Code::kPermissionDenied:
      return 403;
    case Status::Code::kNotFound:
      return 404;
    case Status::Code::kMethodNotAllowed:
      return 405;
    case Status::Code::kConflict:
      return 409;
    case Status::Code::kPayloadTooLarge:
      return 413;
    case Status::Code::kUriTooLong:
      return 414;
    case Status::Code::kUnsupportedMediaType:
      return 415;
    case Status::Code::kHeaderTooLarge:
      return 431;
    case Status::Code::kInternal:
      return 500;
    case Status::Code::kNotImplemented:
      return 501;
    case Status::Code::kUnavailable:
      return 503;
  }
  return 500;
}

std::string_view HttpTitleOf(Status::Code code) {
  switch (code) {
    case Status::Code::kOk:
      return "OK";
    case Status::Code::kInvalidArgument:
      return "Bad Request";
    case Status::Code::kUnauthenticated:
      return "Unauthorized";
    case Status::Code::kPermissionDenied:
      return "Forbidden";
    case Status::Code::kNotFound:
      return "Not Found";
    case Status::Code::kMethodNotAllowed:
      return "Method Not Allowed";
    case Status::Code::kConflict:
      return "Conflict";
    case Status::Code::kPayloadTooLarge:
      return "Payload Too Large";
    case Status::Code::kUriTooLong:
      return "URI Too Long";
    case Status::Code::kUnsupportedMediaType:
      return "Unsupported Media Type";
    case Status::Code::kHeaderTooLarge:
      return "Request Header Fields Too Large";
    case Status::Code::kInternal:
      return "Internal Server Error";
    case Status::Code::kNotImplemented:
      return "Not Implemented";
    case Status::Code::kUnavailable:
      return "Service Unavailable";
  }
  return "Internal Server Error";
}

std::string_view SourceMemberOf(Status::SourceKind kind) {
  switch (kind) {
    case Status::SourceKind::kNone:
      return "";
    case Status::SourceKind::kPointer:
      return "pointer";
    case Status::SourceKind::kParameter:
      return "parameter";
    case Status::SourceKind::kHeader:
      return "header";
  }
  return "";
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  std::string out(HttpTitleOf(code_));
  out += ": ";
  out += detail_;
  if (source_kind_ != SourceKind::kNone) {
    out += source_kind_ == SourceKind::kPointer ? " (at " : " (";
    if (source_kind_ != SourceKind::kPointer) {
      out += SourceMemberOf(source_kind_);
      out += ' ';
    }
    out += source_;
    out += ")";
  }
  return out;
}

}  // namespace dc
