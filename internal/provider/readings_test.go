package provider

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

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
					testAccImageShareMemberConfigOn("org", other, hclArg("organization_urn", root))
			}
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviders,
				CheckDestroy:             checkUnshared(a, testImage, other),
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

// TestAccReadings_sharedTypeAcceptedOnly: pending and rejected shares are
// found by ims_incoming_image_shares and by the accepter's fallback (its own
// member read refused), whether or not IMS lists them as
// __imagetype=shared (ims_03_0602 words it "and you have accepted"): a
// rejected accepter stays in state, rejected.
func TestAccReadings_sharedTypeAcceptedOnly(t *testing.T) {
	for name, acceptedOnly := range map[string]bool{"every share": false, "accepted only": true} {
		t.Run(name, func(t *testing.T) {
			a := newTestAccount(t)
			a.emu.SetReadings(emulator.Readings{SharedTypeAcceptedOnly: acceptedOnly, RecipientRead: 403})
			recipient := testRecipientProject(0)
			for i, status := range []string{"pending", "accepted", "rejected"} {
				m := emulator.NewMember(listImageID(700+i), "project", status, "r", time.Now())
				m.MemberID = recipient
				a.emu.SetImage(testProject, listImageID(700+i), emulator.ImageOptions{CreatedAt: fmt.Sprintf("2024-0%d-01T00:00:00Z", i+1)})
				a.emu.SetMembers(testProject, listImageID(700+i), []emulator.Member{m})
			}
			ds := "data.ims_incoming_image_shares.all"
			config := a.recipientProviderConfig() + testAccIncomingConfig("all") +
				testAccImageShareAccepterConfig(listImageID(702), hclArg("status", "rejected"))
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviders,
				Steps: []resource.TestStep{
					{
						Config: config,
						ConfigStateChecks: []statecheck.StateCheck{
							statecheck.ExpectKnownValue(ds, tfjsonpath.New("ids"), idList(listImageID(702), listImageID(701), listImageID(700))),
							statecheck.ExpectKnownValue(accepterAddr, tfjsonpath.New("status"), knownvalue.StringExact("rejected")),
						},
					},
					{Config: config, PlanOnly: true},
				},
			})
		})
	}
}

// TestAccReadings_sharedTypeAcceptedOnlyList: the accepter list resource
// finds pending and rejected shares under both readings of __imagetype.
func TestAccReadings_sharedTypeAcceptedOnlyList(t *testing.T) {
	for name, acceptedOnly := range map[string]bool{"every share": false, "accepted only": true} {
		t.Run(name, func(t *testing.T) {
			a := newTestAccount(t)
			a.emu.SetReadings(emulator.Readings{SharedTypeAcceptedOnly: acceptedOnly})
			for i, status := range []string{"pending", "accepted", "rejected"} {
				m := emulator.NewMember(listImageID(700+i), "project", status, "r", time.Now())
				m.MemberID = testRecipientProject(0)
				a.emu.SetMembers(testProject, listImageID(700+i), []emulator.Member{m})
			}
			queryTest(t, resource.TestStep{
				Config: a.recipientProviderConfig() + testAccImageShareAccepterListConfig("all"),
				QueryResultChecks: []querycheck.QueryResultCheck{
					querycheck.ExpectLength("ims_image_share_accepter.all", 3),
				},
			})
		})
	}
}

// TestAccReadings_capCode: a full-ECS image shared with its ten tenants
// swaps one for another in one apply, whether IMS refuses the per-image
// cap with IMG.0088 or with another code (no page names it): the provider
// predicts the cap from the members and the image list's __whole_image and
// removes first. Past the cap, an add names IMS's code and the advice
// gives both meanings of IMG.0088.
func TestAccReadings_capCode(t *testing.T) {
	for _, code := range []string{"IMG.0088", "IMG.0112"} {
		t.Run(code, func(t *testing.T) {
			a := newTestAccount(t)
			a.emu.SetReadings(emulator.Readings{CapCode: code})
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
					{
						Config:      a.providerConfig() + testAccImageShareConfig(testImage, append(slices.Clone(swapped), testRecipientProject(11)), nil),
						ExpectError: errRe(code),
					},
				},
			})
		})
	}
}

// TestAccReadings_recipientReadCode: the accepter plans, accepts, rejects
// and drops a withdrawn share when IMS refuses the recipient's read of its
// own membership with any code (403 IMG.0106, 400 IMG.0114 "Failed to query
// the tenant details"): the image list decides.
func TestAccReadings_recipientReadCode(t *testing.T) {
	for name, r := range map[string]emulator.Readings{
		"403 IMG.0106": {RecipientRead: 403},
		"400 IMG.0114": {RecipientRead: 400, RecipientReadCode: "IMG.0114"},
		"400 IMG.0001": {RecipientRead: 400, RecipientReadCode: "IMG.0001"},
	} {
		t.Run(name, func(t *testing.T) {
			a := newTestAccount(t)
			shareWithRecipient(a)
			a.emu.SetReadings(r)
			config := func(status string) string {
				return a.recipientProviderConfig() + testAccImageShareAccepterConfig(testImage, hclArg("status", status))
			}
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviders,
				Steps: []resource.TestStep{
					{
						Config: config("accepted"),
						ConfigStateChecks: []statecheck.StateCheck{
							statecheck.ExpectKnownValue(accepterAddr, tfjsonpath.New("status"), knownvalue.StringExact("accepted")),
						},
					},
					{
						Config: config("rejected"),
						ConfigStateChecks: []statecheck.StateCheck{
							statecheck.ExpectKnownValue(accepterAddr, tfjsonpath.New("status"), knownvalue.StringExact("rejected")),
						},
					},
					{
						PreConfig:          func() { a.emu.SetMembers(testProject, testImage, []emulator.Member{}) },
						Config:             config("rejected"),
						PlanOnly:           true,
						ExpectNonEmptyPlan: true,
					},
				},
			})
		})
	}
}

// TestAccReadings_omitEmptyMembers: an image never shared is read, shared
// for the first time (ims_image_share, ims_image_share_member) and
// unshared whether IMS answers its empty members list with "members": []
// or leaves the key out (the SDK marks it omitempty).
func TestAccReadings_omitEmptyMembers(t *testing.T) {
	for name, omit := range map[string]bool{"empty array": false, "omitted": true} {
		t.Run(name, func(t *testing.T) {
			a := newTestAccount(t)
			a.emu.SetReadings(emulator.Readings{OmitEmptyMembers: omit})
			other, empty := listImageID(25), listImageID(26)
			for _, img := range []string{testImage, other, empty} {
				a.emu.SetImage(testProject, img, emulator.ImageOptions{})
			}
			p0 := testRecipientProject(0)
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviders,
				CheckDestroy:             checkUnshared(a, testImage, other),
				Steps: []resource.TestStep{{
					Config: a.providerConfig() + testAccImageShareConfig(testImage, []string{p0}, nil) +
						testAccImageShareMemberConfigOn("p0", other, hclArg("project_id", p0)) + testAccImageMembersConfig("empty", empty),
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue(shareAddr, tfjsonpath.New("projects"), setCheck(p0)),
						statecheck.ExpectKnownValue(memberAddr("p0"), tfjsonpath.New("status"), knownvalue.StringExact("pending")),
						statecheck.ExpectKnownValue("data.ims_image_members.empty", tfjsonpath.New("members"), knownvalue.ListSizeExact(0)),
					},
				}},
			})
		})
	}
}

// TestAccReadings_orgMemberIDURN: organizations shared by ims_image_share
// and ims_image_share_member plan no change after apply, import by their
// bare ID, are found by ims_image_shares' member_ids and are removed,
// whether IMS lists an organization's member_id as the URN's last segment
// or as the whole URN.
func TestAccReadings_orgMemberIDURN(t *testing.T) {
	for name, whole := range map[string]bool{"last segment": false, "whole URN": true} {
		t.Run(name, func(t *testing.T) {
			a := newTestAccount(t)
			a.emu.SetReadings(emulator.Readings{OrgMemberIDURN: whole})
			other := listImageID(27)
			a.emu.SetImage(testProject, testImage, emulator.ImageOptions{})
			a.emu.SetImage(testProject, other, emulator.ImageOptions{})
			ou := fmt.Sprintf("organizations::%s:ou:o-abc123/ou-def456", testDomain)
			root := fmt.Sprintf("organizations::%s:root:o-abc123/r-ghi789", testDomain)
			config := func(orgs ...string) string {
				return a.providerConfig() + testAccImageShareConfig(testImage, nil, nil, hclListArg("organizations", orgs...)) +
					testAccImageShareMemberConfigOn("org", other, hclArg("organization_urn", root)) +
					"data \"ims_image_shares\" \"by_org\" {\n  member_ids = [\"ou-def456\"]\n  depends_on = [ims_image_share.test]\n}\n"
			}
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviders,
				CheckDestroy:             checkUnshared(a, testImage, other),
				Steps: []resource.TestStep{
					{
						Config: config(ou, root),
						ConfigStateChecks: []statecheck.StateCheck{
							statecheck.ExpectKnownValue(shareAddr, tfjsonpath.New("organizations"), setCheck(ou, root)),
							statecheck.ExpectKnownValue(memberAddr("org"), tfjsonpath.New("member_id"), knownvalue.StringExact("r-ghi789")),
							statecheck.ExpectKnownValue(memberAddr("org"), tfjsonpath.New("organization_urn"), knownvalue.StringExact(root)),
							statecheck.ExpectKnownValue("data.ims_image_shares.by_org", tfjsonpath.New("images"), knownvalue.ListSizeExact(1)),
						},
					},
					{Config: config(ou, root), PlanOnly: true},
					{
						ResourceName:            memberAddr("org"),
						ImportState:             true,
						ImportStateId:           other + "/r-ghi789",
						ImportStateVerify:       true,
						ImportStateVerifyIgnore: []string{"timeouts"},
					},
					{Config: config(root)},
				},
			})
		})
	}
}

// TestAccReadings_jobCodes: a write refused (or a job failed) with a code
// the error-code table lists shows its advice through the CLI, and never
// claims that the table lacks the code.
func TestAccReadings_jobCodes(t *testing.T) {
	for code, want := range map[string]string{
		"IMG.0107": "Marketplace image", "IMG.0114": "Failed to query the tenant details", "IMG.0113": "no specific advice",
	} {
		t.Run(code, func(t *testing.T) {
			a := newTestAccount(t)
			a.emu.SetImage(testProject, testImage, emulator.ImageOptions{})
			a.emu.FailJobs(testImage, code, "refused")
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviders,
				Steps: []resource.TestStep{{
					Config:      a.providerConfig() + testAccImageShareConfig(testImage, []string{testRecipientProject(0)}, nil),
					ExpectError: errRe(code, want),
				}},
			})
		})
	}
}

// TestAccReadings_rawMemberMarker: an image of more than one members page
// (the provider asks for 1000) is read in full whether IMS sends
// page_info.next_marker as Base64 or as the last member's ID itself
// (ims_03_0661 describes the field as an ID and requires the marker
// parameter to be Base64): the provider encodes a marker that is not the
// Base64 of an ID, a hex ID like the one at the page boundary here
// included.
func TestAccReadings_rawMemberMarker(t *testing.T) {
	for name, raw := range map[string]bool{"base64": false, "raw": true} {
		t.Run(name, func(t *testing.T) {
			a := newTestAccount(t)
			a.emu.SetReadings(emulator.Readings{RawMemberMarker: raw})
			members := emulator.GenerateMembers(testImage, 1001)
			for i := range members {
				members[i].MemberID = testRecipientProject(1000 + i)
			}
			members[1000].MemberID = "ou-def456"
			a.emu.SetMembers(testProject, testImage, members)
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviders,
				Steps: []resource.TestStep{{
					Config: a.providerConfig() + testAccImageMembersConfig("all", testImage),
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue("data.ims_image_members.all", tfjsonpath.New("member_ids"), idsCheck(members)),
					},
				}},
			})
		})
	}
}

// TestAccReadings_ownSharedVisible: a project that both shares its own
// images and receives shares finds each where it belongs, whether IMS
// lists its own shared images with visibility private or shared (and so
// in its visibility=shared queries, whatever member_status): the owner's
// inventory keeps images whose owner is the project, the recipient's
// listings drop them.
func TestAccReadings_ownSharedVisible(t *testing.T) {
	for name, visible := range map[string]bool{"private": false, "shared": true} {
		t.Run(name, func(t *testing.T) {
			a := newTestAccount(t)
			a.emu.SetReadings(emulator.Readings{OwnSharedVisible: visible})
			recipient := testRecipientProject(0)
			for i, status := range []string{"pending", "accepted"} {
				m := emulator.NewMember(listImageID(800+i), "project", status, "r", time.Now())
				m.MemberID = recipient
				a.emu.SetImage(testProject, listImageID(800+i), emulator.ImageOptions{CreatedAt: fmt.Sprintf("2024-0%d-01T00:00:00Z", i+1)})
				a.emu.SetMembers(testProject, listImageID(800+i), []emulator.Member{m})
			}
			// The recipient's own image, shared with another project.
			own := emulator.NewMember(listImageID(810), "project", "accepted", "o", time.Now())
			own.MemberID = testRecipientProject(1)
			a.emu.SetImage(recipient, listImageID(810), emulator.ImageOptions{})
			a.emu.SetMembers(recipient, listImageID(810), []emulator.Member{own})
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviders,
				Steps: []resource.TestStep{{
					Config: a.recipientProviderConfig() + testAccIncomingConfig("all") +
						testAccIncomingConfig("accepted", hclArg("status", "accepted")) + testAccImageSharesConfig("own"),
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue("data.ims_incoming_image_shares.all", tfjsonpath.New("ids"), idList(listImageID(801), listImageID(800))),
						statecheck.ExpectKnownValue("data.ims_incoming_image_shares.accepted", tfjsonpath.New("ids"), idList(listImageID(801))),
						statecheck.ExpectKnownValue("data.ims_image_shares.own", tfjsonpath.New("ids"), idList(listImageID(810))),
					},
				}},
			})
		})
	}
}

// TestAccReadings_nonMemberRemoval: an update and a destroy whose members
// are removed behind Terraform's back between the plan and the write end
// with the members gone, whether IMS ignores a removal that names a
// non-member, refuses it with IMG.0113 or fails its job with IMG.0113
// (both refusals remove no one, so the members still listed are removed
// alone), for ims_image_share and ims_image_share_member.
func TestAccReadings_nonMemberRemoval(t *testing.T) {
	for name, reading := range map[string]emulator.NonMemberRemovalReading{
		"ignored": emulator.NonMemberIgnored, "refused": emulator.NonMemberRefused, "job fails": emulator.NonMemberJobFails,
	} {
		t.Run(name, func(t *testing.T) {
			a := newTestAccount(t)
			a.emu.SetReadings(emulator.Readings{NonMemberRemoval: reading})
			other := listImageID(28)
			a.emu.SetImage(testProject, testImage, emulator.ImageOptions{})
			a.emu.SetImage(testProject, other, emulator.ImageOptions{})
			p := func(i int) string { return testRecipientProject(i) }
			// dropBeforeWrites removes members of an image before each
			// later write, as someone else would between plan and apply.
			dropBeforeWrites := func(drops map[string][]string) {
				a.emu.BeforeWrite(func() {
					for img, ids := range drops {
						ms := a.emu.Members(testProject, img)
						a.emu.SetMembers(testProject, img, slices.DeleteFunc(ms, func(m emulator.Member) bool { return slices.Contains(ids, m.MemberID) }))
					}
				})
			}
			config := func(projects ...string) string {
				return a.providerConfig() + testAccImageShareConfig(testImage, projects, nil) +
					fmt.Sprintf("resource \"ims_image_share_member\" \"m\" {\n  image_id = %q\n  project_id = %q\n}\n", other, p(4))
			}
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviders,
				CheckDestroy:             checkUnshared(a, testImage, other),
				Steps: []resource.TestStep{
					{Config: config(p(0), p(1), p(2), p(3))},
					{
						PreConfig: func() { dropBeforeWrites(map[string][]string{testImage: {p(1)}}) },
						Config:    config(p(0), p(3)),
						ConfigStateChecks: []statecheck.StateCheck{
							statecheck.ExpectKnownValue(shareAddr, tfjsonpath.New("projects"), setCheck(p(0), p(3))),
						},
						Check: func(*terraform.State) error {
							expectMembers(t, a, testImage, p(0), p(3))
							// The destroy's removals find p0 and p4 gone.
							dropBeforeWrites(map[string][]string{testImage: {p(0)}, other: {p(4)}})
							return nil
						},
					},
				},
			})
		})
	}
}
