# Compiler flags of the fuzz build (GREENLIGHT_FUZZ=ON), included before the
# modules so that core, checks, runbook, exporter and control carry libFuzzer's
# coverage counters and the sanitizers; fuzz/CMakeLists.txt links the targets.
if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  message(FATAL_ERROR "GREENLIGHT_FUZZ needs clang (libFuzzer): configure with "
                      "-DCMAKE_CXX_COMPILER=clang++ in a build directory of its own")
endif()
add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
                    -fno-omit-frame-pointer)
add_link_options(-fsanitize=address,undefined -fno-sanitize-recover=undefined)
# -O1 and line tables only: what libFuzzer's documentation suggests, and a
# build short enough for CI. Assertions stay on: a broken invariant is a find.
set(CMAKE_CXX_FLAGS_RELWITHDEBINFO "-O1 -gline-tables-only")
