#include "token/compact_jws.hpp"

#include <string>

namespace authcore::detail {

std::optional<CompactJws> split_compact(std::string_view token) noexcept {
  const auto first = token.find('.');
  if (first == std::string_view::npos) return std::nullopt;
  const auto second = token.find('.', first + 1);
  if (second == std::string_view::npos) return std::nullopt;
  if (token.find('.', second + 1) != std::string_view::npos) return std::nullopt;
  return CompactJws{token.substr(0, first), token.substr(first + 1, second - first - 1), token.substr(second + 1),
                    token.substr(0, second)};
}

Result<void> scan_json_object(JsonScanner& scanner, std::string_view json, JsonVisitor* visitor, const char* part) {
  const JsonScanResult scanned = scanner.scan(json, visitor);
  if (scanned.status == JsonStatus::duplicate_name) {
    return Error{ErrorCode::invalid_claim, std::string(part) + ": duplicate member name"};
  }
  if (!scanned) {
    return Error{ErrorCode::malformed,
                 std::string(part) + ": " + describe(scanned.status) + " at byte " + std::to_string(scanned.offset)};
  }
  if (scanned.root.kind != JsonKind::object) {
    return Error{ErrorCode::malformed, std::string(part) + " is not a JSON object"};
  }
  return {};
}

}  // namespace authcore::detail
