// HTTPS (`serve --tls-cert/--tls-key`): the handshake under the header timeout,
// TLS 1.2 and 1.3 only, ALPN http/1.1 only, no renegotiation, plain HTTP
// on the HTTPS port, SIGHUP reloading the certificate and key, and the
// startup errors of bad certificate files. The limits themselves run over
// TLS as the `tls.` copies of the limits, transport, hostile and upload
// suites (tests/integration/CMakeLists.txt).

#include <openssl/ssl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "integration/fixture.h"
#include "support/raw_connection.h"
#include "support/test_certificate.h"

namespace dc::testing {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr int kHeaderTimeoutMs = 1000;
// A cut-off may come this much after its timeout (a loaded machine), never
// before. A handshake that is not cut off would stay open for good (or for
// the 60 s idle timeout), so the bound needs no tightness: 4 s.
constexpr int kSlackMs = 4000;

// A SIGHUP reload is logged within milliseconds; the wait ends as soon as
// it is, and 10 s only keeps a loaded machine from failing it.
constexpr int kSighupWaitMs = 10'000;

int64_t MillisSince(Clock::time_point start) {
  return std::chrono::duration_cast<milliseconds>(Clock::now() - start).count();
}

// What a shell command printed (stdout and stderr) and its exit code.
struct ShellResult {
  int exit_code = -1;
  std::string output;
};

ShellResult RunShell(const std::string& command) {
  ShellResult result;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return result;
  char chunk[4096];
  size_t n = 0;
  while ((n = fread(chunk, 1, sizeof chunk, pipe)) > 0) result.output.append(chunk, n);
  const int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

void WriteFile(const std::string& path, const std::string& text) {
  // Written beside the file and renamed over it, as certbot replaces files.
  const std::string temporary = path + ".new";
  std::ofstream(temporary, std::ios::binary | std::ios::trunc) << text;
  std::filesystem::rename(temporary, path);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// A server on HTTPS with certificate A, made for each test in its own
// directory (a reload replaces these very files).
class TlsTest : public ServerTest {
 protected:
  std::vector<std::string> ServerArgs() const override {
    return {"--tls-cert", a_.cert_file,          "--tls-key",
            a_.key_file,  "--header-timeout-ms", std::to_string(kHeaderTimeoutMs)};
  }

  // A TLS client that trusts only `trusted_cert_file` (default: A).
  std::unique_ptr<HttpClient> Connect(TlsOptions options = {}) {
    if (options.trusted_cert_file.empty()) options.trusted_cert_file = a_pristine_.cert_file;
    return std::make_unique<HttpClient>(server_->port(), Transport::kTls, options);
  }

  // An upload of the value 1 at `second` on `client`.
  HttpResponse UploadOn(HttpClient& client, int second) {
    return client.Request("POST", UploadTarget(input_), UploadHeaders(org_),
                          SingleBody(Attributes("1", TimestampAt(second)), input_));
  }

  // A normal client, on a new connection, is served.
  void ExpectServed(int second) {
    HttpResponse created = UploadOn(*Connect(), second);
    EXPECT_EQ(created.status, 201) << created.body;
  }

  // `datacooee serve` on a fresh database with `tls_args`; --listen names
  // no address, so a serve that got past its TLS check would exit 1 at
  // once instead of serving.
  CommandResult ServeWith(const std::vector<std::string>& tls_args) {
    std::vector<std::string> args = {"serve", "--db", cert_dir_.File("other.db"), "--listen",
                                     "nohost:0"};
    args.insert(args.end(), tls_args.begin(), tls_args.end());
    return RunDatacooee(args);
  }

  TempDir cert_dir_;
  TestCertificate a_ = MakeTestCertificate(cert_dir_.path(), "a");
  // A's files as they were: a reload test overwrites a_'s.
  TempDir pristine_dir_;
  TestCertificate a_pristine_ = [this] {
    TestCertificate copy = a_;
    copy.cert_file = pristine_dir_.File("a.crt");
    copy.key_file = pristine_dir_.File("a.key");
    std::filesystem::copy_file(a_.cert_file, copy.cert_file);
    std::filesystem::copy_file(a_.key_file, copy.key_file);
    return copy;
  }();
};

TEST_F(TlsTest, ListeningLineSaysHttps) {
  EXPECT_EQ(server_->listening_line(),
            "datacooee listening on https://127.0.0.1:" + std::to_string(server_->port()));
  ExpectServed(0);
}

// Responses far larger than one TLS record (16 KiB) arrive whole: the
// OpenAPI document, and a fetch of 3,000 readings. (Boost 1.74's SSL stream,
// given a head and a body as two buffers, once sent the head alone.)
class TlsSharedCertificateTest : public ServerTest {
 protected:
  // The test certificate, which RawConnection trusts.
  std::vector<std::string> ServerArgs() const override {
    return {"--tls-cert", SharedTestCertificate().cert_file, "--tls-key",
            SharedTestCertificate().key_file};
  }
};

TEST_F(TlsSharedCertificateTest, LargeResponsesArriveWhole) {
  std::vector<std::string> readings;
  for (int i = 0; i < 3000; ++i) readings.push_back(Attributes("1.5", TimestampAt(i)));
  HttpResponse stored =
      HttpClient(server_->port(), Transport::kTls)
          .Request("POST", UploadTarget(input_), UploadHeaders(org_), BatchBody(readings, input_));
  ASSERT_EQ(stored.status, 201) << stored.body;

  const std::string fetch =
      "GET /api/external/v1/get_inputdata_by_inputs?input_ids=" + input_ +
      "&limit=3000 HTTP/1.1\r\nHost: localhost\r\norganization-id: " + org_.id +
      "\r\norganization-api-key: " + org_.api_key + "\r\n\r\n";
  for (const std::string& request :
       {std::string("GET /api/openapi.json HTTP/1.1\r\nHost: localhost\r\n\r\n"), fetch}) {
    RawConnection connection(server_->port(), Transport::kTls);
    connection.Send(request);
    const std::optional<HttpResponse> response = connection.ReadResponse(5000);
    ASSERT_TRUE(response.has_value()) << "no whole response within 5 s to " << request;
    EXPECT_EQ(response->status, 200);
    EXPECT_GT(response->body.size(), 60'000u);
    EXPECT_EQ(std::to_string(response->body.size()), response->Header("content-length"));
    EXPECT_FALSE(ParseJson(response->body).HasParseError());
  }
}

TEST_F(TlsTest, ClientThatNeverFinishesItsHandshakeIsDroppedAtTheHeaderTimeout) {
  // One connection sends nothing; one sends the first 40 bytes of a
  // ClientHello whose record announces 512.
  std::string half_hello = std::string("\x16\x03\x01\x02\x00", 5) +
                           std::string("\x01\x00\x01\xfc\x03\x03", 6) + std::string(29, '\x5a');
  const auto start = Clock::now();
  RawConnection silent(server_->port(), Transport::kPlain);
  RawConnection half(server_->port(), Transport::kPlain);
  ASSERT_EQ(half.Send(half_hello), half_hello.size());

  // A normal TLS client is served meanwhile, on a connection opened after
  // them: while they are still open, unless serving it took so long (a
  // loaded machine) that their timeout has come.
  ExpectServed(1);
  if (MillisSince(start) < kHeaderTimeoutMs * 9 / 10) {
    EXPECT_FALSE(silent.ClosedNow());
    EXPECT_FALSE(half.ClosedNow());
  }

  EXPECT_TRUE(silent.ClosedWithin(kHeaderTimeoutMs + kSlackMs));
  const int64_t silent_ms = MillisSince(start);
  EXPECT_TRUE(half.ClosedWithin(kSlackMs));
  const int64_t half_ms = MillisSince(start);
  EXPECT_GE(silent_ms, kHeaderTimeoutMs * 9 / 10);
  EXPECT_LE(silent_ms, kHeaderTimeoutMs + kSlackMs);
  EXPECT_GE(half_ms, kHeaderTimeoutMs * 9 / 10);
  EXPECT_LE(half_ms, kHeaderTimeoutMs + kSlackMs);
  EXPECT_EQ(silent.received(), "");
  EXPECT_EQ(half.received().find("HTTP/"), std::string::npos);
  ExpectServed(2);
}

TEST_F(TlsTest, Tls12And13AreAcceptedTls11And10Refused) {
  for (const int version : {TLS1_3_VERSION, TLS1_2_VERSION}) {
    SCOPED_TRACE("version " + std::to_string(version));
    TlsOptions options;
    options.min_version = options.max_version = version;
    std::unique_ptr<HttpClient> client = Connect(options);
    EXPECT_EQ(UploadOn(*client, version).status, 201);
  }
  for (const int version : {TLS1_1_VERSION, TLS1_VERSION}) {
    SCOPED_TRACE("version " + std::to_string(version));
    TlsOptions options;
    options.min_version = options.max_version = version;
    try {
      Connect(options);
      ADD_FAILURE() << "the handshake succeeded";
    } catch (const std::exception& e) {
      // The server's alert, not the client's own refusal.
      EXPECT_NE(std::string(e.what()).find("alert protocol version"), std::string::npos)
          << e.what();
    }
  }
  // The same with the openssl tool, whose TLS 1.1 needs security level 0.
  const std::string port = std::to_string(server_->port());
  const ShellResult old = RunShell("openssl s_client -connect 127.0.0.1:" + port +
                                   " -tls1_1 -cipher DEFAULT@SECLEVEL=0 </dev/null");
  EXPECT_NE(old.exit_code, 0);
  EXPECT_NE(old.output.find("alert protocol version"), std::string::npos) << old.output;
  ExpectServed(1);
}

TEST_F(TlsTest, AlpnAnswersHttp11OrNothingAndServesHttp11) {
  TlsOptions both;
  both.alpn = {"h2", "http/1.1"};
  std::unique_ptr<HttpClient> offered_both = Connect(both);
  EXPECT_EQ(offered_both->AlpnProtocol(), "http/1.1");
  EXPECT_EQ(UploadOn(*offered_both, 1).status, 201);

  TlsOptions only_h2;
  only_h2.alpn = {"h2"};
  std::unique_ptr<HttpClient> offered_h2 = Connect(only_h2);
  EXPECT_EQ(offered_h2->AlpnProtocol(), "");
  EXPECT_EQ(UploadOn(*offered_h2, 2).status, 201);

  // curl asking for HTTP/2 ends up speaking HTTP/1.1.
  const std::string port = std::to_string(server_->port());
  const ShellResult curl =
      RunShell("curl -sS -o /dev/null -w '%{http_version} %{http_code}' --http2 --cacert '" +
               a_pristine_.cert_file + "' --resolve localhost:" + port +
               ":127.0.0.1 https://localhost:" + port + "/no-such-path");
  EXPECT_EQ(curl.exit_code, 0) << curl.output;
  EXPECT_EQ(curl.output, "1.1 404");
}

TEST_F(TlsTest, PlainHttpOnTheHttpsPortGetsNoHttpAnswerAndIsClosed) {
  RawConnection plain(server_->port(), Transport::kPlain);
  plain.Send("GET " + std::string(kFetchBase) + "get_inputdata_by_inputs?input_ids=" + input_ +
             " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  EXPECT_TRUE(plain.ClosedWithin(kHeaderTimeoutMs + kSlackMs));
  EXPECT_EQ(plain.received().find("HTTP/"), std::string::npos) << plain.received();
  // Still running, still serving.
  EXPECT_EQ(waitpid(server_->pid(), nullptr, WNOHANG), 0);
  ExpectServed(1);
}

TEST_F(TlsTest, RenegotiationIsRefused) {
  // s_client's "R" line asks for a renegotiation on the TLS 1.2 session.
  const std::string port = std::to_string(server_->port());
  const ShellResult renegotiate =
      RunShell("(echo R; sleep 1) | openssl s_client -connect 127.0.0.1:" + port +
               " -tls1_2 -servername localhost -CAfile '" + a_pristine_.cert_file + "'");
  EXPECT_NE(renegotiate.output.find("RENEGOTIATING"), std::string::npos) << renegotiate.output;
  EXPECT_NE(renegotiate.output.find("no renegotiation"), std::string::npos) << renegotiate.output;
  ExpectServed(1);
}

TEST_F(TlsTest, SighupReloadsTheCertificateForNewConnectionsAndKeepsOpenOnes) {
  std::unique_ptr<HttpClient> old = Connect();
  ASSERT_EQ(UploadOn(*old, 1).status, 201);
  ASSERT_EQ(old->PeerCertificatePem(), a_.cert_pem);

  TempDir b_dir;
  const TestCertificate b = MakeTestCertificate(b_dir.path(), "b");
  ASSERT_NE(b.cert_pem, a_.cert_pem);
  WriteFile(a_.key_file, ReadFile(b.key_file));
  WriteFile(a_.cert_file, b.cert_pem);
  ASSERT_EQ(kill(server_->pid(), SIGHUP), 0);
  EXPECT_TRUE(PollUntil(milliseconds(kSighupWaitMs), [&] {
    return server_->StderrText().find("reloaded the TLS certificate") != std::string::npos;
  })) << server_->StderrText();

  // A new connection gets B (and is verified against B alone).
  TlsOptions trust_b;
  trust_b.trusted_cert_file = b.cert_file;
  std::unique_ptr<HttpClient> fresh = Connect(trust_b);
  EXPECT_EQ(fresh->PeerCertificatePem(), b.cert_pem);
  EXPECT_EQ(UploadOn(*fresh, 2).status, 201);
  // The open connection goes on, on its session with A.
  EXPECT_EQ(UploadOn(*old, 3).status, 201);
  EXPECT_EQ(old->PeerCertificatePem(), a_.cert_pem);
  EXPECT_EQ(CountReadings(db_, input_), 3);
}

TEST_F(TlsTest, SighupWithABrokenKeyKeepsTheOldCertificate) {
  std::unique_ptr<HttpClient> old = Connect();
  ASSERT_EQ(UploadOn(*old, 1).status, 201);
  WriteFile(a_.key_file, "-----BEGIN PRIVATE KEY-----\nbroken\n-----END PRIVATE KEY-----\n");
  ASSERT_EQ(kill(server_->pid(), SIGHUP), 0);
  EXPECT_TRUE(PollUntil(milliseconds(kSighupWaitMs), [&] {
    const std::string log = server_->StderrText();
    return log.find("SIGHUP: kept the previous TLS certificate") != std::string::npos &&
           log.find(a_.key_file) != std::string::npos;
  })) << server_->StderrText();

  // A key that does not match the certificate is refused the same way.
  TempDir b_dir;
  const TestCertificate b = MakeTestCertificate(b_dir.path(), "b");
  WriteFile(a_.key_file, ReadFile(b.key_file));
  ASSERT_EQ(kill(server_->pid(), SIGHUP), 0);
  EXPECT_TRUE(PollUntil(milliseconds(kSighupWaitMs), [&] {
    return server_->StderrText().find("does not match") != std::string::npos;
  })) << server_->StderrText();

  std::unique_ptr<HttpClient> fresh = Connect();
  EXPECT_EQ(fresh->PeerCertificatePem(), a_.cert_pem);
  EXPECT_EQ(UploadOn(*fresh, 2).status, 201);
  EXPECT_EQ(UploadOn(*old, 3).status, 201);
  EXPECT_EQ(waitpid(server_->pid(), nullptr, WNOHANG), 0);
}

// Every place held mid-request. Over TLS a refused newcomer must finish its
// handshake to read its 503, so past the cap on refused connections that
// linger (128) the server closes it before the handshake instead of
// holding it, placeless, for a handshake the client paces; the plain form
// of this case (hostile_test.cc) has every such newcomer read a 503.
class TlsLimitTest : public ServerTest {
 protected:
  static constexpr int kMaxConnections = 8;
  // The test certificate, which RawConnection trusts.
  std::vector<std::string> ServerArgs() const override {
    return {"--tls-cert",          SharedTestCertificate().cert_file,
            "--tls-key",           SharedTestCertificate().key_file,
            "--max-connections",   std::to_string(kMaxConnections),
            "--header-timeout-ms", std::to_string(kHeaderTimeoutMs)};
  }
  std::string UploadHead(size_t body_size) const {
    std::string head = "POST " + UploadTarget(input_) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    for (const auto& [name, value] : UploadHeaders(org_)) head += name + ": " + value + "\r\n";
    return head + "Expect: 100-continue\r\nContent-Length: " + std::to_string(body_size) +
           "\r\n\r\n";
  }
  void ExpectServed(int second) {
    HttpClient client(server_->port(), Transport::kTls);
    HttpResponse created = client.Request("POST", UploadTarget(input_), UploadHeaders(org_),
                                          SingleBody(Attributes("1", TimestampAt(second)), input_));
    EXPECT_EQ(created.status, 201) << created.body;
  }
};

TEST_F(TlsLimitTest, WhenEveryPlaceIsMidRequestNewcomersGet503OrAreClosedBeforeTheHandshake) {
  ExpectServed(0);
  ASSERT_TRUE(AwaitNoOtherConnection(server_->port(), Transport::kTls));
  const int baseline_fds = CountFds(server_->pid());
  std::vector<std::unique_ptr<RawConnection>> busy;
  std::vector<std::string> bodies;
  for (int i = 0; i < kMaxConnections; ++i) {
    bodies.push_back(SingleBody(Attributes("1", TimestampAt(100 + i)), input_));
    busy.push_back(std::make_unique<RawConnection>(server_->port(), Transport::kTls));
    busy.back()->Send(UploadHead(bodies.back().size()));
    std::optional<HttpResponse> interim = busy.back()->ReadResponse();
    ASSERT_TRUE(interim.has_value());
    ASSERT_EQ(interim->status, 100);  // the head is read: the place is busy
    busy.back()->Send(bodies.back().substr(0, 10));
  }

  constexpr int kNewcomers = 300;
  std::vector<std::unique_ptr<RawConnection>> flood;
  int closed_before_handshake = 0;
  for (int i = 0; i < kNewcomers; ++i) {
    try {
      flood.push_back(std::make_unique<RawConnection>(server_->port(), Transport::kTls));
    } catch (const std::exception&) {
      ++closed_before_handshake;
    }
  }
  int refused = 0;
  for (size_t i = 0; i < flood.size(); ++i) {
    SCOPED_TRACE("newcomer " + std::to_string(i));
    std::optional<HttpResponse> answer = flood[i]->ReadResponse(5000);
    ASSERT_TRUE(answer.has_value()) << "a newcomer past its handshake got no 503";
    EXPECT_TRUE(IsError(*answer, 503));
    EXPECT_EQ(answer->Header("retry-after"), "1");
    EXPECT_FALSE(answer->keep_alive);
    // At once, or after lingering 2 s (session.cc, kLingerTime) and its
    // close_notify (500 ms); a connection not closed would stay open for
    // the 60 s idle timeout, so the margin costs nothing.
    EXPECT_TRUE(flood[i]->ClosedWithin(2500 + kSlackMs));
    ++refused;
  }
  std::printf("TLS 503 flood: %d newcomers read a 503, %d were closed before their handshake\n",
              refused, closed_before_handshake);
  // The lingering ones, at least, read their 503.
  EXPECT_GE(refused, 128);
  EXPECT_EQ(refused + closed_before_handshake, kNewcomers);
  // Refused connections hold no place, and at most 128 linger.
  EXPECT_LE(CountFds(server_->pid()), baseline_fds + kMaxConnections + 128 + 4);

  // The uploads in progress go on; then their places make room again.
  for (int i = 0; i < kMaxConnections; ++i) {
    SCOPED_TRACE("busy connection " + std::to_string(i));
    busy[i]->Send(std::string_view(bodies[i]).substr(10));
    std::optional<HttpResponse> created = busy[i]->ReadResponse();
    ASSERT_TRUE(created.has_value());
    EXPECT_EQ(created->status, 201) << created->body;
  }
  ExpectServed(1);
  EXPECT_EQ(CountReadings(db_, input_), kMaxConnections + 2);
}

// Each bad start exits 2 before serving, its message naming the file or flag.
struct BadStart {
  std::string name;
  std::vector<std::string> args;
  std::vector<std::string> named;  // each must appear in stderr
};

TEST_F(TlsTest, BadCertificateFilesExit2NamingTheFile) {
  TempDir b_dir;
  const TestCertificate b = MakeTestCertificate(b_dir.path(), "b");
  const std::string missing = cert_dir_.File("missing.crt");
  const std::string not_pem = cert_dir_.File("not-a-key.txt");
  std::ofstream(not_pem) << "this is not a key\n";
  // Tests run as root, for whom chmod 000 does not bite: a directory is as
  // unreadable as a key file gets.
  const std::string directory = b_dir.path();
  const std::vector<BadStart> cases = {
      {"missing certificate", {"--tls-cert", missing, "--tls-key", a_.key_file}, {missing}},
      {"missing key", {"--tls-cert", a_.cert_file, "--tls-key", missing}, {missing}},
      {"key is a directory", {"--tls-cert", a_.cert_file, "--tls-key", directory}, {directory}},
      {"key is not PEM", {"--tls-cert", a_.cert_file, "--tls-key", not_pem}, {not_pem}},
      {"certificate is not PEM", {"--tls-cert", not_pem, "--tls-key", a_.key_file}, {not_pem}},
      {"key of another certificate",
       {"--tls-cert", a_.cert_file, "--tls-key", b.key_file},
       {b.key_file, a_.cert_file, "does not match"}},
      {"only --tls-cert", {"--tls-cert", a_.cert_file}, {"--tls-cert", "--tls-key"}},
      {"only --tls-key", {"--tls-key", a_.key_file}, {"--tls-cert", "--tls-key"}},
  };
  for (const BadStart& c : cases) {
    SCOPED_TRACE(c.name);
    const CommandResult result = ServeWith(c.args);
    EXPECT_EQ(result.exit_code, 2) << result.err;
    EXPECT_EQ(result.out.find("listening"), std::string::npos) << result.out;
    for (const std::string& named : c.named) {
      EXPECT_NE(result.err.find(named), std::string::npos) << "not named: " << named << "\n"
                                                           << result.err;
    }
  }
}

}  // namespace
}  // namespace dc::testing
