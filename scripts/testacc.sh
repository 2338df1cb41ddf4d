#!/usr/bin/env bash
# The acceptance tests under one CLI of the matrix (scripts/ensure-cli.sh).
# Usage: scripts/testacc.sh terraform|terraform-current|tofu [go test flags]
set -euo pipefail
cd "$(dirname "$0")/.."
cli=${1:-terraform}
shift || true
bin=$(scripts/ensure-cli.sh "$cli")
# The tests use none of the developer's CLI configuration (a missing file
# named by TF_CLI_CONFIG_FILE makes OpenTofu print a warning where
# terraform-plugin-testing reads the version).
export TF_ACC=1 CHECKPOINT_DISABLE=1 TF_ACC_TERRAFORM_PATH="$bin" TF_CLI_CONFIG_FILE=/dev/null
# The whole output, then its first line (a pipe into head can die of SIGPIPE).
version=$("$bin" version 2>/dev/null) || true
version=${version%%$'\n'*}
if [[ $version == OpenTofu* ]]; then
	# terraform-plugin-testing registers the provider under this address.
	export TF_ACC_PROVIDER_NAMESPACE=hashicorp TF_ACC_PROVIDER_HOST=registry.opentofu.org
fi
# Most tests wait on CLI processes, not on the CPU: run more of them at once
# than there are cores.
parallel=${TESTACC_PARALLEL:-8}
echo "==> acceptance tests with $version (-parallel $parallel)"
start=$(date +%s)
go test -count=1 -timeout 30m -parallel "$parallel" "$@" ./internal/provider/... ./cmd/...
echo "==> acceptance tests with $version: $(($(date +%s) - start)) s"
