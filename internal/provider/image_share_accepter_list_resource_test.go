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

// testAccImageShareAccepterListConfig is a list block of
// ims_image_share_accepter with the given config lines.
func testAccImageShareAccepterListConfig(name string, config ...string) string {
	return testAccListConfig("ims_image_share_accepter", name, config...)
}

// TestAccImageShareAccepterListResource_query lists what is shared with
// the recipient's project, by status.
func TestAccImageShareAccepterListResource_query(t *testing.T) {
	a := newTestAccount(t)
	at := time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)
	statuses := map[string]int{"pending": 3, "accepted": 2, "rejected": 1}
	i := 0
	var pendingImage string
	for status, n := range statuses {
		for range n {
			id := listImageID(i)
			m := emulator.NewMember(id, "project", status, "r", at)
			m.MemberID = testRecipientProject(0)
			a.emu.SetImage(testProject, id, emulator.ImageOptions{Name: fmt.Sprintf("offer-%d", i)})
			a.emu.SetMembers(testProject, id, []emulator.Member{m})
			if status == "pending" {
				pendingImage = id
			}
			i++
		}
	}
	// An image shared with another project of the recipient's account is
	// not the caller's.
	other := emulator.NewMember(listImageID(99), "project", "pending", "o", at)
	other.MemberID = testRecipientProject(1)
	a.emu.SetMembers(testProject, listImageID(99), []emulator.Member{other})
	provider := a.recipientProviderConfig()
	queryTest(t, resource.TestStep{
		Config: provider + testAccImageShareAccepterListConfig("all") +
			testAccImageShareAccepterListConfig("pending", hclArg("status", "pending")) +
			testAccImageShareAccepterListConfig("accepted", hclArg("status", "accepted")),
		QueryResultChecks: []querycheck.QueryResultCheck{
			querycheck.ExpectLength("ims_image_share_accepter.all", 6),
			querycheck.ExpectLength("ims_image_share_accepter.pending", 3),
			querycheck.ExpectLength("ims_image_share_accepter.accepted", 2),
			querycheck.ExpectResourceDisplayName("ims_image_share_accepter.pending",
				queryfilter.ByResourceIdentity(map[string]knownvalue.Check{
					"image_id":  knownvalue.StringExact(pendingImage),
					"region":    knownvalue.StringExact(testRegion),
					"member_id": knownvalue.StringExact(testRecipientProject(0)),
				}),
				knownvalue.StringRegexp(regexpMust(`^offer-\d+ from project `+testProject+` \(pending\)$`))),
		},
	})
}
