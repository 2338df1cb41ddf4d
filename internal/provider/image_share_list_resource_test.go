package provider

import (
	"fmt"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"

	"github.com/terraform-ims/terraform-provider-ims/internal/emulator"
)

// testAccImageShareListConfig is a list block of ims_image_share.
func testAccImageShareListConfig(name string, config ...string) string {
	return testAccListConfig("ims_image_share", name, config...)
}

// sharedWorld gives the test account `images` images over more than one
// page of the image list, every tenth shared: with two projects (one
// accepted, one pending) and, every thirtieth, an account as well.
func sharedWorld(a *testAccount, images int) (shared, withDomain []string) {
	at := time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)
	for i := range images {
		id := listImageID(i)
		if i%10 != 0 {
			a.emu.SetImage(testProject, id, emulator.ImageOptions{Name: fmt.Sprintf("plain-%d", i)})
			continue
		}
		p0 := emulator.NewMember(id, "project", "accepted", "p0", at)
		p0.MemberID = testRecipientProject(0)
		p1 := emulator.NewMember(id, "project", "pending", "p1", at)
		p1.MemberID = testRecipientProject(1)
		members := []emulator.Member{p0, p1}
		if i%30 == 0 {
			d := emulator.NewMember(id, "domain", "accepted", "d", at)
			d.MemberID = testRecipientDomain
			members = append(members, d)
			withDomain = append(withDomain, id)
		}
		a.emu.SetImage(testProject, id, emulator.ImageOptions{Name: fmt.Sprintf("golden-%d", i)})
		a.emu.SetMembers(testProject, id, members)
		shared = append(shared, id)
	}
	return shared, withDomain
}

// TestAccImageShareListResource_query lists a project's shared images over
// two pages of the image list, with each filter.
func TestAccImageShareListResource_query(t *testing.T) {
	a := newTestAccount(t)
	shared, withDomain := sharedWorld(a, 1050)
	provider := a.providerConfig()
	queryTest(t, resource.TestStep{
		Config: provider + testAccImageShareListConfig("all") +
			testAccImageShareListConfig("accounts", hclArg("member_type", "domain")) +
			testAccImageShareListConfig("pending", hclArg("status", "pending")) +
			testAccImageShareListConfig("rejected", hclArg("status", "rejected")) +
			testAccImageShareListConfig("two", fmt.Sprintf("image_ids = [%q, %q]", shared[1], listImageID(1))),
		QueryResultChecks: []querycheck.QueryResultCheck{
			querycheck.ExpectLength("ims_image_share.all", len(shared)),
			querycheck.ExpectLength("ims_image_share.accounts", len(withDomain)),
			querycheck.ExpectLength("ims_image_share.pending", len(shared)),
			querycheck.ExpectLength("ims_image_share.rejected", 0),
			querycheck.ExpectLength("ims_image_share.two", 1),
			querycheck.ExpectIdentity("ims_image_share.two", map[string]knownvalue.Check{
				"image_id": knownvalue.StringExact(shared[1]),
				"region":   knownvalue.StringExact(testRegion),
			}),
			querycheck.ExpectResourceDisplayName("ims_image_share.accounts",
				queryfilter.ByResourceIdentity(map[string]knownvalue.Check{
					"image_id": knownvalue.StringExact(withDomain[1]),
					"region":   knownvalue.StringExact(testRegion),
				}),
				knownvalue.StringExact("golden-30 (3 members)")),
		},
	})
	if n := a.emu.ImageLists(); n < 2 {
		t.Errorf("%d image list pages read, want at least 2 (1,050 images at 1,000 a page)", n)
	}
}

// TestAccImageShareListResource_emptyProject lists nothing, without error.
func TestAccImageShareListResource_emptyProject(t *testing.T) {
	a := newTestAccount(t)
	provider := a.providerConfig()
	queryTest(t, resource.TestStep{
		Config:            provider + testAccImageShareListConfig("all"),
		QueryResultChecks: []querycheck.QueryResultCheck{querycheck.ExpectLength("ims_image_share.all", 0)},
	})
}

// TestAccImageShareListResource_errorMidStream: one image's members cannot
// be read; the query reports it as a diagnostic naming the image and the
// IMS error, and does not crash.
func TestAccImageShareListResource_errorMidStream(t *testing.T) {
	a := newTestAccount(t)
	shared, _ := sharedWorld(a, 40)
	a.emu.FailAlways(shared[2], emulator.FaultIMS500)
	provider := a.providerConfig("max_retries = 0")
	queryTest(t, resource.TestStep{
		Config:      provider + testAccImageShareListConfig("all"),
		ExpectError: errRe("IMS is unavailable", shared[2], "HTTP 500", "IMG.0010"),
	})
}

// TestAccImageShareListResource_documentedListing: the project's shared
// images are found the documented way (__imagetype=shared&owner=), also
// from a server that caps its pages far below the limit asked for, and
// members are read for the shared images only.
func TestAccImageShareListResource_documentedListing(t *testing.T) {
	a := newTestAccount(t)
	shared, _ := sharedWorld(a, 300)
	a.emu.SetReadings(emulator.Readings{ImagePageCap: 7})
	provider := a.providerConfig()
	queryTest(t, resource.TestStep{
		Config: provider + testAccImageShareListConfig("all", hclArg("enterprise_project_id", "0")),
		QueryResultChecks: []querycheck.QueryResultCheck{
			querycheck.ExpectLength("ims_image_share.all", len(shared)),
		},
	})
	for i := range 300 {
		if n := a.emu.ImageRequests(listImageID(i)); (i%10 == 0) != (n > 0) {
			t.Errorf("image %d: %d members reads; want reads for shared images only", i, n)
		}
	}
}

// TestAccImageShareListResource_hostileName: an image name with terminal
// escapes and line breaks is shown on one line without them.
func TestAccImageShareListResource_hostileName(t *testing.T) {
	a := newTestAccount(t)
	p0 := emulator.NewMember(testImage, "project", "accepted", "p0", time.Now())
	p0.MemberID = testRecipientProject(0)
	a.emu.SetImage(testProject, testImage, emulator.ImageOptions{Name: "gold\x1b]0;pwned\x07\x1b[2J\nError: fake\r\n"})
	a.emu.SetMembers(testProject, testImage, []emulator.Member{p0})
	provider := a.providerConfig()
	queryTest(t, resource.TestStep{
		Config: provider + testAccImageShareListConfig("all"),
		QueryResultChecks: []querycheck.QueryResultCheck{
			querycheck.ExpectResourceDisplayName("ims_image_share.all",
				queryfilter.ByResourceIdentity(map[string]knownvalue.Check{
					"image_id": knownvalue.StringExact(testImage), "region": knownvalue.StringExact(testRegion),
				}),
				knownvalue.StringExact("gold Error: fake (1 member)")),
		},
	})
}

// TestAccImageShareListResource_timeLimit: a server that stalls every
// members read ends the listing at its timeout, with a diagnostic that
// says how far it got.
func TestAccImageShareListResource_timeLimit(t *testing.T) {
	a := newTestAccount(t)
	shared, _ := sharedWorld(a, 30)
	a.emu.SlowDelay = time.Minute
	for _, id := range shared {
		a.emu.FailAlways(id, emulator.FaultSlow)
	}
	provider := a.providerConfig()
	queryTest(t, resource.TestStep{
		Config:      provider + testAccImageShareListConfig("all", hclArg("timeout", "3s")),
		ExpectError: errRe("Listing ran out of time", "The list of the ims_image_share list resource", "timeout = 3s", "after 3 images listed", "0 results"),
	})
}

// TestAccImageShareListResource_listingFails: a failing image list is an
// error that names the listing and IMS's answer, never an empty success.
func TestAccImageShareListResource_listingFails(t *testing.T) {
	a := newTestAccount(t)
	sharedWorld(a, 20)
	a.emu.FailAlways(emulator.TargetImages, emulator.FaultIMS500)
	provider := a.providerConfig("max_retries = 0")
	queryTest(t, resource.TestStep{
		Config:      provider + testAccImageShareListConfig("all"),
		ExpectError: errRe("IMS is unavailable", "The list of the ims_image_share list resource", "HTTP 500", "IMG.0010"),
	})
}
