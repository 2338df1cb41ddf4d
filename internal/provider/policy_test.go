package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/terraform-ims/terraform-provider-ims/internal/emulator"
)

// TestOrganizationAllows: an organization allows its root and every unit,
// a root every unit of its organization, a unit its nested units; nothing
// of another organization, and a bare ID only as the URN's own segment.
func TestOrganizationAllows(t *testing.T) {
	const acct = "organizations::0a1b2c3d4e5f4a5b8c7d6e5f4a3b2c1d:"
	org, root := acct+"organization:o-abc", acct+"root:o-abc/r-r1"
	unit, nested := acct+"ou:o-abc/ou-a", acct+"ou:o-abc/ou-a/ou-b"
	other := acct + "ou:o-zzz/ou-a"
	for _, tc := range []struct {
		allowed, member string
		want            bool
	}{
		{org, org, true}, {org, root, true}, {org, unit, true}, {org, nested, true}, {org, other, false},
		{root, root, true}, {root, unit, true}, {root, nested, true}, {root, org, false},
		{unit, unit, true}, {unit, nested, true}, {unit, acct + "ou:o-abc/ou-c", false}, {unit, root, false}, {unit, org, false},
		{nested, unit, false}, {unit, "ou-a", true}, {unit, "ou-b", false}, {org, "o-abc", true},
	} {
		if got := organizationAllows(tc.allowed, tc.member); got != tc.want {
			t.Errorf("organizationAllows(%q, %q) = %v, want %v", tc.allowed, tc.member, got, tc.want)
		}
	}
}

// TestPolicyFromJSON: the variable's elements are validated by name and
// place; unknown keys and non-JSON are refused.
func TestPolicyFromJSON(t *testing.T) {
	for _, tc := range []struct{ raw, want string }{
		{`{"allowed_projects": ["0a1b2c3d4e5f4a5b8c7d6e5f4a3b2c1d", "BAD"]}`, `allowed_projects[1] = "BAD" must be a project ID`},
		{`{"allowed_organizations": ["o-abc"]}`, `allowed_organizations[0] = "o-abc" must be an organization URN`},
		{`{"allowed_people": []}`, `the key "allowed_people"`},
		{`not json`, "must be a JSON object"},
	} {
		_, diags := policyFromJSON(tc.raw)
		text := ""
		for _, d := range diags {
			text += d.Summary() + ": " + d.Detail() + "\n"
		}
		if !strings.Contains(text, tc.want) || !strings.Contains(text, policyEnv) {
			t.Errorf("%s: got %q, want %q naming %s", tc.raw, text, tc.want, policyEnv)
		}
	}
	if src, diags := policyFromJSON(`{"allowed_projects": null}`); diags.HasError() || src.lists[kindProject] != nil {
		t.Errorf("null must leave its kind unbounded, as an unset argument in HCL: %+v %v", src, diags)
	}
	src, diags := policyFromJSON(`{"allowed_domains": []}`)
	if diags.HasError() || src.lists[kindDomain] == nil || len(*src.lists[kindDomain]) != 0 || src.lists[kindProject] != nil {
		t.Errorf("an empty list must forbid its kind and leave the others unbounded: %+v %v", src, diags)
	}
}

// testAccPolicyBlock is a provider sharing_policy block with the given
// argument lines.
func testAccPolicyBlock(lines ...string) string {
	return "sharing_policy {\n    " + strings.Join(lines, "\n    ") + "\n  }"
}

// TestAccSharingPolicy_refusedAtPlan: a member outside the policy is
// refused at plan time, naming it, its attribute and the policy, with no
// request sent, for each kind and both share resources; a unit under an
// allowed organization is allowed.
func TestAccSharingPolicy_refusedAtPlan(t *testing.T) {
	a := newTestAccount(t)
	a.emu.SetImage(testProject, testImage, emulator.ImageOptions{})
	p0, p1 := testRecipientProject(0), testRecipientProject(1)
	orgURN := fmt.Sprintf("organizations::%s:organization:o-abc123", testDomain)
	unit := fmt.Sprintf("organizations::%s:ou:o-abc123/ou-def456", testDomain)
	policy := a.providerConfig(testAccPolicyBlock(hclListArg("allowed_projects", p0), "allowed_domains = []",
		hclListArg("allowed_organizations", orgURN)))
	refused := func(config string, want ...string) resource.TestStep {
		return resource.TestStep{Config: policy + config, PlanOnly: true,
			ExpectError: errRe(append([]string{"Member outside the sharing policy"}, want...)...)}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			refused(testAccImageShareConfig(testImage, []string{p0, p1}, nil), "ims_image_share projects", "project "+p1,
				"the provider's sharing_policy block does not allow it", "allowed_projects"),
			refused(testAccImageShareConfig(testImage, nil, []string{testRecipientDomain}), "domains", "account "+testRecipientDomain),
			refused(testAccImageShareMemberConfig("m", hclArg("organization_urn", strings.Replace(orgURN, "o-abc123", "o-zzz999", 1))),
				"ims_image_share_member organization_urn", "o-zzz999"),
			refused(testAccImageShareMemberConfig("m", hclArg("project_id", p1)), "ims_image_share_member project_id", p1),
		},
	})
	if n := a.emu.Requests(); n != 0 {
		t.Errorf("%d requests, want none", n)
	}
	// The same test's second case (ParallelTest marks a test once).
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: policy + testAccImageShareConfig(testImage, []string{p0}, nil, hclListArg("organizations", unit)),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(shareAddr, tfjsonpath.New("organizations"), setCheck(unit)),
			},
		}},
	})
}

// TestAccSharingPolicy_unknownAtPlanAndRemoval: a member known only at
// apply is refused before the write; a member outside the policy that
// already exists can be removed.
func TestAccSharingPolicy_unknownAtPlanAndRemoval(t *testing.T) {
	a := newTestAccount(t)
	a.emu.SetImage(testProject, testImage, emulator.ImageOptions{})
	p0, p1 := testRecipientProject(0), testRecipientProject(1)
	policy := a.providerConfig(testAccPolicyBlock(hclListArg("allowed_projects", p0)))
	later := fmt.Sprintf("resource \"terraform_data\" \"id\" {\n  input = %q\n}\n", p1)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{
				Config:      policy + later + testAccImageShareConfig(testImage, nil, nil, "projects = [terraform_data.id.output]"),
				ExpectError: errRe("Member outside the sharing policy", "project "+p1, "Nothing was sent to IMS"),
			},
			{
				PreConfig: func() {
					expectMembers(t, a, testImage)
					if n := a.emu.Writes(); n != 0 {
						t.Errorf("%d writes, want none", n)
					}
				},
				// Shared before the policy was set.
				Config: a.providerConfig() + testAccImageShareConfig(testImage, []string{p0, p1}, nil),
			},
			{
				Config: policy + testAccImageShareConfig(testImage, []string{p0}, nil),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(shareAddr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(shareAddr, tfjsonpath.New("projects"), setCheck(p0)),
				},
			},
		},
	})
}

// TestAccSharingPolicy_badElement: a policy element that is not an ID or
// a URN is refused at plan time, naming it.
func TestAccSharingPolicy_badElement(t *testing.T) {
	a := newTestAccount(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: a.providerConfig(testAccPolicyBlock(`allowed_organizations = ["o-abc123"]`)) +
				testAccImageShareConfig(testImage, []string{testRecipientProject(0)}, nil),
			PlanOnly:    true,
			ExpectError: errRe("sharing_policy.allowed_organizations", "must be an organization URN"),
		}},
	})
}

// TestAccSharingPolicy_accepterOwner: accepting an image whose owner
// allowed_owners does not list is refused before any write; rejecting it
// is allowed.
func TestAccSharingPolicy_accepterOwner(t *testing.T) {
	a := newTestAccount(t)
	a.emu.SetImage(testProject, testImage, emulator.ImageOptions{})
	shareWithRecipient(a)
	policy := a.recipientProviderConfig()
	policy = strings.TrimSuffix(policy, "}\n") + "  " + testAccPolicyBlock(hclListArg("allowed_owners", testRecipientProject(9))) + "\n}\n"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{
				Config:      policy + testAccImageShareAccepterConfig(testImage),
				ExpectError: errRe("Image owner outside the sharing policy", "project "+testProject, "allowed_owners", "Nothing was sent to IMS"),
			},
			{
				PreConfig: func() {
					if s := recipientStatus(a); s != "pending" {
						t.Errorf("the recipient's status is %q, want pending: something was written", s)
					}
				},
				Config: policy + testAccImageShareAccepterConfig(testImage, hclArg("status", "rejected")),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(accepterAddr, tfjsonpath.New("status"), knownvalue.StringExact("rejected")),
				},
			},
		},
	})
}

// TestAccSharingPolicy_bothSources: with the block and the variable both
// set, a member must be allowed by both: the narrower wins. Serial: it
// sets HW_IMS_SHARING_POLICY.
func TestAccSharingPolicy_bothSources(t *testing.T) {
	a := newTestAccount(t)
	a.emu.SetImage(testProject, testImage, emulator.ImageOptions{})
	p0, p1 := testRecipientProject(0), testRecipientProject(1)
	t.Setenv(policyEnv, fmt.Sprintf(`{"allowed_projects": [%q]}`, p0))
	wide := a.providerConfig(testAccPolicyBlock(hclListArg("allowed_projects", p0, p1)))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{
				Config:      wide + testAccImageShareConfig(testImage, []string{p0, p1}, nil),
				PlanOnly:    true,
				ExpectError: errRe("Member outside the sharing policy", "project "+p1, policyEnv+" does not allow it"),
			},
			{
				PreConfig:   func() { t.Setenv(policyEnv, `{"allowed_projects": ["BAD"]}`) },
				Config:      wide + testAccImageShareConfig(testImage, []string{p0}, nil),
				PlanOnly:    true,
				ExpectError: errRe("Invalid "+policyEnv, `allowed_projects[0] = "BAD"`),
			},
		},
	})
}

// withPolicy is a provider block with a sharing_policy block of lines
// added inside it.
func withPolicy(provider string, lines ...string) string {
	return strings.TrimSuffix(provider, "}\n") + "  " + testAccPolicyBlock(lines...) + "\n}\n"
}

// TestAccSharingPolicy_actions: ims_share_image refuses a member outside
// the policy when the action is planned, before any request to an image;
// ims_accept_image_shares skips an image whose owner allowed_owners does
// not list, with a warning naming it, and accepts the others.
func TestAccSharingPolicy_actions(t *testing.T) {
	t.Parallel()
	a := newTestAccount(t)
	images := offerImages(a, emulator.ImageOptions{}, "pending")
	p1 := testRecipientProject(1)
	w := newActionWorkspace(t, withPolicy(a.providerConfig(), hclListArg("allowed_projects", testRecipientProject(0)))+
		testAccActionConfig("ims_share_image", "x", "image_ids = "+hclList(images), "projects = "+hclList([]string{p1})))
	seq := lastSeq(a.emu)
	out := w.invokeFailing("ims_share_image.x")
	if !errRe("Member outside the sharing policy", "project "+p1, "sharing_policy block").MatchString(out) {
		t.Errorf("the share was not refused by the policy:\n%s", out)
	}
	if got := writesServed(a.emu, seq); len(got) != 0 {
		t.Errorf("the refused share wrote %v", got)
	}
	w = newActionWorkspace(t, withPolicy(a.recipientProviderConfig(), hclListArg("allowed_owners", testRecipientProject(9)))+
		testAccActionConfig("ims_accept_image_shares", "x"))
	out = w.invoke("ims_accept_image_shares.x")
	if !errRe("Image owner outside the sharing policy", images[0], "project "+testProject).MatchString(out) {
		t.Errorf("no warning names the skipped image:\n%s", out)
	}
	if s := recipientStatusOf(a, images[0]); s != "pending" {
		t.Errorf("the image of an unlisted owner is %q, want pending", s)
	}
}
