# Thin wrapper around CMake/CTest. `make demo` and `make test` work as root on a
# fresh Debian 12 machine: both install what is missing first.
BUILD_DIR ?= build
JOBS ?= $(shell nproc)
WERROR ?= OFF
CMAKE_FLAGS ?=

.PHONY: all deps configure build test unit integration demo bench clean test-sanitize

all: build

deps:
	@bash packaging/install-deps.sh packaging/deps.txt

configure: deps
	@cmake -S . -B $(BUILD_DIR) -G Ninja -DGREENLIGHT_WERROR=$(WERROR) $(CMAKE_FLAGS) >/dev/null

build: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS)

test: build
	@ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS)

unit: build
	@ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS) -L unit

integration: build
	@ctest --test-dir $(BUILD_DIR) --output-on-failure -L integration

# The whole suite again, built with ASan + UBSan in its own tree. Leaks,
# memory errors and undefined behaviour fail the test that hit them.
SANITIZE_DIR ?= build-sanitize
test-sanitize: deps
	@cmake -S . -B $(SANITIZE_DIR) -G Ninja -DGREENLIGHT_WERROR=$(WERROR) -DGREENLIGHT_SANITIZE=ON $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(SANITIZE_DIR) -j $(JOBS)
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:detect_stack_use_after_return=1 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --test-dir $(SANITIZE_DIR) --output-on-failure -j $(JOBS)

demo: build
	@bash examples/demo.sh $(BUILD_DIR)

bench: build
	@bash bench/run.sh $(BUILD_DIR)

clean:
	rm -rf $(BUILD_DIR)
