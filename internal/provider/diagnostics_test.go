package provider

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/terraform-ims/terraform-provider-ims/internal/emulator"
	"github.com/terraform-ims/terraform-provider-ims/internal/ims"
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

// TestCallDiagnostic: every operation's diagnostic names the operation and
// the setting or permission to change, for each kind of failure; a write's
// diagnostics never give read advice.
func TestCallDiagnostic(t *testing.T) {
	tgt := target{region: testRegion, endpoint: "https://ims.example", projectID: testProject}
	ops := []operation{
		dataSourceRead(imageMembersSpec, time.Minute),
		resourceOp(shareSpec, "read", resourceReadTimeout),
		resourceOp(shareSpec, "create", time.Minute),
		resourceOp(shareSpec, "update", time.Minute),
		resourceOp(shareSpec, "delete", time.Minute),
		resourceOp(accepterSpec, "accept", time.Minute),
		listOp(shareSpec, time.Minute),
	}
	write := &ims.APIError{Method: http.MethodPost, Path: "/v1/cloudimages/members", StatusCode: 500, Status: "500", Code: "IMG.0010", Attempts: 1}
	read := &ims.APIError{Method: http.MethodGet, Path: "/v1/p/cloudimages/i/members", StatusCode: 403, Status: "403", Code: "IMG.0003", Attempts: 1}
	kinds := map[string]error{
		"timeout":   &ims.RequestError{Method: http.MethodGet, Path: "/x", Attempts: 1, Err: context.DeadlineExceeded},
		"transport": &ims.RequestError{Method: http.MethodGet, Path: "/x", Attempts: 2, Err: errors.New("connection refused")},
		"write transport": &ims.RequestError{Method: http.MethodPost, Path: "/v1/cloudimages/members", Attempts: 1,
			Err: errors.New("connection refused")},
		"5xx":         write,
		"403":         read,
		"interrupted": &ims.JobUnfinishedError{JobID: "j1", Status: "RUNNING", Err: context.Canceled},
		"job timeout": &ims.JobUnfinishedError{JobID: "j1", Status: "RUNNING", Err: context.DeadlineExceeded},
		"job fail":    &ims.JobError{Job: &ims.Job{JobID: "j1", JobType: "imsAddImageMembersJob", ErrorCode: "IMG.0088"}},
		"job status":  &ims.JobStatusError{Job: &ims.Job{JobID: "j1", Status: "WEIRD"}},
		"job read":    &ims.JobReadError{JobID: "j1", Err: errors.New("boom")},
	}
	for _, op := range ops {
		for kind, err := range kinds {
			d := callDiagnostic(err, failedCall{op: op, imageID: testImage, target: tgt, maxRetries: 5})
			text := d.Summary() + "\n" + d.Detail()
			want := []string{op.name}
			switch kind {
			case "timeout", "job timeout":
				want = append(want, op.timeoutHint)
			case "403":
				want = append(want, op.permissions...)
				// A listing's 403 may be an enterprise-project-only user:
				// the permissions reference says shared image query is
				// only supported in IAM projects.
				if slices.Contains(op.permissions, permissionList) {
					want = append(want, "shared image query is only supported in IAM projects")
				} else if strings.Contains(text, "IAM projects") {
					t.Errorf("%s %s: a 403 that lists no images gets the listing's advice:\n%s", op.name, op.subject, text)
				}
			case "interrupted":
				want = append(want, "interrupted", "may still")
			case "transport":
				// The read-back after a write is a read: never "the
				// write was sent 2 times".
				want = append(want, "retried up to max_retries", "sent 2 times")
			case "write transport":
				want = append(want, "The write was sent 1 time")
			case "job fail":
				want = append(want, "j1", "IMG.0088", "quota")
			case "job status":
				want = append(want, `"WEIRD"`)
			case "job read":
				want = append(want, "j1")
			}
			for _, w := range want {
				if !strings.Contains(text, w) {
					t.Errorf("%s %s, %s: the diagnostic lacks %q:\n%s", op.name, op.subject, kind, w, text)
				}
			}
			readBack := kind == "transport" || kind == "timeout"
			if op.write && (strings.Contains(text, "timeouts { read") || !readBack && strings.Contains(text, "retried up to max_retries") ||
				strings.Contains(text, "provider bug")) {
				t.Errorf("%s %s, %s: a write gets read advice:\n%s", op.name, op.subject, kind, text)
			}
			if kind == "interrupted" && strings.Contains(text, "Timed out") {
				t.Errorf("%s: an interruption is reported as a timeout:\n%s", op.name, text)
			}
		}
	}
}

// TestOrganizationURNForms: every form of BatchAddMembers' example is
// accepted at plan time (nested units too); anything else is refused.
func TestOrganizationURNForms(t *testing.T) {
	const acct = "3a2d95404f964a6aba78819bf8ddc1e3"
	for urn, ok := range map[string]bool{
		"organizations::" + acct + ":organization:o-wvntq58r3poyv180t5df1mdna4uwy9se":                                    true,
		"organizations::" + acct + ":root:o-wvntq58r3poyv180t5df1mdna4uwy9se/r-2boe19iobnhxzs4hq3ncsgph9uz5mrj5":         true,
		"organizations::" + acct + ":ou:o-wvntq58r3poyv180t5df1mdna4uwy9se/ou-x29s62b1e4w3xasa39w8sg1hkmujqxqc":          true,
		"organizations::" + acct + ":ou:o-wvntq58r3poyv180t5df1mdna4uwy9se/ou-x29s62b1e4w3xasa39w8sg1hkmujqxqc/ou-abc12": true,
		"organizations::" + acct + ":ou:o-abc":                        false,
		"organizations::" + acct + ":root:o-abc":                      false,
		"ou-x29s62b1e4w3xasa39w8sg1hkmujqxqc":                         false,
		"organizations::" + acct + ":organization:o-abc/ou-def\nmore": false,
	} {
		if got := organizationURNPattern.MatchString(urn); got != ok {
			t.Errorf("%q: accepted %v, want %v", urn, got, ok)
		}
	}
	if identity(kindOrganization, "organizations::"+acct+":root:o-abc/r-def") != "r-def" || identity(kindOrganization, "R-DEF") != "r-def" {
		t.Error("an organization's identity is its URN's last segment, in lower case")
	}
}

// TestShareCodeAdvice: the codes the error-code table lists get their own
// advice or say that the provider has none, never that the table lacks
// them; no advice claims what the cited pages do not say.
func TestShareCodeAdvice(t *testing.T) {
	for code, want := range map[string]string{
		"IMG.0107": "Marketplace image",
		"IMG.0114": "Failed to query the tenant details",
		"IMG.0112": "no specific advice",
		"IMG.0113": "no specific advice",
		"IMG.0135": "no specific advice",
		"IMG.0177": "no specific advice",
		"IMG.0178": "no specific advice",
		"IMG.0088": "image_shared",
		"IMG.9999": "no specific advice",
	} {
		got := shareCodeAdvice(code)
		if got == "" {
			got = unlistedCode(code)
		}
		if !strings.Contains(got, want) || strings.Contains(got, "not a code") || strings.Contains(got, "KMS") {
			t.Errorf("%s: advice %q, want it to say %q", code, got, want)
		}
	}
	if strings.Contains(shareCodeAdvice("IMG.0098"), "KMS") {
		t.Error("IMG.0098's advice names KMS, which the reference does not")
	}
}

// TestProjectDiscoveryDiagnosticSubProjects: whatever discovery failed
// with, the diagnostic says that a look-up by region name never finds a
// sub-project ({region}_{name}) and advises project_id.
func TestProjectDiscoveryDiagnosticSubProjects(t *testing.T) {
	for name, err := range map[string]error{
		"none":    &projectCountError{region: "cn-north-4"},
		"several": &projectCountError{region: "cn-north-4", ids: []string{"a", "b"}},
		"failed":  errors.New("connection refused"),
	} {
		d := projectDiscoveryDiagnostic(err, "cn-north-4", "https://iam.example/v3")
		for _, want := range []string{"sub-project such as cn-north-4_dev", "project_id"} {
			if !strings.Contains(d.Detail(), want) {
				t.Errorf("%s: the diagnostic lacks %q:\n%s", name, want, d.Detail())
			}
		}
	}
}
