#include "client_address.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>

namespace authcore_server {
namespace {

namespace ip = boost::asio::ip;

// More hops than any real proxy chain: a longer list is refused rather than
// walked.
constexpr std::size_t kMaxHops = 64;

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_ows(char c) { return c == ' ' || c == '\t'; }

// RFC 9110 §5.6.2: tchar.
bool is_tchar(char c) {
  return is_alpha(c) || is_digit(c) || std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

std::string lowercase(std::string_view text) {
  std::string lower(text);
  for (auto& c : lower) c = is_alpha(c) ? static_cast<char>(c | 0x20) : c;
  return lower;
}

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && is_ows(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_ows(text.back())) text.remove_suffix(1);
  return text;
}

// A dual-stack socket names an IPv4 peer ::ffff:a.b.c.d; it is that IPv4
// address for every decision and in every log.
ip::address unmapped(const ip::address& address) {
  if (address.is_v6() && address.to_v6().is_v4_mapped()) return ip::make_address_v4(ip::v4_mapped, address.to_v6());
  return address;
}

// An address written without zone, brackets or spaces (inet_pton's forms).
std::optional<ip::address> parse_address(std::string_view text) {
  if (text.empty() || text.find('%') != std::string_view::npos) return std::nullopt;
  boost::system::error_code ec;
  const auto address = ip::make_address(std::string(text), ec);
  if (ec) return std::nullopt;
  return unmapped(address);
}

// The inside of "[...]" (RFC 3986 §3.2.2's IP-literal, without zone).
std::optional<ip::address> parse_bracketed_v6(std::string_view text) {
  if (text.find('%') != std::string_view::npos) return std::nullopt;
  boost::system::error_code ec;
  const auto v6 = ip::make_address_v6(std::string(text), ec);
  if (ec) return std::nullopt;
  return unmapped(ip::address(v6));
}

bool is_decimal_port(std::string_view text) {
  return !text.empty() && text.size() <= 5 && std::all_of(text.begin(), text.end(), is_digit);
}

// RFC 7239 §6.3: "_" 1*( ALPHA / DIGIT / "." / "_" / "-" ).
bool is_obfuscated(std::string_view text) {
  return text.size() > 1 && text.front() == '_' && std::all_of(text.begin() + 1, text.end(), [](char c) {
           return is_alpha(c) || is_digit(c) || c == '.' || c == '_' || c == '-';
         });
}

// The bytes of an address, IPv4 or IPv6, for prefix comparison.
struct AddressBytes {
  std::array<unsigned char, 16> bytes{};
  unsigned bits = 0;
};

AddressBytes bytes_of(const ip::address& address) {
  AddressBytes out;
  if (address.is_v4()) {
    const auto v4 = address.to_v4().to_bytes();
    std::copy(v4.begin(), v4.end(), out.bytes.begin());
    out.bits = 32;
  } else {
    out.bytes = address.to_v6().to_bytes();
    out.bits = 128;
  }
  return out;
}

bool host_bits_zero(AddressBytes address, unsigned prefix) {
  for (unsigned bit = prefix; bit < address.bits; ++bit) {
    if (address.bytes[bit / 8] & (0x80u >> (bit % 8))) return false;
  }
  return true;
}

bool same_prefix(const AddressBytes& a, const AddressBytes& b, unsigned prefix) {
  for (unsigned byte = 0; byte < prefix / 8; ++byte) {
    if (a.bytes[byte] != b.bytes[byte]) return false;
  }
  if (prefix % 8 == 0) return true;
  const auto mask = static_cast<unsigned char>(0xff << (8 - prefix % 8));
  return (a.bytes[prefix / 8] & mask) == (b.bytes[prefix / 8] & mask);
}

// RFC 7239 §6: node = nodename [ ":" node-port ], nodename = IPv4address /
// "[" IPv6address "]" / "unknown" / obfnode, node-port = port / obfport.
std::optional<Hop> parse_node(std::string_view node) {
  std::string_view name = node;
  std::string_view port;
  if (!node.empty() && node.front() == '[') {
    const auto close = node.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    const auto v6 = parse_bracketed_v6(node.substr(1, close - 1));
    if (!v6) return std::nullopt;
    const auto after = node.substr(close + 1);
    if (!after.empty() && (after.front() != ':' || after.size() == 1)) return std::nullopt;
    if (!after.empty() && !is_decimal_port(after.substr(1)) && !is_obfuscated(after.substr(1))) return std::nullopt;
    return Hop{*v6, {}};
  }
  if (const auto colon = node.find(':'); colon != std::string_view::npos) {
    name = node.substr(0, colon);
    port = node.substr(colon + 1);
    if (!is_decimal_port(port) && !is_obfuscated(port)) return std::nullopt;
  }
  if (lowercase(name) == "unknown") return Hop{std::nullopt, "unknown"};
  if (is_obfuscated(name)) return Hop{std::nullopt, std::string(name)};
  // Only dotted-quad IPv4 outside brackets (an IPv6 address must be bracketed).
  boost::system::error_code ec;
  const auto v4 = ip::make_address_v4(std::string(name), ec);
  if (ec) return std::nullopt;
  return Hop{ip::address(v4), {}};
}

// Reads RFC 7239 §4's grammar from one header value, left to right.
class ForwardedReader {
 public:
  explicit ForwardedReader(std::string_view text) : rest_(text) {}

  // Appends the hop of every element; false on a grammar error.
  bool read_elements(std::vector<Hop>& hops) {
    for (;;) {
      skip_ows();
      if (rest_.empty()) return true;
      if (take(',')) continue;  // RFC 9110 §5.6.1: empty list elements are allowed
      auto hop = read_element();
      if (!hop || hops.size() == kMaxHops) return false;
      hops.push_back(std::move(*hop));
    }
  }

 private:
  // forwarded-element = [ forwarded-pair ] *( ";" [ forwarded-pair ] ),
  // up to the next "," outside a quoted string.
  std::optional<Hop> read_element() {
    std::optional<Hop> hop;
    std::vector<std::string> names;
    for (;;) {
      skip_ows();
      if (rest_.empty() || take(',')) break;
      if (take(';')) continue;
      const auto name = read_token();
      if (name.empty() || !take('=')) return std::nullopt;
      const auto value =
          !rest_.empty() && rest_.front() == '"' ? read_quoted() : std::optional(std::string(read_token()));
      if (!value || value->empty()) return std::nullopt;
      // §4: a parameter occurs at most once per element.
      const std::string lower_name = lowercase(name);
      if (std::find(names.begin(), names.end(), lower_name) != names.end()) return std::nullopt;
      names.push_back(lower_name);
      if (lower_name == "for") {
        hop = parse_node(*value);
        if (!hop) return std::nullopt;
      }
      skip_ows();
      if (!rest_.empty() && rest_.front() != ';' && rest_.front() != ',') return std::nullopt;
    }
    if (!hop) hop = Hop{std::nullopt, "unknown"};  // a proxy that did not say who its client was
    return hop;
  }

  std::string_view read_token() {
    std::size_t length = 0;
    while (length < rest_.size() && is_tchar(rest_[length])) ++length;
    const auto token = rest_.substr(0, length);
    rest_.remove_prefix(length);
    return token;
  }

  // RFC 9110 §5.6.4: quoted-string with quoted-pairs.
  std::optional<std::string> read_quoted() {
    rest_.remove_prefix(1);
    std::string value;
    while (!rest_.empty()) {
      const char c = rest_.front();
      rest_.remove_prefix(1);
      if (c == '"') return value;
      if (c == '\\') {
        if (rest_.empty()) return std::nullopt;
        value += rest_.front();
        rest_.remove_prefix(1);
      } else if (static_cast<unsigned char>(c) < 0x20 && c != '\t') {
        return std::nullopt;
      } else {
        value += c;
      }
    }
    return std::nullopt;  // unterminated
  }

  bool take(char c) {
    if (rest_.empty() || rest_.front() != c) return false;
    rest_.remove_prefix(1);
    return true;
  }

  void skip_ows() {
    while (!rest_.empty() && is_ows(rest_.front())) rest_.remove_prefix(1);
  }

  std::string_view rest_;
};

// One X-Forwarded-For entry: an address (IPv6 bare or bracketed), with a
// port after an IPv4 or bracketed IPv6 address, or "unknown".
std::optional<Hop> parse_x_forwarded_for_entry(std::string_view entry) {
  if (lowercase(entry) == "unknown") return Hop{std::nullopt, "unknown"};
  if (!entry.empty() && entry.front() == '[') {
    auto hop = parse_node(entry);
    if (!hop || !hop->address) return std::nullopt;
    return hop;
  }
  if (const auto colon = entry.find(':'); colon != std::string_view::npos && entry.find(':', colon + 1) == entry.npos) {
    if (!is_decimal_port(entry.substr(colon + 1))) return std::nullopt;
    entry = entry.substr(0, colon);
  }
  const auto address = parse_address(entry);
  if (!address) return std::nullopt;
  return Hop{*address, {}};
}

}  // namespace

std::optional<Cidr> parse_cidr(std::string_view text) {
  const auto slash = text.find('/');
  const auto written = text.substr(0, slash);
  const auto address = parse_address(written);
  if (!address) return std::nullopt;
  // An IPv4-mapped range (::ffff:10.0.0.0/104) is the IPv4 range it maps,
  // as addresses are compared unmapped.
  const bool mapped = address->is_v4() && written.find(':') != std::string_view::npos;
  const unsigned written_bits = address->is_v6() || mapped ? 128 : 32;
  unsigned prefix = written_bits;
  if (slash != std::string_view::npos) {
    const auto digits = text.substr(slash + 1);
    if (digits.empty() || digits.size() > 3 || !std::all_of(digits.begin(), digits.end(), is_digit))
      return std::nullopt;
    std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
    if (prefix > written_bits) return std::nullopt;
  }
  if (mapped) {
    if (prefix < 96) return std::nullopt;
    prefix -= 96;
  }
  // Host bits set: "10.0.0.1/8" may mean 10.0.0.0/8 or 10.0.0.1/32.
  if (!host_bits_zero(bytes_of(*address), prefix)) return std::nullopt;
  return Cidr{*address, prefix};
}

bool contains(const Cidr& range, const ip::address& address) {
  const auto candidate = unmapped(address);
  if (candidate.is_v4() != range.network.is_v4()) return false;
  return same_prefix(bytes_of(range.network), bytes_of(candidate), range.prefix);
}

std::optional<std::vector<Hop>> forwarded_hops(const std::vector<std::string_view>& values) {
  std::vector<Hop> hops;
  for (const auto value : values) {
    if (!ForwardedReader(value).read_elements(hops)) return std::nullopt;
  }
  return hops;
}

std::optional<std::vector<Hop>> x_forwarded_for_hops(const std::vector<std::string_view>& values) {
  std::vector<Hop> hops;
  for (auto value : values) {
    while (!value.empty()) {
      const auto comma = value.find(',');
      const auto entry = trimmed(value.substr(0, comma));
      value = comma == std::string_view::npos ? std::string_view() : value.substr(comma + 1);
      if (entry.empty()) continue;
      auto hop = parse_x_forwarded_for_entry(entry);
      if (!hop || hops.size() == kMaxHops) return std::nullopt;
      hops.push_back(std::move(*hop));
    }
  }
  return hops;
}

bool TrustedProxies::trusts(const ip::address& address) const noexcept {
  return std::any_of(ranges_.begin(), ranges_.end(), [&](const Cidr& range) { return contains(range, address); });
}

std::string TrustedProxies::client(const ip::address& peer, const std::vector<std::string_view>& forwarded,
                                   const std::vector<std::string_view>& x_forwarded_for) const {
  std::string nearer = unmapped(peer).to_string();
  if (!trusts(peer)) return nearer;
  const auto hops = forwarded.empty() ? x_forwarded_for_hops(x_forwarded_for) : forwarded_hops(forwarded);
  if (!hops) return nearer;
  for (auto hop = hops->rbegin(); hop != hops->rend(); ++hop) {
    if (!hop->address) return hop->name == "unknown" ? nearer : hop->name;
    if (!trusts(*hop->address)) return hop->address->to_string();
    nearer = hop->address->to_string();
  }
  return nearer;  // every hop is trusted: the first is the client
}

}  // namespace authcore_server
