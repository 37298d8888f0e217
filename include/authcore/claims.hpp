// authcore/claims.hpp: the claims of a verified token.
#ifndef AUTHCORE_CLAIMS_HPP
#define AUTHCORE_CLAIMS_HPP

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <nlohmann/json.hpp>

#include "authcore/export.hpp"

namespace authcore {

namespace detail {
struct ClaimsAccess;
}  // namespace detail

/// What a token is for. Issued as the header `typ` (RFC 8725 §3.11 explicit
/// typing): "at+jwt" for access tokens (RFC 9068 §2.1), "rt+jwt" for refresh
/// tokens, so neither can be used as the other.
enum class TokenType : std::uint8_t {
  access,
  refresh,
};

/// "access" or "refresh".
AUTHCORE_API std::string_view to_string(TokenType type) noexcept;

/// The claims of a token that TokenVerifier accepted: the registered claims
/// (RFC 7519 §4.1) typed and already checked, the header's `kid` and `typ`,
/// the payload exactly as signed, and any other claim on demand.
///
/// NumericDates are whole seconds since the Unix epoch. A fractional value is
/// rounded towards rejection (exp down; nbf and iat up) and magnitudes beyond
/// 2^62 are saturated to ±2^62, so they compare without overflow.
class AUTHCORE_API Claims {
 public:
  Claims() = default;

  std::optional<std::string_view> subject() const noexcept { return text(subject_); }        ///< "sub"
  std::optional<std::string_view> issuer() const noexcept { return text(issuer_); }          ///< "iss"
  std::optional<std::string_view> jwt_id() const noexcept { return text(jwt_id_); }          ///< "jti"
  std::optional<std::string_view> session_id() const noexcept { return text(session_id_); }  ///< "sid"
  /// "aud" as a list (a single string becomes one element); empty when absent.
  std::vector<std::string_view> audience() const;
  /// True when the payload has an "aud" claim (possibly an empty array).
  [[nodiscard]] bool has_audience() const noexcept { return has_audience_; }
  /// True when "aud" is `audience` or an array containing it (byte-exact).
  [[nodiscard]] bool audience_includes(std::string_view audience) const noexcept;
  std::optional<std::int64_t> expires_at() const noexcept { return expires_at_; }  ///< "exp"
  std::optional<std::int64_t> not_before() const noexcept { return not_before_; }  ///< "nbf"
  std::optional<std::int64_t> issued_at() const noexcept { return issued_at_; }    ///< "iat"

  /// The header's "kid", if it had one.
  std::optional<std::string_view> key_id() const noexcept { return text(key_id_); }
  /// The header's "typ", if it had one.
  std::optional<std::string_view> type() const noexcept { return text(type_); }

  /// The payload JSON exactly as it was signed (integers of any size and
  /// all strings unchanged).
  const std::string& payload() const noexcept { return payload_; }

  /// True when the payload has a top-level member `name`.
  [[nodiscard]] bool contains(std::string_view name) const { return raw(name).has_value(); }
  /// The exact JSON text of the top-level member `name`, if present.
  std::optional<std::string_view> raw(std::string_view name) const;
  /// The whole payload as nlohmann::json (parsed on each call).
  nlohmann::json json() const;

  /// The claim `name` converted to T; nullopt when the claim is absent or
  /// does not convert (e.g. get<int>("name") on a string). Only that claim's
  /// text is parsed: a string claim read as std::string is unescaped
  /// directly, any other type goes through nlohmann::json.
  template <class T>
  std::optional<T> get(std::string_view name) const {
    if constexpr (std::is_same_v<T, std::string>) {
      return string_claim(name);
    } else {
      const auto text = raw(name);
      if (!text) return std::nullopt;
      auto value = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
      if (value.is_discarded()) return std::nullopt;
      try {
        return value.template get<T>();
      } catch (const nlohmann::json::exception&) {
        return std::nullopt;
      }
    }
  }

 private:
  friend struct detail::ClaimsAccess;

  // Where a string claim's value lives: in payload_ when it was written
  // without escapes, else its unescaped copy in decoded_. Offsets, not
  // pointers, so copies and moves stay valid. Eight bytes, built and copied
  // in one register (tokens are capped well below 2^30 bytes).
  struct Span {
    std::uint32_t offset = 0;
    std::uint32_t size : 30;
    std::uint32_t present : 1;
    std::uint32_t decoded : 1;
    Span() noexcept : size(0), present(0), decoded(0) {}
    Span(std::uint32_t at, std::uint32_t length, bool unescaped_copy) noexcept
        : offset(at), size(length & 0x3FFFFFFFU), present(1), decoded(unescaped_copy ? 1 : 0) {}
  };

  // A top-level member: its name (a Span like any string) and the exact
  // bytes of its value in payload_.
  struct Member {
    Span name;
    std::uint32_t value_offset = 0;
    std::uint32_t value_size = 0;
  };
  // Typical payloads have fewer members than this; raw() looks them up here
  // and rescans the payload only when there were more.
  static constexpr std::size_t kIndexedMembers = 12;

  std::optional<std::string_view> text(const Span& span) const noexcept;
  std::optional<std::string> string_claim(std::string_view name) const;

  std::string payload_;
  std::string decoded_;
  Span subject_, issuer_, jwt_id_, session_id_, key_id_, type_;
  Span audience_first_;              // a string aud, or an array's first element
  std::vector<Span> audience_rest_;  // further array elements
  bool has_audience_ = false;
  std::optional<std::int64_t> expires_at_, not_before_, issued_at_;
  std::array<Member, kIndexedMembers> members_{};
  std::uint8_t member_count_ = 0;
  bool members_overflow_ = false;
};

}  // namespace authcore

#endif  // AUTHCORE_CLAIMS_HPP
