package provider

import (
	"fmt"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/terraform-ims/terraform-provider-ims/internal/emulator"
)

const dsAddr = "data.ims_image_members.test"

func threeMembers() []emulator.Member {
	at := time.Date(2023, 8, 23, 4, 7, 52, 0, time.UTC)
	return []emulator.Member{
		emulator.NewMember(testImage, "organization", "accepted", "org", at),
		emulator.NewMember(testImage, "project", "pending", "proj", at.Add(time.Minute)),
		emulator.NewMember(testImage, "domain", "rejected", "acct", at.Add(2*time.Minute)),
	}
}

// TestAccImageMembers_allAttributes reads three members, one of each type,
// and checks every attribute, the URN only on the organization member, and
// the outputs built from them.
func TestAccImageMembers_allAttributes(t *testing.T) {
	w := newWorld(t)
	members := threeMembers()
	w.emu.SetMembers(testProject, testImage, members)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: w.providerBlock() + fmt.Sprintf(`
data "ims_image_members" "test" {
  image_id = %q
}
output "ids" {
  value = data.ims_image_members.test.member_ids
}
output "first_urn" {
  value = data.ims_image_members.test.members[0].urn
}
`, testImage),
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

// TestAccImageMembers_paging reads 2,345 members: three requests of
// limit=1000, every member once, in order.
func TestAccImageMembers_paging(t *testing.T) {
	w := newWorld(t)
	members := emulator.GenerateMembers(testImageBig, 2345)
	w.emu.SetMembers(testProject, testImageBig, members)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: w.providerBlock() + fmt.Sprintf(`
data "ims_image_members" "test" {
  image_id = %q
}
output "count" {
  value = length(data.ims_image_members.test.members)
}
output "distinct" {
  value = length(distinct(data.ims_image_members.test.member_ids))
}
`, testImageBig),
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
	if n := w.emu.ImageRequests(testImageBig); n == 0 || n%3 != 0 {
		t.Errorf("members requests = %d, want a multiple of 3 (three pages per read)", n)
	}
}

// TestAccImageMembers_filters checks each filter on its own and combined.
func TestAccImageMembers_filters(t *testing.T) {
	w := newWorld(t)
	members := emulator.GenerateMembers(testImage, 30)
	w.emu.SetMembers(testProject, testImage, members)
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
		args := ""
		if f.memberType != "" {
			args += fmt.Sprintf("member_type = %q\n", f.memberType)
		}
		if f.status != "" {
			args += fmt.Sprintf("status = %q\n", f.status)
		}
		steps = append(steps, resource.TestStep{
			Config: w.providerBlock() + fmt.Sprintf(`
data "ims_image_members" "test" {
  image_id = %q
  %s
}
`, testImage, args),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(dsAddr, tfjsonpath.New("members"), membersCheck(want)),
				statecheck.ExpectKnownValue(dsAddr, tfjsonpath.New("member_ids"), idsCheck(want)),
			},
		})
	}
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: testProviders, Steps: steps})
}

// TestAccImageMembers_noMatch keeps an empty list, not null, when a filter
// matches nothing.
func TestAccImageMembers_noMatch(t *testing.T) {
	w := newWorld(t)
	w.emu.SetMembers(testProject, testImage, threeMembers()[:1])
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: w.providerBlock() + fmt.Sprintf(`
data "ims_image_members" "test" {
  image_id    = %q
  member_type = "domain"
}
`, testImage),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(dsAddr, tfjsonpath.New("members"), knownvalue.ListSizeExact(0)),
				statecheck.ExpectKnownValue(dsAddr, tfjsonpath.New("member_ids"), knownvalue.ListSizeExact(0)),
			},
		}},
	})
}

func TestAccImageMembers_notFound(t *testing.T) {
	w := newWorld(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config:      w.providerBlock() + dataSource("test", testImage, ""),
			ExpectError: errRe("Image not found", "HTTP 404", "IMG.0027", "request id", "Check image_id and region"),
		}},
	})
}

func TestAccImageMembers_wrongSecretKey(t *testing.T) {
	w := newWorld(t)
	w.emu.SetMembers(testProject, testImage, threeMembers())
	good := w.secretKey
	w.secretKey = randomSecret(t, "wrong-")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config:      w.providerBlock() + dataSource("test", testImage, ""),
			ExpectError: errRe("IMS rejected the credentials", "HTTP 401", "APIGW.0301", "signature", "request id", "clock"),
		}},
	})
	_ = good
}

// TestAccImageMembers_invalidImageID fails at plan time: the emulator never
// sees a request.
func TestAccImageMembers_invalidImageID(t *testing.T) {
	w := newWorld(t)
	for _, bad := range []string{"../x", "370befec-a369-475e-a224-44a45927a8f", "370befec a369 475e a224 44a45927a8fe", ""} {
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: testProviders,
			Steps: []resource.TestStep{{
				Config:      w.providerBlock() + fmt.Sprintf("data \"ims_image_members\" \"test\" {\n  image_id = %q\n}\n", bad),
				ExpectError: errRe("image_id", "must be an image ID"),
			}},
		})
	}
	if n := w.emu.Requests(); n != 0 {
		t.Errorf("the emulator received %d requests; an invalid image_id must fail before any", n)
	}
}

func TestAccImageMembers_invalidFilter(t *testing.T) {
	w := newWorld(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config:      w.providerBlock() + fmt.Sprintf("data \"ims_image_members\" \"test\" {\n  image_id = %q\n  status = \"approved\"\n}\n", testImage),
			ExpectError: errRe("status", "value must be one of", "accepted"),
		}},
	})
	if n := w.emu.Requests(); n != 0 {
		t.Errorf("the emulator received %d requests; an invalid filter must fail before any", n)
	}
}

// TestAccProvider_missingSettings names the argument and its variable.
func TestAccProvider_missingSettings(t *testing.T) {
	w := newWorld(t)
	ds := dataSource("test", testImage, "")
	cases := []struct {
		name   string
		config string
		want   []string
	}{
		{"region", fmt.Sprintf("provider \"ims\" {\n  project_id = %q\n  access_key = %q\n  secret_key = %q\n  endpoint = %q\n}\n",
			testProject, w.accessKey, w.secretKey, w.emu.URL()), []string{"Missing region", "HW_REGION_NAME"}},
		{"access_key", fmt.Sprintf("provider \"ims\" {\n  region = %q\n  project_id = %q\n  secret_key = %q\n  endpoint = %q\n}\n",
			testRegion, testProject, w.secretKey, w.emu.URL()), []string{"Missing access_key", "HW_ACCESS_KEY"}},
		{"secret_key", fmt.Sprintf("provider \"ims\" {\n  region = %q\n  project_id = %q\n  access_key = %q\n  endpoint = %q\n}\n",
			testRegion, testProject, w.accessKey, w.emu.URL()), []string{"Missing secret_key", "HW_SECRET_KEY"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviders,
				Steps:                    []resource.TestStep{{Config: tc.config + ds, ExpectError: errRe(tc.want...)}},
			})
		})
	}
	if n := w.emu.Requests(); n != 0 {
		t.Errorf("the emulator received %d requests; a configuration error must stop before any", n)
	}
}
