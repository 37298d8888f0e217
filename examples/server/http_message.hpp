// The HTTP message types the server is written in: Beast requests and
// responses with string bodies.
#ifndef AUTHCORE_SERVER_HTTP_MESSAGE_HPP
#define AUTHCORE_SERVER_HTTP_MESSAGE_HPP

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

namespace authcore_server {

namespace http = boost::beast::http;
using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

}  // namespace authcore_server

#endif
