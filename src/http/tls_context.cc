#include "http/tls_context.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <cerrno>
#include <cstring>
#include <fstream>

namespace dc::http {
namespace {

namespace ssl = boost::asio::ssl;

// TLS 1.2 suites: ECDHE key exchange with AES-GCM or ChaCha20-Poly1305
// (Mozilla's "intermediate" list). TLS 1.3 suites are OpenSSL's defaults,
// all of which are AEAD.
constexpr char kTls12Ciphers[] =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

// The last OpenSSL error, for a message.
std::string OpenSslError() {
  const unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return "unknown OpenSSL error";
  char text[256];
  ERR_error_string_n(code, text, sizeof text);
  return text;
}

// OpenSSL's own file errors are terse; a missing or unreadable file is
// named with the system's reason first.
Status CheckReadable(const char* option, const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    return Status::InvalidArgument(std::string("cannot read ") + option + " file '" + path +
                                   "': " + std::strerror(errno));
  }
  return Status::Ok();
}

// Offers `http/1.1` when the client lists it; otherwise no ALPN at all, so a
// client that asked only for h2 falls back to its default (HTTP/1.1).
int SelectAlpn(SSL*, const unsigned char** out, unsigned char* out_len, const unsigned char* in,
               unsigned int in_len, void*) {
  static const unsigned char kHttp11[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
  unsigned char* selected = nullptr;
  if (SSL_select_next_proto(&selected, out_len, kHttp11, sizeof kHttp11, in, in_len) !=
      OPENSSL_NPN_NEGOTIATED) {
    return SSL_TLSEXT_ERR_NOACK;
  }
  *out = selected;
  return SSL_TLSEXT_ERR_OK;
}

}  // namespace

Result<std::shared_ptr<ssl::context>> LoadTlsContext(const std::string& cert_file,
                                                     const std::string& key_file) {
  if (cert_file.empty() || key_file.empty()) {
    return Status::InvalidArgument("--tls-cert and --tls-key go together: give both or neither");
  }
  if (Status s = CheckReadable("--tls-cert", cert_file); !s.ok()) return s;
  if (Status s = CheckReadable("--tls-key", key_file); !s.ok()) return s;
  auto context = std::make_shared<ssl::context>(ssl::context::tls_server);
  SSL_CTX* native = context->native_handle();
  SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
  SSL_CTX_set_options(
      native, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  if (SSL_CTX_set_cipher_list(native, kTls12Ciphers) != 1) {
    return Status::Internal("the TLS cipher list was refused: " + OpenSslError());
  }
  ERR_clear_error();
  if (SSL_CTX_use_certificate_chain_file(native, cert_file.c_str()) != 1) {
    return Status::InvalidArgument("--tls-cert file '" + cert_file +
                                   "' holds no usable PEM certificate: " + OpenSslError());
  }
  if (SSL_CTX_use_PrivateKey_file(native, key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
    if (ERR_GET_REASON(ERR_peek_last_error()) == X509_R_KEY_VALUES_MISMATCH) {
      ERR_clear_error();
      return Status::InvalidArgument("--tls-key file '" + key_file +
                                     "' does not match the certificate in '" + cert_file + "'");
    }
    return Status::InvalidArgument("--tls-key file '" + key_file +
                                   "' holds no usable PEM private key: " + OpenSslError());
  }
  if (SSL_CTX_check_private_key(native) != 1) {
    return Status::InvalidArgument("--tls-key file '" + key_file +
                                   "' does not match the certificate in '" + cert_file +
                                   "': " + OpenSslError());
  }
  SSL_CTX_set_alpn_select_cb(native, SelectAlpn, nullptr);
  return context;
}

}  // namespace dc::http
