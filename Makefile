# cuvee's entry points. `make demo` and `make test` install what is missing (scripts/bootstrap),
# configure and build, then run. SANITIZE=1 builds with ASan+UBSan into build-sanitize/.

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

.PHONY: all build bootstrap test bench demo localpile format tidy clean

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

format:
	clang-format -i $$(git ls-files '*.cpp' '*.h')

tidy: build
	clang-tidy -p $(BUILD_DIR) --quiet $$(git ls-files 'src/*.cpp')

clean:
	rm -rf build build-sanitize
