// systemd readiness (Type=notify, deploy/datacooee.service): the real server,
// started with NOTIFY_SOCKET naming a datagram socket the test listens on,
// says READY=1 once it listens and STOPPING=1 when SIGTERM begins its
// shutdown; with a socket nobody listens on it serves all the same.

#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <optional>
#include <string>

#include "integration/fixture.h"

namespace dc::testing {
namespace {

// A bound AF_UNIX datagram socket, as systemd's notify socket is.
class NotifySocket {
 public:
  explicit NotifySocket(const std::string& path) : path_(path) {
    fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
    bound_ =
        fd_ >= 0 && bind(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0;
  }
  ~NotifySocket() {
    if (fd_ >= 0) close(fd_);
    unlink(path_.c_str());
  }
  bool bound() const { return bound_; }

  // The next datagram, or nullopt after `timeout_ms`.
  std::optional<std::string> Receive(int timeout_ms) {
    timeval timeout{.tv_sec = timeout_ms / 1000, .tv_usec = (timeout_ms % 1000) * 1000};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    char buffer[4096];
    const ssize_t n = recv(fd_, buffer, sizeof buffer, 0);
    if (n < 0) return std::nullopt;
    return std::string(buffer, static_cast<size_t>(n));
  }

 private:
  std::string path_;
  int fd_ = -1;
  bool bound_ = false;
};

// Sets NOTIFY_SOCKET for the servers started in its scope (they inherit the
// environment).
class ScopedNotifySocketEnv {
 public:
  explicit ScopedNotifySocketEnv(const std::string& path) {
    setenv("NOTIFY_SOCKET", path.c_str(), 1);
  }
  ~ScopedNotifySocketEnv() { unsetenv("NOTIFY_SOCKET"); }
  ScopedNotifySocketEnv(const ScopedNotifySocketEnv&) = delete;
  ScopedNotifySocketEnv& operator=(const ScopedNotifySocketEnv&) = delete;
};

bool HasLine(const std::string& message, const std::string& line) {
  return ("\n" + message + "\n").find("\n" + line + "\n") != std::string::npos;
}

TEST(SystemdNotifyTest, ReadyOnceListeningAndStoppingOnSigterm) {
  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  NotifySocket notify(dir.path() + "/notify.sock");
  ASSERT_TRUE(notify.bound()) << std::strerror(errno);
  ScopedNotifySocketEnv env(dir.path() + "/notify.sock");

  ServerProcess server(dir.path() + "/d.db");  // returns once "listening on" is printed
  const std::optional<std::string> ready = notify.Receive(5000);
  ASSERT_TRUE(ready.has_value()) << "no READY=1 within 5 s";
  EXPECT_TRUE(HasLine(*ready, "READY=1")) << *ready;
  EXPECT_TRUE(
      HasLine(*ready, "STATUS=listening on http://127.0.0.1:" + std::to_string(server.port())))
      << *ready;
  // Ready means ready: it answers.
  HttpClient client(server.port());
  EXPECT_EQ(client.Request("GET", "/api/external/v1/get_inputdata_by_inputs").status, 401);
  EXPECT_FALSE(notify.Receive(100).has_value()) << "nothing more until shutdown";

  const int status = server.Stop(SIGTERM);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  const std::optional<std::string> stopping = notify.Receive(5000);
  ASSERT_TRUE(stopping.has_value()) << "no STOPPING=1 after SIGTERM";
  EXPECT_TRUE(HasLine(*stopping, "STOPPING=1")) << *stopping;
}

TEST(SystemdNotifyTest, ASocketNobodyListensOnChangesNothing) {
  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  ScopedNotifySocketEnv env(dir.path() + "/absent.sock");
  ServerProcess server(dir.path() + "/d.db");
  HttpClient client(server.port());
  EXPECT_EQ(client.Request("GET", "/api/external/v1/get_inputdata_by_inputs").status, 401);
  const int status = server.Stop(SIGTERM);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
}

}  // namespace
}  // namespace dc::testing
