//go:build generate

// Package tools pins the versions of the tools the GNUmakefile runs, in a
// module of its own so that they never enter the provider's dependencies.
package tools

import (
	_ "github.com/golangci/golangci-lint/v2/cmd/golangci-lint"
	_ "github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs"
)

// Documentation: see scripts/docs.sh, which feeds tfplugindocs the schema
// of the provider as built, so that generation works offline.
//go:generate ../scripts/docs.sh
