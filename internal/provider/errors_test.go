package provider

import (
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// These tests back the rows of the README table "What you see when...":
// each bad input gets its own message and advice.

func TestAccErrors_clockSkew(t *testing.T) {
	w := newWorld(t)
	w.emu.SetMembers(testProject, testImage, threeMembers())
	w.emu.Now = func() time.Time { return time.Now().Add(20 * time.Minute) }
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config:      w.providerBlock() + dataSource("test", testImage, ""),
			ExpectError: errRe("IMS rejected the credentials", "HTTP 401", "APIGW.0301", "X-Sdk-Date", "more than 15 minutes", "clock"),
		}},
	})
}

func TestAccErrors_wrongProject(t *testing.T) {
	w := newWorld(t)
	const foreign = "9f9f9f9f9f9f9f9f9f9f9f9f9f9f9f9f"
	w.emu.AddProject(emulatorProject(foreign, testRegion, "another-domain"))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf("provider \"ims\" {\n  region = %q\n  project_id = %q\n  access_key = %q\n  secret_key = %q\n  endpoint = %q\n}\n",
				testRegion, foreign, w.accessKey, w.secretKey, w.emu.URL()) + dataSource("test", testImage, ""),
			ExpectError: errRe("Permission denied by IMS", "HTTP 403", "APIGW.0302", "ims:images:get", "project_id"),
		}},
	})
	if got := w.emu.ImageRequests(testImage); got != 1 {
		t.Errorf("a 403 was tried %d times, want once", got)
	}
}

// TestAccErrors_proxyDown: the default endpoint through a proxy that is
// not there (a closed port on loopback) is a transport error, retried, then
// reported with the proxy named.
func TestAccErrors_proxyDown(t *testing.T) {
	w := newWorld(t)
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
			Config: fmt.Sprintf("provider \"ims\" {\n  region = %q\n  project_id = %q\n  access_key = %q\n  secret_key = %q\n  max_retries = 1\n}\n",
				testRegion, testProject, w.accessKey, w.secretKey) + dataSource("test", testImage, ""),
			ExpectError: errRe("Could not reach IMS", "proxy", "2 attempts", "HTTPS_PROXY"),
		}},
	})
	if n := w.emu.Requests(); n != 0 {
		t.Errorf("%d requests reached the emulator", n)
	}
}

// TestAccProvider_unknownConfiguration: a provider argument known only
// after apply must not crash configuration; the read says what to do.
func TestAccProvider_unknownConfiguration(t *testing.T) {
	w := newWorld(t)
	w.emu.SetMembers(testProject, testImage, threeMembers())
	resource.Test(t, resource.TestCase{
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
`, testRegion, testProject, w.accessKey, w.secretKey, w.emu.URL()) + dataSource("test", testImage, ""),
			ExpectError: errRe("Provider configuration not known yet", "region", "known only after apply"),
		}},
	})
	if n := w.emu.Requests(); n != 0 {
		t.Errorf("%d requests reached the emulator with an unknown configuration", n)
	}
}
