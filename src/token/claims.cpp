#include "authcore/claims.hpp"

#include <algorithm>

#include "detail/json_scanner.hpp"

namespace authcore {

std::string_view to_string(TokenType type) noexcept {
  switch (type) {
    case TokenType::access: return "access";
    case TokenType::refresh: return "refresh";
  }
  return "unknown";
}

std::optional<std::string_view> Claims::text(const Span& span) const noexcept {
  if (!span.present) return std::nullopt;
  const std::string& storage = span.decoded ? decoded_ : payload_;
  return std::string_view(storage).substr(span.offset, span.size);
}

std::vector<std::string_view> Claims::audience() const {
  std::vector<std::string_view> audience;
  if (!audience_first_.present) return audience;
  audience.reserve(1 + audience_rest_.size());
  audience.push_back(*text(audience_first_));
  for (const auto& span : audience_rest_) audience.push_back(*text(span));
  return audience;
}

bool Claims::audience_includes(std::string_view audience) const noexcept {
  if (!audience_first_.present) return false;
  if (text(audience_first_) == audience) return true;
  return std::any_of(audience_rest_.begin(), audience_rest_.end(),
                     [&](const Span& span) { return text(span) == audience; });
}

namespace {

// Finds one top-level member of an already validated payload.
class MemberFinder final : public detail::JsonVisitor {
 public:
  explicit MemberFinder(std::string_view name) noexcept : name_(name) {}

  bool member(std::string_view name, const detail::JsonValue& value) override {
    if (name != name_) return true;
    found_ = value.raw;
    return false;
  }
  bool element(const detail::JsonValue&) override { return false; }

  std::optional<std::string_view> found() const noexcept { return found_; }

 private:
  std::string_view name_;
  std::optional<std::string_view> found_;
};

}  // namespace

std::optional<std::string_view> Claims::raw(std::string_view name) const {
  if (!members_overflow_) {
    for (std::size_t i = 0; i < member_count_; ++i) {
      const Member& member = members_[i];
      if (text(member.name) == name) return std::string_view(payload_).substr(member.value_offset, member.value_size);
    }
    return std::nullopt;
  }
  MemberFinder finder(name);
  detail::JsonScanner scanner;
  scanner.scan(payload_, &finder);
  return finder.found();
}

std::optional<std::string> Claims::string_claim(std::string_view name) const {
  const auto value = raw(name);
  if (!value || value->front() != '"') return std::nullopt;
  std::string decoded;
  detail::json_decode_string(*value, decoded);
  return decoded;
}

nlohmann::json Claims::json() const {
  // The payload passed the strict scanner, which accepts a subset of what
  // nlohmann accepts, so this parse cannot fail on a verified token; a
  // default-constructed Claims has an empty payload and yields an empty object.
  if (payload_.empty()) return nlohmann::json::object();
  return nlohmann::json::parse(payload_, nullptr, /*allow_exceptions=*/false);
}

}  // namespace authcore
