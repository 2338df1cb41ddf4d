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
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/terraform-ims/terraform-provider-ims/internal/emulator"
)

// These tests attack ims_image_share as a broken server and a careful user
// would, and check the one rule: after any apply, destroy, refresh or
// failure, state equals what IMS holds, and no member the user did not ask
// to remove is removed.

// acceptedMember is a member of testImage that its recipient has accepted.
func acceptedMember(id string) emulator.Member {
	m := emulator.NewMember(testImage, "project", "accepted", id, time.Now())
	m.MemberID = id
	return m
}

// memberStatus is a member's status as the emulator holds it, "" when it
// is none.
func memberStatus(emu *emulator.Server, owner, imageID, memberID string) string { //nolint:unparam // The demo and the tests name their owner by two constants that happen to be equal.
	for _, m := range emu.Members(owner, imageID) {
		if m.MemberID == memberID {
			return m.Status
		}
	}
	return ""
}

// expectStatus fails the test unless the member has that status in IMS.
func expectStatus(t *testing.T, a *testAccount, memberID, want string) {
	t.Helper()
	if got := memberStatus(a.emu, testProject, testImage, memberID); got != want {
		t.Errorf("member %s has status %q in IMS, want %q", memberID, got, want)
	}
}

// TestAccImageShareResource_failedCreateKeepsExistingMembers: a create that
// fails (an unknown tenant) records no state, so the next apply creates
// (it does not replace) and adopts the member that was there before, which
// stays accepted.
func TestAccImageShareResource_failedCreateKeepsExistingMembers(t *testing.T) {
	a := newTestAccount(t)
	p0, p1 := testRecipientProject(0), testRecipientProject(1)
	a.emu.SetMembers(testProject, testImage, []emulator.Member{acceptedMember(p0)})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{
				Config:      a.providerConfig() + testAccImageShareConfig(testImage, []string{p0, "abababababababababababababababab"}, nil),
				ExpectError: errRe("IMG.0108", "does not exist in this region"),
			},
			{
				PreConfig: func() { expectStatus(t, a, p0, "accepted") },
				Config:    a.providerConfig() + testAccImageShareConfig(testImage, []string{p0, p1}, nil),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(shareAddr, plancheck.ResourceActionCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(shareAddr, tfjsonpath.New("projects"), setCheck(p0, p1)),
				},
			},
			emptyPlanStep(a.providerConfig()+testAccImageShareConfig(testImage, []string{p0, p1}, nil), func() { expectStatus(t, a, p0, "accepted") }),
		},
	})
}

// TestAccImageShareResource_failedWriteKeepsAcceptance: a one-off 500 on
// the add fails the create with write advice (sent once, not retried); the
// next apply of the same configuration adopts the accepted member without
// sending it back to pending.
func TestAccImageShareResource_failedWriteKeepsAcceptance(t *testing.T) {
	a := newTestAccount(t)
	p0, p1 := testRecipientProject(0), testRecipientProject(1)
	a.emu.SetMembers(testProject, testImage, []emulator.Member{acceptedMember(p0)})
	a.emu.FailFirst(emulator.TargetWrites, emulator.FaultIMS500)
	config := a.providerConfig() + testAccImageShareConfig(testImage, []string{p0, p1}, nil)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{
				Config:      config,
				ExpectError: errRe("IMS is unavailable", "The create of ims_image_share", "HTTP 500", "The write was sent 1 time", "never repeated"),
			},
			{
				PreConfig: func() { expectStatus(t, a, p0, "accepted"); expectMembers(t, a, testImage, p0) },
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(shareAddr, plancheck.ResourceActionCreate),
				}},
			},
		},
	})
	expectStatus(t, a, p0, "")
	if n := a.emu.Writes(); n != 3 {
		t.Errorf("%d writes, want 3: the failed add once (not retried), the add, the remove of destroy", n)
	}
}

// TestAccImageShareResource_wrongEndpointIsAnError: with the endpoint
// mistyped (a path of /v1), the gateway's 404 is an error that names the
// endpoint, for refresh and for destroy; the resource stays in state and
// the image stays shared until the endpoint is right.
func TestAccImageShareResource_wrongEndpointIsAnError(t *testing.T) {
	a := newTestAccount(t)
	a.emu.SetImage(testProject, testImage, emulator.ImageOptions{})
	p0 := testRecipientProject(0)
	good := a.providerConfig() + testAccImageShareConfig(testImage, []string{p0}, nil)
	wrong := testAccProviderConfig(hclArg("region", testRegion), hclArg("project_id", testProject), hclArg("access_key", a.accessKey),
		hclArg("secret_key", a.secretKey), hclArg("endpoint", a.emu.URL()+"/v1")) + testAccImageShareConfig(testImage, []string{p0}, nil)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		CheckDestroy:             checkUnshared(a, testImage),
		Steps: []resource.TestStep{
			{Config: good},
			{
				Config:      wrong,
				PlanOnly:    true,
				ExpectError: errRe("IMS endpoint does not serve this API", "APIGW.0101", "mistyped"),
			},
			{
				Config:      wrong,
				Destroy:     true,
				ExpectError: errRe("IMS endpoint does not serve this API", "APIGW.0101"),
			},
			emptyPlanStep(good, func() { expectMembers(t, a, testImage, p0) }),
		},
	})
}

// TestAccImageShareResource_bare404ImageExists: a 404 without IMS's code
// on the image's own path, for an image the image list still shows, is an
// error, never "gone" (and never a crash): the resource stays in state.
func TestAccImageShareResource_bare404ImageExists(t *testing.T) {
	a := newTestAccount(t)
	a.emu.SetImage(testProject, testImage, emulator.ImageOptions{})
	p0 := testRecipientProject(0)
	config := a.providerConfig() + testAccImageShareConfig(testImage, []string{p0}, nil)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig:   func() { a.emu.FailAlways(testImage, emulator.FaultBare404) },
				Config:      config,
				PlanOnly:    true,
				ExpectError: errRe("IMS endpoint answered 404 for an image that exists", "HTTP 404", "shows that image", testImage, "exists", "HTTPS_PROXY"),
			},
			emptyPlanStep(config, func() { a.emu.ClearFaults(testImage) }),
		},
	})
}

// TestAccImageShareResource_jobNotFoundIsAnError: a destroy whose job IMS
// says it does not know (404, with the image-not-found code) fails naming
// the job, and the resource keeps the members that are still shared.
func TestAccImageShareResource_jobNotFoundIsAnError(t *testing.T) {
	a := newTestAccount(t)
	a.emu.SetImage(testProject, testImage, emulator.ImageOptions{})
	p0 := testRecipientProject(0)
	config := a.providerConfig() + testAccImageShareConfig(testImage, []string{p0}, nil)
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
				ExpectError: errRe("Could not read an IMS sharing job", "The delete of ims_image_share", "job not found", "IMG.0027"),
			},
			emptyPlanStep(config, func() {
				expectMembers(t, a, testImage, p0)
				a.emu.ClearFaults(emulator.TargetJobs)
				a.emu.SetJobDelay(0)
			}),
		},
	})
}

// TestAccImageShareResource_twoOnOneImage: two ims_image_share on one
// image are refused at plan time, before any write, with the provider's
// own error: each would remove the other's members on every apply.
func TestAccImageShareResource_twoOnOneImage(t *testing.T) {
	a := newTestAccount(t)
	a.emu.SetImage(testProject, testImage, emulator.ImageOptions{})
	p0, p1 := testRecipientProject(0), testRecipientProject(1)
	two := fmt.Sprintf(`resource "ims_image_share" "a" {
  image_id = %[1]q
  projects = [%[2]q]
}
resource "ims_image_share" "b" {
  image_id = %[1]q
  projects = [%[3]q]
}
`, testImage, p0, p1)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config:      a.providerConfig() + two,
			ExpectError: errRe("Two resources manage the sharing of one image", "two ims_image_share on image "+testImage, "Merge them"),
		}},
	})
	if n := a.emu.Writes(); n != 0 {
		t.Errorf("%d writes, want none", n)
	}
	expectMembers(t, a, testImage)
}

// TestAccImageShareResource_membersByIdentity: an organization that IMS
// lists without its urn matches the URN that names it, so an update that
// adds a project leaves it shared; an upper-case project ID is refused at
// plan time, since IMS lists IDs in lower case.
func TestAccImageShareResource_membersByIdentity(t *testing.T) {
	a := newTestAccount(t)
	a.emu.SetImage(testProject, testImage, emulator.ImageOptions{})
	a.emu.SetReadings(emulator.Readings{OmitURN: true})
	p0, p1 := testRecipientProject(0), testRecipientProject(1)
	org := fmt.Sprintf("organizations::%s:ou:o-abc123/ou-def456", testDomain)
	orgs := fmt.Sprintf("organizations = [%q]", org)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{
				Config:      a.providerConfig() + testAccImageShareConfig(testImage, []string{p0, strings.ToUpper(p1)}, nil, orgs),
				PlanOnly:    true,
				ExpectError: errRe("must be a project ID: 32 lower-case hexadecimal characters"),
			},
			{
				Config: a.providerConfig() + testAccImageShareConfig(testImage, []string{p0}, nil,
					fmt.Sprintf("organizations = [%q, %q]", org, strings.Replace(org, testDomain, strings.ToUpper(testDomain), 1))),
				PlanOnly:    true,
				ExpectError: errRe("Member named twice", "name the same member (ou-def456)"),
			},
			{
				Config: a.providerConfig() + testAccImageShareConfig(testImage, []string{p0}, nil, orgs),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(shareAddr, tfjsonpath.New("organizations"), setCheck(org)),
					statecheck.ExpectKnownValue(shareAddr, tfjsonpath.New("members").AtSliceIndex(1).AtMapKey("urn"), knownvalue.Null()),
				},
			},
			{
				Config: a.providerConfig() + testAccImageShareConfig(testImage, []string{p0, p1}, nil, orgs),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(shareAddr, tfjsonpath.New("organizations"), setCheck(org)),
					statecheck.ExpectKnownValue(shareAddr, tfjsonpath.New("projects"), setCheck(p0, p1)),
				},
			},
			emptyPlanStep(a.providerConfig()+testAccImageShareConfig(testImage, []string{p0, p1}, nil, orgs), func() { expectMembers(t, a, testImage, "ou-def456", p0, p1) }),
		},
	})
}

// TestAccImageShareResource_swapAtQuota: a full-ECS image shared with its
// ten tenants swaps one for another in one apply: adding first would
// exceed the quota, so the removal goes first.
func TestAccImageShareResource_swapAtQuota(t *testing.T) {
	a := newTestAccount(t)
	ten, swapped := fullImageOfTen(a)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{Config: a.providerConfig() + testAccImageShareConfig(testImage, ten, nil)},
			{
				Config: a.providerConfig() + testAccImageShareConfig(testImage, swapped, nil),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(shareAddr, tfjsonpath.New("projects"), setCheck(swapped...)),
				},
			},
		},
	})
}

// TestAccImageShareResource_memberListedTwice: a member that IMS lists
// twice is counted once, with a warning, instead of failing the set.
func TestAccImageShareResource_memberListedTwice(t *testing.T) {
	a := newTestAccount(t)
	p0 := testRecipientProject(0)
	a.emu.SetMembers(testProject, testImage, []emulator.Member{acceptedMember(p0), acceptedMember(p0)})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: a.providerConfig() + testAccImageShareConfig(testImage, []string{p0}, nil),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(shareAddr, tfjsonpath.New("projects"), setCheck(p0)),
				statecheck.ExpectKnownValue(shareAddr, tfjsonpath.New("members"), knownvalue.ListSizeExact(1)),
			},
		}},
	})
}

// TestAccImageShareResource_writeAdvice: what a failed write says is the
// write's: a stalled add names timeouts.create on the resource, a 403 the
// permission that sharing needs.
func TestAccImageShareResource_writeAdvice(t *testing.T) {
	a := newTestAccount(t)
	a.emu.SetImage(testProject, testImage, emulator.ImageOptions{})
	a.emu.SlowDelay = time.Minute
	config := func(extra ...string) string {
		return a.providerConfig() + testAccImageShareConfig(testImage, []string{testRecipientProject(0)}, nil, extra...)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{
				PreConfig:   func() { a.emu.FailFirst(emulator.TargetWrites, emulator.FaultSlow) },
				Config:      config(`timeouts { create = "3s" }`),
				ExpectError: errRe("Timed out during the create of ims_image_share", `timeouts { create = "..." } on ims_image_share`),
			},
			{
				PreConfig:   func() { a.emu.FailAlways(emulator.TargetWrites, emulator.FaultForbidden) },
				Config:      config(),
				ExpectError: errRe("Permission denied by IMS", "The create of ims_image_share", "ims:images:share"),
			},
		},
	})
	expectMembers(t, a, testImage)
}

// TestAccImageShareResource_successIsNotProof: a job that reports SUCCESS
// without making its change fails the operation, naming the member and the
// job, under create and destroy; state stays equal to IMS.
func TestAccImageShareResource_successIsNotProof(t *testing.T) {
	a := newTestAccount(t)
	a.emu.SetImage(testProject, testImage, emulator.ImageOptions{})
	p0, p1 := testRecipientProject(0), testRecipientProject(1)
	config := a.providerConfig() + testAccImageShareConfig(testImage, []string{p0, p1}, nil)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{
				PreConfig:   func() { a.emu.SkipInJobs(p1) },
				Config:      config,
				ExpectError: errRe("IMS did not make the sharing change", "reported job", "not added: project "+p1, "per-image results", "image "+testImage+": fail"),
			},
			{
				// Nothing was recorded: the next create adopts p0, and
				// p1's add is skipped again.
				PreConfig:   func() { expectMembers(t, a, testImage, p0) },
				Config:      config,
				ExpectError: errRe("IMS did not make the sharing change", "not added: project "+p1),
			},
			{
				Config: a.providerConfig() + testAccImageShareConfig(testImage, []string{p0}, nil),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(shareAddr, tfjsonpath.New("projects"), setCheck(p0)),
				},
			},
			{
				PreConfig:   func() { a.emu.SkipInJobs(p0) },
				Config:      a.providerConfig() + testAccImageShareConfig(testImage, []string{p0}, nil),
				Destroy:     true,
				ExpectError: errRe("IMS did not make the sharing change", "The delete of ims_image_share", "not removed: project "+p0),
			},
			{
				PreConfig: func() {
					expectMembers(t, a, testImage, p0)
					a.emu.DeleteImage(testProject, testImage)
				},
				Config: a.providerConfig(),
			},
		},
	})
}

// TestAccImageShareResource_notFoundReadings: an image deleted outside
// Terraform is removed from state under each reading of IMS's not-found
// answer (404 or 400 with IMG.0027; a bare 404, confirmed by the image
// list), and a destroy of an image already gone succeeds.
func TestAccImageShareResource_notFoundReadings(t *testing.T) {
	for name, style := range map[string]emulator.NotFoundStyle{
		"404": emulator.NotFound404, "400": emulator.NotFound400, "bare404": emulator.NotFoundBare,
	} {
		t.Run(name, func(t *testing.T) {
			a := newTestAccount(t)
			a.emu.SetImage(testProject, testImage, emulator.ImageOptions{})
			a.emu.SetReadings(emulator.Readings{NotFound: style})
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
					{
						PreConfig: func() { a.emu.SetImage(testProject, testImage, emulator.ImageOptions{}) },
						Config:    config,
					},
					{
						// Gone between the refresh and the write of the
						// destroy: the destroy counts it as deleted.
						PreConfig: func() {
							a.emu.BeforeWrite(func() { a.emu.DeleteImage(testProject, testImage) })
						},
						Config:  config,
						Destroy: true,
					},
				},
			})
		})
	}
}

// TestAccImageShareResource_changedDuringApply: a member added by someone
// else while an update's job runs fails the update with the provider's own
// error naming it, and state holds what IMS holds (the next plan shows the
// member's removal), never Terraform's "inconsistent result".
func TestAccImageShareResource_changedDuringApply(t *testing.T) {
	a := newTestAccount(t)
	a.emu.SetImage(testProject, testImage, emulator.ImageOptions{})
	p0, p1, intruder := testRecipientProject(0), testRecipientProject(1), testRecipientProject(7)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{Config: a.providerConfig() + testAccImageShareConfig(testImage, []string{p0}, nil)},
			{
				PreConfig: func() {
					a.emu.BeforeWrite(func() {
						a.emu.SetMembers(testProject, testImage, append(a.emu.Members(testProject, testImage), acceptedMember(intruder)))
					})
				},
				Config:      a.providerConfig() + testAccImageShareConfig(testImage, []string{p0, p1}, nil),
				ExpectError: errRe("Image sharing changed by someone else during the apply", "it also holds project "+intruder),
			},
			{
				PreConfig: func() { a.emu.BeforeWrite(nil) },
				Config:    a.providerConfig() + testAccImageShareConfig(testImage, []string{p0, p1}, nil),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(shareAddr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(shareAddr, tfjsonpath.New("projects"), setCheck(p0, p1)),
				},
			},
		},
	})
}

// TestAccImageShareResource_otherProject: a provider that works as another
// project than the one a share was recorded for is refused by name,
// instead of reading the image there, being told it does not exist, and
// dropping the resource while the image stays shared.
func TestAccImageShareResource_otherProject(t *testing.T) {
	a := newTestAccount(t)
	a.emu.SetImage(testProject, testImage, emulator.ImageOptions{})
	p0 := testRecipientProject(0)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{
				Config: a.providerConfig() + testAccImageShareConfig(testImage, []string{p0}, nil),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(shareAddr, tfjsonpath.New("owner_project_id"), knownvalue.StringExact(testProject)),
				},
			},
			{
				Config: testAccProviderConfig(hclArg("region", testRegion), hclArg("project_id", testProjectB), hclArg("access_key", a.accessKey),
					hclArg("secret_key", a.secretKey), hclArg("endpoint", a.emu.URL())) + testAccImageShareConfig(testImage, []string{p0}, nil),
				PlanOnly:    true,
				ExpectError: errRe("Image recorded for another project", testProject, testProjectB, "nothing was read or changed"),
			},
			emptyPlanStep(a.providerConfig()+testAccImageShareConfig(testImage, []string{p0}, nil), func() { expectMembers(t, a, testImage, p0) }),
		},
	})
}

// TestAccImageShareResource_throttledJobPolls: a dozen throttled polls
// (429 with Retry-After) of a job do not end the wait while the
// operation's time limit lasts: the poll is tried again until the job
// ends, and the create succeeds.
func TestAccImageShareResource_throttledJobPolls(t *testing.T) {
	a := newTestAccount(t)
	a.emu.SetImage(testProject, testImage, emulator.ImageOptions{})
	a.emu.SetJobDelay(3 * time.Second)
	throttled := make([]emulator.FaultKind, 8)
	for i := range throttled {
		throttled[i] = emulator.Fault429
	}
	a.emu.FailFirst(emulator.TargetJobs, throttled...)
	p0 := testRecipientProject(0)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: a.providerConfig("max_retries = 1") + testAccImageShareConfig(testImage, []string{p0}, nil),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(shareAddr, tfjsonpath.New("projects"), setCheck(p0)),
			},
		}},
	})
	if n := a.emu.JobPolls(); n <= len(throttled) {
		t.Errorf("%d polls of the job, want more than the %d throttled ones", n, len(throttled))
	}
}
