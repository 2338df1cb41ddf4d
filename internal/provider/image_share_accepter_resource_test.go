package provider

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/terraform-ims/terraform-provider-ims/internal/emulator"
)

const accepterAddr = "ims_image_share_accepter.test"

// testAccImageShareAccepterConfig is an ims_image_share_accepter with the
// extra argument lines.
func testAccImageShareAccepterConfig(imageID string, extra ...string) string {
	return fmt.Sprintf("resource \"ims_image_share_accepter\" \"test\" {\n  image_id = %[1]q\n  %[2]s\n}\n", imageID, strings.Join(extra, "\n  "))
}

// shareWithRecipient shares testImage of the owner with the recipient's
// first project, pending.
func shareWithRecipient(a *testAccount) {
	m := emulator.NewMember(testImage, "project", "pending", "recipient", time.Now())
	m.MemberID = testRecipientProject(0)
	a.emu.SetMembers(testProject, testImage, []emulator.Member{m})
}

// recipientStatus is the recipient's status as IMS holds it, or "" when
// the image is not shared with it.
func recipientStatus(a *testAccount) string {
	for _, m := range a.emu.Members(testProject, testImage) {
		if m.MemberID == testRecipientProject(0) {
			return m.Status
		}
	}
	return ""
}

// TestAccImageShareAccepterResource_lifecycle accepts, rejects in place,
// imports and destroys (which rejects).
func TestAccImageShareAccepterResource_lifecycle(t *testing.T) {
	a := newTestAccount(t)
	shareWithRecipient(a)
	a.emu.SetJobDelay(time.Second)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		CheckDestroy: func(*terraform.State) error {
			if s := recipientStatus(a); s != "rejected" {
				return fmt.Errorf("after destroy the recipient's status is %q, want rejected", s)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: a.recipientProviderConfig() + testAccImageShareAccepterConfig(testImage),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(accepterAddr, tfjsonpath.New("status"), knownvalue.StringExact("accepted")),
					statecheck.ExpectKnownValue(accepterAddr, tfjsonpath.New("member_id"), knownvalue.StringExact(testRecipientProject(0))),
					statecheck.ExpectKnownValue(accepterAddr, tfjsonpath.New("id"), knownvalue.StringExact(testImage)),
					statecheck.ExpectKnownValue(accepterAddr, tfjsonpath.New("region"), knownvalue.StringExact(testRegion)),
				},
			},
			{
				PreConfig: func() {
					if s := recipientStatus(a); s != "accepted" {
						t.Errorf("IMS holds status %q after create, want accepted", s)
					}
				},
				Config: a.recipientProviderConfig() + testAccImageShareAccepterConfig(testImage, hclArg("status", "rejected")),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(accepterAddr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(accepterAddr, tfjsonpath.New("status"), knownvalue.StringExact("rejected")),
				},
			},
			{
				ResourceName:            accepterAddr,
				ImportState:             true,
				ImportStateId:           testImage,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"timeouts"},
			},
		},
	})
}

// TestAccImageShareAccepterResource_drift: a status changed outside
// Terraform shows in plan, and apply puts it back.
func TestAccImageShareAccepterResource_drift(t *testing.T) {
	a := newTestAccount(t)
	shareWithRecipient(a)
	config := a.recipientProviderConfig() + testAccImageShareAccepterConfig(testImage)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: func() { a.emu.SetMemberStatus(testProject, testImage, testRecipientProject(0), "rejected") },
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(accepterAddr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(accepterAddr, tfjsonpath.New("status"), knownvalue.StringExact("accepted")),
				},
			},
		},
	})
}

// TestAccImageShareAccepterResource_withdrawn: the owner withdraws the
// share; the accepter is removed from state with a warning, and plan
// proposes to accept again. Every CLI of the matrix runs it: those without
// resource identity must not fail on the removal.
func TestAccImageShareAccepterResource_withdrawn(t *testing.T) {
	a := newTestAccount(t)
	shareWithRecipient(a)
	config := a.recipientProviderConfig() + testAccImageShareAccepterConfig(testImage)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig:          func() { a.emu.SetMembers(testProject, testImage, []emulator.Member{}) },
				Config:             config,
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
		},
	})
}

// TestAccImageShareAccepterResource_notShared names the cause, for an
// image that exists but is not shared with the recipient and for one that
// does not exist.
func TestAccImageShareAccepterResource_notShared(t *testing.T) {
	a := newTestAccount(t)
	a.emu.SetImage(testProject, testImage, emulator.ImageOptions{})
	want := errRe("Image not shared with this project", "IMG.0027", "Ask the image's owner to share it")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{Config: a.recipientProviderConfig() + testAccImageShareAccepterConfig(testImage), ExpectError: want},
			{Config: a.recipientProviderConfig() + testAccImageShareAccepterConfig("00000000-0000-4000-8000-00000000abcd"), ExpectError: want},
		},
	})
}

// TestAccImageShareAccepterResource_jobFails: the job's reason reaches the
// user and nothing is recorded that IMS does not hold.
func TestAccImageShareAccepterResource_jobFails(t *testing.T) {
	a := newTestAccount(t)
	shareWithRecipient(a)
	a.emu.FailJobs(testImage, "IMG.0178", "the image is frozen")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config:      a.recipientProviderConfig() + testAccImageShareAccepterConfig(testImage),
			ExpectError: errRe("IMS sharing job failed", "IMG.0178", "the image is frozen"),
		}},
	})
	if s := recipientStatus(a); s != "pending" {
		t.Errorf("status %q after a failed job, want pending", s)
	}
}

// TestAccImageShareAccepterResource_identity imports by identity
// (Terraform >= 1.12).
func TestAccImageShareAccepterResource_identity(t *testing.T) {
	a := newTestAccount(t)
	shareWithRecipient(a)
	config := a.recipientProviderConfig() + testAccImageShareAccepterConfig(testImage)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity(accepterAddr, map[string]knownvalue.Check{
						"image_id":  knownvalue.StringExact(testImage),
						"region":    knownvalue.StringExact(testRegion),
						"member_id": knownvalue.StringExact(testRecipientProject(0)),
					}),
				},
			},
			{Config: config, ResourceName: accepterAddr, ImportState: true, ImportStateKind: resource.ImportBlockWithResourceIdentity},
		},
	})
}

// TestAccImageShareAccepterResource_importOtherMember: an identity naming
// another project than the provider's is refused, not silently adopted.
func TestAccImageShareAccepterResource_importOtherMember(t *testing.T) {
	a := newTestAccount(t)
	shareWithRecipient(a)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		Steps: []resource.TestStep{{
			Config: a.recipientProviderConfig() + fmt.Sprintf(`
import {
  to = ims_image_share_accepter.test
  identity = {
    image_id  = %[1]q
    member_id = %[2]q
  }
}
`, testImage, testRecipientProject(1)) + testAccImageShareAccepterConfig(testImage),
			ExpectError: errRe("Member is not this provider's project", testRecipientProject(1), testRecipientProject(0)),
		}},
	})
}
