#!/usr/bin/env bash
# Prints the path of a Terraform or OpenTofu CLI of the tested version,
# building it from the Go module proxy into a cache folder outside the repo
# when none is found. Usage: scripts/ensure-cli.sh terraform|tofu
#
#   terraform: $TF_ACC_TERRAFORM_PATH if set, else `terraform` on PATH when it
#              is version $TERRAFORM_VERSION, else the cached build.
#   tofu:      $TOFU_PATH if set, else `tofu` on PATH when it is version
#              $TOFU_VERSION, else the cached build.
set -euo pipefail

TERRAFORM_VERSION=${TERRAFORM_VERSION:-1.5.7}
TOFU_VERSION=${TOFU_VERSION:-1.10.6}
CACHE=${IMS_CLI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-ims}

say() { echo "ensure-cli: $*" >&2; }

version_of() { "$1" version 2>/dev/null | head -n 1 | sed -E 's/^[^0-9]*v?([0-9][^ ]*).*/\1/'; }

# find NAME VERSION OVERRIDE: prints an existing CLI and returns 0, or
# returns 1 when the cached build is needed.
find_cli() {
	local name=$1 version=$2 override=$3 onpath
	if [ -n "$override" ]; then
		[ -x "$override" ] || { say "$override (from the environment) is not executable"; exit 1; }
		echo "$override"
		return 0
	fi
	if onpath=$(command -v "$name" 2>/dev/null) && [ "$(version_of "$onpath")" = "$version" ]; then
		echo "$onpath"
		return 0
	fi
	return 1
}

build_terraform() {
	local bin=$1
	say "building Terraform $TERRAFORM_VERSION from the Go module proxy into $(dirname "$bin") (about 3 minutes, once)"
	(cd "$(mktemp -d)" && GOFLAGS=-mod=mod GOBIN="$(dirname "$bin")" go install "github.com/hashicorp/terraform@v$TERRAFORM_VERSION") >&2
}

build_tofu() {
	local bin=$1 src work
	say "building OpenTofu $TOFU_VERSION from the Go module proxy into $(dirname "$bin") (about 6 minutes, once)"
	src=$(cd "$(mktemp -d)" && GOFLAGS=-mod=mod go mod download -json "github.com/opentofu/opentofu@v$TOFU_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
	[ -d "$src" ] || { say "could not download the OpenTofu module"; exit 1; }
	# go install refuses the module (it has replace directives), so build a
	# writable copy of its source; version.dev=no makes it report 1.10.6,
	# not 1.10.6-dev.
	work=$(mktemp -d)
	cp -r "$src/." "$work/"
	chmod -R u+w "$work"
	(cd "$work" && go build -ldflags "-X github.com/opentofu/opentofu/version.dev=no" -o "$bin" ./cmd/tofu) >&2
	rm -rf "$work"
}

case "${1:-}" in
terraform) name=terraform version=$TERRAFORM_VERSION override=${TF_ACC_TERRAFORM_PATH:-} ;;
tofu) name=tofu version=$TOFU_VERSION override=${TOFU_PATH:-} ;;
*) say "usage: $0 terraform|tofu"; exit 2 ;;
esac

find_cli "$name" "$version" "$override" && exit 0
bin="$CACHE/$name-$version/$name"
if [ ! -x "$bin" ]; then
	mkdir -p "$(dirname "$bin")"
	"build_$name" "$bin"
fi
echo "$bin"
