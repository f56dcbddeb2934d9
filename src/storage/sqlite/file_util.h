#pragma once

#include <cstring>
#include <string>

namespace dc::sqlite {

// Small helpers on file names and errno, shared by the ingest log and the
// whole-file operations (backup, restore).

inline std::string ErrorText(int error) { return std::strerror(error); }

// The directory part of `path`: "." for a bare name, "/" for a file in the
// root.
inline std::string DirectoryOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

// The file name part of `path`.
inline std::string BaseName(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace dc::sqlite
