# cuvee's entry points. `make demo` and `make test` install what is missing (scripts/bootstrap),
# configure and build, then run. SANITIZE=1 builds with ASan+UBSan into build-sanitize/.
# `make fuzz` fuzzes every parser with clang's libFuzzer in build-fuzz/ (docs/reliability.md):
# FUZZ_RUNS executions per harness (default a million), or FUZZ_SECONDS each.

JOBS ?= $(shell nproc)
ifeq ($(SANITIZE),1)
BUILD_DIR := build-sanitize
CMAKE_FLAGS += -DCUVEE_SANITIZE=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo
else
BUILD_DIR := build
CMAKE_FLAGS += -DCMAKE_BUILD_TYPE=Release
endif
DATA_DIR ?= data
DEMO_OUT ?= runs/demo
FUZZ_RUNS ?= 1000000
FUZZ_BUILD_DIR := build-fuzz

.PHONY: all build bootstrap test bench demo localpile fuzz install format tidy clean

all: build

bootstrap:
	@scripts/bootstrap --check 2>/dev/null || scripts/bootstrap

$(BUILD_DIR)/CMakeCache.txt:
	@$(MAKE) --no-print-directory bootstrap
	cmake -S . -B $(BUILD_DIR) -G Ninja $(CMAKE_FLAGS)

build: $(BUILD_DIR)/CMakeCache.txt
	cmake --build $(BUILD_DIR) -j $(JOBS)

test: bootstrap build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

bench: bootstrap build
	scripts/run-benchmarks $(BUILD_DIR)

# The embedded corpus, tokenizer and tokenised domains (each step skipped when done).
localpile: bootstrap build
	scripts/localpile --build $(BUILD_DIR) --out $(DATA_DIR)

demo: localpile
	scripts/demo --build $(BUILD_DIR) --data $(DATA_DIR) --out $(DEMO_OUT)

$(FUZZ_BUILD_DIR)/CMakeCache.txt:
	@scripts/bootstrap --check --fuzz 2>/dev/null || scripts/bootstrap --fuzz
	cmake -S . -B $(FUZZ_BUILD_DIR) -G Ninja -DCMAKE_CXX_COMPILER=clang++-14 -DCUVEE_FUZZ=ON \
	  -DCMAKE_BUILD_TYPE=RelWithDebInfo

fuzz: $(FUZZ_BUILD_DIR)/CMakeCache.txt
	cmake --build $(FUZZ_BUILD_DIR) -j $(JOBS)
	scripts/fuzz --build $(FUZZ_BUILD_DIR) $(if $(FUZZ_SECONDS),--seconds $(FUZZ_SECONDS),--runs $(FUZZ_RUNS))

# cuvee and cuvee-torch into PREFIX/bin, the docs and examples into PREFIX/share/doc/cuvee.
PREFIX ?= /usr/local
install: build
	cmake --install $(BUILD_DIR) --prefix $(PREFIX)

format:
	clang-format -i $$(git ls-files '*.cpp' '*.h')

tidy: build
	clang-tidy -p $(BUILD_DIR) --quiet $$(git ls-files 'src/*.cpp')

clean:
	rm -rf build build-sanitize build-fuzz
