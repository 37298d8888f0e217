#include "responder.hpp"

#include <atomic>
#include <exception>
#include <utility>

#include "replies.hpp"

namespace authcore_server {

struct Responder::State {
  ReplyTo to;
  Send send;
  std::atomic<bool> answered{false};

  State(ReplyTo reply_to, Send send_response) : to(reply_to), send(std::move(send_response)) {}
  State(const State&) = delete;
  State& operator=(const State&) = delete;

  ~State() {
    if (answered.load()) return;
    try {
      deliver(error_reply(to, http::status::service_unavailable, "The request was dropped before it was answered"));
    } catch (...) {  // nothing is left to tell, and a destructor must not throw
    }
  }

  void deliver(Response response) {
    response.version(to.version);
    response.keep_alive(to.keep_alive);
    // RFC 9110 §9.3.2: the same header fields as for GET, no content.
    if (to.head) response.body().clear();
    send(std::move(response));
  }
};

Responder::Responder(ReplyTo to, Send send) : state_(std::make_shared<State>(to, std::move(send))) {}

void Responder::operator()(Response response) const {
  if (state_->answered.exchange(true)) return;
  state_->deliver(std::move(response));
}

bool Responder::answered() const noexcept { return state_->answered.load(); }

const ReplyTo& Responder::to() const noexcept { return state_->to; }

}  // namespace authcore_server
