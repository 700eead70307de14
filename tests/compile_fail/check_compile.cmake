# Runs one compile check of the compile-fail suite (see CMakeLists.txt).
#   cmake -DSOURCE=<file.cpp> -DDIRECTIVES=<case.fail.cpp> -DMODE=fail|pass
#         -DCXX=<compiler> -DCXX_ID=<GNU|Clang> -DCLANGXX=<clang++ or empty>
#         -DINCLUDE_DIR=<include> -P check_compile.cmake
# Directives, read from the .fail.cpp file (one per line, as comments):
#   // expect: TEXT         the diagnostic must contain TEXT (every line must match)
#   // expect-gcc: TEXT     ... only when compiling with g++
#   // expect-clang: TEXT   ... only when compiling with clang++
#   // compiler: clang      the case needs clang (skipped if no clang++ is found)
#   // flags: FLAGS         extra compiler flags, for both the case and its twin
# MODE=fail: compiling SOURCE must fail and print every expected text.
# MODE=pass: compiling SOURCE must succeed, warning-free under -Werror.
cmake_minimum_required(VERSION 3.25)

file(STRINGS "${DIRECTIVES}" _lines REGEX "^// (expect|expect-gcc|expect-clang|compiler|flags):")
set(_expect)
set(_flags)
set(_needs_clang OFF)
set(_compiler "${CXX}")
set(_id "${CXX_ID}")
foreach(line IN LISTS _lines)
  if(line MATCHES "^// compiler: *clang")
    set(_needs_clang ON)
  elseif(line MATCHES "^// flags: *(.*)$")
    separate_arguments(_f UNIX_COMMAND "${CMAKE_MATCH_1}")
    list(APPEND _flags ${_f})
  endif()
endforeach()

if(_needs_clang AND NOT _id MATCHES "Clang")
  if(CLANGXX)
    set(_compiler "${CLANGXX}")
    set(_id "Clang")
  else()
    message("FEARLESS_COMPILE_CHECK_SKIPPED: this case needs clang++, which was not found")
    return()
  endif()
endif()

if(_id MATCHES "Clang")
  set(_mine "clang")
else()
  set(_mine "gcc")
endif()
foreach(line IN LISTS _lines)
  # (each MATCHES resets CMAKE_MATCH_1: test one pattern per branch)
  if(line MATCHES "^// expect(-gcc|-clang)?: *(.*)$")
    set(_which "${CMAKE_MATCH_1}")
    set(_text "${CMAKE_MATCH_2}")
    if(_text STREQUAL "")
      message(FATAL_ERROR "${DIRECTIVES}: empty expect line")
    endif()
    if(_which STREQUAL "" OR _which STREQUAL "-${_mine}")
      list(APPEND _expect "${_text}")
    endif()
  endif()
endforeach()

set(_cmd "${_compiler}" -std=c++20 -fsyntax-only -Wall -Wextra -Wpedantic -Werror
         -fdiagnostics-color=never -I "${INCLUDE_DIR}" ${_flags} "${SOURCE}")
execute_process(COMMAND ${_cmd} RESULT_VARIABLE _rc OUTPUT_VARIABLE _out ERROR_VARIABLE _err)
set(_diag "${_out}${_err}")
# g++ quotes with Unicode quotes in UTF-8 locales, clang with ASCII ones:
# compare with quotes normalised to ASCII.
string(REPLACE "‘" "'" _diag "${_diag}")
string(REPLACE "’" "'" _diag "${_diag}")
string(REPLACE ";" " " _shown "${_cmd}")

if(MODE STREQUAL "pass")
  if(NOT _rc EQUAL 0)
    message(FATAL_ERROR "must compile, but did not:\n  ${_shown}\n${_diag}")
  endif()
  message("compiles, as it must: ${SOURCE}")
  return()
endif()

if(_rc EQUAL 0)
  message(FATAL_ERROR "must NOT compile, but compiled:\n  ${_shown}")
endif()
if(NOT _expect)
  message(FATAL_ERROR "${DIRECTIVES}: no '// expect:' line for this compiler")
endif()
foreach(text IN LISTS _expect)
  string(FIND "${_diag}" "${text}" _at)
  if(_at EQUAL -1)
    message(FATAL_ERROR "failed to compile, but not for the stated reason: the diagnostic lacks\n  \"${text}\"\n"
                        "command:\n  ${_shown}\ndiagnostic:\n${_diag}")
  endif()
endforeach()
message("rejected, for the stated reason: ${SOURCE}")
