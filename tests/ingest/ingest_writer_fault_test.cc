// IngestWriter's catch point: a commit that throws (std::bad_alloc, a
// library's exception, something that is not even a std::exception) answers
// each of its uploads 503 exactly once, stores none of them, leaves what was
// acknowledged before intact, and the writer goes on. The store is a real
// SQLite file behind a decorator that throws when armed.
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <new>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "ingest/ingest_writer.h"
#include "storage/two_input_store.h"
#include "support/temp_dir.h"
#include "support/throwing_store.h"

namespace dc::testing {
namespace {

constexpr int64_t kSecond = 1'000'000;
constexpr auto kWait = std::chrono::seconds(20);

using Fault = ThrowingStore::Fault;
using Point = ThrowingStore::Point;

// What the writer answered, per upload slot. Thread-safe.
class Answers {
 public:
  struct Answer {
    int calls = 0;
    Status status = Status::Ok();
    std::vector<int64_t> ids;
  };

  // A `done` recording into `slot`; it then throws `then_throw` when given
  // (a completion that fails handing the answer over).
  IngestWriter::Done Record(int slot, std::optional<Fault> then_throw = std::nullopt) {
    return [this, slot, then_throw](Result<std::vector<int64_t>> ids) {
      {
        std::lock_guard lock(mutex_);
        Answer& a = answers_[slot];
        a.calls += 1;
        if (ids) {
          a.ids = std::move(*ids);
        } else {
          a.status = ids.error();
        }
        total_ += 1;
      }
      changed_.notify_all();
      if (!then_throw) return;
      if (*then_throw == Fault::kBadAlloc) throw std::bad_alloc();
      if (*then_throw == Fault::kRuntimeError) throw std::runtime_error("done failed");
      throw 3;
    };
  }
  // Waits until `count` answers (over all slots) have arrived.
  bool WaitFor(int count) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, kWait, [&] { return total_ >= count; });
  }
  Answer Get(int slot) {
    std::lock_guard lock(mutex_);
    return answers_[slot];
  }
  int total() {
    std::lock_guard lock(mutex_);
    return total_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::map<int, Answer> answers_;  // guarded by mutex_
  int total_ = 0;                  // guarded by mutex_
};

class IngestWriterFaultTest : public ::testing::TestWithParam<Fault> {
 protected:
  void SetUp() override {
    OpenStoreWithTwoInputs(dir_.path() + "/db.sqlite", StoreOptions{}, &store_, &pks_);
    if (HasFatalFailure()) return;
    throwing_ = std::make_unique<ThrowingStore>(*store_);
    writer_ = std::make_unique<IngestWriter>(*throwing_, IngestOptions{});
  }
  void TearDown() override {
    if (throwing_) throwing_->ReleaseWrites();  // never leave the writer held
    if (writer_) writer_->Stop();
  }

  // `count` readings for input `input` at seconds first, first+1, ...,
  // valued value, value+1, ...
  IngestBatch Batch(int input, int64_t first, int count, double value) const {
    return ConsecutiveReadings(pks_[input], first, count, value);
  }

  // Queues `uploads` so that the writer takes them as one group: a blocker
  // upload's commit is held while they are queued behind it. `arm` runs
  // once they are queued, before the held commit is let go.
  void SubmitAsOneGroup(std::vector<std::pair<IngestBatch, IngestWriter::Done>> uploads,
                        const std::function<void()>& arm = {}) {
    throwing_->HoldNextWrite();
    writer_->Submit(Batch(1, 900'000 + blockers_ * 10, 1, -1), [](auto) {});
    blockers_ += 1;
    throwing_->WaitUntilWriteHeld();
    for (auto& [batch, done] : uploads) writer_->Submit(std::move(batch), std::move(done));
    if (arm) arm();
    throwing_->ReleaseWrites();
  }

  // The stored reading of input `input` at `second`, if any.
  std::optional<StoredReading> Find(int input, int64_t second) {
    auto found = store_->FindReading(pks_[input], Timestamp{second * kSecond});
    EXPECT_TRUE(found.has_value()) << found.error().ToString();
    return found ? *found : std::nullopt;
  }

  TempDir dir_;
  std::unique_ptr<sqlite::SqliteStore> store_;
  std::vector<int64_t> pks_;
  std::unique_ptr<ThrowingStore> throwing_;
  std::unique_ptr<IngestWriter> writer_;
  int blockers_ = 0;
};

TEST_P(IngestWriterFaultTest, ThrowingCommitAnswersEachUpload503OnceAndStoresNone) {
  Answers answers;
  // Acknowledged before the fault: slots 0-4, three readings each.
  for (int u = 0; u < 5; ++u) writer_->Submit(Batch(0, u * 10, 3, u * 100), answers.Record(u));
  ASSERT_TRUE(answers.WaitFor(5));
  std::set<int64_t> acknowledged_ids;
  for (int u = 0; u < 5; ++u) {
    const Answers::Answer a = answers.Get(u);
    ASSERT_TRUE(a.status.ok()) << a.status.ToString();
    ASSERT_EQ(a.ids.size(), 3u);
    acknowledged_ids.insert(a.ids.begin(), a.ids.end());
  }

  // Slots 10-13 share one commit, which throws. Slot 10's completion itself
  // throws too: the others must still be answered.
  std::vector<std::pair<IngestBatch, IngestWriter::Done>> group;
  group.emplace_back(Batch(0, 1000, 4, 1), answers.Record(10, Fault::kRuntimeError));
  group.emplace_back(Batch(1, 1000, 1, 2), answers.Record(11));
  group.emplace_back(Batch(0, 2000, 2, 3), answers.Record(12));
  // One that replaces acknowledged readings: they must keep their values.
  group.emplace_back(Batch(0, 0, 3, -50), answers.Record(13));
  SubmitAsOneGroup(std::move(group), [&] { throwing_->Arm(Point::kWriteBatches, GetParam()); });
  ASSERT_TRUE(answers.WaitFor(5 + 4)) << answers.total() << " answers";
  EXPECT_EQ(throwing_->thrown(Point::kWriteBatches), 1) << "the four were not one commit";
  for (int slot = 10; slot <= 13; ++slot) {
    const Answers::Answer a = answers.Get(slot);
    EXPECT_EQ(a.calls, 1) << "upload " << slot;
    EXPECT_TRUE(a.status.IsUnavailable()) << "upload " << slot << ": " << a.status.ToString();
    EXPECT_TRUE(a.ids.empty()) << "upload " << slot;
  }
  for (int64_t s : {1000, 1001, 1002, 1003, 2000, 2001}) EXPECT_FALSE(Find(0, s)) << s;
  EXPECT_FALSE(Find(1, 1000));

  // Uploads after the fault are stored and acknowledged: slots 20-21.
  writer_->Submit(Batch(0, 3000, 2, 7), answers.Record(20));
  writer_->Submit(Batch(1, 3000, 1, 8), answers.Record(21));
  ASSERT_TRUE(answers.WaitFor(5 + 4 + 2));
  writer_->Stop();
  for (int slot : {20, 21}) {
    const Answers::Answer a = answers.Get(slot);
    EXPECT_EQ(a.calls, 1);
    ASSERT_TRUE(a.status.ok()) << a.status.ToString();
    for (int64_t id : a.ids) EXPECT_FALSE(acknowledged_ids.count(id)) << "id " << id << " reused";
  }
  EXPECT_EQ(Find(0, 3001)->reading.value, 8);
  EXPECT_EQ(Find(1, 3000)->reading.value, 8);

  // Every acknowledged reading is there with its id and value.
  for (int u = 0; u < 5; ++u) {
    const Answers::Answer a = answers.Get(u);
    for (int i = 0; i < 3; ++i) {
      const std::optional<StoredReading> stored = Find(0, u * 10 + i);
      ASSERT_TRUE(stored) << "acknowledged reading " << u << "/" << i << " is gone";
      EXPECT_EQ(stored->id, a.ids[i]);
      EXPECT_EQ(stored->reading.value, u * 100 + i);
    }
  }
  // 15 acknowledged + 2 after; input 1: the blocker, and one after.
  EXPECT_EQ(*store_->CountReadings(pks_[0]), 15 + 2);
  EXPECT_EQ(*store_->CountReadings(pks_[1]), 1 + 1);
}

// A group with a batch the store rejects on its own merits is retried one
// upload at a time; a throw in the middle of those retries answers the ones
// not yet answered 503, and the rejected one keeps its one answer.
TEST_P(IngestWriterFaultTest, ThrowDuringPerUploadRetriesAnswersEachUploadOnce) {
  Answers answers;
  std::vector<std::pair<IngestBatch, IngestWriter::Done>> group;
  IngestBatch unknown_input = Batch(0, 10, 1, 1);
  unknown_input.input_pk = 999'999;
  group.emplace_back(std::move(unknown_input), answers.Record(0));
  group.emplace_back(Batch(0, 20, 2, 2), answers.Record(1));
  group.emplace_back(Batch(0, 30, 2, 3), answers.Record(2));
  // Call 1: the group (rejected), call 2: the unknown input alone
  // (rejected), call 3: slot 1 alone, which throws.
  SubmitAsOneGroup(std::move(group),
                   [&] { throwing_->Arm(Point::kWriteBatches, GetParam(), 1, /*skip=*/2); });
  ASSERT_TRUE(answers.WaitFor(3));
  EXPECT_EQ(throwing_->thrown(Point::kWriteBatches), 1);
  const Answers::Answer rejected = answers.Get(0);
  EXPECT_EQ(rejected.calls, 1);
  // Its own failure (a 500: an unknown input is no fault of the storage),
  // not the 503 of the throw after it.
  EXPECT_EQ(rejected.status.code(), Status::Code::kInternal) << rejected.status.ToString();
  for (int slot : {1, 2}) {
    const Answers::Answer a = answers.Get(slot);
    EXPECT_EQ(a.calls, 1) << "upload " << slot;
    EXPECT_TRUE(a.status.IsUnavailable()) << "upload " << slot << ": " << a.status.ToString();
  }
  writer_->Submit(Batch(0, 40, 1, 4), answers.Record(3));
  ASSERT_TRUE(answers.WaitFor(4));
  writer_->Stop();
  EXPECT_EQ(answers.total(), 4) << "an upload was answered twice";
  EXPECT_TRUE(answers.Get(3).status.ok());
  EXPECT_EQ(*store_->CountReadings(pks_[0]), 1);
}

// A completion that throws after a good commit (out of memory handing the
// answer over) neither stops the writer nor costs the uploads committed
// with it their answers.
TEST_P(IngestWriterFaultTest, DoneThatThrowsDoesNotStopTheWriter) {
  Answers answers;
  std::vector<std::pair<IngestBatch, IngestWriter::Done>> group;
  group.emplace_back(Batch(0, 0, 2, 1), answers.Record(0, GetParam()));
  group.emplace_back(Batch(0, 10, 2, 2), answers.Record(1, GetParam()));
  group.emplace_back(Batch(1, 0, 1, 3), answers.Record(2));
  SubmitAsOneGroup(std::move(group));
  ASSERT_TRUE(answers.WaitFor(3));
  for (int slot = 0; slot < 3; ++slot) {
    EXPECT_EQ(answers.Get(slot).calls, 1) << "upload " << slot;
    EXPECT_TRUE(answers.Get(slot).status.ok()) << "upload " << slot;
  }
  // The writer is still there: later uploads are committed and answered.
  for (int u = 0; u < 3; ++u) writer_->Submit(Batch(1, 100 + u, 1, u), answers.Record(10 + u));
  ASSERT_TRUE(answers.WaitFor(6)) << "the writer stopped after a throwing completion";
  writer_->Stop();
  for (int u = 0; u < 3; ++u) EXPECT_TRUE(answers.Get(10 + u).status.ok());
  EXPECT_EQ(*store_->CountReadings(pks_[0]), 4);
  EXPECT_EQ(*store_->CountReadings(pks_[1]), 1 + 1 + 3);  // with the blocker
}

INSTANTIATE_TEST_SUITE_P(Faults, IngestWriterFaultTest,
                         ::testing::Values(Fault::kBadAlloc, Fault::kRuntimeError, Fault::kInt),
                         [](const auto& info) { return std::string(FaultName(info.param)); });

}  // namespace
}  // namespace dc::testing
