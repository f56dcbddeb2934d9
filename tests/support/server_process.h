#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "support/temp_dir.h"

namespace dc::testing {

// Path of the datacooee binary under test (set by CMake).
std::string DatacooeeBinary();

// What a finished command printed and returned.
struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Reads `fd` until end of file (retrying interrupted reads).
std::string ReadAll(int fd);

// Open file descriptors of process `pid` (sockets among them), from /proc.
int CountFds(pid_t pid);

// CPU time (user + system, all threads) process `pid` has used, in
// seconds, from /proc/PID/stat; negative if it cannot be read.
double CpuSeconds(pid_t pid);

// Runs `datacooee ARGS...` to completion.
CommandResult RunDatacooee(const std::vector<std::string>& args,
                           const std::vector<std::string>& env = {});

// What the server process gets besides its arguments.
struct ServerProcessOptions {
  // RLIMIT_NOFILE, soft and hard, set in the child before exec (so the
  // server cannot raise it); 0 keeps the test's own.
  uint64_t file_limit = 0;
  // NAME=VALUE variables added to the server's environment.
  std::vector<std::string> env = {};
};

// The real server binary, started with `serve --db DB --listen
// 127.0.0.1:0` plus extra arguments; ready once it printed its port.
// Killed with SIGKILL on destruction if still running. In TlsTestMode()
// (support/test_certificate.h) it serves HTTPS with the test certificate,
// unless the extra arguments name a certificate or key themselves.
class ServerProcess {
 public:
  ServerProcess(std::string db_url, std::vector<std::string> extra_args = {},
                ServerProcessOptions options = {});
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  uint16_t port() const { return port_; }
  // The line the server printed first: "datacooee listening on URL".
  const std::string& listening_line() const { return listening_line_; }
  pid_t pid() const { return pid_; }
  // Sends `signal` and waits for the exit; returns the exit status as from
  // waitpid (use WIFEXITED etc.).
  int Stop(int signal);
  // kill -9, and reap.
  void Kill();
  // Everything the server wrote on stderr so far (after Stop/Kill: all).
  std::string StderrText() const;

 private:
  pid_t pid_ = -1;
  uint16_t port_ = 0;
  std::string listening_line_;
  std::string stderr_path_;
};

}  // namespace dc::testing
