# Thin wrapper around CMake/CTest. `make demo` and `make test` work as root on a
# fresh Debian 12 machine: both install what is missing first.
BUILD_DIR ?= build
JOBS ?= $(shell nproc)
WERROR ?= OFF
CMAKE_FLAGS ?=

.PHONY: all deps configure build test unit integration demo bench clean

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

demo: build
	@bash examples/demo.sh $(BUILD_DIR)

bench: build
	@bash bench/run.sh $(BUILD_DIR)

clean:
	rm -rf $(BUILD_DIR)
