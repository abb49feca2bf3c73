# snaplake: `make demo` and `make test` do everything on a fresh Debian machine.
#   make setup   install build and test dependencies (apt-get; safe to re-run)
#   make build   configure and build -> build/snaplake
#   make test    setup + build + every test (ctest)
#   make demo    setup + build + the end-to-end demo
#   make bench   setup + build + benchmarks (ratios against baselines, see bench/README.md)
#   make fuzz    clang/libFuzzer build of the Parquet reader fuzzer, run for FUZZ_SECONDS
#   make debug / make sanitize   Debug, or ASan+UBSan, builds in build-debug / build-asan

BUILD_TYPE ?= Release
BUILD_DIR ?= build
JOBS ?= $(shell nproc)
FUZZ_SECONDS ?= 600
# Warnings are errors in CI (CI=true), plain warnings elsewhere.
WERROR ?= $(if $(CI),ON,OFF)
SHARED ?= $(abspath ../shared)
export SNAPLAKE_TESTDATA ?= $(SHARED)/testdata
export SNAPLAKE_ORACLE ?= $(SHARED)/tools/parquet-oracles/oracle

APT_PACKAGES := build-essential cmake ninja-build pkg-config git \
  libsnappy-dev libzstd-dev libdeflate-dev zlib1g-dev liblz4-dev libbrotli-dev \
  libgtest-dev libgmock-dev libbenchmark-dev nlohmann-json3-dev libcli11-dev libfmt-dev \
  libsqlite3-dev libpq-dev libssl-dev libcurl4-openssl-dev \
  postgresql postgresql-contrib postgresql-client \
  libmariadb-dev mariadb-server mariadb-client mydumper \
  zstd python3 clang libclang-rt-14-dev

.PHONY: all setup build test demo bench fuzz debug sanitize clean

all: build

setup:
	@bash scripts/setup.sh $(APT_PACKAGES)

build:
	@cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) -DSNAPLAKE_WERROR=$(WERROR) >/dev/null
	@cmake --build $(BUILD_DIR) -j $(JOBS)

test: setup build
	@cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

demo: setup build
	@bash scripts/demo.sh

bench: setup build
	@bash bench/run.sh
	@BUILD_DIR=$(BUILD_DIR) bash bench/export_bench.sh
	@BUILD_DIR=$(BUILD_DIR) bash bench/s3_bench.sh
	@BUILD_DIR=$(BUILD_DIR) bash bench/ingest_bench.sh
	@BUILD_DIR=$(BUILD_DIR) bash bench/mysql_bench.sh

debug:
	@$(MAKE) build BUILD_TYPE=Debug BUILD_DIR=build-debug

sanitize:
	@cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DSNAPLAKE_SANITIZE=ON >/dev/null
	@cmake --build build-asan -j $(JOBS)
	@cd build-asan && ctest --output-on-failure -j $(JOBS)

fuzz: setup
	@CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSNAPLAKE_FUZZ=ON >/dev/null
	@cmake --build build-fuzz -j $(JOBS)
	@bash tests/fuzz/run.sh build-fuzz $(FUZZ_SECONDS)

clean:
	rm -rf build build-debug build-asan build-fuzz
