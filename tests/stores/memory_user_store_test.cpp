#include "authcore/memory_user_store.hpp"

#include <memory>

#include "account/session_flow_check.hpp"
#include "user_store_contract.hpp"

using namespace authcore;

TEST_CASE("InMemoryUserStore meets the UserStore contract", "[store][memory]") {
  test::check_user_store_contract([] { return std::make_unique<InMemoryUserStore>(); });
}

TEST_CASE("the Authenticator's session rules hold on InMemoryUserStore", "[authenticator][sessions][memory]") {
  test::check_session_flows([] { return std::make_unique<InMemoryUserStore>(); });
}
