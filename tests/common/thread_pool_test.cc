// ThreadPool: what fetches rely on when they leave the I/O threads.
#include "common/thread_pool.h"

#include <gtest/gtest.h>

#include <atomic>
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

}  // namespace
}  // namespace dc
