// Who the client is behind trusted proxies (examples/server/client_address):
// CIDR ranges, RFC 7239 Forwarded and X-Forwarded-For parsing, and the walk
// from the right to the nearest untrusted hop, as tables.
#include <string>
#include <vector>

#include "client_address.hpp"
#include "support/catch.hpp"

using namespace authcore_server;
namespace ip = boost::asio::ip;

namespace {

std::string text_of(const std::optional<std::vector<Hop>>& hops) {
  if (!hops) return "malformed";
  std::string text;
  for (const auto& hop : *hops) {
    if (!text.empty()) text += ' ';
    text += hop.address ? hop.address->to_string() : hop.name;
  }
  return text;
}

// The hops `parse` finds in header `values`, as text.
template <class Parse>
std::string parsed(Parse parse, const std::vector<std::string>& values) {
  const std::vector<std::string_view> views(values.begin(), values.end());
  return text_of(parse(views));
}

TrustedProxies proxies(const std::vector<std::string>& ranges) {
  std::vector<Cidr> parsed;
  for (const auto& range : ranges) parsed.push_back(parse_cidr(range).value());
  return TrustedProxies(std::move(parsed));
}

}  // namespace

TEST_CASE("parse_cidr takes an address or ADDRESS/PREFIX with zero host bits, IPv4 and IPv6", "[client_address]") {
  const auto [text, network, prefix] = GENERATE(table<std::string, std::string, unsigned>({
      {"10.0.0.0/8", "10.0.0.0", 8},
      {"192.0.2.7", "192.0.2.7", 32},
      {"192.0.2.7/32", "192.0.2.7", 32},
      {"0.0.0.0/0", "0.0.0.0", 0},
      {"172.16.0.0/12", "172.16.0.0", 12},
      {"2001:db8::/32", "2001:db8::", 32},
      {"::1", "::1", 128},
      {"fd00::/8", "fd00::", 8},
      {"::/0", "::", 0},
      {"::ffff:10.0.0.0/104", "10.0.0.0", 8},  // IPv4-mapped: the IPv4 range
      {"::ffff:192.0.2.1", "192.0.2.1", 32},
  }));
  INFO(text);
  const auto range = parse_cidr(text);
  REQUIRE(range);
  CHECK(range->network.to_string() == network);
  CHECK(range->prefix == prefix);
}

TEST_CASE("parse_cidr refuses what is not exactly a range", "[client_address]") {
  const auto text = GENERATE(as<std::string>{}, "", "10.0.0.1/8", "10.0.0.0/33", "10.0.0.0/", "10.0.0.0/-1",
                             "10.0.0.0/+8", "10.0.0.0/08x", "10.0.0/8", "10.0.0.0.0", "2001:db8::1/32",
                             "2001:db8::/129", "[2001:db8::]/32", "fe80::1%eth0", " 10.0.0.0/8", "10.0.0.0/8 ",
                             "localhost", "::ffff:10.0.0.0/95", "10.0.0.0/0008", "1.2.3.4/32/32");
  INFO("'" << text << "'");
  CHECK_FALSE(parse_cidr(text));
}

TEST_CASE("contains compares the prefix bits, an IPv4-mapped address as IPv4", "[client_address]") {
  const auto [range, address, inside] = GENERATE(table<std::string, std::string, bool>({
      {"10.0.0.0/8", "10.255.1.2", true},
      {"10.0.0.0/8", "11.0.0.1", false},
      {"192.0.2.0/25", "192.0.2.127", true},
      {"192.0.2.0/25", "192.0.2.128", false},
      {"0.0.0.0/0", "203.0.113.9", true},
      {"127.0.0.1", "127.0.0.1", true},
      {"127.0.0.1", "127.0.0.2", false},
      {"10.0.0.0/8", "::ffff:10.1.2.3", true},
      {"::ffff:10.0.0.0/104", "10.9.9.9", true},
      {"2001:db8::/32", "2001:db8:ffff::1", true},
      {"2001:db8::/32", "2001:db9::1", false},
      {"2001:db8::/33", "2001:db8:8000::1", false},
      {"::/0", "10.0.0.1", false},  // families do not mix
      {"0.0.0.0/0", "2001:db8::1", false},
  }));
  INFO(range << " " << address);
  CHECK(contains(parse_cidr(range).value(), ip::make_address(address)) == inside);
}

TEST_CASE("Forwarded (RFC 7239) gives the for= hops from the client to the nearest proxy", "[client_address]") {
  const auto [values, hops] = GENERATE(table<std::vector<std::string>, std::string>({
      {{"for=192.0.2.60"}, "192.0.2.60"},
      {{"For=\"192.0.2.60\""}, "192.0.2.60"},
      {{"for=192.0.2.43, for=198.51.100.17"}, "192.0.2.43 198.51.100.17"},
      {{"for=192.0.2.43,for=198.51.100.17"}, "192.0.2.43 198.51.100.17"},
      {{"for=192.0.2.43", "for=198.51.100.17"}, "192.0.2.43 198.51.100.17"},  // two header lines
      {{"for=\"[2001:db8:cafe::17]:4711\""}, "2001:db8:cafe::17"},
      {{"for=\"[2001:db8:cafe::17]\";proto=https;by=203.0.113.43"}, "2001:db8:cafe::17"},
      {{"for=192.0.2.60;proto=http;by=203.0.113.43"}, "192.0.2.60"},
      {{"proto=https; for=192.0.2.60 ; by=x"}, "192.0.2.60"},
      {{"for=\"192.0.2.60:8080\""}, "192.0.2.60"},
      {{"for=\"192.0.2.60:_port\""}, "192.0.2.60"},
      {{"for=unknown, for=198.51.100.17"}, "unknown 198.51.100.17"},
      {{"for=UNKNOWN"}, "unknown"},
      {{"for=_hidden, for=_SEVKISEK"}, "_hidden _SEVKISEK"},
      {{"proto=https, for=198.51.100.17"}, "unknown 198.51.100.17"},  // an element without for=
      {{"for=\"\\1\\92.0.2.60\""}, "192.0.2.60"},                     // quoted-pairs
      {{", for=192.0.2.1,,"}, "192.0.2.1"},                           // empty list elements
      {{"for=\"[::ffff:192.0.2.1]\""}, "192.0.2.1"},
  }));
  INFO(values.front());
  CHECK(parsed(forwarded_hops, values) == hops);
}

TEST_CASE("Forwarded that does not follow RFC 7239 is malformed", "[client_address]") {
  const auto value =
      GENERATE(as<std::string>{}, "for=2001:db8::1", "for=[2001:db8::1]", "for=\"2001:db8::1\"", "for=\"[2001:db8::1\"",
               "for=\"[192.0.2.1]\"", "for=\"[fe80::1%25eth0]\"", "for=", "for=\"\"", "for", "=192.0.2.1",
               "for=192.0.2.1;for=192.0.2.2", "for=\"192.0.2.1", "for=192.0.2.1 junk", "for=192.0.2.1:80",
               "for=\"192.0.2.1:\"", "for=\"192.0.2.1:123456\"", "for=\"192.0.2.1:_\"", "for=_", "for=_a b",
               "for=hidden", "for=example.com", "for=192.0.2", "for=\"x\\", "for=\"a\x01\"", "for=1.2.3.4;by",
               "for=\"[2001:db8::1]x\"", "for=\"[2001:db8::1]:\"", "for=\"[2001:db8::1]:80x\"");
  INFO(value);
  CHECK(parsed(forwarded_hops, {value}) == "malformed");
}

TEST_CASE("X-Forwarded-For gives its comma-separated addresses", "[client_address]") {
  const auto [values, hops] = GENERATE(table<std::vector<std::string>, std::string>({
      {{"203.0.113.195"}, "203.0.113.195"},
      {{"203.0.113.195, 70.41.3.18, 150.172.238.178"}, "203.0.113.195 70.41.3.18 150.172.238.178"},
      {{"203.0.113.195,2001:db8:85a3:8d3:1319:8a2e:370:7348"}, "203.0.113.195 2001:db8:85a3:8d3:1319:8a2e:370:7348"},
      {{"[2001:db8::1]:443"}, "2001:db8::1"},
      {{"[2001:db8::1]"}, "2001:db8::1"},
      {{"203.0.113.195:5555"}, "203.0.113.195"},
      {{"unknown, 203.0.113.195"}, "unknown 203.0.113.195"},
      {{"203.0.113.1", "203.0.113.2"}, "203.0.113.1 203.0.113.2"},
      {{" 203.0.113.1 ,, 203.0.113.2 "}, "203.0.113.1 203.0.113.2"},
      {{"::ffff:203.0.113.1"}, "203.0.113.1"},
  }));
  INFO(values.front());
  CHECK(parsed(x_forwarded_for_hops, values) == hops);
}

TEST_CASE("X-Forwarded-For with an entry that is not an address is malformed", "[client_address]") {
  const auto value = GENERATE(as<std::string>{}, "example.com", "203.0.113.195 70.41.3.18",
                              "203.0.113.195:", "203.0.113.195:port", "[2001:db8::1", "2001:db8::1]:80", "fe80::1%eth0",
                              "203.0.113.1:1:2", "_hidden", "203.0.113.1;for=x", "[203.0.113.1]");
  INFO(value);
  CHECK(parsed(x_forwarded_for_hops, {value}) == "malformed");
}

TEST_CASE("more than 64 hops are malformed", "[client_address]") {
  std::string forwarded = "for=192.0.2.1";
  std::string x_forwarded_for = "192.0.2.1";
  for (int hop = 1; hop < 64; ++hop) {
    forwarded += ",for=192.0.2.1";
    x_forwarded_for += ",192.0.2.1";
  }
  CHECK(forwarded_hops({forwarded})->size() == 64);
  CHECK(x_forwarded_for_hops({x_forwarded_for})->size() == 64);
  CHECK_FALSE(forwarded_hops({forwarded + ",for=192.0.2.1"}));
  CHECK_FALSE(x_forwarded_for_hops({x_forwarded_for + ",192.0.2.1"}));
}

TEST_CASE("the client is the nearest untrusted hop, and only a trusted peer's headers count", "[client_address]") {
  struct Row {
    const char* name;
    std::vector<std::string> trusted;
    std::string peer;
    std::vector<std::string> forwarded;
    std::vector<std::string> x_forwarded_for;
    std::string client;
  };
  const auto row = GENERATE(values<Row>({
      {"no trusted proxies: headers ignored", {}, "198.51.100.9", {"for=192.0.2.1"}, {"192.0.2.2"}, "198.51.100.9"},
      {"untrusted peer: headers ignored", {"10.0.0.0/8"}, "198.51.100.9", {"for=192.0.2.1"}, {}, "198.51.100.9"},
      {"trusted peer, one hop", {"10.0.0.0/8"}, "10.0.0.2", {"for=192.0.2.1"}, {}, "192.0.2.1"},
      {"a spoofed hop left of the real client",
       {"10.0.0.0/8"},
       "10.0.0.2",
       {"for=203.0.113.66, for=192.0.2.1"},
       {},
       "192.0.2.1"},
      {"two trusted proxies", {"10.0.0.0/8"}, "10.0.0.2", {"for=192.0.2.1, for=10.0.0.7"}, {}, "192.0.2.1"},
      {"Forwarded wins over X-Forwarded-For",
       {"10.0.0.0/8"},
       "10.0.0.2",
       {"for=192.0.2.1"},
       {"192.0.2.99"},
       "192.0.2.1"},
      {"X-Forwarded-For without Forwarded", {"10.0.0.0/8"}, "10.0.0.2", {}, {"203.0.113.66, 192.0.2.1"}, "192.0.2.1"},
      {"X-Forwarded-For through two proxies",
       {"10.0.0.0/8", "172.16.0.0/12"},
       "10.0.0.2",
       {},
       {"192.0.2.1, 172.16.5.5"},
       "192.0.2.1"},
      {"every hop trusted: the first", {"10.0.0.0/8"}, "10.0.0.2", {"for=10.0.0.5, for=10.0.0.6"}, {}, "10.0.0.5"},
      {"an obfuscated client", {"10.0.0.0/8"}, "10.0.0.2", {"for=_abc123"}, {}, "_abc123"},
      {"unknown: the proxy that wrote it", {"10.0.0.0/8"}, "10.0.0.2", {"for=unknown, for=10.0.0.7"}, {}, "10.0.0.7"},
      {"unknown from the peer itself", {"10.0.0.0/8"}, "10.0.0.2", {"for=unknown"}, {}, "10.0.0.2"},
      {"malformed Forwarded: the peer", {"10.0.0.0/8"}, "10.0.0.2", {"for=2001:db8::1"}, {"192.0.2.1"}, "10.0.0.2"},
      {"malformed X-Forwarded-For: the peer", {"10.0.0.0/8"}, "10.0.0.2", {}, {"192.0.2.1, not-an-ip"}, "10.0.0.2"},
      {"no headers: the peer", {"10.0.0.0/8"}, "10.0.0.2", {}, {}, "10.0.0.2"},
      {"an IPv6 client through an IPv4 proxy",
       {"127.0.0.1"},
       "127.0.0.1",
       {"for=\"[2001:db8::7]:1234\""},
       {},
       "2001:db8::7"},
      {"an IPv6 proxy", {"fd00::/8"}, "fd00::1", {}, {"192.0.2.8"}, "192.0.2.8"},
      {"an IPv4-mapped peer of a dual-stack socket",
       {"10.0.0.0/8"},
       "::ffff:10.0.0.2",
       {"for=192.0.2.1"},
       {},
       "192.0.2.1"},
      {"an untrusted IPv4-mapped peer is named as IPv4", {"10.0.0.0/8"}, "::ffff:198.51.100.9", {}, {}, "198.51.100.9"},
  }));
  INFO(row.name);
  const std::vector<std::string_view> forwarded(row.forwarded.begin(), row.forwarded.end());
  const std::vector<std::string_view> x_forwarded_for(row.x_forwarded_for.begin(), row.x_forwarded_for.end());
  CHECK(proxies(row.trusted).client(ip::make_address(row.peer), forwarded, x_forwarded_for) == row.client);
}
