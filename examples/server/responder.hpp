// The promise of one response: whatever a handler does (answers at once,
// hands the work to another thread, throws, or drops the work on the floor),
// its request is answered exactly once.
#ifndef AUTHCORE_SERVER_RESPONDER_HPP
#define AUTHCORE_SERVER_RESPONDER_HPP

#include <functional>
#include <memory>

#include "http_message.hpp"

namespace authcore_server {

/// What a response needs from its request, kept when the request is gone
/// (a response built on a HashGate thread).
struct ReplyTo {
  unsigned version = 11;   ///< HTTP/1.0 or 1.1, as the request
  bool keep_alive = true;  ///< as the request asked
  bool head = false;       ///< a HEAD request: headers only (RFC 9110 §9.3.2)
};

/// Answers one request. Copies share one state: the first call sends, later
/// calls do nothing. When the last copy goes away unanswered (work dropped by
/// a pool that shut down, a callback lost), it sends a 503, so a client is
/// never left waiting. Thread-safe; `send` may run on any thread.
class Responder {
 public:
  using Send = std::function<void(Response)>;

  Responder(ReplyTo to, Send send);

  /// Sends `response` unless the request was answered already. Sets the
  /// version and keep-alive of the request; for HEAD, drops the body and
  /// keeps its Content-Length.
  void operator()(Response response) const;

  /// True once a response was sent.
  bool answered() const noexcept;

  /// The request's version, keep-alive and method, for building responses.
  const ReplyTo& to() const noexcept;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace authcore_server

#endif
