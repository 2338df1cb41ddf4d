#!/usr/bin/env bash
# make test: every test of the project, on a machine that has only Go.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "==> gofmt"
unformatted=$(gofmt -s -l .)
if [ -n "$unformatted" ]; then echo "not gofmt'ed:" >&2; echo "$unformatted" >&2; exit 1; fi

echo "==> go vet"
go vet ./...

echo "==> unit tests (fuzz seed corpora included; acceptance tests skip without TF_ACC)"
go test -count=1 ./...

for cli in $(scripts/ensure-cli.sh --matrix); do
	scripts/testacc.sh "$cli"
done

echo "==> examples formatted (terraform fmt)"
"$(scripts/ensure-cli.sh terraform)" fmt -check -recursive -diff examples

echo "==> docs in step with the schema and examples"
scripts/docs.sh --check

echo "==> lint"
scripts/tool.sh golangci-lint run ./...

echo "==> all tests passed"
