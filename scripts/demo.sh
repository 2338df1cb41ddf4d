#!/usr/bin/env bash
# make demo: build the provider, start the local IMS emulator with the demo
# images, `terraform apply` the data-source example through a dev override,
# print the members, and stop the emulator.
#
# It uses any Terraform >= 1.5 or OpenTofu >= 1.6 on PATH (CLI=tofu prefers
# OpenTofu) and builds Terraform 1.5.7 into the cache only when there is none.
set -euo pipefail
cd "$(dirname "$0")/.."

case "${CLI:-}" in
tofu) TF=$(scripts/ensure-cli.sh any-tofu) ;;
terraform) TF=$(scripts/ensure-cli.sh any-terraform) ;;
*) TF=$(scripts/ensure-cli.sh any) ;;
esac
work=$(mktemp -d)
emu_pid=
cleanup() {
	if [ -n "$emu_pid" ]; then kill "$emu_pid" 2>/dev/null || true; wait "$emu_pid" 2>/dev/null || true; fi
	rm -rf "$work"
}
trap cleanup EXIT

echo "==> building the provider, the emulator and the dev-override helper"
go build -o "$work/plugins/terraform-provider-ims" .
go build -o "$work/bin/" ./cmd/ims-emulator ./internal/cmd/devclirc

echo "==> starting the IMS emulator on loopback"
"$work/bin/ims-emulator" -env-file "$work/env" &
emu_pid=$!
for _ in $(seq 100); do [ -f "$work/env" ] && break; sleep 0.1; done
[ -f "$work/env" ] || { echo "the emulator did not start" >&2; exit 1; }
# shellcheck disable=SC1091
. "$work/env"

"$work/bin/devclirc" -cli "$TF" -plugins "$work/plugins" -out "$work/cli.tfrc"
export TF_CLI_CONFIG_FILE="$work/cli.tfrc" CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1

# hide_override_warning drops the CLI's warning about dev_overrides
# (expected here: the provider is the one just built) from its output, with
# or without the box drawing of a terminal.
hide_override_warning() {
	awk '
		skip { if (/releases\.$/) { skip = 0; dropblank = 1 }; next }
		/Warning: Provider development overrides are in effect/ { skip = 1; held = ""; next }
		dropblank && /^[[:space:]╵]*$/ { next }
		{ dropblank = 0 }
		/^[[:space:]╷]*$/ { if (held != "") print held; held = $0; next }
		{ if (held != "") { print held; held = "" }; print }
		END { if (held != "") print held }
	'
}

mkdir -p "$work/config"
cp examples/data-sources/ims_image_members/*.tf "$work/config/"
# The whole output, then its first line (a pipe into head can die of SIGPIPE).
version=$("$TF" version 2>/dev/null) || true
echo "==> ${version%%$'\n'*}: apply examples/data-sources/ims_image_members against $HW_IMS_ENDPOINT"
"$TF" -chdir="$work/config" apply -auto-approve -input=false -no-color 2>&1 | hide_override_warning
echo "==> members of the image, as Terraform state sees them"
"$TF" -chdir="$work/config" output -no-color -json members 2>&1 | hide_override_warning
