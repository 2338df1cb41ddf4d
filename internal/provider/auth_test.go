package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/terraform-ims/terraform-provider-ims/internal/emulator"
)

func dataSource(name, imageID, extra string) string {
	return fmt.Sprintf("data \"ims_image_members\" %q {\n  image_id = %q\n  %s\n}\n", name, imageID, extra)
}

// TestAccAuth_projectDiscovery: without project_id the provider asks IAM,
// once per provider configuration, however many data sources read.
func TestAccAuth_projectDiscovery(t *testing.T) {
	w := newWorld(t)
	const n = 50
	var cfg strings.Builder
	fmt.Fprintf(&cfg, "provider \"ims\" {\n  region = %q\n  access_key = %q\n  secret_key = %q\n  endpoint = %q\n  auth_url = %q\n}\n",
		testRegion, w.accessKey, w.secretKey, w.emu.URL(), w.emu.IAMURL())
	var checks []statecheck.StateCheck
	images := make([]string, n)
	for i := range n {
		images[i] = faultImageID(100 + i)
		members := emulator.GenerateMembers(images[i], 2)
		w.emu.SetMembers(testProject, images[i], members)
		cfg.WriteString(dataSource(fmt.Sprintf("d%d", i), images[i], ""))
		checks = append(checks, statecheck.ExpectKnownValue(fmt.Sprintf("data.ims_image_members.d%d", i), tfjsonpath.New("member_ids"), idsCheck(members)))
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps:                    []resource.TestStep{{Config: cfg.String(), ConfigStateChecks: checks}},
	})
	// Every CLI command that reads configures the provider once and reads
	// each data source once: one IAM call per round of 50 reads.
	rounds := w.emu.ImageRequests(images[0])
	total := 0
	for _, img := range images {
		total += w.emu.ImageRequests(img)
	}
	if rounds == 0 || total != n*rounds || w.emu.IAMCalls() != rounds {
		t.Errorf("IAM calls = %d for %d rounds of reads (%d member requests); want exactly one per round", w.emu.IAMCalls(), rounds, total)
	}
	// One connection pool per configuration: 50 reads at Terraform's
	// parallelism of 10 reuse at most about 10 connections per round.
	if conns := w.emu.Connections(); conns > 12*rounds {
		t.Errorf("%d TCP connections for %d rounds of 50 reads; connections are not reused", conns, rounds)
	}
}

func TestAccAuth_projectDiscoveryErrors(t *testing.T) {
	w := newWorld(t)
	provider := func(region string) string {
		return fmt.Sprintf("provider \"ims\" {\n  region = %q\n  access_key = %q\n  secret_key = %q\n  endpoint = %q\n  auth_url = %q\n}\n",
			region, w.accessKey, w.secretKey, w.emu.URL(), w.emu.IAMURL())
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{Config: provider(testAmbiguous) + dataSource("test", testImage, ""),
				ExpectError: errRe("Cannot determine the project of region "+testAmbiguous, "2 projects", "project_id")},
			{Config: provider("af-south-1") + dataSource("test", testImage, ""),
				ExpectError: errRe("Cannot determine the project of region af-south-1", "no project", "project_id")},
		},
	})
}

func TestAccAuth_token(t *testing.T) {
	w := newWorld(t)
	members := threeMembers()
	w.emu.SetMembers(testProject, testImage, members)
	provider := func(token string) string {
		return fmt.Sprintf("provider \"ims\" {\n  region = %q\n  token = %q\n  endpoint = %q\n  auth_url = %q\n}\n", testRegion, token, w.emu.URL(), w.emu.IAMURL())
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{Config: provider("not-"+w.iamToken) + dataSource("test", testImage, ""),
				ExpectError: errRe("HTTP 401", "token is invalid")},
			{Config: provider(w.iamToken) + dataSource("test", testImage, ""),
				ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownValue(dsAddr, tfjsonpath.New("members"), membersCheck(members))}},
		},
	})
}

func TestAccAuth_tokenConflictsWithKeys(t *testing.T) {
	w := newWorld(t)
	t.Run("both in HCL", func(t *testing.T) {
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: testProviders,
			Steps: []resource.TestStep{{
				Config:      w.providerBlock(fmt.Sprintf("token = %q", w.iamToken)) + dataSource("test", testImage, ""),
				ExpectError: errRe(`"token"`, "cannot be specified when"),
			}},
		})
	})
	t.Run("token in HCL, keys in the environment", func(t *testing.T) {
		t.Setenv("HW_ACCESS_KEY", w.accessKey)
		t.Setenv("HW_SECRET_KEY", w.secretKey)
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: testProviders,
			Steps: []resource.TestStep{{
				Config: fmt.Sprintf("provider \"ims\" {\n  region = %q\n  project_id = %q\n  token = %q\n  endpoint = %q\n}\n",
					testRegion, testProject, w.iamToken, w.emu.URL()) + dataSource("test", testImage, ""),
				ExpectError: errRe("Conflicting credentials", "HW_AUTH_TOKEN", "HW_ACCESS_KEY"),
			}},
		})
	})
	if n := w.emu.Requests(); n != 0 {
		t.Errorf("%d requests reached the emulator; a conflict must stop before any", n)
	}
}

func TestAccAuth_temporaryCredentials(t *testing.T) {
	w := newWorld(t)
	members := threeMembers()
	w.emu.SetMembers(testProject, testImage, members)
	provider := func(extra string) string {
		return fmt.Sprintf("provider \"ims\" {\n  region = %q\n  project_id = %q\n  access_key = %q\n  secret_key = %q\n  endpoint = %q\n  %s\n}\n",
			testRegion, testProject, w.tempAK, w.tempSK, w.emu.URL(), extra)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{Config: provider("") + dataSource("test", testImage, ""),
				ExpectError: errRe("IMS rejected the credentials", "temporary", "X-Security-Token", "security_token")},
			{Config: provider(fmt.Sprintf("security_token = %q", "wrong-"+w.tempToken)) + dataSource("test", testImage, ""),
				ExpectError: errRe("IMS rejected the credentials", "security token is invalid")},
			{Config: provider(fmt.Sprintf("security_token = %q", w.tempToken)) + dataSource("test", testImage, ""),
				ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownValue(dsAddr, tfjsonpath.New("member_ids"), idsCheck(members))}},
		},
	})
}

// TestAccAuth_dataSourceRegion reads images of three regions with one
// provider, through the real default endpoints
// (https://ims.{region}.{cloud}, https://iam.{region}.{cloud}/v3), which an
// HTTPS proxy on loopback answers for the emulator.
func TestAccAuth_dataSourceRegion(t *testing.T) {
	w := newWorld(t)
	proxy, err := emulator.NewProxy(w.emu)
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
	w.emu.SetMembers(testProject, testImage, home)
	w.emu.SetMembers(testProjectB, testImageBig, other)
	w.emu.SetMembers(testProjectEU, testImage, eu)
	config := fmt.Sprintf("provider \"ims\" {\n  region = %q\n  access_key = %q\n  secret_key = %q\n  cacert_file = %q\n}\n",
		testRegion, w.accessKey, w.secretKey, caFile) +
		dataSource("home", testImage, "") +
		dataSource("other", testImageBig, fmt.Sprintf("region = %q", testOtherRegion)) +
		dataSource("eu", testImage, fmt.Sprintf("region = %q", testEURegion))
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

func TestAccAuth_regionConflictsWithEndpoint(t *testing.T) {
	w := newWorld(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config:      w.providerBlock() + dataSource("test", testImage, fmt.Sprintf("region = %q", testOtherRegion)),
			ExpectError: errRe("Region conflicts with the provider's endpoint", testOtherRegion, "provider alias"),
		}},
	})
}

// TestAccAuth_environmentOnly configures everything through HW_* variables
// under an empty provider block, and checks that an argument in HCL wins
// over its variable.
func TestAccAuth_environmentOnly(t *testing.T) {
	w := newWorld(t)
	members := threeMembers()
	w.emu.SetMembers(testProject, testImage, members)
	env := map[string]string{
		"HW_REGION_NAME":     testRegion,
		"HW_ACCESS_KEY":      w.accessKey,
		"HW_SECRET_KEY":      w.secretKey,
		"HW_IMS_ENDPOINT":    w.emu.URL(),
		"HW_AUTH_URL":        w.emu.IAMURL(),
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
			Steps:                    []resource.TestStep{{Config: "provider \"ims\" {}\n" + dataSource("test", testImage, ""), ConfigStateChecks: ok}},
		})
		if w.emu.IAMCalls() == 0 {
			t.Error("HW_AUTH_URL was not used for project discovery")
		}
	})
	t.Run("HCL wins over the environment", func(t *testing.T) {
		t.Setenv("HW_SECRET_KEY", "wrong-"+w.secretKey)
		t.Setenv("HW_PROJECT_ID", testProjectB)
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: testProviders,
			Steps: []resource.TestStep{{
				Config:            fmt.Sprintf("provider \"ims\" {\n  secret_key = %q\n  project_id = %q\n}\n", w.secretKey, testProject) + dataSource("test", testImage, ""),
				ConfigStateChecks: ok,
			}},
		})
	})
	t.Run("invalid variables name the variable", func(t *testing.T) {
		t.Setenv("HW_MAX_RETRIES", "many")
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: testProviders,
			Steps:                    []resource.TestStep{{Config: "provider \"ims\" {}\n" + dataSource("test", testImage, ""), ExpectError: errRe("HW_MAX_RETRIES", "whole number")}},
		})
	})
}
