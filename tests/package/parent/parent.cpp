// The program of the parent project (tests/package/parent): it uses the core
// and the sqlite component as the package consumer does
// (consumer/package_checks.hpp), and exits non-zero on any surprise.
//
// It is also bait: the code below is fine under the parent's -Wall -Wextra
// -Werror, but authcore's own warning set (cmake/AuthcoreWarnings.cmake)
// rejects it, so it stops compiling if those flags leak into a parent.
#include <authcore/authcore.hpp>

#include <cstdlib>
#include <iostream>
#include <string>

#include "../consumer/package_checks.hpp"

namespace {

int fail(const std::string& what) {
  std::cerr << "parent: " << what << '\n';
  return EXIT_FAILURE;
}

// -Wold-style-cast, -Wconversion and -Wsign-conversion reject this.
int bait_conversions(double ratio, unsigned count) {
  const int scaled = (int)(ratio * 10);
  short narrow = scaled;
  const int mixed = narrow + count;
  return mixed;
}

// -Wshadow rejects this.
int bait_shadow(int value) {
  const int outer = value;
  {
    const int value = 2;
    return outer + value;
  }
}

}  // namespace

int main() {
  if (bait_conversions(0.5, 1) != 6 || bait_shadow(1) != 3) return fail("arithmetic");

  if (const std::string failure = package_checks::issue_and_verify(); !failure.empty()) return fail(failure);
  if (const std::string failure = package_checks::sqlite_store_round_trip("parent"); !failure.empty()) {
    return fail(failure);
  }

  std::cout << "parent: authcore " << AUTHCORE_VERSION_STRING << " as a subproject: ok\n";
  return EXIT_SUCCESS;
}
