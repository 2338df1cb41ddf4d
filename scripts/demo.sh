#!/usr/bin/env bash
# make demo: build the provider, start the local IMS emulator with the demo
# images, `terraform apply` the data-source example through a dev override,
# print the members, and stop the emulator.
set -euo pipefail
cd "$(dirname "$0")/.."

TF=$(scripts/ensure-cli.sh "${CLI:-terraform}")
work=$(mktemp -d)
emu_pid=
cleanup() {
	if [ -n "$emu_pid" ]; then kill "$emu_pid" 2>/dev/null || true; wait "$emu_pid" 2>/dev/null || true; fi
	rm -rf "$work"
}
trap cleanup EXIT

echo "==> building the provider and the emulator"
go build -o "$work/plugins/terraform-provider-ims" .
go build -o "$work/ims-emulator" ./internal/cmd/ims-emulator

echo "==> starting the IMS emulator on loopback"
"$work/ims-emulator" -env-file "$work/env" &
emu_pid=$!
for _ in $(seq 100); do [ -f "$work/env" ] && break; sleep 0.1; done
[ -f "$work/env" ] || { echo "the emulator did not start" >&2; exit 1; }
# shellcheck disable=SC1091
. "$work/env"

# The registry address of this provider maps to the binary just built.
host=registry.terraform.io
case "$(basename "$TF")" in tofu*) host=registry.opentofu.org ;; esac
cat >"$work/cli.tfrc" <<RC
provider_installation {
  dev_overrides {
    "$host/terraform-ims/ims" = "$work/plugins"
  }
  direct {}
}
RC
export TF_CLI_CONFIG_FILE="$work/cli.tfrc" CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1

mkdir -p "$work/config"
cp examples/provider/provider.tf examples/data-sources/ims_image_members/data-source.tf "$work/config/"
echo "==> $("$TF" version | head -n 1): apply examples/data-sources/ims_image_members against $HW_IMS_ENDPOINT"
"$TF" -chdir="$work/config" apply -auto-approve -input=false -no-color 2> >(grep -v -e 'Provider development overrides' -e 'dev_overrides' >&2)
echo "==> members of the image, as Terraform state sees them"
"$TF" -chdir="$work/config" output -no-color -json members
