package provider

import (
	"fmt"
	"regexp"
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

// testAccImageShareMemberConfig is an ims_image_share_member named name
// on testImage with the argument lines (project_id = ..., timeouts, ...).
func testAccImageShareMemberConfig(name string, args ...string) string {
	return testAccImageShareMemberConfigOn(name, testImage, args...)
}

// testAccImageShareMemberConfigOn is testAccImageShareMemberConfig on
// another image.
func testAccImageShareMemberConfigOn(name, imageID string, args ...string) string {
	return fmt.Sprintf("resource \"ims_image_share_member\" %[1]q {\n  image_id = %[2]q\n  %[3]s\n}\n", name, imageID, strings.Join(args, "\n  "))
}

func memberAddr(name string) string { return "ims_image_share_member." + name }

// TestAccImageShareMemberResource_besideUnmanaged: two members created
// beside a member no configuration manages; it stays untouched through
// create, an update of timeouts, and destroy, which removes only the two.
func TestAccImageShareMemberResource_besideUnmanaged(t *testing.T) {
	a := newTestAccount(t)
	other := testRecipientProject(5)
	a.emu.SetMembers(testProject, testImage, []emulator.Member{acceptedMember(other)})
	a.emu.SetJobDelay(time.Second)
	p0 := testRecipientProject(0)
	two := func(timeouts string) string {
		return a.providerConfig() + testAccImageShareMemberConfig("p0", hclArg("project_id", p0), timeouts) +
			testAccImageShareMemberConfig("account", hclArg("domain_id", testRecipientDomain))
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		CheckDestroy: func(*terraform.State) error {
			if ids := memberIDsOf(a, testImage); len(ids) != 1 || ids[0] != other {
				return fmt.Errorf("after destroy IMS holds %v, want only the unmanaged %s", ids, other)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: two(""),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(memberAddr("p0"), tfjsonpath.New("id"), knownvalue.StringExact(testImage+"/"+p0)),
					statecheck.ExpectKnownValue(memberAddr("p0"), tfjsonpath.New("member_type"), knownvalue.StringExact("project")),
					statecheck.ExpectKnownValue(memberAddr("p0"), tfjsonpath.New("status"), knownvalue.StringExact("pending")),
					statecheck.ExpectKnownValue(memberAddr("p0"), tfjsonpath.New("region"), knownvalue.StringExact(testRegion)),
					statecheck.ExpectKnownValue(memberAddr("account"), tfjsonpath.New("member_id"), knownvalue.StringExact(testRecipientDomain)),
					statecheck.ExpectKnownValue(memberAddr("account"), tfjsonpath.New("member_type"), knownvalue.StringExact("domain")),
				},
			},
			{
				PreConfig: func() {
					expectMembers(t, a, testImage, other, p0, testRecipientDomain)
					expectStatus(t, a, other, "accepted")
				},
				Config: two(`timeouts { delete = "5m" }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(memberAddr("p0"), plancheck.ResourceActionUpdate),
				}},
			},
			{
				PreConfig: func() { a.emu.SetMemberStatus(testProject, testImage, p0, "accepted") },
				Config:    two(`timeouts { delete = "5m" }`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(memberAddr("p0"), tfjsonpath.New("status"), knownvalue.StringExact("accepted")),
				},
			},
			{
				// Destroying one removes only its member.
				Config: a.providerConfig() + testAccImageShareMemberConfig("account", hclArg("domain_id", testRecipientDomain)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(memberAddr("p0"), plancheck.ResourceActionDestroy),
				}},
			},
			emptyPlanStep(a.providerConfig()+testAccImageShareMemberConfig("account", hclArg("domain_id", testRecipientDomain)), func() { expectMembers(t, a, testImage, other, testRecipientDomain) }),
		},
	})
}

// TestAccImageShareMemberResource_refusesExisting: a member IMS already
// holds is refused by name, with the import ID, and nothing is written.
func TestAccImageShareMemberResource_refusesExisting(t *testing.T) {
	a := newTestAccount(t)
	p0 := testRecipientProject(0)
	a.emu.SetMembers(testProject, testImage, []emulator.Member{acceptedMember(p0)})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config:      a.providerConfig() + testAccImageShareMemberConfig("p0", hclArg("project_id", p0)),
			ExpectError: errRe("Image already shared with this member", "project "+p0, "nothing was changed", "terraform import", testImage+"/"+p0),
		}},
	})
	if n := a.emu.Writes(); n != 0 {
		t.Errorf("%d writes reached IMS; a refused create must write nothing", n)
	}
	expectStatus(t, a, p0, "accepted")
}

// TestAccImageShareMemberResource_drift: a member removed outside
// Terraform is planned to be created again, and the apply re-adds it,
// leaving the others untouched.
func TestAccImageShareMemberResource_drift(t *testing.T) {
	a := newTestAccount(t)
	other := testRecipientProject(5)
	a.emu.SetMembers(testProject, testImage, []emulator.Member{acceptedMember(other)})
	p0 := testRecipientProject(0)
	config := a.providerConfig() + testAccImageShareMemberConfig("p0", hclArg("project_id", p0))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: func() { a.emu.SetMembers(testProject, testImage, []emulator.Member{acceptedMember(other)}) },
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(memberAddr("p0"), plancheck.ResourceActionCreate),
				}},
			},
			emptyPlanStep(config, func() { expectMembers(t, a, testImage, other, p0); expectStatus(t, a, other, "accepted") }),
		},
	})
}

// TestAccImageShareMemberResource_importAndOrganization: an organization
// member by URN, imported by <image_id>/<member_id> with Read filling the
// URN back.
func TestAccImageShareMemberResource_importAndOrganization(t *testing.T) {
	a := newTestAccount(t)
	a.emu.SetImage(testProject, testImage, emulator.ImageOptions{})
	org := fmt.Sprintf("organizations::%s:root:o-abc123/r-def456", testDomain)
	config := a.providerConfig() + testAccImageShareMemberConfig("org", hclArg("organization_urn", org))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(memberAddr("org"), tfjsonpath.New("member_id"), knownvalue.StringExact("r-def456")),
					statecheck.ExpectKnownValue(memberAddr("org"), tfjsonpath.New("member_type"), knownvalue.StringExact("organization")),
					statecheck.ExpectKnownValue(memberAddr("org"), tfjsonpath.New("id"), knownvalue.StringExact(testImage+"/r-def456")),
				},
			},
			{
				ResourceName:            memberAddr("org"),
				ImportState:             true,
				ImportStateId:           testImage + "/r-def456",
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"timeouts"},
			},
			{
				ResourceName:  memberAddr("org"),
				ImportState:   true,
				ImportStateId: testImage,
				ExpectError:   errRe("Invalid import ID", "<image_id>/<member_id>"),
			},
		},
	})
}

// TestAccImageShareMemberResource_identity imports by identity
// (Terraform >= 1.12).
func TestAccImageShareMemberResource_identity(t *testing.T) {
	a := newTestAccount(t)
	a.emu.SetImage(testProject, testImage, emulator.ImageOptions{})
	p0 := testRecipientProject(0)
	config := a.providerConfig() + testAccImageShareMemberConfig("p0", hclArg("project_id", p0))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity(memberAddr("p0"), map[string]knownvalue.Check{
						"image_id": knownvalue.StringExact(testImage), "member_id": knownvalue.StringExact(p0), "region": knownvalue.StringExact(testRegion),
					}),
				},
			},
			{Config: config, ResourceName: memberAddr("p0"), ImportState: true, ImportStateKind: resource.ImportBlockWithResourceIdentity},
		},
	})
}

// TestAccImageShareMemberResource_jobFails: a FAIL job fails the create
// with its own message, and records nothing (a job slower than
// timeouts.create: TestAccImageShareMemberResource_jobOutlivesTimeout).
func TestAccImageShareMemberResource_jobFails(t *testing.T) {
	a := newTestAccount(t)
	a.emu.SetImage(testProject, testImage, emulator.ImageOptions{})
	a.emu.FailJobs(testImage, "IMG.0177", "the source and target tenants are in different regions")
	p0 := testRecipientProject(0)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{
				Config: a.providerConfig() + testAccImageShareMemberConfig("p0", hclArg("project_id", p0)),
				ExpectError: errRe("IMS sharing job failed", "The create of ims_image_share_member", "imsAddImageMembersJob", "IMG.0177", "different regions",
					"Nothing was recorded in state"),
			},
		},
	})
	expectMembers(t, a, testImage)
}

// TestAccImageShareMemberResource_manyOnOneImage: many members of one
// image in one apply, each its own job, run in parallel.
func TestAccImageShareMemberResource_manyOnOneImage(t *testing.T) {
	a := newTestAccount(t)
	a.emu.SetImage(testProject, testImage, emulator.ImageOptions{})
	a.emu.SetJobDelay(2 * time.Second)
	config := a.providerConfig()
	var ids []string
	for i := range 10 {
		ids = append(ids, testRecipientProject(i))
		config += testAccImageShareMemberConfig(fmt.Sprintf("m%d", i), hclArg("project_id", testRecipientProject(i)))
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: config,
			Check: func(*terraform.State) error {
				expectMembers(t, a, testImage, ids...)
				if n := a.emu.OverlappingJobs(); n < 2 {
					return fmt.Errorf("at most %d job ran at a time: the members' jobs ran one after another", n)
				}
				return nil
			},
		}},
	})
}

// TestAccImageShareMemberResource_importOrganizationWithoutURN: an
// organization that IMS lists without its urn, imported and configured by
// its URN, is updated in place (state takes the configuration's spelling),
// never replaced, which would remove it and lose its acceptance.
func TestAccImageShareMemberResource_importOrganizationWithoutURN(t *testing.T) {
	a := newTestAccount(t)
	org := emulator.NewMember(testImage, "organization", "accepted", "org", time.Now())
	org.MemberID, org.URN = "r-def456", nil
	a.emu.SetMembers(testProject, testImage, []emulator.Member{org})
	a.emu.SetReadings(emulator.Readings{OmitURN: true})
	urn := fmt.Sprintf("organizations::%s:root:o-abc123/r-def456", testDomain)
	config := a.providerConfig() + fmt.Sprintf("import {\n  to = ims_image_share_member.org\n  id = %q\n}\n", testImage+"/r-def456") +
		testAccImageShareMemberConfig("org", hclArg("organization_urn", urn))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(memberAddr("org"), plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(memberAddr("org"), tfjsonpath.New("organization_urn"), knownvalue.StringExact(urn)),
					statecheck.ExpectKnownValue(memberAddr("org"), tfjsonpath.New("status"), knownvalue.StringExact("accepted")),
				},
			},
			emptyPlanStep(config, func() { expectStatus(t, a, "r-def456", "accepted") }),
		},
	})
}

// TestAccImageShareMemberResource_twoForOneMember: two resources naming
// one member in one apply (the plan cannot tell them from one resource
// planned twice): the provider serializes them, the second is refused by
// name, and only one records it.
func TestAccImageShareMemberResource_twoForOneMember(t *testing.T) {
	a := newTestAccount(t)
	a.emu.SetImage(testProject, testImage, emulator.ImageOptions{})
	a.emu.SetJobDelay(time.Second)
	p0 := testRecipientProject(0)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: a.providerConfig() + testAccImageShareMemberConfig("a", hclArg("project_id", p0)) +
				testAccImageShareMemberConfig("b", hclArg("project_id", p0)),
			ExpectError: errRe("Image already shared with this member", "project "+p0),
		}},
	})
	if n := a.emu.Writes(); n != 2 {
		t.Errorf("%d writes, want 2: one add, and the destroy of the one that recorded it", n)
	}
}

// TestAccImageShareMemberResource_jobOutlivesTimeout: a create whose job
// outlives timeouts.create records the member as pending with the job's
// id (a warning, not an error, so nothing is tainted); while the job runs
// the plan is empty, and once it ends the refresh confirms the member, or
// drops it when the job failed, so that the next apply converges with no
// hand work in both cases.
func TestAccImageShareMemberResource_jobOutlivesTimeout(t *testing.T) {
	for _, fails := range []bool{false, true} {
		t.Run(fmt.Sprintf("job fails %v", fails), func(t *testing.T) {
			a := newTestAccount(t)
			a.emu.SetImage(testProject, testImage, emulator.ImageOptions{})
			a.emu.SetJobDelay(5 * time.Second)
			if fails {
				a.emu.FailJobs(testImage, "IMG.0010", "internal error")
			}
			p0 := testRecipientProject(0)
			config := a.providerConfig() + testAccImageShareMemberConfig("m", hclArg("project_id", p0), `timeouts { create = "2s" }`)
			waitForJob := func() {
				// The job ends 5 s after it started; wait for it.
				deadline := time.Now().Add(10 * time.Second)
				for time.Now().Before(deadline) && len(memberIDsOf(a, testImage)) == 0 && !fails {
					time.Sleep(200 * time.Millisecond)
				}
				if fails {
					time.Sleep(5 * time.Second)
				}
			}
			final := emptyPlanStep(config, waitForJob)
			final.ConfigStateChecks = []statecheck.StateCheck{
				statecheck.ExpectKnownValue(memberAddr("m"), tfjsonpath.New("created_at"), knownvalue.StringRegexp(regexp.MustCompile(`^\d{4}-`))),
			}
			steps := []resource.TestStep{final}
			if fails {
				steps = []resource.TestStep{
					{
						PreConfig:    waitForJob,
						RefreshState: true,
						// The next apply adds the member again.
						ExpectNonEmptyPlan: true,
						Check: func(s *terraform.State) error {
							if _, ok := s.RootModule().Resources[memberAddr("m")]; ok {
								return fmt.Errorf("the refresh kept the member whose job failed")
							}
							return nil
						},
					},
				}
			}
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviders,
				Steps: append([]resource.TestStep{
					{
						Config: config,
						ConfigStateChecks: []statecheck.StateCheck{
							statecheck.ExpectKnownValue(memberAddr("m"), tfjsonpath.New("status"), knownvalue.StringExact("pending")),
						},
						Check: func(*terraform.State) error {
							if ids := memberIDsOf(a, testImage); len(ids) != 0 {
								return fmt.Errorf("IMS holds %v while the job should still run", ids)
							}
							return nil
						},
					},
				}, steps...),
			})
		})
	}
}
