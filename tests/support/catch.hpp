// The one place tests include Catch2 from (Debian's Catch2 v2.13, a single
// header; its main() is compiled once in catch_main.cpp).
#ifndef AUTHCORE_TESTS_SUPPORT_CATCH_HPP
#define AUTHCORE_TESTS_SUPPORT_CATCH_HPP

#include <catch2/catch.hpp>

#endif
