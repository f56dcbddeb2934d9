#include "support/hang_watchdog.h"

#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

namespace dc::testing {

namespace {

// The processes whose parent is this one, from /proc/PID/stat.
std::vector<pid_t> ChildProcesses() {
  std::vector<pid_t> children;
  std::error_code ec;
  for (std::filesystem::directory_iterator it("/proc", ec), end; !ec && it != end;
       it.increment(ec)) {
    std::ifstream in(it->path() / "stat");
    std::string stat;
    if (!std::getline(in, stat)) continue;
    // Fields after the command name, which is in parentheses and may hold
    // spaces: state, then the parent's pid.
    const size_t name_end = stat.rfind(')');
    if (name_end == std::string::npos) continue;
    std::istringstream fields(stat.substr(name_end + 1));
    std::string state;
    pid_t parent = 0;
    if (fields >> state >> parent && parent == getpid()) {
      children.push_back(static_cast<pid_t>(std::stoi(it->path().filename().string())));
    }
  }
  return children;
}

}  // namespace

std::string ThreadStacks(pid_t pid) {
  // Into a file, not a pipe: gdb stops every thread of the process it
  // attaches to, and this may be our own, whose reader would then never
  // drain a full pipe.
  char path[] = "/tmp/datacooee-stacks-XXXXXX";
  const int fd = mkstemp(path);
  if (fd < 0) return "cannot create a file for the stacks";
  close(fd);
  const std::string command = "gdb -batch -nx -p " + std::to_string(pid) +
                              " -ex 'thread apply all bt 30' >" + path + " 2>&1";
  if (std::system(command.c_str()) != 0) {
    // gdb's own message is in the file.
  }
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  unlink(path);
  return text.str();
}

HangWatchdog::HangWatchdog(std::chrono::seconds limit, std::string step)
    : thread_([this, limit, step = std::move(step)] {
        std::unique_lock lock(mutex_);
        if (disarmed_.wait_for(lock, limit, [this] { return done_; })) return;
        std::fprintf(stderr, "hang: '%s' still blocked after %llds\n", step.c_str(),
                     static_cast<long long>(limit.count()));
        for (const pid_t child : ChildProcesses()) {
          std::fprintf(stderr, "--- process %d, started by the test ---\n%s\n",
                       static_cast<int>(child), ThreadStacks(child).c_str());
        }
        std::fprintf(stderr, "--- the test process ---\n%s\n", ThreadStacks(getpid()).c_str());
        std::fflush(stderr);
        std::abort();
      }) {}

HangWatchdog::~HangWatchdog() {
  {
    std::lock_guard lock(mutex_);
    done_ = true;
  }
  disarmed_.notify_one();
  thread_.join();
}

}  // namespace dc::testing
