#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/result.h"
#include "storage/postgres/pg_connection.h"

namespace dc::postgres {

class PgPool;

// A connection borrowed from a PgPool; goes back on destruction, or is
// dropped there when it broke, so that the next borrower connects anew.
class PgLease {
 public:
  PgLease(PgPool* pool, std::unique_ptr<PgConnection> connection)
      : pool_(pool), connection_(std::move(connection)) {}
  PgLease(PgLease&&) noexcept = default;
  PgLease& operator=(PgLease&&) noexcept = delete;
  ~PgLease();

  PgConnection& operator*() { return *connection_; }
  PgConnection* operator->() { return connection_.get(); }

 private:
  PgPool* pool_;
  std::unique_ptr<PgConnection> connection_;
};

// At most `size` connections to one database, opened on demand and kept; a
// borrower waits when all are lent. A connection that broke (the server
// restarted, the network failed) is dropped on return and a new one opened
// for the next borrower, so one failover costs the requests in flight, not
// the pool. Thread-safe.
class PgPool {
 public:
  // Runs on each new connection before its first borrower has it (session
  // settings, temporary tables); a failure fails that Borrow.
  using Prepare = std::function<Status(PgConnection&)>;
  PgPool(std::string conninfo, size_t size, Prepare prepare = nullptr);
  PgPool(const PgPool&) = delete;
  PgPool& operator=(const PgPool&) = delete;

  // Unavailable when a new connection cannot be opened.
  Result<PgLease> Borrow();

  // Keeps `connection`, opened elsewhere on the same database, as an idle
  // one when there is room (else closes it): the store's first connection,
  // which ran the migrations, serves its first borrower instead of a new
  // one (on Citus every new session also opens its own to the workers).
  void Adopt(PgConnection connection);

 private:
  friend class PgLease;
  void Return(std::unique_ptr<PgConnection> connection);

  const std::string conninfo_;
  const size_t size_;
  const Prepare prepare_;
  std::mutex mutex_;
  std::condition_variable returned_;
  std::vector<std::unique_ptr<PgConnection>> idle_;
  size_t open_ = 0;  // lent and idle
};

}  // namespace dc::postgres
