# Helpers that keep each module's CMakeLists to a few lines.

# orderops_library(<name> SOURCES ... [DEPS ...] [PRIVATE_DEPS ...])
# Defines static library orderops_<name> (alias orderops::<name>); headers are included as
# "<module>/<file>.h" from src/.
function(orderops_library name)
  cmake_parse_arguments(A "" "" "SOURCES;DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(orderops_${name} STATIC ${A_SOURCES})
  target_include_directories(orderops_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(orderops_${name} PUBLIC ${A_DEPS} PRIVATE ${A_PRIVATE_DEPS})
  add_library(orderops::${name} ALIAS orderops_${name})
endfunction()

# orderops_test(<name> LABEL unit|integration|e2e SOURCES ... [DEPS ...] [TIMEOUT s] [RUN_SERIAL])
# One ctest entry per binary: integration binaries share an expensive fixture (a PostgreSQL
# cluster, a test API server) across their cases, so per-case processes would be slow.
function(orderops_test name)
  cmake_parse_arguments(A "RUN_SERIAL" "LABEL;TIMEOUT" "SOURCES;DEPS" ${ARGN})
  if(NOT A_LABEL)
    message(FATAL_ERROR "orderops_test(${name}): LABEL is required")
  endif()
  if(NOT A_TIMEOUT)
    set(A_TIMEOUT 300)
  endif()
  add_executable(${name} ${A_SOURCES})
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/tests)
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/tests)
  target_link_libraries(${name} PRIVATE ${A_DEPS} GTest::gmock GTest::gtest GTest::gtest_main)
  add_test(NAME ${name} COMMAND ${name} --gtest_color=no)
  set_tests_properties(${name} PROPERTIES LABELS ${A_LABEL} TIMEOUT ${A_TIMEOUT}
    ENVIRONMENT "ORDEROPS_SOURCE_DIR=${PROJECT_SOURCE_DIR};ORDEROPS_BIN_DIR=${PROJECT_BINARY_DIR}/bin")
  if(A_RUN_SERIAL)
    set_tests_properties(${name} PROPERTIES RUN_SERIAL TRUE)
  endif()
endfunction()

# Adds every immediate subdirectory of <dir> that has a CMakeLists.txt, so a new module or test
# suite is picked up without editing a shared file.
function(orderops_add_subdirectories dir)
  file(GLOB children LIST_DIRECTORIES true RELATIVE ${CMAKE_CURRENT_SOURCE_DIR}/${dir}
       ${CMAKE_CURRENT_SOURCE_DIR}/${dir}/*)
  list(SORT children)
  foreach(child ${children})
    if(EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/${dir}/${child}/CMakeLists.txt)
      add_subdirectory(${dir}/${child})
    endif()
  endforeach()
endfunction()

# orderops_e2e_scripts(<area> <script>:<timeout seconds> ...): one ctest entry e2e_<area>_<script>
# per tests/e2e/<area>/test_<script>.py, run by Debian's Python (psycopg2, yaml and kubernetes
# belong to it) against the binaries of this build. One entry per script lets ctest overlap them;
# each script starts its own API server, PostgreSQL and managers.
function(orderops_e2e_scripts area)
  foreach(entry ${ARGN})
    string(REPLACE ":" ";" parts ${entry})
    list(GET parts 0 script)
    list(GET parts 1 timeout)
    add_test(NAME e2e_${area}_${script}
             COMMAND /usr/bin/python3 ${CMAKE_CURRENT_SOURCE_DIR}/test_${script}.py)
    set_tests_properties(e2e_${area}_${script} PROPERTIES
      LABELS "e2e;kubectl"
      TIMEOUT ${timeout}
      ENVIRONMENT "ORDEROPS_SOURCE_DIR=${PROJECT_SOURCE_DIR};ORDEROPS_BIN_DIR=${PROJECT_BINARY_DIR}/bin;PYTHONDONTWRITEBYTECODE=1")
  endforeach()
endfunction()
