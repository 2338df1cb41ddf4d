// Package devcli points a Terraform or OpenTofu CLI at a local build of the
// provider through a CLI configuration with dev_overrides. It is the one
// place that configuration is written, for the demo, the docs, the tests and
// the benchmark, and the one way Terraform and OpenTofu are told apart.
package devcli

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
)

// Source is the provider's registry source address, without the host.
const Source = "terraform-ims/ims"

// Registry hosts under which each CLI looks the provider up.
const (
	TerraformHost = "registry.terraform.io"
	OpenTofuHost  = "registry.opentofu.org"
)

// IsOpenTofu reports whether the CLI binary is OpenTofu, by asking it for
// its version (whatever the binary is called).
func IsOpenTofu(cli string) (bool, error) {
	cmd := exec.Command(cli, "version") //nolint:gosec // The CLI is the developer's own choice.
	// An empty CLI configuration keeps a warning about the user's own out
	// of the answer (OpenTofu prints it on stdout).
	cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+os.DevNull)
	out, err := cmd.Output()
	if err != nil {
		return false, fmt.Errorf("running %s version: %w", cli, err)
	}
	return bytes.HasPrefix(bytes.TrimSpace(out), []byte("OpenTofu")), nil
}

// Host is the registry host of the CLI.
func Host(cli string) (string, error) {
	tofu, err := IsOpenTofu(cli)
	if err != nil {
		return "", err
	}
	if tofu {
		return OpenTofuHost, nil
	}
	return TerraformHost, nil
}

// Config is the CLI configuration that maps the provider's address under
// host to the binary in pluginDir; every other provider installs as usual.
func Config(host, pluginDir string) string {
	return fmt.Sprintf("provider_installation {\n  dev_overrides {\n    %q = %q\n  }\n  direct {}\n}\n", host+"/"+Source, pluginDir)
}

// WriteConfig writes Config for the CLI at path; point TF_CLI_CONFIG_FILE
// at it.
func WriteConfig(path, cli, pluginDir string) error {
	host, err := Host(cli)
	if err != nil {
		return err
	}
	return os.WriteFile(path, []byte(Config(host, pluginDir)), 0o600)
}
