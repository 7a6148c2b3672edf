# The two commands of Tiski: `make run` and `make test`. Both install what is missing first.
BUILD ?= build
JOBS ?= 2

.PHONY: run test deps build web bench lint clean

run: build web
	@scripts/run.sh

test: build web
	@scripts/test.sh

deps:
	@scripts/install-deps.sh

build: deps
	@cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@ninja -C $(BUILD) -j$(JOBS) --quiet 2>/dev/null || ninja -C $(BUILD) -j$(JOBS)

web: deps
	@scripts/build-web.sh

lint: build
	@scripts/lint.sh

bench: build
	@scripts/bench.sh

clean:
	rm -rf $(BUILD) build-asan build-tsan build-fuzz build-lint web/dist
