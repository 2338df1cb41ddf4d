package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
)

// TestAccImageShareMemberListResource_query lists one result per member of
// the project's shared images, with each filter, identity and display name.
func TestAccImageShareMemberListResource_query(t *testing.T) {
	a := newTestAccount(t)
	shared, withDomain := sharedWorld(a, 120)
	provider := a.providerConfig()
	// Every shared image has two projects (one accepted, one pending), and
	// every third one an account too.
	all := 2*len(shared) + len(withDomain)
	queryTest(t, resource.TestStep{
		Config: provider + testAccListConfig("ims_image_share_member", "all") +
			testAccListConfig("ims_image_share_member", "accounts", hclArg("member_type", "domain")) +
			testAccListConfig("ims_image_share_member", "pending", hclArg("status", "pending")) +
			testAccListConfig("ims_image_share_member", "one", hclListArg("image_ids", shared[1]), hclListArg("member_ids", testRecipientProject(0))),
		QueryResultChecks: []querycheck.QueryResultCheck{
			querycheck.ExpectLength("ims_image_share_member.all", all),
			querycheck.ExpectLength("ims_image_share_member.accounts", len(withDomain)),
			querycheck.ExpectLength("ims_image_share_member.pending", len(shared)),
			querycheck.ExpectLength("ims_image_share_member.one", 1),
			querycheck.ExpectIdentity("ims_image_share_member.one", map[string]knownvalue.Check{
				"image_id": knownvalue.StringExact(shared[1]), "member_id": knownvalue.StringExact(testRecipientProject(0)),
				"region": knownvalue.StringExact(testRegion),
			}),
			querycheck.ExpectResourceDisplayName("ims_image_share_member.one",
				queryfilter.ByResourceIdentity(map[string]knownvalue.Check{
					"image_id": knownvalue.StringExact(shared[1]), "member_id": knownvalue.StringExact(testRecipientProject(0)),
					"region": knownvalue.StringExact(testRegion),
				}),
				knownvalue.StringExact("golden-10 → "+testRecipientProject(0)+" (project, accepted)")),
		},
	})
}
