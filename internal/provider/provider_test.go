package provider

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/terraform-ims/terraform-provider-ims/internal/emulator"
)

// TestAccProvider_projectDiscovery: without project_id the provider asks IAM,
// once per provider configuration, however many data sources read.
func TestAccProvider_projectDiscovery(t *testing.T) {
	a := newTestAccount(t)
	const n = 50
	var cfg strings.Builder
	cfg.WriteString(a.discoveringProviderConfig(testRegion))
	var checks []statecheck.StateCheck
	images := make([]string, n)
	for i := range n {
		images[i] = faultImageID(100 + i)
		members := emulator.GenerateMembers(images[i], 2)
		a.emu.SetMembers(testProject, images[i], members)
		cfg.WriteString(testAccImageMembersConfig(fmt.Sprintf("d%d", i), images[i]))
		checks = append(checks, statecheck.ExpectKnownValue(fmt.Sprintf("data.ims_image_members.d%d", i), tfjsonpath.New("member_ids"), idsCheck(members)))
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps:                    []resource.TestStep{{Config: cfg.String(), ConfigStateChecks: checks}},
	})
	// Every CLI command that reads configures the provider once and reads
	// each data source once: one IAM call per round of 50 reads.
	rounds := a.emu.ImageRequests(images[0])
	total := 0
	for _, img := range images {
		total += a.emu.ImageRequests(img)
	}
	if rounds == 0 || total != n*rounds || a.emu.IAMCalls() != rounds {
		t.Errorf("IAM calls = %d for %d rounds of reads (%d member requests); want exactly one per round", a.emu.IAMCalls(), rounds, total)
	}
	// One connection pool per configuration: 50 reads at Terraform's
	// parallelism of 10 reuse at most about 10 connections per round.
	if conns := a.emu.Connections(); conns > 12*rounds {
		t.Errorf("%d TCP connections for %d rounds of 50 reads; connections are not reused", conns, rounds)
	}
}

// discoveringProviderConfig is a provider without project_id, which asks
// the emulator's IAM for the project of region.
func (a *testAccount) discoveringProviderConfig(region string) string {
	return testAccProviderConfig(hclArg("region", region), hclArg("access_key", a.accessKey), hclArg("secret_key", a.secretKey),
		hclArg("endpoint", a.emu.URL()), hclArg("auth_url", a.emu.IAMURL()))
}

func TestAccProvider_projectDiscoveryErrors(t *testing.T) {
	a := newTestAccount(t)
	provider := a.discoveringProviderConfig
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{Config: provider(testAmbiguous) + testAccImageMembersConfig("test", testImage),
				ExpectError: errRe("Cannot determine the project of region "+testAmbiguous, "2 projects", "project_id")},
			{Config: provider("af-south-1") + testAccImageMembersConfig("test", testImage),
				ExpectError: errRe("Cannot determine the project of region af-south-1", "no project", "project_id", "sub-project such as af-south-1_dev")},
		},
	})
}

func TestAccProvider_token(t *testing.T) {
	a := newTestAccount(t)
	members := threeMembers()
	a.emu.SetMembers(testProject, testImage, members)
	provider := func(token string) string {
		return testAccProviderConfig(hclArg("region", testRegion), hclArg("token", token), hclArg("endpoint", a.emu.URL()), hclArg("auth_url", a.emu.IAMURL()))
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{Config: provider("not-"+a.iamToken) + testAccImageMembersConfig("test", testImage),
				ExpectError: errRe("HTTP 401", "token is invalid")},
			{Config: provider(a.iamToken) + testAccImageMembersConfig("test", testImage),
				ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownValue(dsAddr, tfjsonpath.New("members"), membersCheck(members))}},
		},
	})
}

// TestAccProvider_tokenConflictsWithKeys is serial: one case sets HW_*
// variables.
func TestAccProvider_tokenConflictsWithKeys(t *testing.T) {
	a := newTestAccount(t)
	t.Run("both in HCL", func(t *testing.T) {
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: testProviders,
			Steps: []resource.TestStep{{
				Config:      a.providerConfig(hclArg("token", a.iamToken)) + testAccImageMembersConfig("test", testImage),
				ExpectError: errRe(`"token"`, "cannot be specified when"),
			}},
		})
	})
	t.Run("token in HCL, keys in the environment", func(t *testing.T) {
		t.Setenv("HW_ACCESS_KEY", a.accessKey)
		t.Setenv("HW_SECRET_KEY", a.secretKey)
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: testProviders,
			Steps: []resource.TestStep{{
				Config: testAccProviderConfig(hclArg("region", testRegion), hclArg("project_id", testProject), hclArg("token", a.iamToken),
					hclArg("endpoint", a.emu.URL())) + testAccImageMembersConfig("test", testImage),
				ExpectError: errRe("Conflicting credentials", "HW_AUTH_TOKEN", "HW_ACCESS_KEY"),
			}},
		})
	})
	if n := a.emu.Requests(); n != 0 {
		t.Errorf("%d requests reached the emulator; a conflict must stop before any", n)
	}
}

func TestAccProvider_temporaryCredentials(t *testing.T) {
	a := newTestAccount(t)
	members := threeMembers()
	a.emu.SetMembers(testProject, testImage, members)
	provider := func(extra string) string {
		return testAccProviderConfig(hclArg("region", testRegion), hclArg("project_id", testProject), hclArg("access_key", a.tempAK),
			hclArg("secret_key", a.tempSK), hclArg("endpoint", a.emu.URL()), extra)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{Config: provider("") + testAccImageMembersConfig("test", testImage),
				ExpectError: errRe("IMS rejected the credentials", "temporary", "X-Security-Token", "security_token")},
			{Config: provider(hclArg("security_token", "wrong-"+a.tempToken)) + testAccImageMembersConfig("test", testImage),
				ExpectError: errRe("IMS rejected the credentials", "security token is invalid")},
			{Config: provider(hclArg("security_token", a.tempToken)) + testAccImageMembersConfig("test", testImage),
				ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownValue(dsAddr, tfjsonpath.New("member_ids"), idsCheck(members))}},
		},
	})
}

// TestAccProvider_dataSourceRegion reads images of three regions with one
// provider, through the real default endpoints
// (https://ims.{region}.{cloud}, https://iam.{region}.{cloud}/v3), which an
// HTTPS proxy on loopback answers for the emulator. Serial: it sets
// HTTPS_PROXY.
func TestAccProvider_dataSourceRegion(t *testing.T) {
	a := newTestAccount(t)
	proxy, err := emulator.NewProxy(a.emu)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(proxy.Close)
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(caFile, proxy.CAPEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("HTTPS_PROXY", proxy.URL())
	t.Setenv("NO_PROXY", "")
	home := emulator.GenerateMembers(testImage, 3)
	other := emulator.GenerateMembers(testImageBig, 5)
	eu := emulator.GenerateMembers(testImage, 4)[1:]
	a.emu.SetMembers(testProject, testImage, home)
	a.emu.SetMembers(testProjectB, testImageBig, other)
	a.emu.SetMembers(testProjectEU, testImage, eu)
	config := testAccProviderConfig(hclArg("region", testRegion), hclArg("access_key", a.accessKey), hclArg("secret_key", a.secretKey),
		hclArg("cacert_file", caFile)) +
		testAccImageMembersConfig("home", testImage) +
		testAccImageMembersConfig("other", testImageBig, hclArg("region", testOtherRegion)) +
		testAccImageMembersConfig("eu", testImage, hclArg("region", testEURegion))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.ims_image_members.home", tfjsonpath.New("region"), knownvalue.StringExact(testRegion)),
				statecheck.ExpectKnownValue("data.ims_image_members.home", tfjsonpath.New("member_ids"), idsCheck(home)),
				statecheck.ExpectKnownValue("data.ims_image_members.other", tfjsonpath.New("region"), knownvalue.StringExact(testOtherRegion)),
				statecheck.ExpectKnownValue("data.ims_image_members.other", tfjsonpath.New("member_ids"), idsCheck(other)),
				statecheck.ExpectKnownValue("data.ims_image_members.eu", tfjsonpath.New("region"), knownvalue.StringExact(testEURegion)),
				statecheck.ExpectKnownValue("data.ims_image_members.eu", tfjsonpath.New("member_ids"), idsCheck(eu)),
			},
		}},
	})
	hosts := proxy.Hosts()
	for _, h := range []string{
		"ims.cn-north-4.myhuaweicloud.com", "iam.cn-north-4.myhuaweicloud.com",
		"ims.ap-southeast-1.myhuaweicloud.com", "iam.ap-southeast-1.myhuaweicloud.com",
		"ims.eu-west-101.myhuaweicloud.eu", "iam.eu-west-101.myhuaweicloud.eu",
	} {
		if hosts[h] == 0 {
			t.Errorf("no request went to %s; hosts seen: %v", h, hosts)
		}
	}
}

func TestAccProvider_regionConflictsWithEndpoint(t *testing.T) {
	a := newTestAccount(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config:      a.providerConfig() + testAccImageMembersConfig("test", testImage, hclArg("region", testOtherRegion)),
			ExpectError: errRe("Region conflicts with the provider's endpoint", testOtherRegion, "provider alias"),
		}},
	})
}

// TestAccProvider_regionFromStateConflictsWithEndpoint: a resource whose
// state records another region than the provider's explicit endpoint
// serves is refused with advice about state, not about a region argument
// that the configuration does not have.
func TestAccProvider_regionFromStateConflictsWithEndpoint(t *testing.T) {
	a := newTestAccount(t)
	a.emu.SetImage(testProject, testImage, emulator.ImageOptions{})
	share := testAccImageShareConfig(testImage, []string{testRecipientProject(0)}, nil)
	other := testAccProviderConfig(hclArg("region", testOtherRegion), hclArg("project_id", testProjectB),
		hclArg("access_key", a.accessKey), hclArg("secret_key", a.secretKey), hclArg("endpoint", a.emu.URL()))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{Config: a.providerConfig() + share},
			{
				Config:      other + share,
				PlanOnly:    true,
				ExpectError: errRe("Region conflicts with the provider's endpoint", `State records this resource in region "`+testRegion+`"`, "provider alias"),
			},
			{Config: a.providerConfig() + share},
		},
	})
}

// TestAccProvider_environmentOnly configures everything through HW_*
// variables under an empty provider block, and checks that an argument in
// HCL wins over its variable. Serial: it sets HW_* variables.
func TestAccProvider_environmentOnly(t *testing.T) {
	a := newTestAccount(t)
	members := threeMembers()
	a.emu.SetMembers(testProject, testImage, members)
	env := map[string]string{
		"HW_REGION_NAME":     testRegion,
		"HW_ACCESS_KEY":      a.accessKey,
		"HW_SECRET_KEY":      a.secretKey,
		"HW_IMS_ENDPOINT":    a.emu.URL(),
		"HW_AUTH_URL":        a.emu.IAMURL(),
		"HW_MAX_RETRIES":     "1",
		"HW_REQUEST_TIMEOUT": "5s",
	}
	for k, v := range env {
		t.Setenv(k, v)
	}
	ok := []statecheck.StateCheck{statecheck.ExpectKnownValue(dsAddr, tfjsonpath.New("members"), membersCheck(members))}
	t.Run("empty provider block", func(t *testing.T) {
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: testProviders,
			Steps:                    []resource.TestStep{{Config: testAccProviderConfig() + testAccImageMembersConfig("test", testImage), ConfigStateChecks: ok}},
		})
		if a.emu.IAMCalls() == 0 {
			t.Error("HW_AUTH_URL was not used for project discovery")
		}
	})
	t.Run("HCL wins over the environment", func(t *testing.T) {
		t.Setenv("HW_SECRET_KEY", "wrong-"+a.secretKey)
		t.Setenv("HW_PROJECT_ID", testProjectB)
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: testProviders,
			Steps: []resource.TestStep{{
				Config:            testAccProviderConfig(hclArg("secret_key", a.secretKey), hclArg("project_id", testProject)) + testAccImageMembersConfig("test", testImage),
				ConfigStateChecks: ok,
			}},
		})
	})
	t.Run("invalid variables name the variable", func(t *testing.T) {
		t.Setenv("HW_MAX_RETRIES", "many")
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: testProviders,
			Steps:                    []resource.TestStep{{Config: testAccProviderConfig() + testAccImageMembersConfig("test", testImage), ExpectError: errRe("HW_MAX_RETRIES", "whole number")}},
		})
	})
}

// TestAccProvider_missingSettings names the argument and its variable.
func TestAccProvider_missingSettings(t *testing.T) {
	a := newTestAccount(t)
	all := map[string]string{"region": testRegion, "project_id": testProject, "access_key": a.accessKey, "secret_key": a.secretKey, "endpoint": a.emu.URL()}
	without := func(name string) string {
		var args []string
		for _, k := range []string{"region", "project_id", "access_key", "secret_key", "endpoint"} {
			if k != name {
				args = append(args, hclArg(k, all[k]))
			}
		}
		return testAccProviderConfig(args...) + testAccImageMembersConfig("test", testImage)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{Config: without("region"), ExpectError: errRe("Missing region", "HW_REGION_NAME")},
			{Config: without("access_key"), ExpectError: errRe("Missing access_key", "HW_ACCESS_KEY")},
			{Config: without("secret_key"), ExpectError: errRe("Missing secret_key", "HW_SECRET_KEY")},
		},
	})
	if n := a.emu.Requests(); n != 0 {
		t.Errorf("the emulator received %d requests; a configuration error must stop before any", n)
	}
}

// TestAccProvider_tls: certificates are verified; cacert_file adds a CA, insecure
// skips verification.
func TestAccProvider_tls(t *testing.T) {
	a := newTestAccountTLS(t)
	members := threeMembers()
	a.emu.SetMembers(testProject, testImage, members)
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(caFile, a.emu.CertificatePEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	ds := testAccImageMembersConfig("test", testImage)
	ok := []statecheck.StateCheck{statecheck.ExpectKnownValue(dsAddr, tfjsonpath.New("member_ids"), idsCheck(members))}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{Config: a.providerConfig() + ds, ExpectError: errRe("TLS certificate of IMS not trusted", "cacert_file")},
			{Config: a.providerConfig(hclArg("cacert_file", filepath.Join(t.TempDir(), "missing.pem"))) + ds, ExpectError: errRe("Cannot read cacert_file")},
			{Config: a.providerConfig(hclArg("cacert_file", caFile)) + ds, ConfigStateChecks: ok},
			{Config: a.providerConfig("insecure = true") + ds, ConfigStateChecks: ok},
		},
	})
}

// TestAccProvider_waitForProjectHonoursTimeout: a data source with a short
// timeouts.read that has to wait for the project look-up (slow in IAM)
// fails at its own deadline instead of waiting for the look-up.
func TestAccProvider_waitForProjectHonoursTimeout(t *testing.T) {
	a := newTestAccount(t)
	a.emu.FirstIAMDelay = 4 * time.Second
	a.emu.SetMembers(testProject, testImage, threeMembers())
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: a.discoveringProviderConfig(testRegion) +
				testAccImageMembersConfig("patient", testImage) +
				testAccImageMembersConfig("hasty", testImage, `timeouts { read = "1s" }`),
			ExpectError: errRe("Cannot look up the project of region "+testRegion, "time limit ran out"),
		}},
	})
}

// urlWithPassword and invalidCloud are the values of the URL and cloud
// tests: each must fail at plan time, name the argument and its variable,
// and never print the password.
const (
	urlWithPassword = "https://admin:hunter2@ims.cn-north-4.myhuaweicloud.com"
	invalidCloud    = "myhuaweicloud.com@evil.example"
)

func TestAccProvider_invalidURLsAndCloud(t *testing.T) {
	a := newTestAccount(t)
	base := []string{hclArg("region", testRegion), hclArg("project_id", testProject), hclArg("access_key", a.accessKey), hclArg("secret_key", a.secretKey)}
	with := func(extra ...string) string {
		return testAccProviderConfig(append(append([]string{}, base...), extra...)...) + testAccImageMembersConfig("test", testImage)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{Config: with(hclArg("endpoint", urlWithPassword)), ExpectError: errRe("Invalid endpoint", "REDACTED", "must not contain a user name or password", "HW_IMS_ENDPOINT")},
			{Config: with(hclArg("auth_url", urlWithPassword+"/v3")), ExpectError: errRe("Invalid auth_url", "must not contain a user name or password", "HW_AUTH_URL")},
			{Config: with(hclArg("endpoint", "https://ims.example.com/?x=1")), ExpectError: errRe("Invalid endpoint", "must not contain a query string")},
			{Config: with(hclArg("auth_url", "https://iam.example.com/v3#top")), ExpectError: errRe("Invalid auth_url", "must not contain a fragment")},
			{Config: with(hclArg("cloud", invalidCloud)), ExpectError: errRe("Invalid cloud", "must be a DNS name", "HW_CLOUD")},
			{Config: with(hclArg("cloud", "myhuaweicloud.com ")), ExpectError: errRe("Invalid cloud", "must be a DNS name")},
		},
	})
	if n := a.emu.Requests(); n != 0 {
		t.Errorf("%d requests reached the emulator; invalid URLs must fail before any", n)
	}
}

// TestAccProvider_invalidURLsAndCloudFromEnvironment: the same rules and
// messages for HW_* variables. Serial: it sets them.
func TestAccProvider_invalidURLsAndCloudFromEnvironment(t *testing.T) {
	a := newTestAccount(t)
	config := testAccProviderConfig(hclArg("region", testRegion), hclArg("project_id", testProject), hclArg("access_key", a.accessKey),
		hclArg("secret_key", a.secretKey)) + testAccImageMembersConfig("test", testImage)
	for _, tc := range []struct{ env, value string }{
		{"HW_IMS_ENDPOINT", urlWithPassword},
		{"HW_AUTH_URL", urlWithPassword + "/v3"},
		{"HW_CLOUD", invalidCloud},
	} {
		t.Run(tc.env, func(t *testing.T) {
			t.Setenv(tc.env, tc.value)
			want := "must not contain a user name or password"
			if tc.env == "HW_CLOUD" {
				want = "must be a DNS name"
			}
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviders,
				Steps:                    []resource.TestStep{{Config: config, ExpectError: errRe("environment variable "+tc.env, want)}},
			})
		})
	}
	if n := a.emu.Requests(); n != 0 {
		t.Errorf("%d requests reached the emulator; invalid URLs must fail before any", n)
	}
}

// TestAccProvider_schemaListsActions: `terraform providers schema -json`
// (Terraform >= 1.14) lists the three actions with their arguments, and
// the provider's other types beside them.
func TestAccProvider_schemaListsActions(t *testing.T) {
	w := newActionWorkspace(t, "")
	var schemas struct {
		ProviderSchemas map[string]struct {
			ResourceSchemas map[string]json.RawMessage `json:"resource_schemas"`
			ActionSchemas   map[string]struct {
				Block struct {
					Attributes map[string]json.RawMessage `json:"attributes"`
				} `json:"block"`
			} `json:"action_schemas"`
		} `json:"provider_schemas"`
	}
	if err := json.Unmarshal(w.run("providers", "schema", "-json"), &schemas); err != nil {
		t.Fatal(err)
	}
	if len(schemas.ProviderSchemas) != 1 {
		t.Fatalf("%d provider schemas, want this provider's only", len(schemas.ProviderSchemas))
	}
	for _, p := range schemas.ProviderSchemas {
		want := map[string][]string{
			"ims_share_image":         {"domains", "image_ids", "organizations", "projects", "region"},
			"ims_unshare_image":       {"all", "domains", "image_ids", "organizations", "projects", "region"},
			"ims_accept_image_shares": {"image_ids", "name_regex", "owner", "region", "status", "vault_id"},
		}
		if len(p.ActionSchemas) != len(want) {
			t.Errorf("%d actions listed, want %d", len(p.ActionSchemas), len(want))
		}
		for name, attrs := range want {
			a, ok := p.ActionSchemas[name]
			if !ok {
				t.Errorf("action %s is not listed", name)
				continue
			}
			got := slices.Sorted(maps.Keys(a.Block.Attributes))
			if !slices.Equal(got, attrs) {
				t.Errorf("action %s lists %v, want %v", name, got, attrs)
			}
		}
		if len(p.ResourceSchemas) != 3 {
			t.Errorf("%d resources listed beside the actions, want 3", len(p.ResourceSchemas))
		}
	}
}
