#include "authcore/memory_user_store.hpp"

#include <memory>

#include "user_store_contract.hpp"

using namespace authcore;

TEST_CASE("InMemoryUserStore meets the UserStore contract", "[store][memory]") {
  test::check_user_store_contract([] { return std::make_unique<InMemoryUserStore>(); });
}
