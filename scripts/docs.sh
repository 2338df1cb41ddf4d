#!/usr/bin/env bash
# make docs: regenerate docs/ from the schema, templates/ and examples/ with
# tfplugindocs, offline: the schema comes from the provider just built,
# through `terraform providers schema -json` and a dev override.
# With --check, fail if docs/ differs from what would be generated.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

# Terraform >= 1.14 (the matrix's terraform-current, 1.16.4) reports list
# resource and action schemas too.
TF=$(scripts/ensure-cli.sh terraform-current)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

go build -o "$work/plugins/terraform-provider-ims" .
go run ./internal/cmd/devclirc -cli "$TF" -plugins "$work/plugins" -out "$work/cli.tfrc"
mkdir -p "$work/config"
cp examples/provider/provider.tf "$work/config/"
TF_CLI_CONFIG_FILE="$work/cli.tfrc" CHECKPOINT_DISABLE=1 "$TF" -chdir="$work/config" providers schema -json >"$work/schema.json" 2>"$work/schema.err" || {
	cat "$work/schema.err" >&2
	exit 1
}

# tfplugindocs looks a schema up by the short name (or under hashicorp/).
sed -i 's#"registry.terraform.io/terraform-ims/ims"#"ims"#' "$work/schema.json"

# tfplugindocs writes into the provider directory it is given; work on a
# copy so that --check leaves the tree untouched.
mkdir -p "$work/src"
cp -r templates examples "$work/src/"
scripts/tool.sh tfplugindocs generate \
	--provider-dir "$work/src" \
	--provider-name ims \
	--providers-schema "$work/schema.json" \
	--rendered-provider-name "IMS (Huawei Cloud Image Management Service)" \
	--website-source-dir templates \
	--examples-dir examples \
	--rendered-website-dir docs >"$work/tfplugindocs.log" 2>&1 || {
	cat "$work/tfplugindocs.log" >&2
	exit 1
}
if [ "${1:-}" = --check ]; then
	if ! diff -ru docs "$work/src/docs"; then
		echo "docs/ is out of date with the schema, templates or examples: run 'make docs' and commit the result." >&2
		exit 1
	fi
	echo "docs/ is up to date"
else
	rm -rf "$root/docs"
	cp -r "$work/src/docs" "$root/docs"
	echo "docs/ regenerated"
fi
