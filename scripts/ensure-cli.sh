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

case "${1:-}" in
terraform)
	if [ -n "${TF_ACC_TERRAFORM_PATH:-}" ]; then
		[ -x "$TF_ACC_TERRAFORM_PATH" ] || { say "TF_ACC_TERRAFORM_PATH=$TF_ACC_TERRAFORM_PATH is not executable"; exit 1; }
		echo "$TF_ACC_TERRAFORM_PATH"; exit 0
	fi
	if onpath=$(command -v terraform 2>/dev/null) && [ "$(version_of "$onpath")" = "$TERRAFORM_VERSION" ]; then
		echo "$onpath"; exit 0
	fi
	bin="$CACHE/terraform-$TERRAFORM_VERSION/terraform"
	if [ ! -x "$bin" ]; then
		say "building Terraform $TERRAFORM_VERSION from the Go module proxy into $(dirname "$bin") (about 3 minutes, once)"
		mkdir -p "$(dirname "$bin")"
		(cd "$(mktemp -d)" && GOFLAGS=-mod=mod GOBIN="$(dirname "$bin")" go install "github.com/hashicorp/terraform@v$TERRAFORM_VERSION") >&2
	fi
	echo "$bin"
	;;
tofu)
	if [ -n "${TOFU_PATH:-}" ]; then
		[ -x "$TOFU_PATH" ] || { say "TOFU_PATH=$TOFU_PATH is not executable"; exit 1; }
		echo "$TOFU_PATH"; exit 0
	fi
	if onpath=$(command -v tofu 2>/dev/null) && [ "$(version_of "$onpath")" = "$TOFU_VERSION" ]; then
		echo "$onpath"; exit 0
	fi
	bin="$CACHE/tofu-$TOFU_VERSION/tofu"
	if [ ! -x "$bin" ]; then
		say "building OpenTofu $TOFU_VERSION from the Go module proxy into $(dirname "$bin") (about 6 minutes, once)"
		mkdir -p "$(dirname "$bin")"
		src=$(cd "$(mktemp -d)" && GOFLAGS=-mod=mod go mod download -json "github.com/opentofu/opentofu@v$TOFU_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
		[ -d "$src" ] || { say "could not download the OpenTofu module"; exit 1; }
		# go install refuses the module (it has replace directives), so build
		# a writable copy of its source.
		work=$(mktemp -d)
		cp -r "$src/." "$work/"
		chmod -R u+w "$work"
		(cd "$work" && go build -ldflags "-X github.com/opentofu/opentofu/version.dev=no" -o "$bin" ./cmd/tofu) >&2
		rm -rf "$work"
	fi
	echo "$bin"
	;;
*)
	say "usage: $0 terraform|tofu"; exit 2
	;;
esac
