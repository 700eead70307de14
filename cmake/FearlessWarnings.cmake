# Flags applied to the project's own tests, examples and benchmarks (never to
# consumers of the interface target).
add_library(fearless_dev_flags INTERFACE)
target_compile_options(fearless_dev_flags INTERFACE -Wall -Wextra -Wpedantic)
if(FEARLESS_WERROR)
  target_compile_options(fearless_dev_flags INTERFACE -Werror)
endif()
if(FEARLESS_THREAD_SAFETY)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "FEARLESS_THREAD_SAFETY needs clang")
  endif()
  target_compile_options(fearless_dev_flags INTERFACE -Wthread-safety -Wthread-safety-beta)
endif()
if(FEARLESS_LOCK_ORDER)
  target_compile_definitions(fearless_dev_flags INTERFACE FEARLESS_LOCK_ORDER=1)
endif()
# Sanitizer builds carry line tables only: a report's stacks need no more
# (file:line, inlined frames included), and they compile faster than full -g
# (clang TSan: a quarter; g++ ASan+UBSan: 44 s against 47-49 s for
# tests/sync_mpmc_test.cpp). Given last, they override the -g of a Debug build.
set(_fearless_line_tables $<IF:$<CXX_COMPILER_ID:Clang>,-gline-tables-only,-g1>)
if(FEARLESS_SANITIZE STREQUAL "thread")
  target_compile_options(fearless_dev_flags INTERFACE -fsanitize=thread -fno-omit-frame-pointer ${_fearless_line_tables})
  target_link_options(fearless_dev_flags INTERFACE -fsanitize=thread)
elseif(FEARLESS_SANITIZE STREQUAL "address")
  target_compile_options(fearless_dev_flags INTERFACE
    -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer ${_fearless_line_tables})
  target_link_options(fearless_dev_flags INTERFACE -fsanitize=address,undefined)
elseif(NOT FEARLESS_SANITIZE STREQUAL "")
  message(FATAL_ERROR "FEARLESS_SANITIZE must be 'thread', 'address' or empty")
endif()
