// Internal: a readable one-line description of any value, for panic messages
// (Rust's `Debug` as used by `unwrap`).
#pragma once
#include <cxxabi.h>

#include <cstdlib>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <type_traits>
#include <typeinfo>
#include <utility>

namespace fearless::detail {

inline std::string demangle(const char* mangled) {
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> p(abi::__cxa_demangle(mangled, nullptr, nullptr, &status), std::free);
  return status == 0 && p ? std::string(p.get()) : std::string(mangled);
}

template <class T>
std::string type_name() {
  return demangle(typeid(T).name());
}

template <class T>
std::string describe(const T& v) {
  if constexpr (std::is_pointer_v<T> && std::is_convertible_v<const T&, std::string_view>) {
    return v ? std::string(v) : std::string("(null)");  // string_view(nullptr) is undefined
  } else if constexpr (std::is_convertible_v<const T&, std::string_view>) {
    return std::string(std::string_view(v));
  } else if constexpr (requires { { v.what() } -> std::convertible_to<std::string_view>; }) {
    return std::string(std::string_view(v.what()));
  } else if constexpr (requires { { v.message() } -> std::convertible_to<std::string>; }) {
    return std::string(v.message());
  } else if constexpr (std::is_same_v<T, bool>) {
    return v ? "true" : "false";
  } else if constexpr (requires(std::ostream& os) { os << v; }) {
    std::ostringstream os;
    os << v;
    return std::move(os).str();
  } else {
    return type_name<T>();
  }
}

}  // namespace fearless::detail
