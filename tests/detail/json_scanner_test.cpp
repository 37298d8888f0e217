#include "detail/json_scanner.hpp"

#include <string>
#include <vector>

#include "support/catch.hpp"

using namespace authcore::detail;
using namespace std::string_literals;

namespace {

JsonStatus status_of(const std::string& text) {
  JsonScanner scanner;
  return scanner.scan(text, nullptr).status;
}

std::string nested(std::size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

struct Recorder final : JsonVisitor {
  std::vector<std::pair<std::string, std::string>> members;
  std::vector<std::string> elements;
  bool member(std::string_view name, const JsonValue& value) override {
    members.emplace_back(name, value.raw);
    return true;
  }
  bool element(const JsonValue& value) override {
    elements.emplace_back(value.raw);
    return true;
  }
};

}  // namespace

TEST_CASE("strict JSON that is accepted", "[json]") {
  const std::string accepted[] = {
      "{}",
      "[]",
      "0",
      "-0",
      "1.5e-3",
      "1E+2",
      "\"\"",
      "true",
      "false",
      "null",
      " \t\r\n{ } \n",
      R"({"a":[1,{"b":null}],"c":"\u00e9\ud83d\ude00\/\b\f\n\r\t\"\\"})",
      "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xef\xbf\xbf \xf4\x8f\xbf\xbf\"",
      "\"\x7f\"",     // DEL is not a control character in RFC 8259
      R"("\u0000")",  // an escaped NUL is fine
      R"({"a":1,"A":2,"a ":3})",
  };
  for (const auto& text : accepted) {
    INFO(text);
    CHECK(status_of(text) == JsonStatus::ok);
  }
}

TEST_CASE("strict JSON rejections carry the documented status", "[json]") {
  const std::pair<std::string, JsonStatus> rejected[] = {
      {"", JsonStatus::syntax_error},
      {"   ", JsonStatus::syntax_error},
      {"{", JsonStatus::syntax_error},
      {R"({"a"})", JsonStatus::syntax_error},
      {R"({"a":1,})", JsonStatus::syntax_error},  // trailing comma
      {"[1,]", JsonStatus::syntax_error},
      {"{'a':1}", JsonStatus::syntax_error},  // single quotes
      {"{a:1}", JsonStatus::syntax_error},
      {"NaN", JsonStatus::syntax_error},
      {"Infinity", JsonStatus::syntax_error},
      {"-Infinity", JsonStatus::invalid_number},
      {"nul", JsonStatus::syntax_error},
      {"True", JsonStatus::syntax_error},
      {"{/*c*/}", JsonStatus::syntax_error},  // comments
      {"{}//c", JsonStatus::trailing_data},
      {"{} {}", JsonStatus::trailing_data},
      {"{}x", JsonStatus::trailing_data},
      {"{}\0"s, JsonStatus::trailing_data},
      {"01", JsonStatus::invalid_number},
      {"+1", JsonStatus::syntax_error},
      {"-", JsonStatus::invalid_number},
      {".5", JsonStatus::syntax_error},
      {"1.", JsonStatus::invalid_number},
      {"1e", JsonStatus::invalid_number},
      {"1e+", JsonStatus::invalid_number},
      {"-01", JsonStatus::invalid_number},
      {"0x10", JsonStatus::trailing_data},
      {"\"a\nb\"", JsonStatus::control_character},
      {"\"a\x1f\"", JsonStatus::control_character},
      {"\"\0\""s, JsonStatus::control_character},
      {"\"abc", JsonStatus::syntax_error},
      {R"("\x41")", JsonStatus::invalid_escape},
      {R"("\u12")", JsonStatus::invalid_escape},
      {R"("\u12G4")", JsonStatus::invalid_escape},
      {R"("\ud800")", JsonStatus::invalid_escape},        // lone high surrogate
      {R"("\udc00")", JsonStatus::invalid_escape},        // lone low surrogate
      {R"("\ud800\u0041")", JsonStatus::invalid_escape},  // high + non-surrogate
      {R"("\ud800\ud800")", JsonStatus::invalid_escape},  // high + high
      {R"("\ud800x")", JsonStatus::invalid_escape},
      {"\"\xff\"", JsonStatus::invalid_utf8},
      {"\"\xc0\x80\"", JsonStatus::invalid_utf8},          // overlong NUL
      {"\"\xc1\xbf\"", JsonStatus::invalid_utf8},          // overlong
      {"\"\xe0\x80\xaf\"", JsonStatus::invalid_utf8},      // overlong '/'
      {"\"\xed\xa0\x80\"", JsonStatus::invalid_utf8},      // encoded surrogate U+D800
      {"\"\xf4\x90\x80\x80\"", JsonStatus::invalid_utf8},  // above U+10FFFF
      {"\"\xf5\x80\x80\x80\"", JsonStatus::invalid_utf8},
      {"\"\xc3\"", JsonStatus::invalid_utf8},  // truncated sequence
      {"\"\xe2\x82\"", JsonStatus::invalid_utf8},
      {"\"\x80\"", JsonStatus::invalid_utf8},        // lone continuation byte
      {"\xef\xbb\xbf{}", JsonStatus::syntax_error},  // byte order mark
      {R"({"a":1,"a":2})", JsonStatus::duplicate_name},
      {R"({"a":1,"\u0061":2})", JsonStatus::duplicate_name},
      {R"({"x":{"a":1,"b":{},"a":3}})", JsonStatus::duplicate_name},
      {R"([{"k":1,"k":1}])", JsonStatus::duplicate_name},
  };
  for (const auto& [text, status] : rejected) {
    INFO(text);
    CHECK(status_of(text) == status);
  }
}

TEST_CASE("nesting is capped at 32, without recursion past the cap", "[json]") {
  CHECK(status_of(nested(32)) == JsonStatus::ok);
  CHECK(status_of(nested(33)) == JsonStatus::too_deep);
  CHECK(status_of(std::string(100'000, '[')) == JsonStatus::too_deep);
  std::string objects;
  for (int i = 0; i < 33; ++i) objects += R"({"a":)";
  objects += "1" + std::string(33, '}');
  CHECK(status_of(objects) == JsonStatus::too_deep);
  JsonScanner shallow(2);
  CHECK(shallow.scan("[[1]]", nullptr).status == JsonStatus::ok);
  CHECK(shallow.scan("[[[1]]]", nullptr).status == JsonStatus::too_deep);
}

TEST_CASE("duplicates are found in large objects too", "[json]") {
  std::string unique = "{", duplicated = "{";
  for (int i = 0; i < 500; ++i) {
    const std::string member = "\"k" + std::to_string(i) + "\":" + std::to_string(i);
    unique += (i ? "," : "") + member;
    duplicated += (i ? "," : "") + member;
  }
  unique += "}";
  duplicated += R"(,"k\u0031\u0032\u0033":0})";  // "k123" again, escaped
  CHECK(status_of(unique) == JsonStatus::ok);
  CHECK(status_of(duplicated) == JsonStatus::duplicate_name);
}

TEST_CASE("the visitor sees top-level members with unescaped names and exact values", "[json]") {
  Recorder recorder;
  JsonScanner scanner;
  const auto result = scanner.scan(R"({"a" : [1, 2] ,"b\u0021":{"c":"d"},"n":-1.50e3})", &recorder);
  REQUIRE(result);
  CHECK(result.root.kind == JsonKind::object);
  CHECK(recorder.members ==
        std::vector<std::pair<std::string, std::string>>{{"a", "[1, 2]"}, {"b!", R"({"c":"d"})"}, {"n", "-1.50e3"}});
  Recorder elements;
  REQUIRE(scanner.scan(R"([ "x", {"y":1} ,3])", &elements));
  CHECK(elements.elements == std::vector<std::string>{R"("x")", R"({"y":1})", "3"});
}

TEST_CASE("json_decode_string unescapes everything RFC 8259 allows", "[json]") {
  std::string out;
  json_decode_string(R"("a\"b\\c\/d\be\ff\ng\rh\ti\u0041\u00e9\u20ac\ud83d\ude00\u0000")", out);
  CHECK(out == "a\"b\\c/d\be\ff\ng\rh\tiA\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\0"s);
}

TEST_CASE("json_to_seconds rounds and saturates without overflow", "[json]") {
  constexpr std::int64_t limit = kNumericDateLimit;
  CHECK(json_to_seconds("1700000000", Rounding::down) == 1'700'000'000);
  CHECK(json_to_seconds("1700000000.5", Rounding::down) == 1'700'000'000);
  CHECK(json_to_seconds("1700000000.5", Rounding::up) == 1'700'000'001);
  CHECK(json_to_seconds("1700000000.000", Rounding::up) == 1'700'000'000);
  CHECK(json_to_seconds("-0.5", Rounding::down) == -1);
  CHECK(json_to_seconds("-0.5", Rounding::up) == 0);
  CHECK(json_to_seconds("1.7e9", Rounding::down) == 1'700'000'000);
  CHECK(json_to_seconds("4611686018427387904", Rounding::down) == limit);   // 2^62
  CHECK(json_to_seconds("9223372036854775808", Rounding::down) == limit);   // 2^63
  CHECK(json_to_seconds("18446744073709551616", Rounding::down) == limit);  // 2^64
  CHECK(json_to_seconds("-18446744073709551616", Rounding::up) == -limit);
  CHECK(json_to_seconds("1e400", Rounding::down) == limit);
  CHECK(json_to_seconds("-1e400", Rounding::up) == -limit);
  CHECK(json_to_seconds("1e-400", Rounding::up) == 1);
  CHECK(json_to_seconds("1e-400", Rounding::down) == 0);
  CHECK(json_to_seconds("1e99999999999999999999999", Rounding::down) == limit);
  CHECK(json_to_seconds("0.0000e99999999999999999999999", Rounding::down) == 0);
}
