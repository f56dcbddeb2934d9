#pragma once

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

namespace dc::testing {

// Turns a hang into a report. A test step that blocks (a server that never
// answers, never prints its port, never exits) would otherwise sit until
// ctest's timeout kills the test and says nothing of where it stood. If the
// watchdog is still armed after `limit`, it prints `step` and the stacks of
// every thread of this test process and of each process it started (the
// servers), taken with gdb, and aborts.
class HangWatchdog {
 public:
  HangWatchdog(std::chrono::seconds limit, std::string step);
  ~HangWatchdog();  // disarms
  HangWatchdog(const HangWatchdog&) = delete;
  HangWatchdog& operator=(const HangWatchdog&) = delete;

 private:
  std::mutex mutex_;
  std::condition_variable disarmed_;
  bool done_ = false;
  std::thread thread_;
};

// Every thread's stack of process `pid`, as gdb prints them (gdb's error
// when it is missing or cannot attach).
std::string ThreadStacks(pid_t pid);

}  // namespace dc::testing
