#!/usr/bin/env bash
# make test: every test of the project, on a machine that has only Go.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "==> gofmt"
unformatted=$(gofmt -s -l .)
if [ -n "$unformatted" ]; then echo "not gofmt'ed:" >&2; echo "$unformatted" >&2; exit 1; fi

echo "==> go vet"
go vet ./...

echo "==> unit tests (fuzz seed corpora included)"
go test -count=1 $(go list ./... | grep -v /internal/provider)

scripts/testacc.sh terraform
scripts/testacc.sh tofu

echo "==> examples formatted (terraform fmt)"
"$(scripts/ensure-cli.sh terraform)" fmt -check -recursive -diff examples

echo "==> docs in step with the schema and examples"
scripts/docs.sh --check

echo "==> lint"
scripts/tool.sh golangci-lint run ./...

echo "==> all tests passed"
