#pragma once

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/result.h"
#include "storage/sqlite/sqlite_connection.h"
#include "storage/sqlite/sqlite_statement.h"
#include "storage/store_options.h"

namespace dc::sqlite {

// Reader is one query-only connection and the statements prepared on it.
// Statements are prepared on first use and kept for the connection's life,
// keyed by their SQL text, so a read path costs a prepare only once per
// connection whatever the query shape (ScanReadings builds its column list
// from the request).
//
// Thread-compatible: used by one thread at a time, the one that borrowed it
// from the ReaderPool.
class Reader {
 public:
  explicit Reader(Connection connection) : connection_(std::move(connection)) {}

  const Connection& connection() const { return connection_; }

  // The statement for `sql`, prepared on first use. The caller resets it
  // when done (StatementResetter), or it would hold its read transaction
  // open while the Reader is idle.
  Result<Statement*> Prepared(std::string_view sql);

 private:
  // Looks statements up by std::string_view without building a string.
  struct SqlHash {
    using is_transparent = void;
    size_t operator()(std::string_view sql) const { return std::hash<std::string_view>()(sql); }
  };

  Connection connection_;  // declared first: destroyed after its statements
  std::unordered_map<std::string, Statement, SqlHash, std::equal_to<>> statements_;
};

// ReaderPool lends Readers to the threads that read, so that concurrent
// reads run in parallel (WAL lets every reader connection see its own
// snapshot, independent of the writer and of each other). Connections are
// opened on demand up to `max_readers` and kept; a borrower waits only when
// all of them are lent.
//
// Thread-safe. The pool must outlive every Lease.
//
// Errors: Borrow() returns what Connection::Open returns when a new
// connection cannot be opened (the lent ones are unaffected).
class ReaderPool {
 public:
  // Opens the first connection at once, so that a file that cannot be read
  // is reported when the store opens.
  static Result<std::unique_ptr<ReaderPool>> Open(const std::string& path,
                                                  const StoreOptions& options, size_t max_readers);

  ReaderPool(const ReaderPool&) = delete;
  ReaderPool& operator=(const ReaderPool&) = delete;

  // A borrowed Reader, given back when the Lease is destroyed.
  class [[nodiscard]] Lease {
   public:
    Lease(Lease&& other) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease();

    Reader& operator*() const { return *reader_; }
    Reader* operator->() const { return reader_.get(); }

   private:
    friend class ReaderPool;
    Lease(ReaderPool* pool, std::unique_ptr<Reader> reader)
        : pool_(pool), reader_(std::move(reader)) {}

    ReaderPool* pool_;
    std::unique_ptr<Reader> reader_;  // null once moved from
  };

  Result<Lease> Borrow();

  // Tests only: connections opened so far.
  size_t OpenedForTesting();

 private:
  ReaderPool(std::string path, const StoreOptions& options, size_t max_readers)
      : path_(std::move(path)), options_(options), max_readers_(max_readers) {}
  Result<std::unique_ptr<Reader>> OpenReader() const;
  void GiveBack(std::unique_ptr<Reader> reader);

  const std::string path_;
  const StoreOptions options_;
  const size_t max_readers_;

  std::mutex mu_;
  std::condition_variable returned_;
  std::vector<std::unique_ptr<Reader>> idle_;  // guarded by mu_
  size_t opened_ = 0;                          // guarded by mu_: idle, lent or being opened
};

}  // namespace dc::sqlite
