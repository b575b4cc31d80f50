# Human entry points. `make test` and `make demo` work on a fresh Debian bookworm machine: they
# install what is missing (scripts/deps.sh), build, and run.
BUILD_DIR ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=
CTEST_FLAGS ?=

.PHONY: all deps configure build test test-unit test-integration test-e2e demo demo-ci bench image format clean

all: build

deps:
	@scripts/deps.sh

configure: deps
	@cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS) >/dev/null

build: configure
	@cmake --build $(BUILD_DIR) --parallel $(JOBS)

# Every ctest label: unit, integration, e2e.
test: build
	@cd $(BUILD_DIR) && ctest --output-on-failure --parallel $(JOBS) $(CTEST_FLAGS)

test-unit: build
	@cd $(BUILD_DIR) && ctest --output-on-failure --parallel $(JOBS) -L unit $(CTEST_FLAGS)

test-integration: build
	@cd $(BUILD_DIR) && ctest --output-on-failure --parallel $(JOBS) -L integration $(CTEST_FLAGS)

test-e2e: build
	@cd $(BUILD_DIR) && ctest --output-on-failure -L e2e $(CTEST_FLAGS)

demo: build
	@scripts/demo.sh

demo-ci: build
	@DEMO_DURATION=0 scripts/demo.sh

bench: deps
	@cmake -S . -B $(BUILD_DIR)-bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DORDEROPS_BUILD_BENCH=ON >/dev/null
	@cmake --build $(BUILD_DIR)-bench --parallel $(JOBS)
	@tests/bench/run.sh $(BUILD_DIR)-bench

image:
	@command -v docker >/dev/null || { echo "image: docker is not installed" >&2; exit 1; }
	docker build --build-arg GIT_COMMIT=$$(git rev-parse --short=12 HEAD) -t orderops:latest .

format:
	@git ls-files '*.cpp' '*.h' '*.hpp' | xargs clang-format -i

clean:
	rm -rf $(BUILD_DIR) $(BUILD_DIR)-bench
