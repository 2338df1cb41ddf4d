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

// testAccImageSharesConfig is an ims_image_shares data source with the
// argument lines.
func testAccImageSharesConfig(name string, args ...string) string {
	return fmt.Sprintf("data \"ims_image_shares\" %[1]q {\n  %[2]s\n}\n", name, strings.Join(args, "\n  "))
}

// idList is the exact value of a list of strings.
func idList(v ...string) knownvalue.Check {
	checks := make([]knownvalue.Check, len(v))
	for i, s := range v {
		checks[i] = knownvalue.StringExact(s)
	}
	return knownvalue.ListExact(checks)
}

// TestAccImageSharesDataSource_filters: the project's shared images, each
// filter exact, members exact, in listing order.
func TestAccImageSharesDataSource_filters(t *testing.T) {
	a := newTestAccount(t)
	shared, withDomain := sharedWorld(a, 90)
	org := emulator.NewMember(shared[1], "organization", "rejected", "org", time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC))
	a.emu.SetMembers(testProject, shared[1], append(a.emu.Members(testProject, shared[1]), org))
	ds := func(name string) string { return "data.ims_image_shares." + name }
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: a.providerConfig() + testAccImageSharesConfig("all") +
				testAccImageSharesConfig("accounts", hclArg("member_type", "domain")) +
				testAccImageSharesConfig("rejected", hclArg("status", "rejected")) +
				testAccImageSharesConfig("orgs_rejected", hclArg("member_type", "organization"), hclArg("status", "rejected")) +
				testAccImageSharesConfig("by_member", hclListArg("member_ids", org.MemberID)) +
				testAccImageSharesConfig("two", hclListArg("image_ids", shared[2], listImageID(1))),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(ds("all"), tfjsonpath.New("ids"), idList(shared...)),
				statecheck.ExpectKnownValue(ds("all"), tfjsonpath.New("images").AtSliceIndex(0).AtMapKey("name"), knownvalue.StringExact("golden-0")),
				statecheck.ExpectKnownValue(ds("all"), tfjsonpath.New("images").AtSliceIndex(1).AtMapKey("members"),
					membersCheck(a.emu.Members(testProject, shared[1]))),
				statecheck.ExpectKnownValue(ds("accounts"), tfjsonpath.New("ids"), idList(withDomain...)),
				statecheck.ExpectKnownValue(ds("rejected"), tfjsonpath.New("ids"), idList(shared[1])),
				statecheck.ExpectKnownValue(ds("orgs_rejected"), tfjsonpath.New("ids"), idList(shared[1])),
				// Kept for its organization, the image shows all its members.
				statecheck.ExpectKnownValue(ds("by_member"), tfjsonpath.New("images").AtSliceIndex(0).AtMapKey("members"), knownvalue.ListSizeExact(3)),
				statecheck.ExpectKnownValue(ds("two"), tfjsonpath.New("ids"), idList(shared[2])),
				statecheck.ExpectKnownValue(ds("all"), tfjsonpath.New("id"), knownvalue.StringRegexp(regexpMust(`^`+testRegion+`/[0-9a-f]{16}$`))),
			},
		}},
	})
	for i := range 90 {
		if n := a.emu.ImageRequests(listImageID(i)); (i%10 == 0) != (n > 0) {
			t.Errorf("image %d: %d members reads; want reads for shared images only", i, n)
		}
	}
}

// TestAccImageSharesDataSource_emptyAndErrors: an empty project gives empty
// lists; a members read that fails mid-way names the image, IMS's code and
// the request id; a bad filter value is refused at plan time.
func TestAccImageSharesDataSource_emptyAndErrors(t *testing.T) {
	a := newTestAccount(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{
				Config:      a.providerConfig() + testAccImageSharesConfig("all", hclArg("status", "approved")),
				PlanOnly:    true,
				ExpectError: errRe("status", "value must be one of"),
			},
			{
				Config: a.providerConfig() + testAccImageSharesConfig("all"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.ims_image_shares.all", tfjsonpath.New("ids"), knownvalue.ListSizeExact(0)),
					statecheck.ExpectKnownValue("data.ims_image_shares.all", tfjsonpath.New("images"), knownvalue.ListSizeExact(0)),
				},
			},
			{
				PreConfig: func() {
					shared, _ := sharedWorld(a, 40)
					a.emu.FailAlways(shared[2], emulator.FaultIMS500)
				},
				Config:      a.providerConfig("max_retries = 0") + testAccImageSharesConfig("all"),
				ExpectError: errRe("IMS is unavailable", "The read of the ims_image_shares data source", listImageID(20), "HTTP 500", "IMG.0010", "request id"),
			},
		},
	})
}

// testAccIncomingConfig is an ims_incoming_image_shares data source.
func testAccIncomingConfig(name string, args ...string) string {
	return fmt.Sprintf("data \"ims_incoming_image_shares\" %[1]q {\n  %[2]s\n}\n", name, strings.Join(args, "\n  "))
}

// TestAccIncomingImageSharesDataSource_filters: what other projects share
// with the recipient, newest first, by status, owner, name and most_recent;
// its own images are left out.
func TestAccIncomingImageSharesDataSource_filters(t *testing.T) {
	a := newTestAccount(t)
	const factory = "fafafafafafafafafafafafafafafafa"
	a.emu.AddProject(emulator.Project{ID: factory, Region: testRegion, DomainID: "fa0fa0fa0fa0fa0fa0fa0fa0fa0fa0fa"})
	recipient := testRecipientProject(0)
	offer := func(owner, id, name, status, created string) {
		m := emulator.NewMember(id, "project", status, "r", time.Now())
		m.MemberID = recipient
		a.emu.SetImage(owner, id, emulator.ImageOptions{Name: name, CreatedAt: created})
		a.emu.SetMembers(owner, id, []emulator.Member{m})
	}
	img := func(i int) string { return listImageID(500 + i) }
	offer(factory, img(0), "golden-2024-01", "pending", "2024-01-10T00:00:00Z")
	offer(factory, img(1), "golden-2024-03", "pending", "2024-03-10T00:00:00Z")
	offer(factory, img(2), "tools", "accepted", "2024-02-10T00:00:00Z")
	offer(testProject, img(3), "golden-other", "rejected", "2024-04-10T00:00:00Z")
	// The recipient's own image, shared with someone else: not incoming.
	own := emulator.NewMember(img(4), "project", "pending", "o", time.Now())
	own.MemberID = testRecipientProject(1)
	a.emu.SetImage(recipient, img(4), emulator.ImageOptions{Name: "golden-own"})
	a.emu.SetMembers(recipient, img(4), []emulator.Member{own})
	ds := func(name string) string { return "data.ims_incoming_image_shares." + name }
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{
				Config:      a.recipientProviderConfig() + testAccIncomingConfig("bad", hclArg("name_regex", "golden-(")),
				PlanOnly:    true,
				ExpectError: errRe("Invalid regular expression", "RE2"),
			},
			{
				Config: a.recipientProviderConfig() + testAccIncomingConfig("all") +
					testAccIncomingConfig("pending_from_factory", hclArg("status", "pending"), hclArg("owner", factory)) +
					testAccIncomingConfig("newest_golden", hclArg("name_regex", "^golden-"), "most_recent = true"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(ds("all"), tfjsonpath.New("ids"), idList(img(3), img(1), img(2), img(0))),
					statecheck.ExpectKnownValue(ds("all"), tfjsonpath.New("images").AtSliceIndex(2), knownvalue.ObjectExact(map[string]knownvalue.Check{
						"image_id": knownvalue.StringExact(img(2)), "name": knownvalue.StringExact("tools"), "owner": knownvalue.StringExact(factory),
						"status": knownvalue.StringExact("accepted"), "created_at": knownvalue.StringExact("2024-02-10T00:00:00Z"),
						"owner_allowed": knownvalue.Bool(true),
					})),
					statecheck.ExpectKnownValue(ds("pending_from_factory"), tfjsonpath.New("ids"), idList(img(1), img(0))),
					statecheck.ExpectKnownValue(ds("newest_golden"), tfjsonpath.New("ids"), idList(img(3))),
				},
			},
		},
	})
	if n := a.emu.ImageRequests(img(0)); n != 0 {
		t.Errorf("%d members reads: the recipient's inventory reads no image", n)
	}
}
