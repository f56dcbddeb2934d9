#pragma once

// For tests that parse responses with Beast themselves (raw sockets): the
// same HttpResponse the HttpClient returns.
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "support/http_client.h"

namespace dc::testing {

// Status, headers (names lowercased), body and keep-alive of `message`.
HttpResponse FromBeast(
    const boost::beast::http::response<boost::beast::http::string_body>& message);

}  // namespace dc::testing
