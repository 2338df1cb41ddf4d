#!/usr/bin/env bash
# Prints the path of a Terraform or OpenTofu CLI, building it from the Go
# module proxy into a cache folder outside the repo when none is found.
#
# Usage: scripts/ensure-cli.sh NAME
#
# The test matrix, the one place its versions are written:
#
#   NAME               CLI        version  override variable
#   terraform          Terraform  1.5.7    TF_ACC_TERRAFORM_PATH (the oldest supported)
#   terraform-current  Terraform  1.16.4   TERRAFORM_CURRENT_PATH (identity, terraform query, actions)
#   tofu               OpenTofu   1.12.6   TOFU_PATH
#
# A matrix CLI is the override if set, else the CLI on PATH when it is that
# exact version, else the cached build.
#
#   any                for make demo: any Terraform >= 1.5 or OpenTofu >= 1.6
#                      on PATH, else the cached build of `terraform`.
#   any-terraform, any-tofu: the same, limited to one kind.
#
# scripts/ensure-cli.sh --matrix prints the matrix names, one a line.
set -euo pipefail

CACHE=${IMS_CLI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-ims}
MATRIX="terraform terraform-current tofu"

say() { echo "ensure-cli: $*" >&2; }

# version_of CLI: "1.16.4" from "Terraform v1.16.4" or "OpenTofu v1.12.6".
# An empty CLI configuration keeps a warning about the user's own (OpenTofu
# prints it on stdout) out of the answer.
# The whole output is read before its first line is taken: a pipe into
# `head -n 1` under pipefail fails with SIGPIPE when the CLI is still
# writing (its update notice) after head has exited.
version_of() {
	local out
	out=$(TF_CLI_CONFIG_FILE=/dev/null "$1" version 2>/dev/null) || true
	out=${out%%$'\n'*}
	sed -E 's/^[^0-9]*v?([0-9][^ ]*).*/\1/' <<<"$out"
}

# at_least VERSION MIN: true when VERSION >= MIN (major.minor).
at_least() {
	local v=$1 m=$2
	local vmaj=${v%%.*} vmin mmaj=${m%%.*} mmin
	vmin=${v#*.}; vmin=${vmin%%.*}
	mmin=${m#*.}; mmin=${mmin%%.*}
	[[ $vmaj =~ ^[0-9]+$ && $vmin =~ ^[0-9]+$ ]] || return 1
	((vmaj > mmaj || (vmaj == mmaj && vmin >= mmin)))
}

# module_copy MODULE VERSION: a writable copy of the module's source.
module_copy() {
	local src work
	src=$(cd "$(mktemp -d)" && GOFLAGS=-mod=mod go mod download -json "$1@v$2" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
	[ -d "$src" ] || { say "could not download $1@v$2"; exit 1; }
	work=$(mktemp -d)
	cp -r "$src/." "$work/"
	chmod -R u+w "$work"
	echo "$work"
}

# build_terraform VERSION BIN
build_terraform() {
	local version=$1 bin=$2 work
	case "$version" in
	1.5.*)
		say "building Terraform $version from the Go module proxy into $(dirname "$bin") (about 3 minutes, once)"
		(cd "$(mktemp -d)" && GOFLAGS=-mod=mod GOBIN="$(dirname "$bin")" go install "github.com/hashicorp/terraform@v$version") >&2
		;;
	*)
		say "building Terraform $version from the Go module proxy into $(dirname "$bin") (about 2 minutes, once)"
		# go install refuses the module: its go.mod requires and replaces
		# nested modules (remote-state backends, internal/legacy) that the
		# module zip leaves out. Build a writable copy without them; the
		# local backend, all that the tests use, is untouched.
		work=$(module_copy github.com/hashicorp/terraform "$version")
		sed -i -E '/github\.com\/hashicorp\/terraform\/internal\/(backend\/remote-state\/(azure|consul|cos|gcs|kubernetes|oci|oss|pg|s3)|legacy)[ =]/d' "$work/go.mod"
		sed -i -E '/backend(Azure|Consul|Cos|GCS|Kubernetes|OCI|OSS|Pg|S3)[ .]/d' "$work/internal/backend/init/init.go"
		(cd "$work" && GOFLAGS=-mod=mod go build -trimpath -ldflags "-X github.com/hashicorp/terraform/version.dev=no" -o "$bin" .) >&2
		rm -rf "$work"
		;;
	esac
}

# build_tofu VERSION BIN
build_tofu() {
	local version=$1 bin=$2 work
	say "building OpenTofu $version from the Go module proxy into $(dirname "$bin") (about 8 minutes and 2 GB of memory, once)"
	# go install refuses the module (it has replace directives), so build a
	# writable copy; version.dev=no makes it report $version, not -dev.
	work=$(module_copy github.com/opentofu/opentofu "$version")
	(cd "$work" && go build -trimpath -ldflags "-X github.com/opentofu/opentofu/version.dev=no" -o "$bin" ./cmd/tofu) >&2
	rm -rf "$work"
}

# cached KIND VERSION: the cached build, made on first use.
cached() {
	local kind=$1 version=$2 bin
	bin="$CACHE/$kind-$version/$kind"
	if [ ! -x "$bin" ]; then
		mkdir -p "$(dirname "$bin")"
		"build_$kind" "$version" "$bin"
	fi
	echo "$bin"
}

# matrix_cli KIND VERSION OVERRIDE
matrix_cli() {
	local kind=$1 version=$2 override=$3 onpath
	if [ -n "$override" ]; then
		[ -x "$override" ] || { say "$override (from the environment) is not executable"; exit 1; }
		echo "$override"
		return
	fi
	if onpath=$(command -v "$kind" 2>/dev/null) && [ "$(version_of "$onpath")" = "$version" ]; then
		echo "$onpath"
		return
	fi
	cached "$kind" "$version"
}

# any_cli KINDS: the first supported CLI on PATH, else the oldest matrix build.
any_cli() {
	local kind onpath v
	for kind in "$@"; do
		onpath=$(command -v "$kind" 2>/dev/null) || continue
		v=$(version_of "$onpath")
		case "$kind" in
		terraform) at_least "$v" 1.5 && { echo "$onpath"; return; } ;;
		tofu) at_least "$v" 1.6 && { echo "$onpath"; return; } ;;
		esac
		say "ignoring $onpath: version $v is older than this provider supports"
	done
	case "$1" in
	tofu) "$0" tofu ;;
	*) "$0" terraform ;;
	esac
}

case "${1:-}" in
--matrix) echo "$MATRIX" | tr ' ' '\n' ;;
terraform) matrix_cli terraform 1.5.7 "${TF_ACC_TERRAFORM_PATH:-}" ;;
terraform-current) matrix_cli terraform 1.16.4 "${TERRAFORM_CURRENT_PATH:-}" ;;
tofu) matrix_cli tofu 1.12.6 "${TOFU_PATH:-}" ;;
any) any_cli terraform tofu ;;
any-terraform) any_cli terraform ;;
any-tofu) any_cli tofu ;;
*) say "usage: $0 --matrix | $MATRIX | any | any-terraform | any-tofu"; exit 2 ;;
esac
