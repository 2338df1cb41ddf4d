package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/terraform-ims/terraform-provider-ims/internal/emulator"
)

// faultImageID is the deterministic image id of fault test i.
func faultImageID(i int) string {
	return fmt.Sprintf("%08x-0000-4000-8000-%012x", 0xfa000000+i, i)
}

// TestAccFaults_fortyDataSources: 40 data sources in one configuration;
// every request (each page on its own) fails twice, with the fault kinds
// spread over all of them, and every read still ends with the right members.
func TestAccFaults_fortyDataSources(t *testing.T) {
	w := newWorld(t)
	w.emu.SlowDelay = 20 * time.Second
	const n = 40
	var cfg strings.Builder
	cfg.WriteString(w.providerBlock(`request_timeout = "2s"`))
	var checks []statecheck.StateCheck
	kinds := emulator.AllFaults
	images := make([]string, n)
	pages := make([]int, n)
	for i := range n {
		img := faultImageID(i)
		images[i] = img
		count := 4
		pages[i] = 1
		if i%10 == 0 {
			count, pages[i] = 1200, 2
		}
		members := emulator.GenerateMembers(img, count)
		w.emu.SetMembers(testProject, img, members)
		w.emu.FailFirst(img, kinds[i%len(kinds)], kinds[(i+3)%len(kinds)])
		fmt.Fprintf(&cfg, "data \"ims_image_members\" \"d%d\" {\n  image_id = %q\n}\n", i, img)
		checks = append(checks, statecheck.ExpectKnownValue(fmt.Sprintf("data.ims_image_members.d%d", i), tfjsonpath.New("member_ids"), idsCheck(members)))
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps:                    []resource.TestStep{{Config: cfg.String(), ConfigStateChecks: checks}},
	})
	for i, img := range images {
		// Two failed attempts and one success per page at least.
		if got := w.emu.ImageRequests(img); got < 3*pages[i] {
			t.Errorf("image %d: %d requests, want at least %d (faults not injected?)", i, got, 3*pages[i])
		}
	}
}

// TestAccFaults_permanent503 fails after exactly max_retries + 1 attempts.
func TestAccFaults_permanent503(t *testing.T) {
	for _, retries := range []int{0, 2} {
		t.Run(fmt.Sprintf("max_retries_%d", retries), func(t *testing.T) {
			w := newWorld(t)
			w.emu.SetMembers(testProject, testImage, threeMembers())
			w.emu.FailAlways(testImage, emulator.Fault503)
			want := []string{"IMS is unavailable", "HTTP 503", "APIGW.0201", "request id"}
			if retries > 0 {
				want = append(want, fmt.Sprintf("after %d attempts", retries+1))
			}
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviders,
				Steps: []resource.TestStep{{
					Config:      w.providerBlock(fmt.Sprintf("max_retries = %d", retries)) + dataSource("test", testImage, ""),
					ExpectError: errRe(want...),
				}},
			})
			if got := w.emu.ImageRequests(testImage); got != retries+1 {
				t.Errorf("attempts = %d, want max_retries + 1 = %d", got, retries+1)
			}
		})
	}
}

// TestAccFaults_notRetried: 4xx answers are final on the first attempt.
func TestAccFaults_notRetried(t *testing.T) {
	w := newWorld(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config:      w.providerBlock("max_retries = 5") + dataSource("test", testImage, ""),
			ExpectError: errRe("Image not found", "HTTP 404"),
		}},
	})
	if got := w.emu.ImageRequests(testImage); got != 1 {
		t.Errorf("a 404 was tried %d times, want once", got)
	}
}

// TestAccFaults_stalledServer: a server that never answers fails at the
// read timeout, with a message that says so, not at request_timeout.
func TestAccFaults_stalledServer(t *testing.T) {
	w := newWorld(t)
	w.emu.SlowDelay = 5 * time.Minute
	w.emu.SetMembers(testProject, testImage, threeMembers())
	w.emu.FailAlways(testImage, emulator.FaultSlow)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: w.providerBlock() + fmt.Sprintf(`
data "ims_image_members" "test" {
  image_id = %q
  timeouts {
    read = "3s"
  }
}
`, testImage),
			ExpectError: errRe("Timed out reading image members", "timeouts.read = 3s"),
		}},
	})
}

// TestAccFaults_slowAttemptRetried: one stalled attempt is cut off by
// request_timeout and retried, well within the read timeout.
func TestAccFaults_slowAttemptRetried(t *testing.T) {
	w := newWorld(t)
	w.emu.SlowDelay = time.Minute
	members := threeMembers()
	w.emu.SetMembers(testProject, testImage, members)
	w.emu.FailFirst(testImage, emulator.FaultSlow)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: w.providerBlock(`request_timeout = "1s"`) + dataSource("test", testImage, ""),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(dsAddr, tfjsonpath.New("member_ids"), idsCheck(members)),
			},
		}},
	})
}

// TestAccTLS: certificates are verified; cacert_file adds a CA, insecure
// skips verification.
func TestAccTLS(t *testing.T) {
	w := newWorldTLS(t)
	members := threeMembers()
	w.emu.SetMembers(testProject, testImage, members)
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(caFile, w.emu.CertificatePEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	ds := dataSource("test", testImage, "")
	ok := []statecheck.StateCheck{statecheck.ExpectKnownValue(dsAddr, tfjsonpath.New("member_ids"), idsCheck(members))}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{Config: w.providerBlock() + ds, ExpectError: errRe("TLS certificate of IMS not trusted", "cacert_file")},
			{Config: w.providerBlock(fmt.Sprintf("cacert_file = %q", filepath.Join(t.TempDir(), "missing.pem"))) + ds, ExpectError: errRe("Cannot read cacert_file")},
			{Config: w.providerBlock(fmt.Sprintf("cacert_file = %q", caFile)) + ds, ConfigStateChecks: ok},
			{Config: w.providerBlock("insecure = true") + ds, ConfigStateChecks: ok},
		},
	})
}

func newWorldTLS(t *testing.T) *world {
	t.Helper()
	w := newWorld(t)
	w.emu.Close()
	tlsEmu := emulator.New()
	tlsEmu.AddCredential(emulator.Credential{AccessKey: w.accessKey, SecretKey: w.secretKey, DomainID: testDomain})
	tlsEmu.AddProject(emulator.Project{ID: testProject, Region: testRegion, DomainID: testDomain})
	tlsEmu.StartTLS()
	t.Cleanup(tlsEmu.Close)
	w.emu = tlsEmu
	return w
}

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

// TestAccSecretsNeverLogged runs the CLI at TRACE with each kind of
// credential, given as a user gives them (sensitive variables and HW_*
// environment variables), through a retry and an error, and searches the
// whole log (CLI, provider and test harness) and the state for every secret.
// Secrets are never literals in the test's HCL because the test harness logs
// each step's configuration at TRACE.
func TestAccSecretsNeverLogged(t *testing.T) {
	w := newWorld(t)
	members := threeMembers()
	w.emu.SetMembers(testProject, testImage, members)
	w.emu.FailFirst(testImage, emulator.Fault503)
	logFile := filepath.Join(t.TempDir(), "trace.log")
	t.Setenv("TF_ACC_LOG_PATH", logFile)
	t.Setenv("TF_LOG_PROVIDER_IMS_HTTP", "TRACE")
	secrets := []string{w.secretKey, w.iamToken, w.tempSK, w.tempToken}

	ds := dataSource("test", testImage, "")
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
`, testRegion, testProject, w.emu.URL()) + ds
	fromEnv := fmt.Sprintf("provider \"ims\" {\n  region = %q\n  project_id = %q\n  endpoint = %q\n}\n", testRegion, testProject, w.emu.URL()) + ds
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
	run("keys in HCL through a retry", map[string]string{"TF_VAR_access_key": w.accessKey, "TF_VAR_secret_key": w.secretKey},
		resource.TestStep{Config: fromVars, ConfigStateChecks: ok})
	run("temporary credentials in HCL", map[string]string{"TF_VAR_access_key": w.tempAK, "TF_VAR_secret_key": w.tempSK, "TF_VAR_security_token": w.tempToken},
		resource.TestStep{Config: fromVars, ConfigStateChecks: ok})
	run("token in HCL", map[string]string{"TF_VAR_token": w.iamToken},
		resource.TestStep{Config: fromVars, ConfigStateChecks: ok})
	run("keys in the environment", map[string]string{"HW_ACCESS_KEY": w.accessKey, "HW_SECRET_KEY": w.secretKey},
		resource.TestStep{Config: fromEnv, ConfigStateChecks: ok})
	run("temporary credentials in the environment", map[string]string{"HW_ACCESS_KEY": w.tempAK, "HW_SECRET_KEY": w.tempSK, "HW_SECURITY_TOKEN": w.tempToken},
		resource.TestStep{Config: fromEnv, ConfigStateChecks: ok})
	run("token in the environment", map[string]string{"HW_AUTH_TOKEN": w.iamToken},
		resource.TestStep{Config: fromEnv, ConfigStateChecks: ok})
	run("a rejected secret", map[string]string{"HW_ACCESS_KEY": w.accessKey, "HW_SECRET_KEY": w.tempSK},
		resource.TestStep{Config: fromEnv, ExpectError: errRe("IMS rejected the credentials")})

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
	for _, header := range []string{"SDK-HMAC-SHA256 Access=", "X-Security-Token:", "X-Auth-Token:"} {
		if strings.Contains(log, header) {
			t.Errorf("the TRACE log contains the header %q", header)
		}
	}
}

func TestPlainHTTPWarnings(t *testing.T) {
	cases := map[string]int{
		"https://ims.cn-north-4.myhuaweicloud.com": 0,
		"http://127.0.0.1:8080":                    0,
		"http://[::1]:8080":                        0,
		"http://localhost:1":                       0,
		"http://ims.example.com":                   1,
		"http://10.0.0.1":                          1,
	}
	for endpoint, want := range cases {
		got := plainHTTPWarnings(settings{endpoint: endpoint})
		if len(got) != want {
			t.Errorf("%s: %d warnings, want %d", endpoint, len(got), want)
		}
		for _, d := range got {
			if !strings.Contains(d.Detail(), "unencrypted") {
				t.Errorf("warning %q does not say why", d.Detail())
			}
		}
	}
}
