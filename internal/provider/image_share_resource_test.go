package provider

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/terraform-ims/terraform-provider-ims/internal/emulator"
)

const shareAddr = "ims_image_share.test"

// testAccImageShareConfig is an ims_image_share of imageID with the given
// projects and domains, and the extra argument lines.
func testAccImageShareConfig(imageID string, projects, domains []string, extra ...string) string {
	var args []string
	if projects != nil {
		args = append(args, fmt.Sprintf("projects = %s", hclList(projects)))
	}
	if domains != nil {
		args = append(args, fmt.Sprintf("domains = %s", hclList(domains)))
	}
	return fmt.Sprintf("resource \"ims_image_share\" \"test\" {\n  image_id = %[1]q\n  %[2]s\n}\n", imageID, strings.Join(append(args, extra...), "\n  "))
}

// TestAccImageShareResource_lifecycle creates, updates (adding and
// removing in one apply), imports and destroys a share, checking state
// and what IMS holds at each step.
func TestAccImageShareResource_lifecycle(t *testing.T) {
	a := newTestAccount(t)
	a.emu.SetImage(testProject, testImage, emulator.ImageOptions{})
	a.emu.SetJobDelay(time.Second)
	p0, p1, p2 := testRecipientProject(0), testRecipientProject(1), testRecipientProject(2)
	orgURN := fmt.Sprintf("organizations::%s:ou:o-abc123/ou-def456", testDomain)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		CheckDestroy:             checkUnshared(a, testImage),
		Steps: []resource.TestStep{
			{
				Config: a.providerConfig() + testAccImageShareConfig(testImage, []string{p0, p1}, []string{testRecipientDomain},
					fmt.Sprintf("organizations = [%q]", orgURN)),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(shareAddr, tfjsonpath.New("id"), knownvalue.StringExact(testImage)),
					statecheck.ExpectKnownValue(shareAddr, tfjsonpath.New("region"), knownvalue.StringExact(testRegion)),
					statecheck.ExpectKnownValue(shareAddr, tfjsonpath.New("projects"), setCheck(p0, p1)),
					statecheck.ExpectKnownValue(shareAddr, tfjsonpath.New("domains"), setCheck(testRecipientDomain)),
					statecheck.ExpectKnownValue(shareAddr, tfjsonpath.New("organizations"), setCheck(orgURN)),
					statecheck.ExpectKnownValue(shareAddr, tfjsonpath.New("members").AtSliceIndex(3).AtMapKey("member_id"), knownvalue.StringExact("ou-def456")),
					statecheck.ExpectKnownValue(shareAddr, tfjsonpath.New("members").AtSliceIndex(3).AtMapKey("urn"), knownvalue.StringExact(orgURN)),
					statecheck.ExpectKnownValue(shareAddr, tfjsonpath.New("members"), knownvalue.ListSizeExact(4)),
					statecheck.ExpectKnownValue(shareAddr, tfjsonpath.New("members").AtSliceIndex(0).AtMapKey("status"), knownvalue.StringExact("pending")),
				},
			},
			{
				Config: a.providerConfig() + testAccImageShareConfig(testImage, []string{p1, p2}, nil),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(shareAddr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(shareAddr, tfjsonpath.New("projects"), setCheck(p1, p2)),
					statecheck.ExpectKnownValue(shareAddr, tfjsonpath.New("domains"), knownvalue.Null()),
					statecheck.ExpectKnownValue(shareAddr, tfjsonpath.New("organizations"), knownvalue.Null()),
					statecheck.ExpectKnownValue(shareAddr, tfjsonpath.New("members"), knownvalue.ListSizeExact(2)),
				},
			},
			{
				ResourceName:            shareAddr,
				ImportState:             true,
				ImportStateId:           testImage,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"timeouts"},
			},
		},
	})
	if a.emu.JobPolls() == 0 {
		t.Error("no job was polled: the writes were not waited for")
	}
}

// TestAccImageShareResource_drift changes the sharing behind Terraform's
// back: a member added in the console shows as a planned removal, one
// removed as a planned re-add, and apply puts both back.
func TestAccImageShareResource_drift(t *testing.T) {
	a := newTestAccount(t)
	a.emu.SetImage(testProject, testImage, emulator.ImageOptions{})
	p0, p1, intruder := testRecipientProject(0), testRecipientProject(1), testRecipientProject(3)
	config := a.providerConfig() + testAccImageShareConfig(testImage, []string{p0, p1}, nil)
	outOfBand := func() {
		ms := a.emu.Members(testProject, testImage)
		ms = slices.DeleteFunc(ms, func(m emulator.Member) bool { return m.MemberID == p1 })
		m := emulator.NewMember(testImage, "project", "accepted", "intruder", time.Now())
		m.MemberID = intruder
		a.emu.SetMembers(testProject, testImage, append(ms, m))
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig:          outOfBand,
				Config:             config,
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(shareAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(shareAddr, tfjsonpath.New("projects"), setCheck(p0, p1)),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(shareAddr, tfjsonpath.New("projects"), setCheck(p0, p1)),
				},
			},
			// The refresh before this plan sees the out-of-band change that
			// apply just undid: nothing is left to do.
			emptyPlanStep(config, func() { expectMembers(t, a, testImage, p0, p1) }),
		},
	})
}

// TestAccImageShareResource_refusesUnmanagedMembers: Create does not take
// sharing away from anyone without a plan that shows it.
func TestAccImageShareResource_refusesUnmanagedMembers(t *testing.T) {
	a := newTestAccount(t)
	existing := emulator.NewMember(testImage, "project", "accepted", "existing", time.Now())
	existing.MemberID = testRecipientProject(5)
	a.emu.SetMembers(testProject, testImage, []emulator.Member{existing})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: a.providerConfig() + testAccImageShareConfig(testImage, []string{testRecipientProject(0)}, nil),
			ExpectError: errRe("Image already shared with members the configuration does not name", "project "+existing.MemberID,
				"nothing was changed", "terraform import"),
		}},
	})
	expectMembers(t, a, testImage, existing.MemberID)
	if n := a.emu.Writes(); n != 0 {
		t.Errorf("%d writes reached IMS; a refused create must write nothing", n)
	}
}

// TestAccImageShareResource_jobFails: a FAIL job's error code and reason
// reach the user, and state stays equal to IMS (nothing was created).
func TestAccImageShareResource_jobFails(t *testing.T) {
	a := newTestAccount(t)
	a.emu.SetImage(testProject, testImage, emulator.ImageOptions{})
	a.emu.SetJobDelay(time.Second)
	a.emu.FailJobs(testImage, "IMG.0177", "the image is being deleted")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config:      a.providerConfig() + testAccImageShareConfig(testImage, []string{testRecipientProject(0)}, nil),
			ExpectError: errRe("IMS sharing job failed", "IMS job", "failed with error IMG.0177", "the image is being deleted", "per-image results"),
		}},
	})
	expectMembers(t, a, testImage)
}

// TestAccImageShareResource_jobSlowerThanTimeout: the error says the change
// may still complete, and what state holds: nothing, so that the next apply
// creates again and adopts.
func TestAccImageShareResource_jobSlowerThanTimeout(t *testing.T) {
	a := newTestAccount(t)
	a.emu.SetImage(testProject, testImage, emulator.ImageOptions{})
	a.emu.SetJobDelay(time.Minute)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: a.providerConfig() + testAccImageShareConfig(testImage, []string{testRecipientProject(0)}, nil,
				`timeouts { create = "3s" }`),
			ExpectError: errRe("Timed out waiting for an IMS sharing job", "last seen", "may still complete", "Nothing was recorded in state",
				"next apply creates the resource again"),
		}},
	})
}

// TestAccImageShareResource_throttledWritesAndPolls: 429 and 503 on the
// write and on the job reads are retried; the apply succeeds.
func TestAccImageShareResource_throttledWritesAndPolls(t *testing.T) {
	a := newTestAccount(t)
	a.emu.SetImage(testProject, testImage, emulator.ImageOptions{})
	a.emu.SetJobDelay(time.Second)
	a.emu.FailFirst(emulator.TargetWrites, emulator.Fault429, emulator.Fault503)
	a.emu.FailFirst(emulator.TargetJobs, emulator.Fault503, emulator.Fault429)
	p0 := testRecipientProject(0)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: a.providerConfig() + testAccImageShareConfig(testImage, []string{p0}, nil),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(shareAddr, tfjsonpath.New("projects"), setCheck(p0)),
			},
		}},
	})
	if n := a.emu.Writes(); n < 4 {
		t.Errorf("%d writes: the two throttled attempts of the add were not retried", n)
	}
}

// TestAccImageShareResource_errorCodes: each refusal by IMS is reported
// with its code and what to do, and nothing is shared.
func TestAccImageShareResource_errorCodes(t *testing.T) {
	a := newTestAccount(t)
	images := map[string]emulator.ImageOptions{
		"00000000-0000-4000-8000-000000000001": {Public: true},
		"00000000-0000-4000-8000-000000000002": {Encrypted: true},
		"00000000-0000-4000-8000-000000000003": {FullECS: true},
		testImage:                              {},
	}
	for id, o := range images {
		a.emu.SetImage(testProject, id, o)
	}
	const foreignImage = "00000000-0000-4000-8000-0000000000ff"
	a.emu.AddProject(emulator.Project{ID: "ffffffffffffffffffffffffffffffff", Region: testRegion, DomainID: "f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0"})
	a.emu.SetImage("ffffffffffffffffffffffffffffffff", foreignImage, emulator.ImageOptions{})
	var eleven []string
	for i := range 11 {
		eleven = append(eleven, testRecipientProject(i))
	}
	step := func(imageID string, projects []string, want ...string) resource.TestStep {
		return resource.TestStep{Config: a.providerConfig() + testAccImageShareConfig(imageID, projects, nil), ExpectError: errRe(want...)}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			step(testImage, []string{testProject}, "IMG.0076", "its own project"),
			step(testImage, []string{"abababababababababababababababab"}, "IMG.0108", "does not exist in this region"),
			step("00000000-0000-4000-8000-000000000001", []string{testRecipientProject(0)}, "IMG.0089", "Public and Marketplace images cannot be shared"),
			step("00000000-0000-4000-8000-000000000002", []string{testRecipientProject(0)}, "IMG.0098", "Encrypted images"),
			step("00000000-0000-4000-8000-000000000003", eleven, "IMG.0088", "quota", "at most 10"),
			// IMS answers another tenant's image with 404 already when its
			// members are listed, before any write (IMG.0106 on the write
			// itself is tested in the client).
			step(foreignImage, []string{testRecipientProject(0)}, "Image not found", "only by the project that owns the image"),
		},
	})
	for id := range images {
		expectMembers(t, a, id)
	}
}

// TestAccImageShareResource_imageDeleted: an image deleted outside
// Terraform is removed from state with a warning, and plan proposes to
// share it again.
func TestAccImageShareResource_imageDeleted(t *testing.T) {
	a := newTestAccount(t)
	a.emu.SetImage(testProject, testImage, emulator.ImageOptions{})
	config := a.providerConfig() + testAccImageShareConfig(testImage, []string{testRecipientProject(0)}, nil)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig:          func() { a.emu.DeleteImage(testProject, testImage) },
				Config:             config,
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
		},
	})
}

// TestAccImageShareResource_identity imports by resource identity, which
// Terraform supports from 1.12.
func TestAccImageShareResource_identity(t *testing.T) {
	a := newTestAccount(t)
	a.emu.SetImage(testProject, testImage, emulator.ImageOptions{})
	config := a.providerConfig() + testAccImageShareConfig(testImage, []string{testRecipientProject(0)}, nil)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity(shareAddr, map[string]knownvalue.Check{
						"image_id": knownvalue.StringExact(testImage),
						"region":   knownvalue.StringExact(testRegion),
					}),
				},
			},
			{
				Config:          config,
				ResourceName:    shareAddr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithResourceIdentity,
			},
			{
				Config:          config,
				ResourceName:    shareAddr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
				ImportStateId:   testImage,
			},
		},
	})
}
