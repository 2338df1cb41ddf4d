package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/terraform-ims/terraform-provider-ims/internal/devcli"
)

// TestHuaweicloudModule runs the README's module for the official
// huaweicloud provider (testdata/huaweicloud-module) with terraform test
// against the emulator, started with examples/module-test's world. It
// needs a build of terraform-provider-huaweicloud, named by
// IMS_TEST_HUAWEICLOUD_PROVIDER, and a Terraform CLI
// (TF_ACC_TERRAFORM_PATH, else terraform on PATH).
func TestHuaweicloudModule(t *testing.T) {
	build := os.Getenv("IMS_TEST_HUAWEICLOUD_PROVIDER")
	if build == "" {
		t.Skip("IMS_TEST_HUAWEICLOUD_PROVIDER is not set: name a build of terraform-provider-huaweicloud to test the official provider's module against the emulator")
	}
	build, err := filepath.Abs(build)
	if err != nil {
		t.Fatal(err)
	}
	cli := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if cli == "" {
		if cli, err = exec.LookPath("terraform"); err != nil {
			t.Skip("no Terraform CLI: set TF_ACC_TERRAFORM_PATH")
		}
	}
	tmp := t.TempDir()
	plugins, module, rc := filepath.Join(tmp, "plugins"), filepath.Join(tmp, "module"), filepath.Join(tmp, "cli.tfrc")
	if err := os.MkdirAll(plugins, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(build, filepath.Join(plugins, "terraform-provider-huaweicloud")); err != nil {
		t.Fatal(err)
	}
	host, err := devcli.Host(cli)
	if err != nil {
		t.Fatal(err)
	}
	config := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    %q = %q\n  }\n  direct {}\n}\n", host+"/huaweicloud/huaweicloud", plugins)
	if err := os.WriteFile(rc, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.CopyFS(module, os.DirFS("testdata/huaweicloud-module")); err != nil {
		t.Fatal(err)
	}
	// Each way the official provider authenticates: permanent keys,
	// temporary keys (the security token added after signing), an IAM
	// user's password and an IAM token (both through POST /v3/auth/tokens,
	// and GET /v3/auth/domains at configure).
	credentials := []struct {
		name string
		env  []string
	}{
		{"permanent keys", nil},
		{"temporary keys", []string{"HW_ACCESS_KEY=MODULETEMPKEY", "HW_SECRET_KEY=module-temp-secret", "HW_SECURITY_TOKEN=module-temp-token"}},
		{"password", []string{"HW_ACCESS_KEY=", "HW_SECRET_KEY=", "HW_USER_NAME=module-user", "HW_USER_PASSWORD=module-password",
			"HW_DOMAIN_NAME=module-test", "HW_PROJECT_ID=0a1b2c3d4e5f4a5b8c7d6e5f4a3b2c1d"}},
		{"IAM token", []string{"HW_ACCESS_KEY=", "HW_SECRET_KEY=", "HW_AUTH_TOKEN=module-iam-token",
			"HW_PROJECT_ID=0a1b2c3d4e5f4a5b8c7d6e5f4a3b2c1d"}},
	}
	envFile := filepath.Join(tmp, "emulator.env")
	var out bytes.Buffer
	err = run([]string{"-fixtures", "testdata/huaweicloud-world.json", "-env-file", envFile}, &out, func() {
		vars := envFileVars(t, envFile)
		// The README starts the emulator on 127.0.0.1:8787; this test on
		// a free port.
		testFile := filepath.Join(module, "tests", "share.tftest.hcl")
		b, err := os.ReadFile(testFile)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(testFile, []byte(strings.ReplaceAll(string(b), "http://127.0.0.1:8787", vars["IMS_EMULATOR_URL"])), 0o600); err != nil {
			t.Fatal(err)
		}
		for _, c := range credentials {
			cmd := exec.Command(cli, "-chdir="+module, "test", "-no-color") //nolint:gosec // The test's own CLI.
			cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+rc, "TF_IN_AUTOMATION=1")
			for k, v := range vars {
				cmd.Env = append(cmd.Env, k+"="+v)
			}
			cmd.Env = append(cmd.Env, c.env...)
			got, err := cmd.CombinedOutput()
			if err != nil || !strings.Contains(string(got), "1 passed, 0 failed") {
				t.Errorf("terraform test with the official provider and %s: %v\n%s", c.name, err, got)
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
}
