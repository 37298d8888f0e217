// Differential test of the strict JSON scanner against nlohmann::json over
// 100,000 generated documents (DESIGN §3): where both accept, they agree on
// every value (integers exactly); where only the scanner rejects, the reason
// is one of its documented extra rules; the scanner never accepts what
// nlohmann rejects, except numbers beyond a double's range, which nlohmann
// refuses and the scanner keeps exactly.
#include <cmath>
#include <cstdlib>
#include <iostream>
#include <map>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "detail/json_scanner.hpp"
#include "support/catch.hpp"
#include "support/json_oracle.hpp"

using namespace authcore::detail;

namespace {

// ---- a generator of JSON-ish documents, valid and not ----

class Generator {
 public:
  explicit Generator(std::uint64_t seed) : random_(seed) {}

  std::string document() {
    std::string text = chance(0.05) ? nested(28 + static_cast<int>(pick(12))) : value(0);
    if (chance(0.15)) mutate(text);
    return text;
  }

 private:
  bool chance(double p) { return std::bernoulli_distribution(p)(random_); }
  std::size_t pick(std::size_t bound) { return std::uniform_int_distribution<std::size_t>(0, bound)(random_); }

  std::string value(int depth) {
    // Mostly shallow, sometimes past the depth cap of 32.
    const bool deep = depth < 40 && chance(depth < 30 ? 0.35 : 0.9);
    switch (deep ? pick(1) : 2 + pick(4)) {
      case 0: return object(depth);
      case 1: return array(depth);
      case 2: return string_literal();
      case 3: return number();
      case 4: return chance(0.5) ? "true" : "false";
      default: return "null";
    }
  }

  // Arrays and objects nested `depth` deep around one scalar: either side of
  // the cap of 32.
  std::string nested(int depth) {
    std::string open, close;
    for (int i = 0; i < depth; ++i) {
      const bool as_object = chance(0.3);
      open += as_object ? "{\"k\":" : "[";
      close.insert(0, as_object ? "}" : "]");
    }
    return open + number() + close;
  }

  std::string ws() { return chance(0.8) ? "" : std::string(1, " \t\r\n"[pick(3)]); }

  std::string object(int depth) {
    std::string text = "{" + ws();
    const std::size_t members = pick(depth > 28 ? 1 : 5);
    std::vector<std::string> names;
    for (std::size_t i = 0; i < members; ++i) {
      std::string name = names.empty() || !chance(0.05) ? string_literal() : names[pick(names.size() - 1)];
      names.push_back(name);
      text += (i ? "," + ws() : "") + name + ws() + ":" + ws() + value(depth + 1) + ws();
    }
    return text + "}";
  }

  std::string array(int depth) {
    std::string text = "[" + ws();
    const std::size_t elements = pick(depth > 28 ? 1 : 5);
    for (std::size_t i = 0; i < elements; ++i) text += (i ? "," + ws() : "") + value(depth + 1) + ws();
    return text + "]";
  }

  std::string string_literal() {
    static const char* const pieces[] = {"a",
                                         "key",
                                         "\\\"",
                                         "\\\\",
                                         "\\/",
                                         "\\n",
                                         "\\t",
                                         "\\u0041",
                                         "\\u00e9",
                                         "\\u20ac",
                                         "\\ud83d\\ude00",
                                         "\\u0000",
                                         "\xc3\xa9",
                                         "\xe2\x82\xac",
                                         "\xf0\x9f\x98\x80",
                                         " ",
                                         "\x7f",
                                         "sub",
                                         "exp"};
    std::string text = "\"";
    const std::size_t count = pick(4);
    for (std::size_t i = 0; i < count; ++i) text += pieces[pick(std::size(pieces) - 1)];
    return text + "\"";
  }

  std::string number() {
    std::string text = chance(0.3) ? "-" : "";
    switch (pick(5)) {
      case 0: text += "0"; break;
      case 1: text += std::to_string(pick(1000)); break;
      case 2: text += std::to_string(random_()); break;                             // up to 2^64
      case 3: text += std::to_string(random_()) + std::to_string(pick(99)); break;  // beyond 2^64
      case 4: text += std::to_string(1 + pick(8)) + "." + std::to_string(pick(999)); break;
      default: text += "1700000000"; break;
    }
    if (chance(0.2))
      text += (chance(0.5) ? "e" : "E") + std::string(chance(0.3) ? "-" : "") + std::to_string(pick(400));
    return text;
  }

  // Damage: flip a byte, insert a structural or invalid byte, or truncate.
  void mutate(std::string& text) {
    static const char kBytes[] = {'"', '\\', ',',    ':',    '{',    '}',    '[',    ']',    '0',    'e', '-', '+', '.',
                                  ' ', '\n', '\x01', '\x1f', '\x80', '\xc0', '\xed', '\xf5', '\xff', 'N', '/', '\''};
    if (text.empty()) return;
    switch (pick(2)) {
      case 0: text[pick(text.size() - 1)] = kBytes[pick(sizeof kBytes - 1)]; break;
      case 1: text.insert(pick(text.size()), 1, kBytes[pick(sizeof kBytes - 1)]); break;
      default: text.resize(pick(text.size() - 1)); break;
    }
  }

  std::mt19937_64 random_;
};

// ---- comparing the scanner's view of a document with nlohmann's ----

struct Collect final : JsonVisitor {
  std::vector<std::pair<std::string, JsonValue>> members;
  std::vector<JsonValue> elements;
  bool member(std::string_view name, const JsonValue& value) override {
    members.emplace_back(std::string(name), value);
    return true;
  }
  bool element(const JsonValue& value) override {
    elements.push_back(value);
    return true;
  }
};

// The integer `number` holds when it lies within the NumericDate range,
// where json_to_seconds() must read it back exactly.
std::optional<std::int64_t> exact_integer(const nlohmann::json& number) {
  if (number.is_number_unsigned()) {
    const auto value = number.get<std::uint64_t>();
    if (value <= static_cast<std::uint64_t>(kNumericDateLimit)) return static_cast<std::int64_t>(value);
    return std::nullopt;
  }
  if (number.is_number_integer()) {
    const auto value = number.get<std::int64_t>();
    if (value >= -kNumericDateLimit && value <= kNumericDateLimit) return value;
  }
  return std::nullopt;
}

bool same_number(std::string_view raw, const nlohmann::json& expected) {
  if (const auto integer = exact_integer(expected)) {
    return json_to_seconds(raw, Rounding::down) == *integer && json_to_seconds(raw, Rounding::up) == *integer;
  }
  return std::strtod(std::string(raw).c_str(), nullptr) == expected.get<double>();
}

// The scanner's reading of `value` (re-scanning nested values, decoding
// strings and numbers with the scanner's own functions) equals `expected`.
bool same_value(const JsonValue& value, const nlohmann::json& expected) {
  switch (value.kind) {
    case JsonKind::string: {
      std::string decoded;
      json_decode_string(value.raw, decoded);
      return expected.is_string() && decoded == expected.get<std::string>();
    }
    case JsonKind::number: return expected.is_number() && same_number(value.raw, expected);
    case JsonKind::boolean: return expected.is_boolean() && (value.raw == "true") == expected.get<bool>();
    case JsonKind::null: return expected.is_null();
    case JsonKind::object:
    case JsonKind::array: break;
  }
  Collect parts;
  JsonScanner scanner;
  if (!scanner.scan(value.raw, &parts)) return false;
  if (value.kind == JsonKind::object) {
    if (!expected.is_object() || parts.members.size() != expected.size()) return false;
    for (const auto& [name, member] : parts.members) {
      if (!expected.contains(name) || !same_value(member, expected.at(name))) return false;
    }
    return true;
  }
  if (!expected.is_array() || parts.elements.size() != expected.size()) return false;
  for (std::size_t i = 0; i < parts.elements.size(); ++i) {
    if (!same_value(parts.elements[i], expected.at(i))) return false;
  }
  return true;
}

}  // namespace

TEST_CASE("the strict scanner and nlohmann::json agree on 100,000 generated documents", "[json][differential]") {
  const auto seed = std::random_device{}();
  INFO("seed " << seed);
  Generator generator(seed);
  std::size_t both_accept = 0, only_scanner_rejects = 0, both_reject = 0, beyond_double = 0;
  std::map<JsonStatus, std::size_t> extra_rejections;
  for (int i = 0; i < 100'000; ++i) {
    const std::string text = generator.document();
    JsonScanner scanner;
    const auto scanned = scanner.scan(text, nullptr);
    const bool nlohmann_accepts = nlohmann::json::accept(text);
    INFO("document: " << text);
    if (scanned && nlohmann_accepts) {
      ++both_accept;
      REQUIRE(same_value(scanned.root, nlohmann::json::parse(text)));
    } else if (scanned) {
      // The one thing nlohmann refuses that the scanner keeps.
      REQUIRE(authcore::test::has_number_beyond_double(text));
      ++beyond_double;
    } else if (nlohmann_accepts) {
      // The scanner's documented extra rules, and nothing else.
      REQUIRE((scanned.status == JsonStatus::duplicate_name || scanned.status == JsonStatus::too_deep));
      ++extra_rejections[scanned.status];
      ++only_scanner_rejects;
    } else {
      ++both_reject;
    }
  }
  std::cout << "differential: " << both_accept << " accepted by both and equal, " << both_reject
            << " rejected by both, " << extra_rejections[JsonStatus::duplicate_name] << " duplicate names and "
            << extra_rejections[JsonStatus::too_deep] << " too deep rejected by the scanner only, " << beyond_double
            << " numbers beyond a double kept by the scanner only\n";
  // The generator must exercise every branch, or the test proves little.
  CHECK(both_accept > 20'000);
  CHECK(both_reject > 5'000);
  CHECK(extra_rejections[JsonStatus::duplicate_name] > 100);
  CHECK(extra_rejections[JsonStatus::too_deep] > 100);
  CHECK(beyond_double > 100);
}
