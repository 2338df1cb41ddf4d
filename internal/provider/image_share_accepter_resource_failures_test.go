package provider

import (
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/terraform-ims/terraform-provider-ims/internal/emulator"
)

// TestAccImageShareAccepterResource_recipientReadRefused: the recipient's
// read of its own membership is documented for owners only; where IMS
// refuses it (403, or 404), the recipient's image list tells the status,
// through accept, drift and a withdrawn share.
func TestAccImageShareAccepterResource_recipientReadRefused(t *testing.T) {
	for name, status := range map[string]int{"403": 403, "404": 404} {
		t.Run(name, func(t *testing.T) {
			a := newTestAccount(t)
			shareWithRecipient(a)
			a.emu.SetReadings(emulator.Readings{RecipientRead: status})
			config := a.recipientProviderConfig() + testAccImageShareAccepterConfig(testImage)
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviders,
				Steps: []resource.TestStep{
					{
						Config: config,
						ConfigStateChecks: []statecheck.StateCheck{
							statecheck.ExpectKnownValue(accepterAddr, tfjsonpath.New("status"), knownvalue.StringExact("accepted")),
						},
					},
					{
						PreConfig: func() { a.emu.SetMemberStatus(testProject, testImage, testRecipientProject(0), "rejected") },
						Config:    config,
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
							plancheck.ExpectResourceAction(accepterAddr, plancheck.ResourceActionUpdate),
						}},
					},
					{
						PreConfig:          func() { a.emu.SetMembers(testProject, testImage, []emulator.Member{}) },
						Config:             config,
						PlanOnly:           true,
						ExpectNonEmptyPlan: true,
					},
				},
			})
		})
	}
}

// TestAccImageShareAccepterResource_jobNotFoundIsAnError: a reject whose
// job IMS does not know fails the destroy while the status is still
// accepted.
func TestAccImageShareAccepterResource_jobNotFoundIsAnError(t *testing.T) {
	a := newTestAccount(t)
	shareWithRecipient(a)
	config := a.recipientProviderConfig() + testAccImageShareAccepterConfig(testImage)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: func() {
					a.emu.SetJobDelay(time.Hour)
					a.emu.FailAlways(emulator.TargetJobs, emulator.FaultNotFound)
				},
				Config:      config,
				Destroy:     true,
				ExpectError: errRe("Could not read an IMS sharing job", "The delete of ims_image_share_accepter", "job not found"),
			},
			emptyPlanStep(config, func() {
				if s := recipientStatus(a); s != "accepted" {
					t.Errorf("status %q after the failed destroy, want accepted", s)
				}
				a.emu.ClearFaults(emulator.TargetJobs)
				a.emu.SetJobDelay(0)
			}),
		},
	})
}

// TestAccImageShareAccepterResource_vaultIDMissing: IMS's IMG.0001 for a
// full-ECS image from a CBR backup accepted without vault_id says to set
// vault_id, not that the provider has a bug.
func TestAccImageShareAccepterResource_vaultIDMissing(t *testing.T) {
	a := newTestAccount(t)
	shareWithRecipient(a)
	a.emu.SetImage(testProject, testImage, emulator.ImageOptions{FullECS: true, FromCBR: true})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config:      a.recipientProviderConfig() + testAccImageShareAccepterConfig(testImage),
			ExpectError: errRe("IMS refused to change the sharing of the image", "The accept of ims_image_share_accepter", "IMG.0001", "needs vault_id"),
		}},
	})
}

// TestAccImageShareAccepterResource_successIsNotProof: a status job that
// reports SUCCESS without changing the status fails, naming the job, and
// records nothing.
func TestAccImageShareAccepterResource_successIsNotProof(t *testing.T) {
	a := newTestAccount(t)
	shareWithRecipient(a)
	a.emu.SkipInJobs(testRecipientProject(0))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config:      a.recipientProviderConfig() + testAccImageShareAccepterConfig(testImage),
			ExpectError: errRe("IMS did not change the share's status", "reported job", `the status is "pending", not "accepted"`),
		}},
	})
}

// TestAccImageShareAccepterResource_notFoundReadings: a share withdrawn by
// its owner removes the accepter from state under each reading of IMS's
// not-found answer.
func TestAccImageShareAccepterResource_notFoundReadings(t *testing.T) {
	for name, style := range map[string]emulator.NotFoundStyle{
		"404": emulator.NotFound404, "400": emulator.NotFound400, "bare404": emulator.NotFoundBare,
	} {
		t.Run(name, func(t *testing.T) {
			a := newTestAccount(t)
			shareWithRecipient(a)
			a.emu.SetReadings(emulator.Readings{NotFound: style})
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
		})
	}
}
