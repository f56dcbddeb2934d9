#include "support/server_process.h"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "support/test_certificate.h"

namespace dc::testing {

std::string DatacooeeBinary() { return DATACOOEE_BINARY; }

namespace {

std::vector<char*> Argv(std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  return argv;
}

}  // namespace

int CountFds(pid_t pid) {
  int count = 0;
  std::error_code ec;
  for (std::filesystem::directory_iterator it("/proc/" + std::to_string(pid) + "/fd", ec), end;
       !ec && it != end; it.increment(ec)) {
    ++count;
  }
  return count;
}

double CpuSeconds(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat;
  std::getline(in, stat);
  // The command name, in parentheses, may hold spaces: fields are counted
  // after its closing one. utime and stime are fields 14 and 15 of proc(5).
  const size_t name_end = stat.rfind(')');
  if (name_end == std::string::npos) return -1;
  std::istringstream fields(stat.substr(name_end + 1));
  std::string field;
  for (int i = 3; i <= 13; ++i) fields >> field;
  unsigned long long utime = 0, stime = 0;
  if (!(fields >> utime >> stime)) return -1;
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

std::string ReadAll(int fd) {
  std::string out;
  char buffer[4096];
  while (true) {
    const ssize_t n = read(fd, buffer, sizeof buffer);
    if (n > 0) {
      out.append(buffer, static_cast<size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      break;
    }
  }
  return out;
}

CommandResult RunDatacooee(const std::vector<std::string>& args,
                           const std::vector<std::string>& env) {
  int out_pipe[2], err_pipe[2];
  if (pipe(out_pipe) != 0 || pipe(err_pipe) != 0) throw std::runtime_error("pipe failed");
  std::vector<std::string> full = {DatacooeeBinary()};
  full.insert(full.end(), args.begin(), args.end());
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(out_pipe[1], 1);
    dup2(err_pipe[1], 2);
    close(out_pipe[0]);
    close(err_pipe[0]);
    unsetenv("DATACOOEE_DB");
    for (const std::string& e : env) putenv(const_cast<char*>(e.c_str()));
    auto argv = Argv(full);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(out_pipe[1]);
  close(err_pipe[1]);
  CommandResult result;
  // stderr is small; read stdout first, then stderr.
  result.out = ReadAll(out_pipe[0]);
  result.err = ReadAll(err_pipe[0]);
  close(out_pipe[0]);
  close(err_pipe[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

ServerProcess::ServerProcess(std::string db_url, std::vector<std::string> extra_args,
                             ServerProcessOptions options) {
  int out_pipe[2];
  if (pipe(out_pipe) != 0) throw std::runtime_error("pipe failed");
  char name[] = "/tmp/datacooee-server-stderr-XXXXXX";
  const int err_fd = mkstemp(name);
  stderr_path_ = name;
  std::vector<std::string> args = {DatacooeeBinary(), "serve",      "--db", db_url,
                                   "--listen",        "127.0.0.1:0"};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  const auto names = [&](const char* flag) {
    return std::find(extra_args.begin(), extra_args.end(), flag) != extra_args.end();
  };
  const bool add_tls = TlsTestMode() && !names("--tls-cert") && !names("--tls-key");
  if (add_tls) {
    const TestCertificate& certificate = SharedTestCertificate();
    args.insert(args.end(),
                {"--tls-cert", certificate.cert_file, "--tls-key", certificate.key_file});
  }
  pid_ = fork();
  if (pid_ == 0) {
    dup2(out_pipe[1], 1);
    dup2(err_fd, 2);
    close(out_pipe[0]);
    if (options.file_limit > 0) {
      const rlimit files{options.file_limit, options.file_limit};
      if (setrlimit(RLIMIT_NOFILE, &files) != 0) _exit(126);
    }
    for (std::string& e : options.env) putenv(e.data());
    auto argv = Argv(args);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(out_pipe[1]);
  close(err_fd);
  // The first stdout line is "datacooee listening on http://HOST:PORT".
  std::string line;
  char c;
  while (read(out_pipe[0], &c, 1) == 1 && c != '\n') line += c;
  close(out_pipe[0]);
  const size_t colon = line.rfind(':');
  if (line.find("listening on") == std::string::npos || colon == std::string::npos) {
    Kill();
    throw std::runtime_error("server did not start: '" + line + "'; stderr: " + StderrText());
  }
  if (add_tls && line.find("https://") == std::string::npos) {
    Kill();
    throw std::runtime_error("server started with the test certificate is not on HTTPS: '" + line +
                             "'");
  }
  port_ = static_cast<uint16_t>(std::stoi(line.substr(colon + 1)));
  listening_line_ = line;
}

ServerProcess::~ServerProcess() {
  Kill();
  unlink(stderr_path_.c_str());
}

int ServerProcess::Stop(int signal) {
  if (pid_ <= 0) return -1;
  kill(pid_, signal);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return status;
}

void ServerProcess::Kill() {
  if (pid_ > 0) Stop(SIGKILL);
}

std::string ServerProcess::StderrText() const {
  std::ifstream in(stderr_path_);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace dc::testing
