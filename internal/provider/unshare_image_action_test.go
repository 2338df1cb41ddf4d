package provider

import (
	"slices"
	"strings"
	"testing"

	"github.com/terraform-ims/terraform-provider-ims/internal/emulator"
)

// sharedImages creates one image of the account's project per member
// list, shared with those projects (accepted).
func sharedImages(a *testAccount, memberLists ...[]string) []string {
	var ids []string
	for i, list := range memberLists {
		id := actionImageID(i)
		a.emu.SetImage(testProject, id, emulator.ImageOptions{})
		ms := []emulator.Member{}
		for _, p := range list {
			m := acceptedMember(p)
			m.ImageID = id
			ms = append(ms, m)
		}
		a.emu.SetMembers(testProject, id, ms)
		ids = append(ids, id)
	}
	return ids
}

// TestAccUnshareImageAction_invoke: one project is removed from three
// images in one DELETE; the other members stay; a second invoke sends no
// write.
func TestAccUnshareImageAction_invoke(t *testing.T) {
	t.Parallel()
	a := newTestAccount(t)
	p0, p1, p2 := testRecipientProject(0), testRecipientProject(1), testRecipientProject(2)
	images := sharedImages(a, []string{p0, p1}, []string{p0, p1}, []string{p0, p2})
	w := newActionWorkspace(t, a.providerConfig()+testAccActionConfig("ims_unshare_image", "x",
		"image_ids = "+hclList(images), "projects = "+hclList([]string{p0})))
	out := w.invoke("ims_unshare_image.x")
	if got := writesServed(a.emu, 0); !slices.Equal(got, []string{"DELETE 200"}) {
		t.Errorf("writes served: %v, want one DELETE for the three images", got)
	}
	expectMembers(t, a, images[0], p1)
	expectMembers(t, a, images[1], p1)
	expectMembers(t, a, images[2], p2)
	if !strings.Contains(out, "removing project "+p0+" from 3 images") {
		t.Errorf("the progress does not say what is removed:\n%s", out)
	}
	seq := lastSeq(a.emu)
	w.invoke("ims_unshare_image.x")
	if got := writesServed(a.emu, seq); len(got) != 0 {
		t.Errorf("the second invoke wrote %v, want nothing", got)
	}
	a.expectNoSecret(t, out)
}

// TestAccUnshareImageAction_all: the emergency unshare, all = true,
// removes every member, whoever added it, with one DELETE per distinct
// member set.
func TestAccUnshareImageAction_all(t *testing.T) {
	t.Parallel()
	a := newTestAccount(t)
	p0, p1, p2 := testRecipientProject(0), testRecipientProject(1), testRecipientProject(2)
	images := sharedImages(a, []string{p0, p1}, []string{p1, p0}, []string{p2}, nil)
	w := newActionWorkspace(t, a.providerConfig()+testAccActionConfig("ims_unshare_image", "all", "image_ids = "+hclList(images), "all = true"))
	w.invoke("ims_unshare_image.all")
	if got := writesServed(a.emu, 0); !slices.Equal(got, []string{"DELETE 200", "DELETE 200"}) {
		t.Errorf("writes served: %v, want one DELETE for the first two images and one for the third", got)
	}
	for _, id := range images {
		expectMembers(t, a, id)
	}
}

// TestAccUnshareImageAction_refused: IMS refuses the write (403): the
// error says so and names each member still there.
func TestAccUnshareImageAction_refused(t *testing.T) {
	t.Parallel()
	a := newTestAccount(t)
	p0 := testRecipientProject(0)
	images := sharedImages(a, []string{p0}, []string{p0})
	a.emu.FailFirst(emulator.TargetWrites, emulator.FaultForbidden)
	w := newActionWorkspace(t, a.providerConfig()+testAccActionConfig("ims_unshare_image", "all", "image_ids = "+hclList(images), "all = true"))
	out := w.invokeFailing("ims_unshare_image.all")
	for _, id := range images {
		if !errRe("image "+id, "it is still shared with project "+p0).MatchString(out) {
			t.Errorf("the output does not name project %s as still sharing image %s:\n%s", p0, id, out)
		}
		expectMembers(t, a, id, p0)
	}
	if !errRe("403").MatchString(out) {
		t.Errorf("the output does not give IMS's answer:\n%s", out)
	}
	a.expectNoSecret(t, out)
}

// TestAccUnshareImageAction_failedJob: a FAIL job is reported with its
// code, and each member left is named.
func TestAccUnshareImageAction_failedJob(t *testing.T) {
	t.Parallel()
	a := newTestAccount(t)
	p0 := testRecipientProject(0)
	images := sharedImages(a, []string{p0})
	a.emu.FailJobs(images[0], "IMG.0177", "the image is being deleted")
	w := newActionWorkspace(t, a.providerConfig()+testAccActionConfig("ims_unshare_image", "x", "image_ids = "+hclList(images),
		"projects = "+hclList([]string{p0})))
	out := w.invokeFailing("ims_unshare_image.x")
	if !errRe("IMS sharing job failed", "IMG.0177", "the image is being deleted").MatchString(out) ||
		!errRe("image "+images[0], "it is still shared with project "+p0).MatchString(out) {
		t.Errorf("the output does not report the failed job and the member left:\n%s", out)
	}
	expectMembers(t, a, images[0], p0)
}

// TestAccUnshareImageAction_successIsNotProof: a SUCCESS job that did not
// remove a member fails, naming it.
func TestAccUnshareImageAction_successIsNotProof(t *testing.T) {
	t.Parallel()
	a := newTestAccount(t)
	p0, p1 := testRecipientProject(0), testRecipientProject(1)
	images := sharedImages(a, []string{p0, p1})
	a.emu.SkipInJobs(p1)
	w := newActionWorkspace(t, a.providerConfig()+testAccActionConfig("ims_unshare_image", "all", "image_ids = "+hclList(images), "all = true"))
	out := w.invokeFailing("ims_unshare_image.all")
	if !errRe("IMS did not make the sharing change", "image "+images[0], "after job", "it is still shared with project "+p1).MatchString(out) {
		t.Errorf("the output does not name the member left:\n%s", out)
	}
	expectMembers(t, a, images[0], p1)
}

// TestAccUnshareImageAction_validation: all = false with no member, and
// all with members, are refused before any request.
func TestAccUnshareImageAction_validation(t *testing.T) {
	t.Parallel()
	a := newTestAccount(t)
	p0 := testRecipientProject(0)
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{`image_ids = ["` + testImage + `"]`, "all = false"}, []string{"Nothing to unshare"}},
		{[]string{`image_ids = ["` + testImage + `"]`, "all = true", `projects = ["` + p0 + `"]`}, []string{"projects", "cannot be specified when", "all"}},
		{[]string{`image_ids = ["` + testImage + `"]`}, []string{"At least one of these attributes must be configured", "all"}},
	} {
		w := newActionWorkspace(t, a.providerConfig()+testAccActionConfig("ims_unshare_image", "x", tc.args...))
		out := w.invokeFailing("ims_unshare_image.x")
		if !errRe(tc.want...).MatchString(out) {
			t.Errorf("%v: the output does not say %q:\n%s", tc.args, tc.want, out)
		}
	}
	if n := a.emu.Writes(); n != 0 {
		t.Errorf("%d writes, want none", n)
	}
}
