// Fuzzes the strict JSON scanner with nlohmann::json as an oracle: whatever
// the scanner accepts, nlohmann must accept too (the scanner's extra
// rejections are duplicates, depth and a byte order mark), except numbers
// beyond the range of a double, which nlohmann refuses and the scanner keeps
// exactly. The registered-claim readers must handle every accepted number.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "detail/json_scanner.hpp"
#include "support/json_oracle.hpp"

namespace {

// Runs the value readers on every top-level member, as the claims reader does.
class ReadEverything final : public authcore::detail::JsonVisitor {
 public:
  bool member(std::string_view, const authcore::detail::JsonValue& value) override { return read(value); }
  bool element(const authcore::detail::JsonValue& value) override { return read(value); }

 private:
  static bool read(const authcore::detail::JsonValue& value) {
    using authcore::detail::JsonKind;
    if (value.kind == JsonKind::number) {
      const auto down = authcore::detail::json_to_seconds(value.raw, authcore::detail::Rounding::down);
      const auto up = authcore::detail::json_to_seconds(value.raw, authcore::detail::Rounding::up);
      if (down > up || up - down > 1) std::abort();
    } else if (value.kind == JsonKind::string) {
      std::string decoded;
      authcore::detail::json_decode_string(value.raw, decoded);
    }
    return true;
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  authcore::detail::JsonScanner scanner;
  ReadEverything visitor;
  const auto scanned = scanner.scan(text, &visitor);
  if (scanned && !nlohmann::json::accept(text) && !authcore::test::has_number_beyond_double(text)) std::abort();
  return 0;
}
