package provider

import (
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/terraform-ims/terraform-provider-ims/internal/emulator"
)

// These tests back the rows of the README table "What you see when...":
// each bad input gets its own message and advice.

func TestAccDiagnostics_clockSkew(t *testing.T) {
	a := newTestAccount(t)
	a.emu.SetMembers(testProject, testImage, threeMembers())
	a.emu.Now = func() time.Time { return time.Now().Add(20 * time.Minute) }
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config:      a.providerConfig() + testAccImageMembersConfig("test", testImage),
			ExpectError: errRe("IMS rejected the credentials", "HTTP 401", "APIGW.0301", "X-Sdk-Date", "more than 15 minutes", "clock"),
		}},
	})
}

func TestAccDiagnostics_wrongProject(t *testing.T) {
	a := newTestAccount(t)
	const foreign = "9f9f9f9f9f9f9f9f9f9f9f9f9f9f9f9f"
	a.emu.AddProject(emulator.Project{ID: foreign, Region: testRegion, DomainID: "another-domain"})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: testAccProviderConfig(hclArg("region", testRegion), hclArg("project_id", foreign), hclArg("access_key", a.accessKey),
				hclArg("secret_key", a.secretKey), hclArg("endpoint", a.emu.URL())) + testAccImageMembersConfig("test", testImage),
			ExpectError: errRe("Permission denied by IMS", "HTTP 403", "APIGW.0302", "ims:images:get", "project_id"),
		}},
	})
	if got := a.emu.ImageRequests(testImage); got != 1 {
		t.Errorf("a 403 was tried %d times, want once", got)
	}
}

// TestAccDiagnostics_proxyDown: the default endpoint through a proxy that is
// not there (a closed port on loopback) is a transport error, retried, then
// reported with the proxy named. Serial: it sets HTTPS_PROXY.
func TestAccDiagnostics_proxyDown(t *testing.T) {
	a := newTestAccount(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "http://" + l.Addr().String()
	_ = l.Close()
	t.Setenv("HTTPS_PROXY", dead)
	t.Setenv("NO_PROXY", "")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: testAccProviderConfig(hclArg("region", testRegion), hclArg("project_id", testProject), hclArg("access_key", a.accessKey),
				hclArg("secret_key", a.secretKey), "max_retries = 1") + testAccImageMembersConfig("test", testImage),
			ExpectError: errRe("Could not reach IMS", "proxy", "2 attempts", "HTTPS_PROXY"),
		}},
	})
	if n := a.emu.Requests(); n != 0 {
		t.Errorf("%d requests reached the emulator", n)
	}
}

// TestAccProvider_unknownConfiguration: a provider argument known only
// after apply must not crash configuration; the read says what to do.
func TestAccProvider_unknownConfiguration(t *testing.T) {
	a := newTestAccount(t)
	a.emu.SetMembers(testProject, testImage, threeMembers())
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
resource "terraform_data" "region" {
  input = %q
}
provider "ims" {
  region     = terraform_data.region.output
  project_id = %q
  access_key = %q
  secret_key = %q
  endpoint   = %q
}
`, testRegion, testProject, a.accessKey, a.secretKey, a.emu.URL()) + testAccImageMembersConfig("test", testImage),
			ExpectError: errRe("Provider configuration not known yet", "region", "known only after apply"),
		}},
	})
	if n := a.emu.Requests(); n != 0 {
		t.Errorf("%d requests reached the emulator with an unknown configuration", n)
	}
}
