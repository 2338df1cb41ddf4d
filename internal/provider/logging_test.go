package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/terraform-ims/terraform-provider-ims/internal/emulator"
)

// noSecretsInState fails when any secret appears anywhere in the state.
type noSecretsInState struct{ secrets []string }

func (c noSecretsInState) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	b, err := json.Marshal(req.State)
	if err != nil {
		resp.Error = err
		return
	}
	for _, s := range c.secrets {
		if strings.Contains(string(b), s) {
			resp.Error = fmt.Errorf("a secret of %d characters is in the state", len(s))
			return
		}
	}
}

// TestAccLogging_noSecrets runs the CLI at TRACE with each kind of
// credential, given as a user gives them (sensitive variables and HW_*
// environment variables), through a retry and an error, and searches the
// whole log (CLI, provider and test harness) and the state for every secret.
// Secrets are never literals in the test's HCL because the test harness logs
// each step's configuration at TRACE. Serial: it sets HW_* and TF_LOG variables.
func TestAccLogging_noSecrets(t *testing.T) {
	a := newTestAccount(t)
	members := threeMembers()
	a.emu.SetMembers(testProject, testImage, members)
	a.emu.FailFirst(testImage, emulator.Fault503)
	logFile := filepath.Join(t.TempDir(), "trace.log")
	t.Setenv("TF_ACC_LOG_PATH", logFile)
	t.Setenv("TF_LOG_PROVIDER_IMS_HTTP", "TRACE")
	secrets := []string{a.secretKey, a.iamToken, a.tempSK, a.tempToken}

	ds := testAccImageMembersConfig("test", testImage)
	vars := `
variable "access_key" {
  type    = string
  default = null
}
variable "secret_key" {
  type      = string
  sensitive = true
  default   = null
}
variable "security_token" {
  type      = string
  sensitive = true
  default   = null
}
variable "token" {
  type      = string
  sensitive = true
  default   = null
}
`
	fromVars := vars + fmt.Sprintf(`
provider "ims" {
  region         = %q
  project_id     = %q
  endpoint       = %q
  access_key     = var.access_key
  secret_key     = var.secret_key
  security_token = var.security_token
  token          = var.token
}
`, testRegion, testProject, a.emu.URL()) + ds
	fromEnv := testAccProviderConfig(hclArg("region", testRegion), hclArg("project_id", testProject), hclArg("endpoint", a.emu.URL())) + ds
	ok := []statecheck.StateCheck{
		statecheck.ExpectKnownValue(dsAddr, tfjsonpath.New("member_ids"), idsCheck(members)),
		noSecretsInState{secrets: secrets},
	}
	run := func(name string, env map[string]string, step resource.TestStep) {
		t.Run(name, func(t *testing.T) {
			for k, v := range env {
				t.Setenv(k, v)
			}
			resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: testProviders, Steps: []resource.TestStep{step}})
		})
	}
	run("keys in HCL through a retry", map[string]string{"TF_VAR_access_key": a.accessKey, "TF_VAR_secret_key": a.secretKey},
		resource.TestStep{Config: fromVars, ConfigStateChecks: ok})
	run("temporary credentials in HCL", map[string]string{"TF_VAR_access_key": a.tempAK, "TF_VAR_secret_key": a.tempSK, "TF_VAR_security_token": a.tempToken},
		resource.TestStep{Config: fromVars, ConfigStateChecks: ok})
	run("token in HCL", map[string]string{"TF_VAR_token": a.iamToken},
		resource.TestStep{Config: fromVars, ConfigStateChecks: ok})
	run("keys in the environment", map[string]string{"HW_ACCESS_KEY": a.accessKey, "HW_SECRET_KEY": a.secretKey},
		resource.TestStep{Config: fromEnv, ConfigStateChecks: ok})
	run("temporary credentials in the environment", map[string]string{"HW_ACCESS_KEY": a.tempAK, "HW_SECRET_KEY": a.tempSK, "HW_SECURITY_TOKEN": a.tempToken},
		resource.TestStep{Config: fromEnv, ConfigStateChecks: ok})
	run("token in the environment", map[string]string{"HW_AUTH_TOKEN": a.iamToken},
		resource.TestStep{Config: fromEnv, ConfigStateChecks: ok})
	run("a rejected secret", map[string]string{"HW_ACCESS_KEY": a.accessKey, "HW_SECRET_KEY": a.tempSK},
		resource.TestStep{Config: fromEnv, ExpectError: errRe("IMS rejected the credentials")})
	// An endpoint that echoes the request's headers back in a 200: the
	// unreadable body is quoted in the diagnostic, which Terraform shows and
	// terraform-plugin-go logs at ERROR, with every secret masked.
	echo := testAccImageMembersConfig("test", testImageBig)
	a.emu.FailAlways(testImageBig, emulator.FaultEcho)
	echoedToken := testAccProviderConfig(hclArg("region", testRegion), hclArg("project_id", testProject), hclArg("endpoint", a.emu.URL()),
		"max_retries = 0") + echo
	run("an endpoint that echoes the token", map[string]string{"HW_AUTH_TOKEN": a.iamToken},
		resource.TestStep{Config: echoedToken, ExpectError: errRe("IMS returned an unreadable response", `"X-Auth-Token":["[REDACTED]"]`)})
	run("an endpoint that echoes temporary credentials", map[string]string{"HW_ACCESS_KEY": a.tempAK, "HW_SECRET_KEY": a.tempSK, "HW_SECURITY_TOKEN": a.tempToken},
		resource.TestStep{Config: echoedToken, ExpectError: errRe("IMS returned an unreadable response", "Signature=[REDACTED]")})

	raw, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatal(err)
	}
	log := string(raw)
	// The request lines carry what the docs promise, at DEBUG, and the
	// paging lines at TRACE.
	for _, want := range []string{"[DEBUG] ims.http: IMS request", "[TRACE] ims.http: IMS members page", "method=GET", "status=503",
		"attempt=2", "request_id=", "duration_ms=", "path=/v1/", "Setting Terraform configuration"} {
		if !strings.Contains(log, want) {
			t.Fatalf("the TRACE log (%d bytes) lacks %q: the search below would prove nothing", len(raw), want)
		}
	}
	for i, s := range secrets {
		for _, line := range strings.Split(log, "\n") {
			if strings.Contains(line, s) {
				// Show where, with the secret itself replaced.
				t.Errorf("secret %d appears in the TRACE log: %.400s", i, strings.ReplaceAll(line, s, "<SECRET>"))
				break
			}
		}
	}
	// Signatures are not configured secrets, but must not be shown either:
	// the echoing endpoint sends one back.
	if m := regexp.MustCompile(`Signature=[0-9a-f]{16,}`).FindString(log); m != "" {
		t.Errorf("the TRACE log contains a signature: %.30s...", m)
	}
	for _, header := range []string{"X-Security-Token:", "X-Auth-Token:"} {
		if strings.Contains(log, header) {
			t.Errorf("the TRACE log contains the header %q", header)
		}
	}
}
