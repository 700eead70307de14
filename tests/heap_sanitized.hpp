// FEARLESS_TEST_HEAP_SANITIZED: 1 in AddressSanitizer, ThreadSanitizer and
// MemorySanitizer builds, which bring their own operator new (clang links it
// statically, so a test's replacement would not even link); tests that count
// allocations by replacing operator new skip their checks there.
#pragma once

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#  define FEARLESS_TEST_HEAP_SANITIZED 1
#elif defined(__has_feature)
#  if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || __has_feature(memory_sanitizer)
#    define FEARLESS_TEST_HEAP_SANITIZED 1
#  endif
#endif
#ifndef FEARLESS_TEST_HEAP_SANITIZED
#  define FEARLESS_TEST_HEAP_SANITIZED 0
#endif
