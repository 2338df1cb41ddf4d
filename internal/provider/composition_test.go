package provider

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/terraform-ims/terraform-provider-ims/internal/devcli"
	"github.com/terraform-ims/terraform-provider-ims/internal/emulator"
)

// TestCompositionGuard: the guard refuses, in whichever order the plans
// reach it, what Terraform cannot apply without losing a member, and lets
// a replacement's two plans and a create_before_destroy apply through.
func TestCompositionGuard(t *testing.T) {
	share := func(ids ...string) holding {
		return holding{kind: holdAll, typeName: "ims_image_share", members: members{kindProject: ids}}
	}
	member := func(id string) holding {
		return holding{kind: holdMember, typeName: "ims_image_share_member", members: members{kindProject: {id}}}
	}
	accepter := holding{kind: holdStatus, typeName: "ims_image_share_accepter", status: "accepted"}
	rejecter := holding{kind: holdStatus, typeName: "ims_image_share_accepter", status: "rejected"}
	const p, q = "5a5a0000000000000000000000000000", "5a5a0000000000000000000000000001"
	type step struct {
		obj   plannedObject
		claim bool // an apply of obj succeeded before the next plan
	}
	tests := []struct {
		name  string
		steps []step
		want  string // a fragment of the refusal, "" for none
	}{
		{"share renamed", []step{{obj: plannedObject{action: planDestroy, held: share(p)}}, {obj: plannedObject{token: "n", action: planCreate, held: share(p)}}},
			"Sharing would move"},
		{"share moved to a member", []step{{obj: plannedObject{action: planDestroy, held: share(p, q)}}, {obj: plannedObject{token: "n", action: planCreate, held: member(q)}}},
			"Sharing would move"},
		{"member renamed", []step{{obj: plannedObject{action: planDestroy, held: member(p)}}, {obj: plannedObject{token: "n", action: planCreate, held: member(strings.ToUpper(p))}}},
			"Sharing would move"},
		{"accepter renamed", []step{{obj: plannedObject{action: planDestroy, held: accepter}}, {obj: plannedObject{token: "n", action: planCreate, held: accepter}}},
			"rejects the image"},
		{"member of another", []step{{obj: plannedObject{action: planDestroy, held: member(p)}}, {obj: plannedObject{token: "n", action: planCreate, held: member(q)}}}, ""},
		// Members known only at apply are left to the apply's checks.
		{"unknown members", []step{{obj: plannedObject{action: planDestroy, held: member(p)}}, {obj: plannedObject{token: "n", action: planCreate, held: holding{kind: holdMember, typeName: "ims_image_share_member", unknown: true}}}},
			""},
		{"a destroy beside one that stays", []step{{obj: plannedObject{token: "x", action: planDestroy, held: member(p)}}, {obj: plannedObject{token: "y", held: share(p, q)}}},
			"A destroy would take sharing from a resource that stays"},
		{"a destroyed accepter beside one that stays", []step{{obj: plannedObject{token: "x", action: planDestroy, held: accepter}}, {obj: plannedObject{token: "y", held: accepter}}},
			"rejects the image"},
		{"one object kept, then destroyed (a later run)", []step{{obj: plannedObject{token: "x", held: share(p)}}, {obj: plannedObject{token: "x", action: planDestroy, held: share(p)}}},
			""},
		{"replacement's two plans", []step{{obj: plannedObject{token: "r", action: planKeep, held: share(p)}}, {obj: plannedObject{token: "r", action: planCreate, held: share(p)}}}, ""},
		{"create_before_destroy apply", []step{{obj: plannedObject{token: "n", action: planCreate, held: share(p)}, claim: true}, {obj: plannedObject{action: planDestroy, held: share(p)}}}, ""},
		// terraform test (Terraform >= 1.15) keeps one provider process
		// for the plan and the apply of a run, and for later runs.
		{"terraform test's apply plans again", []step{{obj: plannedObject{token: "p", action: planCreate, held: share(p)}}, {obj: plannedObject{token: "a", action: planCreate, held: share(strings.ToUpper(p))}}}, ""},
		{"two new shares of other members", []step{{obj: plannedObject{token: "a", action: planCreate, held: share(p)}}, {obj: plannedObject{token: "b", action: planCreate, held: share(p, q)}}}, "Merge them"},
		{"share and member", []step{{obj: plannedObject{token: "a", held: share(p)}}, {obj: plannedObject{token: "b", held: member(q)}}}, "never both on one image"},
		{"two shares", []step{{obj: plannedObject{token: "a", held: share(p)}}, {obj: plannedObject{token: "b", action: planCreate, held: share(q)}}}, "Merge them"},
		// The same object planned twice in one process (terraform test
		// plans and applies with one), or two that hold exactly the same:
		// the apply's locks keep the latter apart.
		{"one member planned twice", []step{{obj: plannedObject{token: "a", action: planCreate, held: member(p)}}, {obj: plannedObject{token: "b", action: planCreate, held: member(p)}}}, ""},
		{"one share planned twice", []step{{obj: plannedObject{token: "a", action: planCreate, held: share(p)}}, {obj: plannedObject{token: "b", action: planCreate, held: share(p)}}}, ""},
		{"one share applied, then changed (a later run)", []step{{obj: plannedObject{token: "a", action: planCreate, held: share(p)}, claim: true}, {obj: plannedObject{token: "a", held: share(p, q)}}}, ""},
		{"two accepters", []step{{obj: plannedObject{token: "a", held: accepter}}, {obj: plannedObject{token: "b", held: rejecter}}}, "Keep one"},
		{"two members", []step{{obj: plannedObject{token: "a", held: member(p)}}, {obj: plannedObject{token: "b", held: member(q)}}}, ""},
		{"two destroys", []step{{obj: plannedObject{action: planDestroy, held: share(p)}}, {obj: plannedObject{action: planDestroy, held: member(p)}}}, ""},
		{"owner and recipient", []step{{obj: plannedObject{token: "a", held: share(p)}}, {obj: plannedObject{token: "b", held: accepter}}}, ""},
	}
	for _, tt := range tests {
		for _, reversed := range []bool{false, true} {
			steps := tt.steps
			if reversed {
				if tt.steps[0].claim || tt.steps[1].obj.token != "" && tt.steps[1].obj.token == tt.steps[0].obj.token {
					continue // An apply, or a later plan, comes after its plan.
				}
				steps = []step{tt.steps[1], tt.steps[0]}
			}
			var g compositionGuard
			var got string
			for _, s := range steps {
				obj := s.obj
				if d := g.plan("r/img", &obj, "img"); d != nil {
					got = d.Summary() + ": " + d.Detail()
				}
				if s.claim {
					g.applied(context.Background(), "r/img", &fakePrivate{obj.token}, obj.held)
				}
			}
			if tt.want == "" && got != "" || tt.want != "" && !strings.Contains(got, tt.want) {
				t.Errorf("%s (reversed %v): got %q, want a refusal with %q", tt.name, reversed, got, tt.want)
			}
		}
	}
}

// fakePrivate is private state holding one object's token.
type fakePrivate struct{ token string }

func (f *fakePrivate) GetKey(_ context.Context, key string) ([]byte, diag.Diagnostics) {
	if key != planTokenKey || f.token == "" {
		return nil, nil
	}
	return []byte(strconv.Quote(f.token)), nil
}

func (f *fakePrivate) SetKey(_ context.Context, _ string, value []byte) diag.Diagnostics {
	f.token, _ = strconv.Unquote(string(value))
	return nil
}

// TestCompositionGuardLaterRun: under terraform test (Terraform >= 1.15),
// one provider process plans a new ims_image_share, applies it, then, in a
// later run block, plans the object it created; the reverse order (an ims_image_share in
// state and a new one with the same members) is a second resource.
func TestCompositionGuardLaterRun(t *testing.T) {
	const p = "5a5a0000000000000000000000000000"
	share := holding{kind: holdAll, typeName: "ims_image_share", members: members{kindProject: {p}}}
	var g compositionGuard
	if d := g.plan("r/img", &plannedObject{token: "p", action: planCreate, held: share}, "img"); d != nil {
		t.Fatal(d.Detail())
	}
	// The create is applied: it keeps its token in the object's private
	// state, which the later run's plan reads.
	created := &fakePrivate{}
	g.applied(context.Background(), "r/img", created, share)
	if d := g.plan("r/img", &plannedObject{token: created.token, held: share}, "img"); d != nil {
		t.Errorf("the later run's plan was refused: %s", d.Detail())
	}
	var h compositionGuard
	_ = h.plan("r/img", &plannedObject{token: "r", held: share}, "img")
	if d := h.plan("r/img", &plannedObject{token: "n", action: planCreate, held: share}, "img"); d == nil {
		t.Error("a new ims_image_share beside one in state was not refused")
	}
}

// TestCompositionGuardKept: a Delete leaves exactly what a claim of the
// same apply holds.
func TestCompositionGuardKept(t *testing.T) {
	const p, q = "5a5a0000000000000000000000000000", "5a5a0000000000000000000000000001"
	var g compositionGuard
	g.claim("r/img", "new", holding{kind: holdAll, members: members{kindProject: {p}}})
	kept, claimed := g.kept("r/img", "old", holding{kind: holdAll, members: members{kindProject: {q, strings.ToUpper(p)}}})
	if !claimed || kept.String() != "project "+strings.ToUpper(p) {
		t.Errorf("kept %v (claimed %v), want project %s", kept, claimed, strings.ToUpper(p))
	}
	if kept, claimed := g.kept("r/other", "old", holding{kind: holdAll, members: members{kindProject: {p}}}); claimed || !kept.empty() {
		t.Errorf("another image: kept %v", kept)
	}
	if _, claimed := g.kept("r/img", "old", holding{kind: holdStatus}); claimed {
		t.Error("the owner's claim kept the recipient's status")
	}
	// An object's own claim (an earlier run of terraform test in the same
	// process created it) does not keep its Delete from removing.
	if kept, claimed := g.kept("r/img", "new", holding{kind: holdAll, members: members{kindProject: {p}}}); claimed || !kept.empty() {
		t.Errorf("the object's own claim kept %v", kept)
	}
	g.forget("r/img", "new", holding{kind: holdAll, members: members{kindProject: {p}}})
	if _, claimed := g.kept("r/img", "", holding{kind: holdAll, members: members{kindProject: {p}}}); claimed {
		t.Error("a deleted object's claim outlived its Delete")
	}
}

// compositionCase is one resource type in the composition tests: its
// configuration under a for_each key (with the extra lifecycle lines),
// how IMS is set up before, and the recipient's member to watch.
type compositionCase struct {
	name string
	// config is the type's resource "s<name>" for testImage, with the
	// lines of extra inside it.
	config func(a *testAccount, key, extra string) string
	addr   func(key string) string
	// setUp shares or prepares testImage before the first step.
	setUp func(a *testAccount)
}

func compositionCases() []compositionCase {
	p0 := testRecipientProject(0)
	// A resource renamed is, to the provider, what a for_each key
	// renamed is: the destroy of one object and the create of another
	// (terraform-plugin-testing cannot read string-keyed instances).
	addr := func(typeName string) func(string) string {
		return func(name string) string { return typeName + ".s" + name }
	}
	block := func(typeName, args string) func(a *testAccount, name, extra string) string {
		return func(a *testAccount, name, extra string) string {
			provider := a.providerConfig()
			if typeName == "ims_image_share_accepter" {
				provider = a.recipientProviderConfig()
			}
			return provider + fmt.Sprintf("resource %q \"s%s\" {\n  image_id = %q\n  %s\n%s}\n", typeName, name, testImage, args, extra)
		}
	}
	owner := func(a *testAccount) { a.emu.SetImage(testProject, testImage, emulator.ImageOptions{}) }
	return []compositionCase{
		{name: "share", config: block("ims_image_share", fmt.Sprintf("projects = [%q]", p0)), addr: addr("ims_image_share"), setUp: owner},
		{name: "member", config: block("ims_image_share_member", hclArg("project_id", p0)), addr: addr("ims_image_share_member"), setUp: owner},
		{name: "accepter", config: block("ims_image_share_accepter", ""), addr: addr("ims_image_share_accepter"), setUp: shareWithRecipient},
	}
}

// memberOf is what IMS holds for memberID on testImage, or the zero Member.
func memberOf(a *testAccount, memberID string) emulator.Member {
	for _, m := range a.emu.Members(testProject, testImage) {
		if m.MemberID == memberID {
			return m
		}
	}
	return emulator.Member{}
}

// acceptP0 has the recipient accept testImage (as it would in the
// console), and returns the member as IMS then holds it.
func acceptP0(a *testAccount) emulator.Member {
	a.emu.SetMemberStatus(testProject, testImage, testRecipientProject(0), "accepted")
	return memberOf(a, testRecipientProject(0))
}

// expectUntouched fails unless IMS holds the member exactly as before:
// accepted, and never removed and added again (a new created_at).
func expectUntouched(t *testing.T, a *testAccount, before emulator.Member) {
	t.Helper()
	if now := memberOf(a, before.MemberID); now.Status != "accepted" || now.CreatedAt != before.CreatedAt {
		t.Errorf("IMS holds %s with status %q created at %q, want it untouched: accepted, created at %q",
			before.MemberID, now.Status, now.CreatedAt, before.CreatedAt)
	}
}

// movedBlock is a moved block from one address to another.
func movedBlock(from, to string) string {
	return fmt.Sprintf("moved {\n  from = %s\n  to   = %s\n}\n", from, to)
}

// TestAccComposition_renamed: a resource (or a for_each key) renamed
// without a moved block is refused at plan time, for each type, before any write (the
// refusal comes from whichever of the create and the destroy is planned
// second; TestCompositionGuard runs both orders); with the moved block,
// the rename applies with no write and the recipient stays accepted.
func TestAccComposition_renamed(t *testing.T) {
	for _, c := range compositionCases() {
		t.Run(c.name, func(t *testing.T) {
			a := newTestAccount(t)
			c.setUp(a)
			var before emulator.Member
			writes := 0
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviders,
				Steps: []resource.TestStep{
					{Config: c.config(a, "_old", "")},
					{
						PreConfig:   func() { before, writes = acceptP0(a), a.emu.Writes() },
						Config:      c.config(a, "_new", ""),
						ExpectError: errRe("Sharing would move between two resources in one apply", "Nothing was changed", "moved {"),
					},
					{
						PreConfig: func() {
							expectUntouched(t, a, before)
							if n := a.emu.Writes(); n != writes {
								t.Errorf("the refused plan sent %d writes", n-writes)
							}
						},
						Config: c.config(a, "_new", "") + movedBlock(c.addr("_old"), c.addr("_new")),
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
							plancheck.ExpectResourceAction(c.addr("_new"), plancheck.ResourceActionNoop),
						}},
						Check: func(*terraform.State) error {
							expectUntouched(t, a, before)
							return nil
						},
					},
				},
			})
		})
	}
}

// TestAccComposition_createBeforeDestroy: a replacement with
// create_before_destroy, set on the resource or imposed by a dependent
// that has it, runs the new object's Create before the deposed object's
// Delete: the share and the accepter keep the recipient's member and its
// acceptance; the member resource refuses before any write, saying why.
func TestAccComposition_createBeforeDestroy(t *testing.T) {
	const onResource = "  lifecycle {\n    create_before_destroy = true\n    replace_triggered_by  = [terraform_data.rev]\n  }\n"
	const imposed = "  lifecycle {\n    replace_triggered_by = [terraform_data.rev]\n  }\n"
	for _, c := range compositionCases() {
		for _, how := range []string{"on the resource", "imposed by a dependent"} {
			t.Run(c.name+" "+how, func(t *testing.T) {
				a := newTestAccount(t)
				c.setUp(a)
				config := func(rev string) string {
					cfg := fmt.Sprintf("resource \"terraform_data\" \"rev\" {\n  input = %q\n}\n", rev)
					if how == "on the resource" {
						return cfg + c.config(a, "", onResource)
					}
					return cfg + c.config(a, "", imposed) + fmt.Sprintf("resource \"terraform_data\" \"dependent\" {\n  input = %s.id\n"+
						"  lifecycle {\n    create_before_destroy = true\n  }\n}\n", c.addr(""))
				}
				var before emulator.Member
				replaced := resource.TestStep{
					PreConfig: func() { before = acceptP0(a) },
					Config:    config("2"),
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(c.addr(""), plancheck.ResourceActionCreateBeforeDestroy),
					}},
					Check: func(*terraform.State) error {
						expectUntouched(t, a, before)
						return nil
					},
				}
				if c.name == "member" {
					replaced.ConfigPlanChecks = resource.ConfigPlanChecks{}
					replaced.Check = nil
					replaced.ExpectError = errRe("Image already shared with this member", "nothing was changed", "create_before_destroy")
				}
				resource.ParallelTest(t, resource.TestCase{
					ProtoV6ProviderFactories: testProviders,
					Steps: []resource.TestStep{
						{Config: config("1")},
						replaced,
						{
							PreConfig: func() { expectUntouched(t, a, before) },
							Config:    config("2"),
							ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
								plancheck.ExpectEmptyPlan(),
							}},
							SkipFunc: func() (bool, error) { return c.name == "member", nil },
						},
					},
				})
			})
		}
	}
}

// TestAccComposition_shareAndMemberOnOneImage: ims_image_share and
// ims_image_share_member on one image are refused at plan time, naming
// both, before any write.
func TestAccComposition_shareAndMemberOnOneImage(t *testing.T) {
	a := newTestAccount(t)
	a.emu.SetImage(testProject, testImage, emulator.ImageOptions{})
	p0, p1 := testRecipientProject(0), testRecipientProject(1)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: a.providerConfig() + testAccImageShareConfig(testImage, []string{p0}, nil) +
				testAccImageShareMemberConfig("m", hclArg("project_id", p1)),
			ExpectError: errRe("Two resources manage the sharing of one image", "ims_image_share (project "+p0+")",
				"ims_image_share_member (project "+p1+")", "never both on one image"),
		}},
	})
	if n := a.emu.Writes(); n != 0 {
		t.Errorf("%d writes, want none", n)
	}
}

// TestAccComposition_twoAliases: two provider aliases with the same
// credentials are two plugin processes, which no lock inside a process
// reaches: two ims_image_share_member for one member, one per alias,
// apply as one add and one refusal (the file lock orders their checks),
// and state holds exactly one, so the destroy removes the member once.
// Through the real CLI: terraform-plugin-testing serves every alias from
// one in-process server.
func TestAccComposition_twoAliases(t *testing.T) {
	a := newTestAccount(t)
	a.emu.SetImage(testProject, testImage, emulator.ImageOptions{})
	// Long enough that, unserialized, both Creates check before either
	// job ends.
	a.emu.SetJobDelay(2 * time.Second)
	p0 := testRecipientProject(0)
	w := newCLIWorkspace(t)
	var config strings.Builder
	fmt.Fprintf(&config, "terraform {\n  required_providers {\n    ims = { source = %q }\n  }\n}\n", devcli.Source)
	for _, alias := range []string{"a", "b"} {
		config.WriteString(a.providerConfig(hclArg("alias", alias)))
		fmt.Fprintf(&config, "resource \"ims_image_share_member\" %[1]q {\n  provider   = ims.%[1]s\n  image_id   = %[2]q\n  project_id = %[3]q\n}\n",
			alias, testImage, p0)
	}
	w.write("main.tf", []byte(config.String()))
	out := w.runFailing("apply", "-auto-approve", "-input=false", "-no-color")
	if !errRe("Image already shared with this member", "project "+p0).MatchString(out) {
		t.Errorf("the apply did not fail with the refusal of the second member:\n%s", out)
	}
	expectMembers(t, a, testImage, p0)
	if n := a.emu.Writes(); n != 1 {
		t.Errorf("%d writes, want one add", n)
	}
	if list := strings.Fields(string(w.run("state", "list"))); len(list) != 1 {
		t.Errorf("state holds %v, want one of the two", list)
	}
	w.run("destroy", "-auto-approve", "-input=false", "-no-color")
	expectMembers(t, a, testImage)
}

// TestAccComposition_moveBetweenTypes: a moved block turns an
// ims_image_share of one member into an ims_image_share_member and back,
// with no write, the recipient staying accepted; a share of several
// members refuses the move, naming the blocks that split it. Moves between
// types need Terraform >= 1.8.
func TestAccComposition_moveBetweenTypes(t *testing.T) {
	skipOnOpenTofu(t, "OpenTofu 1.12 keeps the source's resource identity on a move between types and fails with "+
		"'attribute \"member_id\" is required' before calling the provider")
	a := newTestAccount(t)
	a.emu.SetImage(testProject, testImage, emulator.ImageOptions{})
	p0, p1 := testRecipientProject(0), testRecipientProject(1)
	var before emulator.Member
	writes := 0
	noWrite := func(*terraform.State) error {
		expectUntouched(t, a, before)
		if n := a.emu.Writes(); n != writes {
			t.Errorf("the move sent %d writes", n-writes)
		}
		return nil
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0)},
		Steps: []resource.TestStep{
			{Config: a.providerConfig() + testAccShare(p0)},
			{
				PreConfig: func() { before, writes = acceptP0(a), a.emu.Writes() },
				Config:    a.providerConfig() + testAccMember("m", p0) + movedBlock(shareAddr, memberAddr("m")),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(memberAddr("m"), plancheck.ResourceActionNoop),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(memberAddr("m"), tfjsonpath.New("status"), knownvalue.StringExact("accepted")),
				},
				Check: noWrite,
			},
			{
				Config: a.providerConfig() + testAccShare(p0) + movedBlock(memberAddr("m"), shareAddr),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(shareAddr, plancheck.ResourceActionNoop),
				}},
				Check: noWrite,
			},
			{Config: a.providerConfig() + testAccShare(p0, p1)},
			{
				Config: a.providerConfig() + testAccMember("m", p0) + movedBlock(shareAddr, memberAddr("m")),
				ExpectError: errRe("Cannot move a share of several members into one ims_image_share_member", "removed {",
					fmt.Sprintf("id = %q", testImage+"/"+p1)),
			},
			// Without the moved block, so that the test's destroy can run.
			{Config: a.providerConfig() + testAccShare(p0, p1)},
		},
	})
}

// TestAccComposition_splitShare: the blocks that the refused move names
// (removed without destroy, then an import per member) split a share of
// several members into member resources with no write, the recipient
// staying accepted. removed blocks need Terraform >= 1.7.
func TestAccComposition_splitShare(t *testing.T) {
	a := newTestAccount(t)
	a.emu.SetImage(testProject, testImage, emulator.ImageOptions{})
	p0, p1 := testRecipientProject(0), testRecipientProject(1)
	var before emulator.Member
	writes := 0
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_7_0)},
		Steps: []resource.TestStep{
			{Config: a.providerConfig() + testAccShare(p0, p1)},
			{
				PreConfig: func() { before, writes = acceptP0(a), a.emu.Writes() },
				Config: a.providerConfig() + testAccMember("m0", p0) + testAccMember("m1", p1) +
					fmt.Sprintf("removed {\n  from = %s\n  lifecycle {\n    destroy = false\n  }\n}\n", shareAddr) +
					fmt.Sprintf("import {\n  to = %s\n  id = %q\n}\n", memberAddr("m0"), testImage+"/"+p0) +
					fmt.Sprintf("import {\n  to = %s\n  id = %q\n}\n", memberAddr("m1"), testImage+"/"+p1),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(memberAddr("m0"), tfjsonpath.New("status"), knownvalue.StringExact("accepted")),
					statecheck.ExpectKnownValue(memberAddr("m1"), tfjsonpath.New("status"), knownvalue.StringExact("pending")),
				},
				Check: func(*terraform.State) error {
					expectUntouched(t, a, before)
					if n := a.emu.Writes(); n != writes {
						t.Errorf("the split sent %d writes", n-writes)
					}
					return nil
				},
			},
		},
	})
}

// testAccShare is the composition tests' ims_image_share of testImage.
func testAccShare(ids ...string) string { return testAccImageShareConfig(testImage, ids, nil) }

// testAccMember is the composition tests' ims_image_share_member of
// testImage for a project.
func testAccMember(name, id string) string {
	return testAccImageShareMemberConfig(name, hclArg("project_id", id))
}

// skipOnOpenTofu skips a test that the CLI under test cannot run when it
// is OpenTofu, saying why.
func skipOnOpenTofu(t *testing.T, why string) {
	t.Helper()
	if tofu, err := devcli.IsOpenTofu(os.Getenv("TF_ACC_TERRAFORM_PATH")); err == nil && tofu {
		t.Skip("skipped under OpenTofu: " + why)
	}
}

// TestAccComposition_forEachKeyRenamed: the rename as users write it, a
// for_each key, through the real CLI (terraform-plugin-testing cannot
// read string keys), under -parallelism=1 and the default: refused at
// plan time both ways with nothing written, then applied with a moved
// block with no write and the recipient still accepted.
func TestAccComposition_forEachKeyRenamed(t *testing.T) {
	a := newTestAccount(t)
	a.emu.SetImage(testProject, testImage, emulator.ImageOptions{})
	p0 := testRecipientProject(0)
	w := newCLIWorkspace(t)
	config := func(key, extra string) []byte {
		return []byte(fmt.Sprintf("terraform {\n  required_providers {\n    ims = { source = %q }\n  }\n}\n", devcli.Source) +
			a.providerConfig() + fmt.Sprintf("resource \"ims_image_share\" \"s\" {\n  for_each = { %q = %q }\n  image_id = each.value\n"+
			"  projects = [%q]\n}\n", key, testImage, p0) + extra)
	}
	w.write("main.tf", config("old", ""))
	w.run("apply", "-auto-approve", "-input=false", "-no-color")
	before := acceptP0(a)
	writes := a.emu.Writes()
	w.write("main.tf", config("new", ""))
	for _, parallelism := range []string{"-parallelism=1", "-parallelism=10"} {
		out := w.runFailing("apply", "-auto-approve", "-input=false", "-no-color", parallelism)
		if !errRe("Sharing would move between two resources in one apply", "moved {").MatchString(out) {
			t.Errorf("apply %s did not refuse the rename:\n%s", parallelism, out)
		}
	}
	expectUntouched(t, a, before)
	if n := a.emu.Writes(); n != writes {
		t.Errorf("the refused applies sent %d writes", n-writes)
	}
	w.write("main.tf", config("new", movedBlock(`ims_image_share.s["old"]`, `ims_image_share.s["new"]`)))
	w.run("apply", "-auto-approve", "-input=false", "-no-color")
	expectUntouched(t, a, before)
	if n := a.emu.Writes(); n != writes {
		t.Errorf("the moved rename sent %d writes", n-writes)
	}
	w.run("destroy", "-auto-approve", "-input=false", "-no-color")
	expectMembers(t, a, testImage)
}

// TestAccComposition_destroyFalse: handing a type's sharing over to
// another configuration without a gap (Terraform >= 1.15). The first
// configuration sets lifecycle { destroy = false }; the second imports the
// same sharing (no write); `terraform destroy` of the first then forgets
// it: no write, the recipient stays accepted, and the second's plan is
// empty. (Removing the resource block itself is not enough: Terraform
// destroys an object whose block is gone, lifecycle and all; a removed
// block with destroy = false is the way, as TestAccComposition_moveBetweenTypes
// shows.)
func TestAccComposition_destroyFalse(t *testing.T) {
	p0 := testRecipientProject(0)
	for _, c := range compositionCases() {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			a := newTestAccount(t)
			c.setUp(a)
			why := "lifecycle { destroy = false } needs Terraform >= 1.15"
			from := newWorkspaceSince(t, 15, why, c.config(a, "", "  lifecycle {\n    destroy = false\n  }\n"))
			from.run("apply", "-auto-approve", "-input=false", "-no-color")
			before, writes := acceptP0(a), a.emu.Writes()
			id := testImage
			if c.name == "member" {
				id = testImage + "/" + p0
			}
			to := newWorkspaceSince(t, 15, why, c.config(a, "", "")+fmt.Sprintf("import {\n  to = %s\n  id = %q\n}\n", c.addr(""), id))
			if out := to.run("apply", "-auto-approve", "-input=false", "-no-color"); !strings.Contains(string(out), "1 imported, 0 added, 0 changed, 0 destroyed") {
				t.Errorf("the second configuration did not only import:\n%s", out)
			}
			out := string(from.run("destroy", "-auto-approve", "-input=false", "-no-color"))
			if n := a.emu.Writes(); n != writes {
				t.Errorf("handing over wrote %d times to IMS, want none:\n%s", n-writes, out)
			}
			expectUntouched(t, a, before)
			if left := strings.TrimSpace(string(from.run("state", "list"))); left != "" {
				t.Errorf("the first configuration's state still holds %s", left)
			}
			if out := to.run("plan", "-no-color", "-input=false", "-detailed-exitcode"); !strings.Contains(string(out), "No changes") {
				t.Errorf("the second configuration's plan is not empty:\n%s", out)
			}
		})
	}
}

// TestAccComposition_importInModule: the adopt-with-import example called
// as a module (import blocks inside a module, Terraform >= 1.15): the plan
// shows only the imports, at the module's addresses; the apply writes
// nothing; the next plan is empty.
func TestAccComposition_importInModule(t *testing.T) {
	skipUnlessAcc(t)
	emu := emulator.New()
	emu.LoadDemo()
	emu.Start()
	t.Cleanup(emu.Close)
	example := filepath.Join("..", "..", "examples", "adopt-with-import")
	main, err := os.ReadFile(filepath.Join(example, "main.tf"))
	if err != nil {
		t.Fatal(err)
	}
	providers, err := os.ReadFile(filepath.Join(example, "providers.tf"))
	if err != nil {
		t.Fatal(err)
	}
	root := string(providers) + `
module "adopt" {
  source = "./adopt"
}
`
	w := newWorkspaceSince(t, 15, "import blocks inside a module need Terraform >= 1.15", "")
	w.write("main.tf", []byte(root))
	w.write("adopt/main.tf", main)
	w.write("adopt/versions.tf", []byte(requiredProviderBlock))
	w.env = []string{"HW_IMS_ENDPOINT=" + emu.URL(), "HW_AUTH_URL=" + emu.IAMURL(), "HW_ACCESS_KEY=" + emulator.DemoAccessKey,
		"HW_SECRET_KEY=" + emulator.DemoSecretKey}
	w.run("init", "-no-color", "-input=false")
	out := string(w.run("plan", "-no-color", "-input=false"))
	if !strings.Contains(out, "Plan: 2 to import, 0 to add, 0 to change, 0 to destroy.") ||
		!strings.Contains(out, `module.adopt.ims_image_share.adopted["`+emulator.DemoImageID+`"]`) {
		t.Errorf("the first plan is not the module's two imports:\n%s", out)
	}
	w.run("apply", "-auto-approve", "-input=false", "-no-color")
	if n := emu.Writes(); n != 0 {
		t.Errorf("adopting through the module wrote %d times to IMS, want none", n)
	}
	if out := w.run("plan", "-no-color", "-input=false", "-detailed-exitcode"); !strings.Contains(string(out), "No changes") {
		t.Errorf("the plan after adopting is not empty:\n%s", out)
	}
}
