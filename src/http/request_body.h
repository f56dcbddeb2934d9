#pragma once

#include <algorithm>
#include <boost/asio/buffer.hpp>
#include <boost/beast/core/buffers_range.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/optional.hpp>
#include <cstdint>
#include <cstring>
#include <string>

namespace dc::http {

// A request body read into a std::string, as Beast's string_body, except
// that the memory follows what the client sends, not the Content-Length it
// declares: string_body reserves the declared length up front, so a
// connection that declares 16 MiB and sends nothing would hold 16 MiB.
// Here the string starts at most 64 KiB and grows geometrically as bytes
// arrive, never past the declared length.
struct RequestBody : boost::beast::http::string_body {
  class reader {
   public:
    template <bool isRequest, class Fields>
    reader(boost::beast::http::header<isRequest, Fields>&, std::string& body) : body_(body) {}

    void init(const boost::optional<std::uint64_t>& length, boost::beast::error_code& ec) {
      if (length && *length > body_.max_size()) {
        ec = boost::beast::http::error::buffer_overflow;
        return;
      }
      declared_ = length;
      if (length) body_.reserve(static_cast<size_t>(std::min<std::uint64_t>(*length, kFirst)));
      ec = {};
    }

    template <class ConstBufferSequence>
    size_t put(const ConstBufferSequence& buffers, boost::beast::error_code& ec) {
      const size_t extra = boost::asio::buffer_size(buffers);
      const size_t size = body_.size();
      if (extra > body_.max_size() - size) {
        ec = boost::beast::http::error::buffer_overflow;
        return 0;
      }
      if (size + extra > body_.capacity()) {
        std::uint64_t grow = std::max<std::uint64_t>(2 * body_.capacity(), size + extra);
        if (declared_) grow = std::max<std::uint64_t>(std::min(grow, *declared_), size + extra);
        body_.reserve(static_cast<size_t>(grow));
      }
      body_.resize(size + extra);
      char* out = body_.data() + size;
      for (const auto buffer : boost::beast::buffers_range_ref(buffers)) {
        std::memcpy(out, buffer.data(), buffer.size());
        out += buffer.size();
      }
      ec = {};
      return extra;
    }

    void finish(boost::beast::error_code& ec) { ec = {}; }

   private:
    static constexpr std::uint64_t kFirst = 64 * 1024;
    std::string& body_;
    boost::optional<std::uint64_t> declared_;
  };
};

}  // namespace dc::http
