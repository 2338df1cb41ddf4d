package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/terraform-ims/terraform-provider-ims/internal/emulator"
)

// The acceptance tests of issue 24's readings: each runs the provider,
// through the CLI, under every reading of a page the IMS reference leaves
// open (emulator.Readings), so that no test passes only because the
// emulator shares the provider's guess.

// TestAccReadings_orgRemoveBy: an organization is removed, by an update
// that drops it and by destroy, of ims_image_share and of
// ims_image_share_member,
// whether BatchDeleteMembers removes organizations by URN only, by bare ID
// only (ims_03_0623's example) or by either.
func TestAccReadings_orgRemoveBy(t *testing.T) {
	for name, reading := range map[string]emulator.OrgRemoveReading{
		"either": emulator.OrgRemoveEither, "urn": emulator.OrgRemoveByURN, "id": emulator.OrgRemoveByID,
	} {
		t.Run(name, func(t *testing.T) {
			a := newTestAccount(t)
			a.emu.SetReadings(emulator.Readings{OrgRemoveBy: reading})
			other := listImageID(24)
			a.emu.SetImage(testProject, testImage, emulator.ImageOptions{})
			a.emu.SetImage(testProject, other, emulator.ImageOptions{})
			p0 := testRecipientProject(0)
			ou := fmt.Sprintf("organizations::%s:ou:o-abc123/ou-def456", testDomain)
			root := fmt.Sprintf("organizations::%s:root:o-abc123/r-ghi789", testDomain)
			share := func(orgs ...string) string {
				return a.providerConfig() + testAccImageShareConfig(testImage, []string{p0}, nil, hclListArg("organizations", orgs...)) +
					testAccImageShareMemberConfig("org", other, hclArg("organization_urn", root))
			}
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviders,
				CheckDestroy: func(*terraform.State) error {
					for _, img := range []string{testImage, other} {
						if ids := memberIDsOf(a, img); len(ids) != 0 {
							return fmt.Errorf("after destroy image %s is still shared with %v", img, ids)
						}
					}
					return nil
				},
				Steps: []resource.TestStep{
					{Config: share(ou, root)},
					{
						Config: share(root),
						Check: func(*terraform.State) error {
							expectMembers(t, a, testImage, p0, "r-ghi789")
							return nil
						},
					},
				},
			})
		})
	}
}
