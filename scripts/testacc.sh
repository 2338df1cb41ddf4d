#!/usr/bin/env bash
# The acceptance tests under one CLI. Usage: scripts/testacc.sh terraform|tofu [go test flags]
set -euo pipefail
cd "$(dirname "$0")/.."
cli=${1:-terraform}
shift || true
bin=$(scripts/ensure-cli.sh "$cli")
export TF_ACC=1 CHECKPOINT_DISABLE=1 TF_ACC_TERRAFORM_PATH="$bin"
if [ "$cli" = tofu ]; then
	# terraform-plugin-testing registers the provider under this address.
	export TF_ACC_PROVIDER_NAMESPACE=hashicorp TF_ACC_PROVIDER_HOST=registry.opentofu.org
fi
echo "==> acceptance tests with $("$bin" version | head -n 1)"
go test -count=1 -timeout 30m "$@" ./internal/provider/...
