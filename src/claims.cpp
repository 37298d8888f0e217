#include "authcore/claims.hpp"

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
  audience.reserve(audience_.size());
  for (const auto& span : audience_) audience.push_back(*text(span));
  return audience;
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
  MemberFinder finder(name);
  detail::JsonScanner scanner;
  scanner.scan(payload_, &finder);
  return finder.found();
}

nlohmann::json Claims::json() const {
  // The payload passed the strict scanner, which accepts a subset of what
  // nlohmann accepts, so this parse cannot fail on a verified token; a
  // default-constructed Claims has an empty payload and yields an empty object.
  if (payload_.empty()) return nlohmann::json::object();
  return nlohmann::json::parse(payload_, nullptr, /*allow_exceptions=*/false);
}

}  // namespace authcore
