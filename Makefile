# Thin wrapper around CMake/CTest. `make demo` and `make test` work as root on a
# fresh Debian 12 machine: both install what is missing first.
BUILD_DIR ?= build
JOBS ?= $(shell nproc)
WERROR ?= OFF
CMAKE_FLAGS ?=

.PHONY: all deps configure build test unit integration demo bench clean test-sanitize build-sanitize deb fuzz build-fuzz

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

# One instrumented tree, built by clang with ASan + UBSan and libFuzzer's
# coverage: the unit and integration tests run again there with
# LeakSanitizer on, any report failing the suite (tests/sanitize/run.sh),
# and the fuzz targets of fuzz/ link against the same libraries. The e2e
# label (whole restarts on the lab) is left out: SANITIZE_LABELS.
SANITIZE_DIR ?= build-sanitize
SANITIZE_LABELS ?= unit|integration
SANITIZE_CONFIGURE = cmake -S . -B $(SANITIZE_DIR) -G Ninja -DCMAKE_CXX_COMPILER=clang++ \
	  -DGREENLIGHT_SANITIZE=ON -DGREENLIGHT_FUZZ=ON $(CMAKE_FLAGS) >/dev/null
build-sanitize: deps
	@$(SANITIZE_CONFIGURE)
	@cmake --build $(SANITIZE_DIR) -j $(JOBS)

test-sanitize: build-sanitize
	@bash tests/sanitize/run.sh $(SANITIZE_DIR) -L '$(SANITIZE_LABELS)' -j $(JOBS)

# The Debian package in $(BUILD_DIR)/, then lintian on it (errors fail).
deb: build
	@cd $(BUILD_DIR) && cpack -G DEB
	@lintian --fail-on error --tag-display-limit 0 $(BUILD_DIR)/greenlight_*.deb

# The libFuzzer targets of fuzz/, from the instrumented tree above, each run
# FUZZ_SECONDS; fails on any crash or broken property.
FUZZ_SECONDS ?= 60
FUZZ_SEED ?=
build-fuzz: deps
	@$(SANITIZE_CONFIGURE)
	@cmake --build $(SANITIZE_DIR) -j $(JOBS) --target fuzz_targets

fuzz: build-fuzz
	@FUZZ_SEED=$(FUZZ_SEED) bash fuzz/run.sh $(SANITIZE_DIR) $(FUZZ_SECONDS)

demo: build
	@bash examples/demo.sh $(BUILD_DIR)

bench: build
	@bash bench/run.sh $(BUILD_DIR)

clean:
	rm -rf $(BUILD_DIR)
