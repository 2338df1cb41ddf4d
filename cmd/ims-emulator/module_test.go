package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/terraform-ims/terraform-provider-ims/internal/devcli"
)

// cliWorkspace is a copy of an example folder and a CLI configuration
// that installs a provider from plugins.
type cliWorkspace struct {
	t            *testing.T
	cli, dir, rc string
	env          []string
	plugins      string
}

// newWorkspace copies folder and writes a CLI configuration for the
// provider built from this repository. It skips without TF_ACC and a CLI
// (TF_ACC_TERRAFORM_PATH, else terraform on PATH), as the acceptance tests
// do.
func newWorkspace(t *testing.T, folder string) *cliWorkspace {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("runs Terraform: set TF_ACC (make testacc does)")
	}
	cli := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if cli == "" {
		var err error
		if cli, err = exec.LookPath("terraform"); err != nil {
			t.Skip("no Terraform CLI: set TF_ACC_TERRAFORM_PATH")
		}
	}
	if !hasTerraformTest(cli) {
		t.Skip("terraform test needs Terraform (or OpenTofu) >= 1.6")
	}
	tmp := t.TempDir()
	w := &cliWorkspace{t: t, cli: cli, dir: filepath.Join(tmp, "module"), rc: filepath.Join(tmp, "cli.tfrc"), plugins: filepath.Join(tmp, "plugins")}
	if out, err := exec.Command("go", "build", "-o", filepath.Join(w.plugins, "terraform-provider-ims"), "../..").CombinedOutput(); err != nil {
		t.Fatalf("building the provider: %v\n%s", err, out)
	}
	if err := devcli.WriteConfig(w.rc, cli, w.plugins); err != nil {
		t.Fatal(err)
	}
	if err := os.CopyFS(w.dir, os.DirFS(folder)); err != nil {
		t.Fatal(err)
	}
	return w
}

// hasTerraformTest reports a CLI of version 1.6 or later, which has
// terraform test.
func hasTerraformTest(cli string) bool {
	out, err := exec.Command(cli, "version", "-json").Output() //nolint:gosec // The test's own CLI.
	if err != nil {
		return false
	}
	var v struct {
		Version string `json:"terraform_version"`
	}
	if json.Unmarshal(out, &v) != nil {
		return false
	}
	var major, minor int
	if _, err := fmt.Sscanf(v.Version, "%d.%d", &major, &minor); err != nil {
		return false
	}
	return major > 1 || major == 1 && minor >= 6
}

// run runs the CLI in the module with the workspace's environment and
// returns its output; a failed command fails the test.
func (w *cliWorkspace) run(args ...string) string {
	w.t.Helper()
	cmd := exec.Command(w.cli, append([]string{"-chdir=" + w.dir}, args...)...) //nolint:gosec // The test's own CLI.
	cmd.Env = append(append(os.Environ(), "TF_CLI_CONFIG_FILE="+w.rc, "TF_IN_AUTOMATION=1"), w.env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		w.t.Fatalf("%s %v: %v\n%s", filepath.Base(w.cli), args, err, out)
	}
	return string(out)
}

// envFileVars reads the exports of an -env-file.
func envFileVars(t *testing.T, path string) map[string]string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{}
	for _, m := range regexp.MustCompile(`(?m)^export (\w+)=(\S*)$`).FindAllStringSubmatch(string(b), -1) {
		vars[m[1]] = m[2]
	}
	return vars
}

// adminCall is the README's curl: a call to the admin API with the token
// of the -env-file.
func adminCall(t *testing.T, vars map[string]string, method, path, body string) []byte {
	t.Helper()
	req, err := http.NewRequest(method, vars["IMS_EMULATOR_URL"]+"/_emulator/"+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+vars["IMS_EMULATOR_ADMIN_TOKEN"])
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 300 {
		t.Fatalf("%s /_emulator/%s: HTTP %d: %s", method, path, resp.StatusCode, b)
	}
	return b
}

// TestModuleTestExample runs the README's steps for examples/module-test:
// the emulator started with its world.json and an -env-file, the module's
// test, the members fault switched on through the admin API, the failure
// test, the fault switched off, and the requests read back.
func TestModuleTestExample(t *testing.T) {
	w := newWorkspace(t, "../../examples/module-test")
	envFile := filepath.Join(t.TempDir(), "emulator.env")
	var out bytes.Buffer
	err := run([]string{"-fixtures", filepath.Join(w.dir, "world.json"), "-env-file", envFile}, &out, func() {
		vars := envFileVars(t, envFile)
		for k, v := range vars {
			w.env = append(w.env, k+"="+v)
		}
		if got := w.run("test", "-no-color"); !strings.Contains(got, "1 passed, 0 failed") {
			t.Fatalf("the module's test:\n%s", got)
		}
		adminCall(t, vars, http.MethodPost, "faults", `{"operation": "members", "fault": "forbidden"}`)
		if got := w.run("test", "-no-color", "-test-directory=faults"); !strings.Contains(got, "1 passed, 0 failed") {
			t.Errorf("the failure test:\n%s", got)
		}
		adminCall(t, vars, http.MethodDelete, "faults", "")
		var log struct {
			Requests []struct {
				Operation, Code string
				Status          int
			} `json:"requests"`
		}
		if err := json.Unmarshal(adminCall(t, vars, http.MethodGet, "requests", ""), &log); err != nil {
			t.Fatal(err)
		}
		refused := 0
		for _, r := range log.Requests {
			if r.Operation == "members" && r.Status == http.StatusForbidden {
				refused++
			}
		}
		if refused == 0 {
			t.Errorf("no members request was refused while the fault was on: %+v", log.Requests)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
}
