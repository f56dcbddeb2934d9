#include "cli/systemd_notify.h"

#include <systemd/sd-daemon.h>
#include <time.h>

#include <cstdint>
#include <cstdlib>
#include <string>

namespace dc::cli {
namespace {

void Notify(const std::string& state) {
  // sd_notify() itself does nothing without NOTIFY_SOCKET; checked here too
  // so that the promise "nothing at all" does not hang on its internals.
  const char* socket = std::getenv("NOTIFY_SOCKET");
  if (socket == nullptr || *socket == '\0') return;
  (void)sd_notify(/*unset_environment=*/0, state.c_str());
}

}  // namespace

void NotifyReady(std::string_view status) { Notify("READY=1\nSTATUS=" + std::string(status)); }

void NotifyStopping() { Notify("STOPPING=1\nSTATUS=shutting down"); }

void NotifyReloading() {
  // systemd 253 and later want the reload's start time (Type=notify-reload);
  // older ones ignore it.
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  const uint64_t usec =
      static_cast<uint64_t>(now.tv_sec) * 1'000'000 + static_cast<uint64_t>(now.tv_nsec) / 1000;
  Notify("RELOADING=1\nMONOTONIC_USEC=" + std::to_string(usec) + "\nSTATUS=reloading");
}

}  // namespace dc::cli
