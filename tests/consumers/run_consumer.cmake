# Builds and runs tests/consumers/app against fearless one way (cmake -P script).
# Inputs: MODE (find_package | add_subdirectory | fetchcontent),
# FEARLESS_SOURCE_DIR, CONSUMER_DIR, WORK_DIR, CXX.
cmake_minimum_required(VERSION 3.25)
foreach(v MODE FEARLESS_SOURCE_DIR CONSUMER_DIR WORK_DIR CXX)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "run_consumer.cmake: -D${v}=... is required")
  endif()
endforeach()

file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")

function(run)
  string(REPLACE ";" " " shown "${ARGN}")
  message(STATUS "[consumer ${MODE}] ${shown}")
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "[consumer ${MODE}] failed (${rc}): ${shown}")
  endif()
endfunction()

set(app_args -DCMAKE_CXX_COMPILER=${CXX} -DCMAKE_BUILD_TYPE=Release -DFEARLESS_CONSUME=${MODE})
if(MODE STREQUAL "find_package")
  # Configure fearless on its own (no tests, no examples), install it to a
  # private prefix, and let the consumer find only that prefix.
  run(${CMAKE_COMMAND} -S ${FEARLESS_SOURCE_DIR} -B ${WORK_DIR}/fearless-build
      -DCMAKE_CXX_COMPILER=${CXX} -DFEARLESS_BUILD_TESTS=OFF -DFEARLESS_BUILD_EXAMPLES=OFF)
  run(${CMAKE_COMMAND} --install ${WORK_DIR}/fearless-build --prefix ${WORK_DIR}/prefix)
  list(APPEND app_args -DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF
       -DFEARLESS_EXPECTED_PREFIX=${WORK_DIR}/prefix)
elseif(MODE STREQUAL "add_subdirectory")
  list(APPEND app_args -DFEARLESS_SOURCE_DIR=${FEARLESS_SOURCE_DIR})
elseif(MODE STREQUAL "fetchcontent")
  # A release-like tarball of the checkout: what a downstream FetchContent
  # would download, served from a file:// URL.
  set(tarball ${WORK_DIR}/fearless-src.tar.gz)
  set(parts CMakeLists.txt cmake include)
  foreach(extra LICENSE README.md)
    if(EXISTS ${FEARLESS_SOURCE_DIR}/${extra})
      list(APPEND parts ${extra})
    endif()
  endforeach()
  execute_process(COMMAND ${CMAKE_COMMAND} -E tar czf ${tarball} ${parts}
                  WORKING_DIRECTORY ${FEARLESS_SOURCE_DIR} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "[consumer ${MODE}] could not create ${tarball}")
  endif()
  list(APPEND app_args -DFEARLESS_URL=file://${tarball} -DFETCHCONTENT_BASE_DIR=${WORK_DIR}/deps
       -DFETCHCONTENT_FULLY_DISCONNECTED=OFF)
else()
  message(FATAL_ERROR "run_consumer.cmake: unknown MODE '${MODE}'")
endif()

run(${CMAKE_COMMAND} -S ${CONSUMER_DIR} -B ${WORK_DIR}/app ${app_args})
run(${CMAKE_COMMAND} --build ${WORK_DIR}/app -j 2)
run(${WORK_DIR}/app/consumer)
