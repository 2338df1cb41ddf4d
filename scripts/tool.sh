#!/usr/bin/env bash
# Runs a tool pinned in tools/go.mod, building it once into the cache folder.
# Usage: scripts/tool.sh tfplugindocs|golangci-lint [args]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${IMS_CLI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-ims}
name=$1
shift
case "$name" in
tfplugindocs) pkg=github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs ;;
golangci-lint) pkg=github.com/golangci/golangci-lint/v2/cmd/golangci-lint ;;
*) echo "tool.sh: unknown tool $name" >&2; exit 2 ;;
esac
# The binary's name carries a hash of tools/go.sum: a version bump rebuilds.
sum=$(cksum <"$root/tools/go.sum" | cut -d' ' -f1)
bin="$CACHE/tools/$name-$sum"
if [ ! -x "$bin" ]; then
	echo "tool.sh: building $name from tools/go.mod (once)" >&2
	mkdir -p "$CACHE/tools"
	go build -C "$root/tools" -o "$bin" "$pkg"
fi
exec "$bin" "$@"
