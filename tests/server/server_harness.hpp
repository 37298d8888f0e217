// Drives a real authcore-server: starts it on 127.0.0.1 on a free port with
// a temporary SQLite database (or the test PostgreSQL), talks HTTP/1.1 to
// it with Boost.Beast, and stops it with SIGTERM.
#ifndef AUTHCORE_TESTS_SERVER_SERVER_HARNESS_HPP
#define AUTHCORE_TESTS_SERVER_SERVER_HARNESS_HPP

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace authcore::test {

/// A response as the tests look at it.
struct HttpReply {
  int status = 0;
  std::map<std::string, std::string> headers;  ///< names lower-cased
  std::string body;
  nlohmann::json json() const;  ///< the body as JSON (null when it is not JSON)
  std::string header(const std::string& name) const;
};

/// The database a test server uses.
struct Backend {
  std::string name;  ///< "sqlite" or "postgres"
  std::string db;    ///< the --db argument
  /// PostgreSQL: a --db-schema of the test's own, so that no two tests
  /// share the fleet-wide login throttle's counters (or anything else).
  std::string schema{};
};

/// The backends to run on: SQLite always; PostgreSQL when the test server is
/// there (and required when AUTHCORE_REQUIRE_POSTGRES=1).
std::vector<Backend> backends();

/// How a ServerProcess starts when the usual flags will not do.
struct ServerLaunch {
  /// Every argument after the program's name: nothing is added, not even
  /// `--port 0` (e.g. only `--config FILE`, with the port in the file).
  std::vector<std::string> arguments;
  /// Where the server's standard error goes; empty: the test's own.
  std::string stderr_path;
};

class ServerProcess {
 public:
  /// Starts authcore-server with `db`, the test key and `extra` flags, and
  /// waits until it listens.
  explicit ServerProcess(const std::string& db, std::vector<std::string> extra = {});
  /// As above, on `backend` (its database, and its schema if it has one).
  explicit ServerProcess(const Backend& backend, std::vector<std::string> extra = {});
  /// Starts authcore-server with exactly `launch.arguments` (AUTHCORE_SECRET
  /// is the test key) and waits until it listens on the port it names.
  explicit ServerProcess(const ServerLaunch& launch);
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  unsigned short port() const noexcept { return port_; }
  pid_t pid() const noexcept { return pid_; }
  /// True while the process has not ended.
  bool running() const;
  /// Sends `signal_number` (SIGHUP: reload keys, reopen the audit log).
  void signal(int signal_number) const;
  /// Sends SIGTERM and returns the exit status (-1 when killed by a signal).
  int terminate();

  /// One request on a new connection; `headers` are added as given. With
  /// $AUTHCORE_TEST_REPLY_LOG set to a directory, the reply is also
  /// recorded there (tests/server/check_replies.py validates every one).
  HttpReply request(const std::string& method, const std::string& target, const std::string& body = {},
                    const std::map<std::string, std::string>& headers = {}) const;
  HttpReply post_json(const std::string& target, const nlohmann::json& body,
                      const std::map<std::string, std::string>& headers = {}) const;
  HttpReply post_form(const std::string& target, const std::string& body) const;
  HttpReply get(const std::string& target, const std::string& bearer = {}) const;
  /// Bytes sent as they are (for malformed requests); the reply as parsed.
  HttpReply raw(const std::string& bytes) const;

 private:
  pid_t pid_ = -1;
  unsigned short port_ = 0;
  bool docs_ = true;  // serves /docs and /openapi.json (no --no-docs)
};

/// One keep-alive connection to a server: requests in turn on the same
/// socket, so a test can tell that the server did not drop it.
class HttpConnection {
 public:
  explicit HttpConnection(unsigned short port);
  ~HttpConnection();
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  /// GET `target` with a bearer token (none when empty) on this connection.
  HttpReply get(const std::string& target, const std::string& bearer = {});

 private:
  struct State;
  std::unique_ptr<State> state_;
};

/// Polls `condition` every 20 ms until it holds (true) or `timeout` passes
/// (false).
bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout);

/// A username no other test (or run) uses: the PostgreSQL database is shared.
std::string unique_name(const std::string& prefix);

/// The path of a fresh SQLite database file in a temporary directory.
std::string temporary_database();

}  // namespace authcore::test

#endif
