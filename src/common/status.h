#pragma once

#include <string>
#include <string_view>
#include <utility>

namespace dc {

// Status is the outcome of an operation: OK, or an error code with a detail
// message and an optional source. The source is what the error body of docs/api.md "Errors"
// calls `source`: a JSON pointer into a request body, the name of a query
// parameter, as the client spelled it, or the name of a request header
// (JSON:API 1.1 `source.header`).
//
// Cheap to copy and move; immutable after construction; thread-compatible.
class [[nodiscard]] Status {
 public:
  enum class Code {
    kOk = 0,
    kInvalidArgument,       // 400
    kUnauthenticated,       // 401
    kPermissionDenied,      // 403
    kNotFound,              // 404
    kMethodNotAllowed,      // 405
    kConflict,              // 409
    kPayloadTooLarge,       // 413
    kUriTooLong,            // 414
    kUnsupportedMediaType,  // 415
    kHeaderTooLarge,        // 431
    kInternal,              // 500
    kNotImplemented,        // 501
    kUnavailable,           // 503
  };
  enum class SourceKind { kNone, kPointer, kParameter, kHeader };

  Status() = default;

  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string detail) {
    return Status(Code::kInvalidArgument, std::move(detail));
  }
  static Status Unauthenticated(std::string detail) {
    return Status(Code::kUnauthenticated, std::move(detail));
  }
  static Status PermissionDenied(std::string detail) {
    return Status(Code::kPermissionDenied, std::move(detail));
  }
  static Status NotFound(std::string detail) { return Status(Code::kNotFound, std::move(detail)); }
  static Status MethodNotAllowed(std::string detail) {
    return Status(Code::kMethodNotAllowed, std::move(detail));
  }
  static Status Conflict(std::string detail) { return Status(Code::kConflict, std::move(detail)); }
  static Status PayloadTooLarge(std::string detail) {
    return Status(Code::kPayloadTooLarge, std::move(detail));
  }
  static Status UriTooLong(std::string detail) {
    return Status(Code::kUriTooLong, std::move(detail));
  }
  static Status UnsupportedMediaType(std::string detail) {
    return Status(Code::kUnsupportedMediaType, std::move(detail));
  }
  static Status HeaderTooLarge(std::string detail) {
    return Status(Code::kHeaderTooLarge, std::move(detail));
  }
  static Status Internal(std::string detail) { return Status(Code::kInternal, std::move(detail)); }
  static Status NotImplemented(std::string detail) {
    return Status(Code::kNotImplemented, std::move(detail));
  }
  static Status Unavailable(std::string detail) {
    return Status(Code::kUnavailable, std::move(detail));
  }

  // Returns a copy that points at a body member (JSON pointer, e.g.
  // "/data/attributes/value").
  Status WithPointer(std::string pointer) const& {
    return WithSource(SourceKind::kPointer, std::move(pointer));
  }
  // Returns a copy that names a query parameter.
  Status WithParameter(std::string parameter) const& {
    return WithSource(SourceKind::kParameter, std::move(parameter));
  }
  // Returns a copy that names a request header (e.g. "organization-id").
  Status WithHeader(std::string header) const& {
    return WithSource(SourceKind::kHeader, std::move(header));
  }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& detail() const { return detail_; }
  SourceKind source_kind() const { return source_kind_; }
  const std::string& source() const { return source_; }

  bool IsInvalidArgument() const { return code_ == Code::kInvalidArgument; }
  bool IsNotFound() const { return code_ == Code::kNotFound; }
  bool IsConflict() const { return code_ == Code::kConflict; }
  bool IsUnavailable() const { return code_ == Code::kUnavailable; }

  // "INVALID_ARGUMENT: detail (source)" for logs and CLI messages.
  std::string ToString() const;

 private:
  Status(Code code, std::string detail) : code_(code), detail_(std::move(detail)) {}
  Status WithSource(SourceKind kind, std::string source) const& {
    Status s = *this;
    s.source_kind_ = kind;
    s.source_ = std::move(source);
    return s;
  }

  Code code_ = Code::kOk;
  std::string detail_;
  SourceKind source_kind_ = SourceKind::kNone;
  std::string source_;
};

// The HTTP status number and reason phrase that docs/api.md "Errors" pairs with a code.
int HttpStatusOf(Status::Code code);
std::string_view HttpTitleOf(Status::Code code);
// The member of the error body's `source` that holds a source of `kind`:
// "pointer", "parameter" or "header" ("" for kNone).
std::string_view SourceMemberOf(Status::SourceKind kind);

}  // namespace dc
