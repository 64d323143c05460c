# des-prover — every set-up step lives here; a fresh clone needs only `make test` or `make prove`.
SHELL := /bin/bash
NODE_OK := node_modules/.install-stamp
DES := ./bin/des

.PHONY: all install native-deps native-prover redis prove-distributed bench-distributed test check typecheck lint format bench bench-columns bench-exec bench-verifier bench-prover bench-node samples clean prove verify setup circuits prove-evm

all: test

$(NODE_OK): package.json package-lock.json
	npm install --no-audit --no-fund
	@touch $@

install: $(NODE_OK)

## C++ toolchain of the native witness generators (src/build/native.ts), from Debian: g++, GMP and
## nlohmann/json; and Debian's redis-server for distributed proving (src/dist/, its tests). Without
## them (no root, no apt-get), witnesses fall back to WebAssembly and the distributed tests skip.
NATIVE_PROBE := printf '\#include <gmp.h>\n\#include <nlohmann/json.hpp>\nint main(){}\n' | g++ -std=c++11 -fsyntax-only -x c++ - 2>/dev/null
NATIVE_PKGS := g++ libgmp-dev nlohmann-json3-dev
native-deps:
	@missing=""; $(NATIVE_PROBE) || missing="$(NATIVE_PKGS)"; \
	command -v redis-server >/dev/null || missing="$$missing redis-server"; \
	if [ -z "$$missing" ]; then :; \
	elif command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
	  echo "native-deps: installing $$missing"; \
	  apt-get install -y -qq --no-install-recommends $$missing >/dev/null \
	  || { apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing >/dev/null; }; \
	else echo "native-deps: $$missing missing and not installable here: witnesses use WebAssembly, distributed tests skip"; fi

## The native Groth16 prover (native/prover, C++17 with g++), built into artifacts/native/prover-<hash>/;
## every proof path builds it on first use too, and falls back to snarkjs where g++ is missing.
native-prover: $(NODE_OK)
	node --import tsx -e 'import("./src/build/prover.ts").then(async (m) => console.log((await m.buildNativeProver()).bin))'

## Tests: typecheck, lint, then the node:test suite (tiny circuit profile).
test: $(NODE_OK) native-deps typecheck lint
	node --import tsx --test --test-reporter=spec test/*.test.ts

typecheck: $(NODE_OK)
	npx tsc --noEmit -p .

lint: $(NODE_OK)
	npx biome check .

format: $(NODE_OK)
	npx biome check --write .

## The main job: compile, set up (development keys, cached), prove a committed sample block, verify it
## against this machine's trusted root keys and the block file itself.
PROVE_BLOCK ?= samples/independent-4.json
PROFILE ?= tiny
WORKERS ?= 2
OUT ?= out
prove: $(NODE_OK) native-deps
	$(DES) prove $(PROVE_BLOCK) --profile $(PROFILE) --workers $(WORKERS) --out $(OUT)
	$(DES) verify $(OUT)/block.proof.json --block $(PROVE_BLOCK)

verify: $(NODE_OK)
	$(DES) verify $(OUT)/block.proof.json

## Distributed proving on this machine (docs/distributed.md): a redis-server on loopback in a
## temporary directory (REDIS_PORT), and a coordinator with WORKERS `des worker` processes of one
## core each. On several machines: one redis-server, `des prove --redis` on one, `des worker` on all.
REDIS_PORT ?= 6379
redis: $(NODE_OK) native-deps
	node --import tsx scripts/redis.ts --port $(REDIS_PORT)

prove-distributed: $(NODE_OK) native-deps
	node --import tsx scripts/prove-distributed.ts --workers $(WORKERS) --block $(PROVE_BLOCK) --profile $(PROFILE) --out $(OUT)

setup: $(NODE_OK)
	$(DES) setup --profile $(PROFILE)

circuits: $(NODE_OK)
	$(DES) circuits --profile $(PROFILE)

## Benchmarks (print figures; never part of the tests)
bench: bench-columns bench-exec

bench-columns: $(NODE_OK)
	node --import tsx bench/columns.ts

bench-exec: $(NODE_OK)
	node --import tsx bench/execute.ts

# In-circuit Groth16 verifier: compile, witness, development setup, proof of one verification
# (about 10 minutes; BENCH_ARGS=--fresh to time a cold compile).
bench-verifier: $(NODE_OK)
	node --import tsx bench/verifier.ts $(BENCH_ARGS)

# One aggregation node in three forms in one run (issue #18): today's (two transcript-form verifiers,
# plain Groth16, 2^22), the committed level-1 node (two lookup-form verifiers of plain children,
# Groth16 with one commitment) and the committed inner node (two committed lookup-form verifiers
# of committed children), both reduced to 2^20: constraints, setup, witness, proof time and
# the prover's peak memory, with the ratios to today's (about 10 minutes on 2 cores with the
# verifiers compiled and their generators built; about 80 without). BENCH_ARGS="--forms
# transcript,inner" picks forms, "--repeat 3" takes medians of three proofs per form.
bench-node: $(NODE_OK) native-deps
	node --import tsx bench/node.ts $(BENCH_ARGS)

# Native prover vs snarkjs on the same zkey and witness: column leaf, state leaf, one aggregation
# node (the first run proves samples/independent-4.json to get them). BENCH_ARGS=--msm-compare
# adds Jacobian bucket accumulation.
bench-prover: $(NODE_OK) native-deps
	node --import tsx bench/prover.ts $(BENCH_ARGS)

# Leaf proving by 1 and by 2 worker processes (each pinned to one core) through Redis, in one run:
# speedup, queue overhead per job, and the schedule of a distributed block proof on M machines.
bench-distributed: $(NODE_OK) native-deps
	node --import tsx bench/distributed.ts $(BENCH_ARGS)

## Regenerate the committed sample blocks (deterministic).
samples: $(NODE_OK)
	$(DES) sample --profile independent --txs 4 --depth 8 --seed s1 --out samples/independent-4.json
	$(DES) sample --profile independent --txs 16 --depth 8 --seed s1 --out samples/independent-16.json
	$(DES) sample --profile hotspot --txs 32 --depth 8 --seed s1 --out samples/hotspot-32.json
	$(DES) sample --profile chain --txs 16 --depth 8 --seed s1 --out samples/chain-16.json
	$(DES) sample --profile mainnet-like --txs 64 --depth 12 --seed s1 --columns 8 --out samples/mainnet-like-64.json
	$(DES) sample --profile mainnet-like --txs 64 --depth 20 --seed s2 --columns 8 --out samples/mainnet-like-64-d20.json

clean:
	rm -rf artifacts out .tmp

## The block proof of `make prove` verified by its exported Solidity verifier in an EVM (ethereumjs).
prove-evm: $(NODE_OK)
	DES_BLOCK_PROOF=$(OUT)/block.proof.json DES_VKEYS=$(OUT)/vkeys node --import tsx --test --test-name-pattern="make prove in the EVM" test/export-verifier.test.ts
