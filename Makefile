.PHONY: help build test lint bench ci
help:  ## list targets
	@grep -E '^[a-z]+:.*##' Makefile | sed 's/:.*##/\t/'
build:  ## build the extension into the current environment (release)
	maturin develop --release
test:  ## run the Python and Rust tests
	python -m pytest && cargo test -q
lint:  ## ruff, rustfmt, clippy
	ruff check python tests benches && cargo fmt --all -- --check && cargo clippy --all-targets --features python -- -D warnings
bench:  ## runtime micro-benchmarks against the PyPI quickjs package
	python benches/bench_runtime.py
ci:  ## what CI runs
	bash .ci/run
