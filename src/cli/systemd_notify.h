#pragma once

#include <string_view>

namespace dc::cli {

// The server's side of systemd's readiness protocol (sd_notify(3)), for a
// unit of Type=notify (deploy/datacooee.service): systemd counts the
// service started only once it is told READY=1, and shows STATUS= in
// `systemctl status`.
//
// Each call sends one datagram to $NOTIFY_SOCKET; when it is unset (not run
// by systemd, or a Type that does not listen) nothing at all happens.
//
// Thread-safe. Errors are not reported: a lost notification cannot be
// helped by the server, and systemd's own start and stop timeouts say it.

// Once the server accepts connections on `status` (e.g. "listening on
// http://0.0.0.0:8000").
void NotifyReady(std::string_view status);
// When shutdown begins (SIGTERM): systemd then waits up to TimeoutStopSec.
void NotifyStopping();
// Around a reload (SIGHUP: certificates): NotifyReloading() when it
// begins, NotifyReady() when it is done, whether it worked or not.
void NotifyReloading();

}  // namespace dc::cli
