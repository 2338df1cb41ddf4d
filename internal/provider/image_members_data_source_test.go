package provider

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/terraform-ims/terraform-provider-ims/internal/emulator"
)

const dsAddr = "data.ims_image_members.test"

// TestAccImageMembersDataSource_allAttributes reads three members, one of each type,
// and checks every attribute, the URN only on the organization member, and
// the outputs built from them.
func TestAccImageMembersDataSource_allAttributes(t *testing.T) {
	a := newTestAccount(t)
	members := threeMembers()
	a.emu.SetMembers(testProject, testImage, members)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: a.providerConfig() + testAccImageMembersConfig("test", testImage) + `
output "ids" {
  value = data.ims_image_members.test.member_ids
}
output "first_urn" {
  value = data.ims_image_members.test.members[0].urn
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(dsAddr, tfjsonpath.New("id"), knownvalue.StringExact(testImage)),
				statecheck.ExpectKnownValue(dsAddr, tfjsonpath.New("image_id"), knownvalue.StringExact(testImage)),
				statecheck.ExpectKnownValue(dsAddr, tfjsonpath.New("region"), knownvalue.StringExact(testRegion)),
				statecheck.ExpectKnownValue(dsAddr, tfjsonpath.New("schema"), knownvalue.StringExact("/v2/schemas/members")),
				statecheck.ExpectKnownValue(dsAddr, tfjsonpath.New("member_type"), knownvalue.Null()),
				statecheck.ExpectKnownValue(dsAddr, tfjsonpath.New("status"), knownvalue.Null()),
				statecheck.ExpectKnownValue(dsAddr, tfjsonpath.New("members"), membersCheck(members)),
				statecheck.ExpectKnownValue(dsAddr, tfjsonpath.New("member_ids"), idsCheck(members)),
				statecheck.ExpectKnownOutputValue("ids", idsCheck(members)),
				statecheck.ExpectKnownOutputValue("first_urn", knownvalue.StringExact(*members[0].URN)),
			},
		}},
	})
}

// TestAccImageMembersDataSource_paging reads 2,345 members: three requests of
// limit=1000, every member once, in order.
func TestAccImageMembersDataSource_paging(t *testing.T) {
	a := newTestAccount(t)
	members := emulator.GenerateMembers(testImageBig, 2345)
	a.emu.SetMembers(testProject, testImageBig, members)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: a.providerConfig() + testAccImageMembersConfig("test", testImageBig) + `
output "count" {
  value = length(data.ims_image_members.test.members)
}
output "distinct" {
  value = length(distinct(data.ims_image_members.test.member_ids))
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(dsAddr, tfjsonpath.New("member_ids"), idsCheck(members)),
				statecheck.ExpectKnownValue(dsAddr, tfjsonpath.New("members").AtSliceIndex(2344).AtMapKey("member_id"), knownvalue.StringExact(members[2344].MemberID)),
				statecheck.ExpectKnownOutputValue("count", knownvalue.Int64Exact(2345)),
				statecheck.ExpectKnownOutputValue("distinct", knownvalue.Int64Exact(2345)),
			},
		}},
	})
	// Each CLI command (plan, apply, refresh, plan) reads the data source
	// once; each read must be exactly three pages.
	if n := a.emu.ImageRequests(testImageBig); n == 0 || n%3 != 0 {
		t.Errorf("members requests = %d, want a multiple of 3 (three pages per read)", n)
	}
}

// TestAccImageMembersDataSource_filters checks each filter on its own and combined.
func TestAccImageMembersDataSource_filters(t *testing.T) {
	a := newTestAccount(t)
	members := emulator.GenerateMembers(testImage, 30)
	a.emu.SetMembers(testProject, testImage, members)
	var steps []resource.TestStep
	type filter struct{ memberType, status string }
	var filters []filter
	for _, mt := range emulator.MemberTypes {
		filters = append(filters, filter{memberType: mt})
	}
	for _, st := range emulator.Statuses {
		filters = append(filters, filter{status: st})
	}
	filters = append(filters, filter{memberType: "organization", status: "accepted"})
	for _, f := range filters {
		want := filterMembers(members, func(m emulator.Member) bool {
			return (f.memberType == "" || m.MemberType == f.memberType) && (f.status == "" || m.Status == f.status)
		})
		if len(want) == 0 || len(want) == len(members) {
			t.Fatalf("filter %+v selects %d of %d members: the fixture does not exercise it", f, len(want), len(members))
		}
		var args []string
		if f.memberType != "" {
			args = append(args, hclArg("member_type", f.memberType))
		}
		if f.status != "" {
			args = append(args, hclArg("status", f.status))
		}
		steps = append(steps, resource.TestStep{
			Config: a.providerConfig() + testAccImageMembersConfig("test", testImage, args...),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(dsAddr, tfjsonpath.New("members"), membersCheck(want)),
				statecheck.ExpectKnownValue(dsAddr, tfjsonpath.New("member_ids"), idsCheck(want)),
			},
		})
	}
	resource.ParallelTest(t, resource.TestCase{ProtoV6ProviderFactories: testProviders, Steps: steps})
}

// TestAccImageMembersDataSource_noMatch keeps an empty list, not null, when a filter
// matches nothing.
func TestAccImageMembersDataSource_noMatch(t *testing.T) {
	a := newTestAccount(t)
	a.emu.SetMembers(testProject, testImage, threeMembers()[:1])
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: a.providerConfig() + testAccImageMembersConfig("test", testImage, hclArg("member_type", "domain")),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(dsAddr, tfjsonpath.New("members"), knownvalue.ListSizeExact(0)),
				statecheck.ExpectKnownValue(dsAddr, tfjsonpath.New("member_ids"), knownvalue.ListSizeExact(0)),
			},
		}},
	})
}

func TestAccImageMembersDataSource_notFound(t *testing.T) {
	a := newTestAccount(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config:      a.providerConfig() + testAccImageMembersConfig("test", testImage),
			ExpectError: errRe("Image not found", "HTTP 404", "IMG.0027", "request id", "Check image_id and region"),
		}},
	})
}

func TestAccImageMembersDataSource_wrongSecretKey(t *testing.T) {
	a := newTestAccount(t)
	a.emu.SetMembers(testProject, testImage, threeMembers())
	a.secretKey = randomSecret(t, "wrong-")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config:      a.providerConfig() + testAccImageMembersConfig("test", testImage),
			ExpectError: errRe("IMS rejected the credentials", "HTTP 401", "APIGW.0301", "signature", "request id", "clock"),
		}},
	})
}

// TestAccImageMembersDataSource_invalidImageID fails at plan time: the emulator never
// sees a request.
func TestAccImageMembersDataSource_invalidImageID(t *testing.T) {
	a := newTestAccount(t)
	var steps []resource.TestStep
	for _, bad := range []string{"../x", "370befec-a369-475e-a224-44a45927a8f", "370befec a369 475e a224 44a45927a8fe", ""} {
		steps = append(steps, resource.TestStep{
			Config:      a.providerConfig() + testAccImageMembersConfig("test", bad),
			ExpectError: errRe("image_id", "must be an image ID"),
		})
	}
	resource.ParallelTest(t, resource.TestCase{ProtoV6ProviderFactories: testProviders, Steps: steps})
	if n := a.emu.Requests(); n != 0 {
		t.Errorf("the emulator received %d requests; an invalid image_id must fail before any", n)
	}
}

func TestAccImageMembersDataSource_invalidFilter(t *testing.T) {
	a := newTestAccount(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config:      a.providerConfig() + testAccImageMembersConfig("test", testImage, hclArg("status", "approved")),
			ExpectError: errRe("status", "value must be one of", "accepted"),
		}},
	})
	if n := a.emu.Requests(); n != 0 {
		t.Errorf("the emulator received %d requests; an invalid filter must fail before any", n)
	}
}

// TestAccImageMembersDataSource_faults: 40 data sources in one configuration;
// every request (each page on its own) fails twice, with the fault kinds
// spread over all of them, and every read still ends with the right members.
func TestAccImageMembersDataSource_faults(t *testing.T) {
	a := newTestAccount(t)
	a.emu.SlowDelay = 20 * time.Second
	const n = 40
	var cfg strings.Builder
	cfg.WriteString(a.providerConfig(`request_timeout = "2s"`))
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
		a.emu.SetMembers(testProject, img, members)
		a.emu.FailFirst(img, kinds[i%len(kinds)], kinds[(i+3)%len(kinds)])
		cfg.WriteString(testAccImageMembersConfig(fmt.Sprintf("d%d", i), img))
		checks = append(checks, statecheck.ExpectKnownValue(fmt.Sprintf("data.ims_image_members.d%d", i), tfjsonpath.New("member_ids"), idsCheck(members)))
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps:                    []resource.TestStep{{Config: cfg.String(), ConfigStateChecks: checks}},
	})
	for i, img := range images {
		// Two failed attempts and one success per page at least.
		if got := a.emu.ImageRequests(img); got < 3*pages[i] {
			t.Errorf("image %d: %d requests, want at least %d (faults not injected?)", i, got, 3*pages[i])
		}
	}
}

// TestAccImageMembersDataSource_permanent503 fails after exactly max_retries + 1 attempts.
func TestAccImageMembersDataSource_permanent503(t *testing.T) {
	for _, retries := range []int{0, 2} {
		t.Run(fmt.Sprintf("max_retries_%d", retries), func(t *testing.T) {
			a := newTestAccount(t)
			a.emu.SetMembers(testProject, testImage, threeMembers())
			a.emu.FailAlways(testImage, emulator.Fault503)
			want := []string{"IMS is unavailable", "HTTP 503", "APIGW.0201", "request id"}
			if retries > 0 {
				want = append(want, fmt.Sprintf("after %d attempts", retries+1))
			}
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviders,
				Steps: []resource.TestStep{{
					Config:      a.providerConfig(fmt.Sprintf("max_retries = %d", retries)) + testAccImageMembersConfig("test", testImage),
					ExpectError: errRe(want...),
				}},
			})
			if got := a.emu.ImageRequests(testImage); got != retries+1 {
				t.Errorf("attempts = %d, want max_retries + 1 = %d", got, retries+1)
			}
		})
	}
}

// TestAccImageMembersDataSource_notRetried: 4xx answers are final on the first attempt.
func TestAccImageMembersDataSource_notRetried(t *testing.T) {
	a := newTestAccount(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config:      a.providerConfig("max_retries = 5") + testAccImageMembersConfig("test", testImage),
			ExpectError: errRe("Image not found", "HTTP 404"),
		}},
	})
	if got := a.emu.ImageRequests(testImage); got != 1 {
		t.Errorf("a 404 was tried %d times, want once", got)
	}
}

// TestAccImageMembersDataSource_stalledServer: a server that never answers fails at the
// read timeout, with a message that says so, not at request_timeout.
func TestAccImageMembersDataSource_stalledServer(t *testing.T) {
	a := newTestAccount(t)
	a.emu.SlowDelay = 5 * time.Minute
	a.emu.SetMembers(testProject, testImage, threeMembers())
	a.emu.FailAlways(testImage, emulator.FaultSlow)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config:      a.providerConfig() + testAccImageMembersConfig("test", testImage, `timeouts { read = "3s" }`),
			ExpectError: errRe("Timed out reading image members", "timeouts.read = 3s"),
		}},
	})
}

// TestAccImageMembersDataSource_slowAttemptRetried: one stalled attempt is cut off by
// request_timeout and retried, well within the read timeout.
func TestAccImageMembersDataSource_slowAttemptRetried(t *testing.T) {
	a := newTestAccount(t)
	a.emu.SlowDelay = time.Minute
	members := threeMembers()
	a.emu.SetMembers(testProject, testImage, members)
	a.emu.FailFirst(testImage, emulator.FaultSlow)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: a.providerConfig(`request_timeout = "1s"`) + testAccImageMembersConfig("test", testImage),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(dsAddr, tfjsonpath.New("member_ids"), idsCheck(members)),
			},
		}},
	})
}
