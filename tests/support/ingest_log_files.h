#pragma once

#include <chrono>
#include <string>

namespace dc::testing {

// Whether the ingest log beside the database at `db_path` holds segments:
// acknowledged readings not yet merged into the database file.
bool IngestLogHasSegments(const std::string& db_path);

// Waits until the server has merged every acknowledged reading into the
// file at `db_path` (no segment left), for tests that read the file
// directly. Returns false if segments remain after `timeout`.
bool WaitUntilMerged(const std::string& db_path,
                     std::chrono::milliseconds timeout = std::chrono::seconds(10));

}  // namespace dc::testing
