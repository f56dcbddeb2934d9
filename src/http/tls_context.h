#pragma once

#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <string>

#include "common/result.h"

namespace dc::http {

// Builds the server's TLS settings from a PEM certificate chain and its
// private key: TLS 1.2 and 1.3 only, no renegotiation, no compression, the
// server's cipher preference (forward-secret AEAD suites only for TLS
// 1.2), and ALPN answering `http/1.1` (never a protocol the server does
// not speak, such as h2).
//
// Returns InvalidArgument when either file name is empty; naming the
// file, when a file is missing or
// unreadable, holds no PEM certificate or key, or when the key does not
// belong to the certificate. Thread-safe; the caller owns the context.
Result<std::shared_ptr<boost::asio::ssl::context>> LoadTlsContext(const std::string& cert_file,
                                                                  const std::string& key_file);

}  // namespace dc::http
