package provider

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/terraform-ims/terraform-provider-ims/internal/emulator"
)

// offerImages creates images of the account's project, each shared with
// the recipient's first project in the given status, and returns their
// IDs.
func offerImages(a *testAccount, opts emulator.ImageOptions, statuses ...string) []string {
	var ids []string
	for i, status := range statuses {
		id := actionImageID(i)
		o := opts
		if o.Name == "" {
			o.Name = "golden-" + status
		}
		a.emu.SetImage(testProject, id, o)
		m := emulator.NewMember(id, "project", status, "recipient", time.Now())
		m.MemberID = testRecipientProject(0)
		a.emu.SetMembers(testProject, id, []emulator.Member{m})
		ids = append(ids, id)
	}
	return ids
}

// recipientStatusOf is the recipient's status on an image, as IMS holds it.
func recipientStatusOf(a *testAccount, imageID string) string {
	return memberStatus(a.emu, testProject, imageID, testRecipientProject(0))
}

// TestAccAcceptImageSharesAction_invoke: every pending share from the
// factory project is accepted, one PUT per image; a rejected share is left
// alone; a second invoke sends no write.
func TestAccAcceptImageSharesAction_invoke(t *testing.T) {
	t.Parallel()
	a := newTestAccount(t)
	images := offerImages(a, emulator.ImageOptions{}, "pending", "pending", "rejected")
	w := newActionWorkspace(t, a.recipientProviderConfig()+testAccActionConfig("ims_accept_image_shares", "factory", hclArg("owner", testProject)))
	out := w.invoke("ims_accept_image_shares.factory")
	if got := writesServed(a.emu, 0); !slices.Equal(got, []string{"PUT 200", "PUT 200"}) {
		t.Errorf("writes served: %v, want one PUT per pending image", got)
	}
	for i, want := range []string{"accepted", "accepted", "rejected"} {
		if got := recipientStatusOf(a, images[i]); got != want {
			t.Errorf("image %d is %q, want %q", i, got, want)
		}
	}
	if !strings.Contains(out, "setting project "+testRecipientProject(0)+"'s share of image "+images[0]+" to accepted") {
		t.Errorf("the progress does not say what is set:\n%s", out)
	}
	seq := lastSeq(a.emu)
	w.invoke("ims_accept_image_shares.factory")
	if got := writesServed(a.emu, seq); len(got) != 0 {
		t.Errorf("the second invoke wrote %v, want nothing", got)
	}
	a.expectNoSecret(t, out)
}

// TestAccAcceptImageSharesAction_filters: status = "rejected" with
// image_ids and name_regex rejects only the pending share that matches
// both; an image named that has no pending share is a warning.
func TestAccAcceptImageSharesAction_filters(t *testing.T) {
	t.Parallel()
	a := newTestAccount(t)
	images := offerImages(a, emulator.ImageOptions{}, "pending", "pending", "accepted")
	a.emu.SetImage(testProject, images[1], emulator.ImageOptions{Name: "other"})
	w := newActionWorkspace(t, a.recipientProviderConfig()+testAccActionConfig("ims_accept_image_shares", "x", hclArg("status", "rejected"),
		"image_ids = "+hclList(images), hclArg("name_regex", "^golden-")))
	out := w.invoke("ims_accept_image_shares.x")
	for i, want := range []string{"rejected", "pending", "accepted"} {
		if got := recipientStatusOf(a, images[i]); got != want {
			t.Errorf("image %d is %q, want %q", i, got, want)
		}
	}
	if !errRe("Image without a pending share", "2 images ("+images[1]+", "+images[2]+")", "nothing was changed").MatchString(out) {
		t.Errorf("no warning for the image without a pending share:\n%s", out)
	}
}

// TestAccAcceptImageSharesAction_refused: IMS refuses the acceptance of a
// full-ECS image from CBR without vault_id (IMG.0001); with vault_id it is
// accepted.
func TestAccAcceptImageSharesAction_refused(t *testing.T) {
	t.Parallel()
	a := newTestAccount(t)
	images := offerImages(a, emulator.ImageOptions{FullECS: true, FromCBR: true}, "pending")
	w := newActionWorkspace(t, a.recipientProviderConfig()+testAccActionConfig("ims_accept_image_shares", "x"))
	out := w.invokeFailing("ims_accept_image_shares.x")
	if !errRe("IMS refused to change the sharing of the image", "IMG.0001", "vault_id").MatchString(out) ||
		!errRe("IMS did not change the share's status", "image "+images[0], `the status is "pending", not "accepted"`).MatchString(out) {
		t.Errorf("the output does not report the refusal and the status left:\n%s", out)
	}
	if got := recipientStatusOf(a, images[0]); got != "pending" {
		t.Errorf("the share is %q, want pending", got)
	}
	a.expectNoSecret(t, out)
	w.write("main.tf", []byte(requiredProviderBlock+a.recipientProviderConfig()+testAccActionConfig("ims_accept_image_shares", "x", hclArg("vault_id", "0f0e0d0c-0b0a-4908-8706-050403020100"))))
	w.invoke("ims_accept_image_shares.x")
	if got := recipientStatusOf(a, images[0]); got != "accepted" {
		t.Errorf("with vault_id the share is %q, want accepted", got)
	}
}

// TestAccAcceptImageSharesAction_failedJob: a FAIL job is reported with
// its code; the other image is still accepted, and the failed one is named.
func TestAccAcceptImageSharesAction_failedJob(t *testing.T) {
	t.Parallel()
	a := newTestAccount(t)
	images := offerImages(a, emulator.ImageOptions{}, "pending", "pending")
	a.emu.FailJobs(images[0], "IMG.0178", "the image is frozen")
	w := newActionWorkspace(t, a.recipientProviderConfig()+testAccActionConfig("ims_accept_image_shares", "x"))
	out := w.invokeFailing("ims_accept_image_shares.x")
	if !errRe("IMS sharing job failed", "IMG.0178", "the image is frozen").MatchString(out) ||
		!errRe("image "+images[0], `the status is "pending", not "accepted"`).MatchString(out) {
		t.Errorf("the output does not report the failed job:\n%s", out)
	}
	if got := recipientStatusOf(a, images[1]); got != "accepted" {
		t.Errorf("the other image is %q, want accepted", got)
	}
}

// TestAccAcceptImageSharesAction_successIsNotProof: a SUCCESS job that
// did not change the status fails, naming the image and the job.
func TestAccAcceptImageSharesAction_successIsNotProof(t *testing.T) {
	t.Parallel()
	a := newTestAccount(t)
	images := offerImages(a, emulator.ImageOptions{}, "pending")
	a.emu.SkipInJobs(testRecipientProject(0))
	w := newActionWorkspace(t, a.recipientProviderConfig()+testAccActionConfig("ims_accept_image_shares", "x"))
	out := w.invokeFailing("ims_accept_image_shares.x")
	if !errRe("IMS did not change the share's status", "image "+images[0], "after job", `the status is "pending", not "accepted"`).MatchString(out) {
		t.Errorf("the output does not name the share left pending:\n%s", out)
	}
}
