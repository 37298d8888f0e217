// Who the client is behind reverse proxies (DESIGN §7, docs/security.md
// "Reverse proxies"): the peer's address, unless the peer is a proxy the
// operator trusts (--trusted-proxy), in which case the hops it forwarded
// (RFC 7239 `Forwarded`, else `X-Forwarded-For`) are walked from the right
// to the nearest one that is not trusted. Pure functions, no sockets.
#ifndef AUTHCORE_SERVER_CLIENT_ADDRESS_HPP
#define AUTHCORE_SERVER_CLIENT_ADDRESS_HPP

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/ip/address.hpp>

namespace authcore_server {

/// An IPv4 or IPv6 address range, "192.0.2.0/24" or "2001:db8::/32".
struct Cidr {
  boost::asio::ip::address network;  ///< the range's first address (host bits zero)
  unsigned prefix = 0;               ///< 0-32 for IPv4, 0-128 for IPv6
};

/// `text` as a range: "ADDRESS/PREFIX", or a bare address (/32 or /128).
/// nullopt for anything else: a prefix out of range or not decimal, host
/// bits set ("10.0.0.1/8" is ambiguous: 10.0.0.0/8 or 10.0.0.1/32?), a
/// zone ("fe80::1%eth0"), brackets or spaces.
std::optional<Cidr> parse_cidr(std::string_view text);

/// True when `address` is in `range`. An IPv4-mapped IPv6 address
/// (::ffff:192.0.2.1, how a dual-stack socket names an IPv4 peer) matches
/// as its IPv4 address.
bool contains(const Cidr& range, const boost::asio::ip::address& address);

/// One hop a proxy named: an address, or (RFC 7239 §6.2, §6.3) a pseudonym
/// ("_hidden") or "unknown".
struct Hop {
  std::optional<boost::asio::ip::address> address;  ///< when the hop is an address
  std::string name;                                 ///< the pseudonym or "unknown" otherwise
};

/// The `for=` hops of `Forwarded` header values (RFC 7239 §4), in order
/// from the client to the nearest proxy; an element without `for=` is an
/// "unknown" hop. Values of several header lines are given in order.
/// nullopt when the header does not follow RFC 7239's grammar (a bad token,
/// an unterminated quoted string, a node that is not an address, "unknown"
/// or an obfuscated identifier; an IPv6 address must be quoted and
/// bracketed), or names more than 64 hops.
std::optional<std::vector<Hop>> forwarded_hops(const std::vector<std::string_view>& values);

/// The hops of `X-Forwarded-For` values (comma-separated addresses, IPv6
/// bare or bracketed, an optional port after an IPv4 or bracketed IPv6
/// address). nullopt when an entry is not an address, or there are more
/// than 64.
std::optional<std::vector<Hop>> x_forwarded_for_hops(const std::vector<std::string_view>& values);

/// The proxies whose forwarding headers are believed (--trusted-proxy).
class TrustedProxies {
 public:
  TrustedProxies() = default;
  explicit TrustedProxies(std::vector<Cidr> ranges) : ranges_(std::move(ranges)) {}

  bool empty() const noexcept { return ranges_.empty(); }
  /// True when `address` is in one of the ranges.
  bool trusts(const boost::asio::ip::address& address) const noexcept;

  /// The client of a request that came from `peer` with these
  /// `Forwarded` and `X-Forwarded-For` values: `peer` itself unless it is
  /// trusted; else, from `Forwarded` when there is one and from
  /// `X-Forwarded-For` otherwise, the nearest hop (walking from the right)
  /// that is not a trusted address: an address, or a pseudonym, as text.
  /// An "unknown" hop stands for the trusted proxy that wrote it (its
  /// address is the client). When every hop is trusted, the first one.
  /// Malformed or missing headers give `peer`: a header cannot make the
  /// client less known than its peer address.
  std::string client(const boost::asio::ip::address& peer, const std::vector<std::string_view>& forwarded,
                     const std::vector<std::string_view>& x_forwarded_for) const;

 private:
  std::vector<Cidr> ranges_;
};

}  // namespace authcore_server

#endif
