// Fuzzes authcore-server's request handling without sockets: the raw bytes
// go through Beast's request parser with the server's limits, and a parsed
// request through the Service (routes, form and JSON decoding, bearer
// parsing, the Authenticator on an in-memory store). Invariants: no crash,
// no sanitizer report, exactly one response per request, never a 5xx other
// than 503, and every error body is JSON with a "detail".
#include <boost/beast/http/parser.hpp>

#include <cstdint>
#include <future>
#include <string_view>

#include "request_decoding.hpp"
#include "server_fuzz_world.hpp"

namespace {

using namespace authcore_server;

authcore_fuzz::ServerWorld& world() {
  static authcore_fuzz::ServerWorld instance;
  return instance;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  // The decoders on their own, whatever the bytes.
  (void)decode_form(bytes);
  (void)decode_json_object(bytes);
  (void)authcore::bearer_token(bytes);
  (void)media_type(bytes);

  http::request_parser<http::string_body> parser;
  parser.header_limit(static_cast<std::uint32_t>(Service::max_header_bytes));
  parser.body_limit(Service::max_body_bytes);
  parser.eager(true);
  boost::beast::error_code ec;
  parser.put(boost::asio::buffer(bytes.data(), bytes.size()), ec);
  if (ec || !parser.is_done()) return 0;

  std::promise<Response> answered;
  int calls = 0;
  world().service.handle(parser.get(), "192.0.2.1", [&](Response response) {
    ++calls;
    answered.set_value(std::move(response));
  });
  const Response response = answered.get_future().get();
  authcore_fuzz::check_response(response.result_int(), response.body(), parser.get().method() == http::verb::head);
  if (calls != 1) std::abort();
  return 0;
}
