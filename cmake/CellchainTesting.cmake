# Test helpers. Every test binary is a GoogleTest binary registered with ctest
# through gtest_discover_tests, labelled:
#   unit - pure, no PostgreSQL, no network
#   pg   - needs the throwaway PostgreSQL cluster (fixture pg_cluster)
#   e2e  - real binaries over real mTLS (fixture pg_cluster, whose setup
#          requires test_pki)
#
# The fixtures are ctest tests themselves (tests/CMakeLists.txt), so `ctest -L pg`
# alone starts and stops the cluster it needs. Environment given to tests:
#   CELLCHAIN_TEST_PG          conninfo of the cluster's superuser, dbname=postgres
#   CELLCHAIN_TEST_PG_TEMPLATE database with every migration applied
#   CELLCHAIN_TEST_PG_CTL      "script state-dir": `$CELLCHAIN_TEST_PG_CTL restart`
#   CELLCHAIN_TEST_PKI         directory of the test PKI (see deploy/local/pki.sh)
#   CELLCHAIN_BIN_DIR          where cellchaind and the clients are built

set(CELLCHAIN_TEST_STATE ${CMAKE_BINARY_DIR}/test-state)
# A Unix socket path holds at most 107 bytes ("<state>/pg/run/.s.PGSQL.55432"
# adds 30): a build tree deep in the file system keeps its test state in a
# short directory of its own under /tmp instead.
string(LENGTH "${CELLCHAIN_TEST_STATE}" _state_length)
if(_state_length GREATER 70)
  string(MD5 _build_hash "${CMAKE_BINARY_DIR}")
  string(SUBSTRING "${_build_hash}" 0 12 _build_hash)
  set(CELLCHAIN_TEST_STATE /tmp/cellchain-test-${_build_hash})
endif()
# For tests/run.sh's backstop cleanup.
file(WRITE ${CMAKE_BINARY_DIR}/test-state.path "${CELLCHAIN_TEST_STATE}")
set(CELLCHAIN_TEST_ENV
  "CELLCHAIN_TEST_PG=host=${CELLCHAIN_TEST_STATE}/pg/run port=55432 user=postgres dbname=postgres"
  "CELLCHAIN_TEST_PG_TEMPLATE=cellchain_template"
  "CELLCHAIN_TEST_PG_CTL=${PROJECT_SOURCE_DIR}/deploy/local/pg-cluster.sh ${CELLCHAIN_TEST_STATE}/pg"
  "CELLCHAIN_TEST_PKI=${CELLCHAIN_TEST_STATE}/pki"
  "CELLCHAIN_BIN_DIR=${CMAKE_BINARY_DIR}/bin")

# Test code (test sources and the helpers only tests link) is compiled
# without optimisation unless CELLCHAIN_OPTIMIZE_TESTS is ON: the code under
# test keeps the build type's flags, tests spend their time in PostgreSQL and
# over gRPC rather than in their own bodies, and -O0 roughly halves what
# GoogleTest's and gRPC's templates cost to compile (docs/testing.md, "Build
# time"). It comes after the build type's -O2 on the command line, so it wins.
option(CELLCHAIN_OPTIMIZE_TESTS
       "Compile test code with the build type's optimisation" OFF)
function(cellchain_test_code target)
  cellchain_target_warnings(${target})
  if(NOT CELLCHAIN_OPTIMIZE_TESTS)
    target_compile_options(${target} PRIVATE -O0)
  endif()
endfunction()

function(_cellchain_add_test name label)
  cmake_parse_arguments(ARG "RUN_SERIAL" "" "SOURCES;LIBS;FIXTURES" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} GTest::gtest GTest::gmock GTest::gtest_main)
  cellchain_test_code(${name})
  # CMake 3.25's gtest_discover_tests flattens list-valued PROPERTIES, so
  # the environment travels as an `env VAR=value ...` executor instead (it
  # runs the test binary for discovery and for every test), and each test
  # names one fixture (pg_cluster's setup itself requires test_pki).
  set_target_properties(${name} PROPERTIES
    CROSSCOMPILING_EMULATOR "/usr/bin/env;${CELLCHAIN_TEST_ENV}")
  set(_properties LABELS ${label} TIMEOUT 300)
  if(ARG_FIXTURES)
    list(APPEND _properties FIXTURES_REQUIRED ${ARG_FIXTURES})
  endif()
  if(ARG_RUN_SERIAL)
    list(APPEND _properties RUN_SERIAL TRUE)
  endif()
  gtest_discover_tests(${name} TEST_PREFIX "${name}."
    DISCOVERY_MODE PRE_TEST PROPERTIES ${_properties})
endfunction()

# cellchain_add_unit_test(name src... LIBS lib...)
function(cellchain_add_unit_test name)
  cmake_parse_arguments(ARG "" "" "LIBS" ${ARGN})
  _cellchain_add_test(${name} unit SOURCES ${ARG_UNPARSED_ARGUMENTS} LIBS ${ARG_LIBS})
endfunction()

# cellchain_add_pg_test(name src... LIBS lib... [RUN_SERIAL]): gets its
# database through cellchain::testing::TestDatabase (services/common/testing).
# RUN_SERIAL for tests that disturb the shared cluster (restart it).
function(cellchain_add_pg_test name)
  cmake_parse_arguments(ARG "RUN_SERIAL" "" "LIBS" ${ARGN})
  set(_serial "")
  if(ARG_RUN_SERIAL)
    set(_serial RUN_SERIAL)
  endif()
  _cellchain_add_test(${name} pg SOURCES ${ARG_UNPARSED_ARGUMENTS}
    LIBS ${ARG_LIBS} cellchain_testing FIXTURES pg_cluster ${_serial})
endfunction()

# cellchain_add_e2e_test(name src... LIBS lib...)
function(cellchain_add_e2e_test name)
  cmake_parse_arguments(ARG "" "" "LIBS" ${ARGN})
  _cellchain_add_test(${name} e2e SOURCES ${ARG_UNPARSED_ARGUMENTS}
    LIBS ${ARG_LIBS} cellchain_testing FIXTURES pg_cluster)
endfunction()
