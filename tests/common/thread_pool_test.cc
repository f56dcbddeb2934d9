// ThreadPool: what fetches rely on when they leave the I/O threads.
#include "common/thread_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <new>
#include <thread>
#include <vector>

namespace dc {
namespace {

// Tasks posted from many threads at once all run, exactly once each.
TEST(ThreadPoolTest, TasksPostedFromManyThreadsAllRunOnce) {
  constexpr int kPosters = 6;
  constexpr int kTasksEach = 500;
  std::vector<std::atomic<int>> runs(kPosters * kTasksEach);
  {
    ThreadPool pool(4);
    std::vector<std::thread> posters;
    for (int p = 0; p < kPosters; ++p) {
      posters.emplace_back([&, p] {
        for (int t = 0; t < kTasksEach; ++t) {
          pool.Post([&runs, slot = p * kTasksEach + t] { runs[slot].fetch_add(1); });
        }
      });
    }
    for (std::thread& poster : posters) poster.join();
  }  // the destructor runs what is still queued
  for (size_t i = 0; i < runs.size(); ++i) ASSERT_EQ(runs[i].load(), 1) << "task " << i;
}

// A task may post another (a fetch continuing its work): the destructor
// still runs both.
TEST(ThreadPoolTest, TaskPostedByATaskRunsBeforeTheDestructorReturns) {
  std::atomic<int> ran{0};
  {
    ThreadPool pool(2);
    pool.Post([&] {
      ran.fetch_add(1);
      pool.Post([&] { ran.fetch_add(1); });
    });
  }
  EXPECT_EQ(ran.load(), 2);
}

// The pool's catch point: a task that throws (std::bad_alloc, or something
// that is not even a std::exception) is dropped; the thread that ran it goes
// on with the next tasks, and the destructor still runs what is queued and
// joins.
TEST(ThreadPoolTest, ThrowingTasksAreDroppedAndThePoolGoesOn) {
  std::atomic<int> after{0};
  std::atomic<int> before_throw{0};
  {
    // One thread: the tasks after each throw run on the very thread that
    // ran the throwing task.
    ThreadPool pool(1);
    std::mutex mutex;
    std::condition_variable done;
    bool first_done = false;  // guarded by mutex
    pool.Post([&] {
      before_throw.fetch_add(1);
      throw std::bad_alloc();
    });
    pool.Post([&] { after.fetch_add(1); });
    pool.Post([] { throw 7; });
    pool.Post([&] {
      after.fetch_add(1);
      std::lock_guard lock(mutex);
      first_done = true;
      done.notify_all();
    });
    {
      // While the pool is running, not only at its destruction.
      std::unique_lock lock(mutex);
      ASSERT_TRUE(done.wait_for(lock, std::chrono::seconds(10), [&] { return first_done; }))
          << "the tasks after a throwing task never ran";
    }
    EXPECT_EQ(after.load(), 2);
    EXPECT_EQ(before_throw.load(), 1);
    // More throwing tasks, interleaved with good ones, queued for the
    // destructor to drain.
    for (int i = 0; i < 50; ++i) {
      pool.Post([i] {
        if (i % 2 == 0) throw std::bad_alloc();
        throw i;
      });
      pool.Post([&] { after.fetch_add(1); });
    }
  }  // joins: a throw took no thread with it
  EXPECT_EQ(after.load(), 52);
}

// With several threads, each of which meets throwing tasks, every good
// task still runs exactly once.
TEST(ThreadPoolTest, EveryThreadSurvivesThrowingTasks) {
  constexpr int kTasks = 400;
  std::vector<std::atomic<int>> runs(kTasks);
  {
    ThreadPool pool(4);
    for (int t = 0; t < kTasks; ++t) {
      pool.Post([] { throw std::bad_alloc(); });
      pool.Post([&runs, t] { runs[t].fetch_add(1); });
      pool.Post([] { throw 1; });
    }
  }
  for (int t = 0; t < kTasks; ++t) ASSERT_EQ(runs[t].load(), 1) << "task " << t;
}

}  // namespace
}  // namespace dc
