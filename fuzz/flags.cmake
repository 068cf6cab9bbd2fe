# Compiler flags of the fuzz build (GREENLIGHT_FUZZ=ON), included before the
# modules so that core, checks, runbook, exporter and control carry libFuzzer's
# coverage counters; the sanitizers and the optimisation level come from
# GREENLIGHT_SANITIZE's block (CMakeLists.txt), which GREENLIGHT_FUZZ turns
# on too; fuzz/CMakeLists.txt links the targets.
if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  message(FATAL_ERROR "GREENLIGHT_FUZZ needs clang (libFuzzer): configure with "
                      "-DCMAKE_CXX_COMPILER=clang++ (make build-sanitize does)")
endif()
add_compile_options(-fsanitize=fuzzer-no-link)
