package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/terraform-ims/terraform-provider-ims/internal/emulator"
)

// TestAccShareResources_importRefusals: an import that cannot succeed says
// why instead of Terraform's bare "non-existent remote object": an ID in
// upper case (IMS lists lower case), and an image that the provider's
// project does not own (only the owner can list members), naming the
// project that was asked. Nothing is written.
func TestAccShareResources_importRefusals(t *testing.T) {
	a := newTestAccount(t)
	a.emu.SetImage(testProject, testImage, emulator.ImageOptions{})
	p0 := testRecipientProject(0)
	notOwned := "11111111-2222-4333-8444-555555555555"
	importStep := func(config, addr, id string, want ...string) resource.TestStep {
		return resource.TestStep{Config: config, ResourceName: addr, ImportState: true, ImportStateId: id, ExpectError: errRe(want...)}
	}
	share := a.providerConfig() + testAccImageShareConfig(testImage, []string{p0}, nil)
	member := a.providerConfig() + testAccImageShareMemberConfig("m", hclArg("project_id", p0))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			importStep(share, shareAddr, strings.ToUpper(testImage), "Import ID not in lower case", fmt.Sprintf("id = %q", testImage)),
			importStep(share, shareAddr, notOwned, "Nothing to import", "does not exist for this project", "project "+testProject,
				"Only the project that owns"),
			importStep(member, memberAddr("m"), strings.ToUpper(testImage)+"/"+p0, "Import ID not in lower case"),
			importStep(member, memberAddr("m"), testImage+"/"+p0, "Nothing to import", "not shared with member "+p0),
		},
	})
	if n := a.emu.Writes(); n != 0 {
		t.Errorf("%d writes, want none", n)
	}
}

// TestAccShareResources_zeroTimeoutRefused: a timeouts attribute of zero
// or less is refused at plan time, naming it, before any request.
func TestAccShareResources_zeroTimeoutRefused(t *testing.T) {
	a := newTestAccount(t)
	p0 := testRecipientProject(0)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{
				Config:      a.providerConfig() + testAccImageShareConfig(testImage, []string{p0}, nil, `timeouts { create = "0s" }`),
				PlanOnly:    true,
				ExpectError: errRe("Invalid timeout", `timeouts.create = "0s"`, "longer than zero"),
			},
			{
				Config:      a.providerConfig() + testAccImageShareMemberConfig("m", hclArg("project_id", p0), `timeouts { delete = "-5m" }`),
				PlanOnly:    true,
				ExpectError: errRe("Invalid timeout", `timeouts.delete = "-5m"`),
			},
			{
				Config:      a.recipientProviderConfig() + testAccImageShareAccepterConfig(testImage, `timeouts { update = "0m" }`),
				PlanOnly:    true,
				ExpectError: errRe("Invalid timeout", `timeouts.update = "0m"`),
			},
		},
	})
	if n := a.emu.Requests(); n != 0 {
		t.Errorf("%d requests, want none", n)
	}
}
