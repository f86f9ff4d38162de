# Front door. `make reproduce` and `make test` work on a fresh Debian machine.
SECONDS ?= 60
OUT ?= results
DATA ?=
CMAKE_FLAGS ?=
BIN_RELEASE := build/release/apps/scapredict/scapredict

.PHONY: deps reproduce real model audit test check-asan bench bench-compare python python-install fuzz format clean

deps:
	./scripts/install-deps

build/%/CMakeCache.txt:
	cmake --preset $* $(CMAKE_FLAGS)

reproduce: deps build/release/CMakeCache.txt
	cmake --build --preset release --target scapredict_cli
	$(BIN_RELEASE) reproduce $(if $(DATA),--data $(DATA),) --out $(OUT)

# The study on REAL SDDB/NSRDB beat annotations (BEATS: a folder with sddb-beats/ and nsrdb-beats/).
BEATS ?= ../shared/physionet
real: deps build/release/CMakeCache.txt
	cmake --build --preset release --target scapredict_cli
	$(BIN_RELEASE) reproduce --beats $(BEATS) --out $(OUT)

# The default model (docs/default-model.md): the pre-registered HRV SVM trained on the REAL
# SDDB/NSRDB beat annotations in BEATS, into models/default-hrv.json (committed; compiled into the
# library). The same annotations give the same bytes; `git diff models/` shows any change.
model: deps build/release/CMakeCache.txt
	cmake --build --preset release --target scapredict_cli
	$(BIN_RELEASE) train --beats $(BEATS) --out models/default-hrv.json

audit: deps build/release/CMakeCache.txt
	cmake --build --preset release --target scapredict_cli
	$(BIN_RELEASE) audit $(if $(DATA),--data $(DATA),) --out $(OUT)

test: deps build/dev/CMakeCache.txt
	cmake --build --preset dev
	ctest --preset dev

check-asan: deps build/asan/CMakeCache.txt
	cmake --build --preset asan
	ctest --preset asan

bench: deps build/release/CMakeCache.txt
	cmake --preset release -DSCAPREDICT_BENCH=ON
	cmake --build --preset release --target scapredict_bench scapredict_bench_engine
	build/release/bench/scapredict_bench
	build/release/bench/scapredict_bench_engine

# scapredict's scoring against the plain Python stack (numpy/scipy/torch), as whole processes:
# bench/compare.sh, docs/bench-compare.md. RUNS per command (medians), HOURS of record.
RUNS ?= 5
HOURS ?= 24
bench-compare: build/release/CMakeCache.txt
	./scripts/install-deps --bench
	cmake --build --preset release --target scapredict_cli
	BIN=$(BIN_RELEASE) N=$(RUNS) HOURS=$(HOURS) bench/compare.sh

# The Python bindings (python/, docs/python.md), built for Debian's /usr/bin/python3 and tested
# with its pytest (tests/python).
python:
	./scripts/install-deps --python
	cmake -S . -B build/python -DCMAKE_BUILD_TYPE=Release -DSCAPREDICT_PYTHON=ON \
	  -DSCAPREDICT_TESTS=OFF -DSCAPREDICT_BENCH=OFF $(CMAKE_FLAGS)
	cmake --build build/python --target scapredict_py
	PYTHONPATH=$(CURDIR)/build/python/python /usr/bin/python3 -m pytest -q tests/python

# The module into the user's site-packages (no network; docs/python.md); PYTHON_DIR=... elsewhere.
PYTHON_DIR ?=
python-install: python
	$(if $(PYTHON_DIR),install -d $(PYTHON_DIR) && install -m 644 build/python/python/scapredict*.so $(PYTHON_DIR)/,cmake --install build/python --component python)

fuzz:
	./scripts/install-deps --fuzz
	cmake --preset fuzz
	cmake --build --preset fuzz
	./scripts/run-fuzzers build/fuzz/fuzz $(SECONDS)

format:
	find include src apps tests bench fuzz -name '*.cpp' -o -name '*.hpp' | xargs clang-format -i

clean:
	rm -rf build
