package provider

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/terraform-ims/terraform-provider-ims/internal/emulator"
)

// shareImagesConfig is the account's provider and an ims_share_image
// action "x" on images with projects.
func (a *testAccount) shareImagesConfig(images, projects []string) string {
	return a.providerConfig() + testAccActionConfig("ims_share_image", "x", "image_ids = "+hclList(images), "projects = "+hclList(projects))
}

// actionImages creates n images of the account's project, the last of
// them already shared with the given members.
func actionImages(a *testAccount, n int, lastShared ...emulator.Member) []string {
	var ids []string
	for i := range n {
		id := actionImageID(i)
		a.emu.SetImage(testProject, id, emulator.ImageOptions{})
		ids = append(ids, id)
	}
	if len(lastShared) > 0 {
		for j := range lastShared {
			lastShared[j].ImageID = ids[n-1]
		}
		a.emu.SetMembers(testProject, ids[n-1], lastShared)
	}
	return ids
}

// TestAccShareImageAction_invoke: apply -invoke shares five images with
// two projects in one POST for the four that lack both and one for the
// image that has one of them (one request per distinct member set), reports
// the job while it runs, leaves the member already there as it was, and a
// second invoke sends no write.
func TestAccShareImageAction_invoke(t *testing.T) {
	t.Parallel()
	a := newTestAccount(t)
	p0, p1 := testRecipientProject(0), testRecipientProject(1)
	images := actionImages(a, 5, acceptedMember(p0))
	a.emu.SetJobDelay(1500 * time.Millisecond)
	w := newActionWorkspace(t, a.shareImagesConfig(images, []string{p0, p1}))
	out := w.invoke("ims_share_image.x")
	if got := writesServed(a.emu, 0); !slices.Equal(got, []string{"POST 200", "POST 200"}) {
		t.Errorf("writes served: %v, want one POST for the four images that lack both members and one for the last", got)
	}
	for _, id := range images {
		expectMembers(t, a, id, p0, p1)
	}
	if s := memberStatus(a.emu, testProject, images[4], p0); s != "accepted" {
		t.Errorf("the member already there is %q after the invoke, want it left accepted", s)
	}
	for _, want := range []string{"reading the members of 5 images", "adding project " + p0 + ", project " + p1 + " to 4 images",
		"adding project " + p1 + " to image " + images[4], "RUNNING after", "SUCCESS after"} {
		if !strings.Contains(out, want) {
			t.Errorf("the invoke's progress does not say %q:\n%s", want, out)
		}
	}
	seq := lastSeq(a.emu)
	out = w.invoke("ims_share_image.x")
	if got := writesServed(a.emu, seq); len(got) != 0 {
		t.Errorf("the second invoke wrote %v, want nothing", got)
	}
	if !strings.Contains(out, "nothing to write") {
		t.Errorf("the second invoke does not say it had nothing to write:\n%s", out)
	}
	a.expectNoSecret(t, out)
}

// TestAccShareImageAction_trigger: an image build (a terraform_data
// standing in for it) triggers the action after it is created; a plan
// afterwards triggers nothing.
func TestAccShareImageAction_trigger(t *testing.T) {
	t.Parallel()
	a := newTestAccount(t)
	p0 := testRecipientProject(0)
	images := actionImages(a, 2)
	config := a.providerConfig() + fmt.Sprintf(`resource "terraform_data" "build" {
  input = %[1]s
  lifecycle {
    action_trigger {
      events  = [after_create]
      actions = [action.ims_share_image.consumers]
    }
  }
}

action "ims_share_image" "consumers" {
  config {
    image_ids = terraform_data.build.output
    projects  = [%[2]q]
  }
}
`, hclList(images), p0)
	w := newActionWorkspace(t, config)
	w.run("apply", "-auto-approve", "-input=false", "-no-color")
	for _, id := range images {
		expectMembers(t, a, id, p0)
	}
	if got := writesServed(a.emu, 0); !slices.Equal(got, []string{"POST 200"}) {
		t.Errorf("writes served: %v, want one POST for both images", got)
	}
	seq := lastSeq(a.emu)
	w.run("apply", "-auto-approve", "-input=false", "-no-color")
	if got := writesServed(a.emu, seq); len(got) != 0 {
		t.Errorf("an apply with nothing created wrote %v", got)
	}
}

// TestAccShareImageAction_refused: IMS refuses the write (IMG.0108, a
// project that does not exist in the region): the error names the code and
// each member not added, image by image, and nothing changes.
func TestAccShareImageAction_refused(t *testing.T) {
	t.Parallel()
	a := newTestAccount(t)
	p0, unknown := testRecipientProject(0), "abababababababababababababababab"
	images := actionImages(a, 2)
	w := newActionWorkspace(t, a.shareImagesConfig(images, []string{p0, unknown}))
	out := w.invokeFailing("ims_share_image.x")
	for _, want := range [][]string{
		{"IMG.0108", "does not exist in region"},
		{"image " + images[0], "it is not shared with project " + p0 + ", project " + unknown},
		{"image " + images[1], "it is not shared with project " + p0 + ", project " + unknown},
	} {
		if !errRe(want...).MatchString(out) {
			t.Errorf("the output does not say %q:\n%s", want, out)
		}
	}
	for _, id := range images {
		expectMembers(t, a, id)
	}
	a.expectNoSecret(t, out)
}

// TestAccShareImageAction_failedJob: a job that ends in FAIL is reported
// with its code and reason, and the read-back names the members not added.
func TestAccShareImageAction_failedJob(t *testing.T) {
	t.Parallel()
	a := newTestAccount(t)
	p0 := testRecipientProject(0)
	images := actionImages(a, 2)
	a.emu.FailJobs(images[1], "IMG.0178", "the image is frozen")
	w := newActionWorkspace(t, a.shareImagesConfig(images, []string{p0}))
	out := w.invokeFailing("ims_share_image.x")
	for _, want := range [][]string{
		{"IMS sharing job failed", "IMG.0178", "the image is frozen"},
		{"image " + images[0], "it is not shared with project " + p0},
	} {
		if !errRe(want...).MatchString(out) {
			t.Errorf("the output does not say %q:\n%s", want, out)
		}
	}
	if got := writesServed(a.emu, 0); len(got) != 1 {
		t.Errorf("writes served: %v, want one POST", got)
	}
}

// TestAccShareImageAction_successIsNotProof: a job that reports SUCCESS
// without adding one member fails, naming that member and the job, while
// the member it did add stays.
func TestAccShareImageAction_successIsNotProof(t *testing.T) {
	t.Parallel()
	a := newTestAccount(t)
	p0, p1 := testRecipientProject(0), testRecipientProject(1)
	images := actionImages(a, 2)
	a.emu.SkipInJobs(p1)
	w := newActionWorkspace(t, a.shareImagesConfig(images, []string{p0, p1}))
	out := w.invokeFailing("ims_share_image.x")
	for _, id := range images {
		if !errRe("IMS did not make the sharing change", "image "+id, "after job", "it is not shared with project "+p1).MatchString(out) {
			t.Errorf("the output does not name project %s as not added to image %s:\n%s", p1, id, out)
		}
		expectMembers(t, a, id, p0)
	}
	if strings.Contains(out, "not shared with project "+p0) {
		t.Errorf("the output names the member that was added:\n%s", out)
	}
}

// TestAccShareImageAction_deadline: a job that outlives timeouts.invoke
// ends the invoke with the resources' message, names the job, and the
// members not added; no second write is sent.
func TestAccShareImageAction_deadline(t *testing.T) {
	t.Parallel()
	a := newTestAccount(t)
	p0 := testRecipientProject(0)
	images := actionImages(a, 1)
	a.emu.SetJobDelay(30 * time.Second)
	w := newActionWorkspace(t, a.providerConfig()+fmt.Sprintf(`action "ims_share_image" "x" {
  config {
    image_ids = [%[1]q]
    projects  = [%[2]q]
    timeouts {
      invoke = "3s"
    }
  }
}
`, images[0], p0))
	out := w.invokeFailing("ims_share_image.x")
	for _, want := range [][]string{
		{"Timed out waiting for an IMS sharing job", "The share of the ims_share_image action", "timeouts.invoke = 3s"},
		{"image " + images[0], "it is not shared with project " + p0},
	} {
		if !errRe(want...).MatchString(out) {
			t.Errorf("the output does not say %q:\n%s", want, out)
		}
	}
	if got := writesServed(a.emu, 0); len(got) != 1 {
		t.Errorf("writes served: %v, want one", got)
	}
}

// TestAccShareImageAction_validation: bad input fails before any request,
// with ims_image_share's messages.
func TestAccShareImageAction_validation(t *testing.T) {
	t.Parallel()
	a := newTestAccount(t)
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{`image_ids = ["../x"]`, `projects = ["` + testRecipientProject(0) + `"]`}, []string{"must be an image ID"}},
		{[]string{`image_ids = ["` + testImage + `"]`, `projects = ["NOT-A-PROJECT"]`}, []string{"must be a project ID"}},
		{[]string{`image_ids = ["` + testImage + `"]`}, []string{"At least one of these attributes must be configured", "projects", "domains", "organizations"}},
		{[]string{`image_ids = ["` + testImage + `"]`, `organizations = ["o-x"]`}, []string{"must be an organization URN"}},
		{[]string{`image_ids = []`, `projects = ["` + testRecipientProject(0) + `"]`}, []string{"at least 1"}},
	} {
		w := newActionWorkspace(t, a.providerConfig()+testAccActionConfig("ims_share_image", "x", tc.args...))
		out := w.invokeFailing("ims_share_image.x")
		if !errRe(tc.want...).MatchString(out) {
			t.Errorf("%v: the output does not say %q:\n%s", tc.args, tc.want, out)
		}
	}
	if n := a.emu.Writes(); n != 0 {
		t.Errorf("%d writes, want none", n)
	}
}

// TestAccShareImageAction_interrupted: Ctrl-C while the job runs stops
// the invoke (the provider's context ends with Terraform's stop) and no
// further write is sent. Terraform 1.16.4 then reports "Apply complete"
// and shows none of the action's diagnostics, so only what IMS was sent is
// asserted: the README tells users to invoke again, which writes only what
// is missing.
func TestAccShareImageAction_interrupted(t *testing.T) {
	t.Parallel()
	a := newTestAccount(t)
	p0 := testRecipientProject(0)
	images := actionImages(a, 2)
	a.emu.SetJobDelay(60 * time.Second)
	w := newActionWorkspace(t, a.shareImagesConfig(images, []string{p0}))
	cmd := exec.Command(w.cli, "-chdir="+w.dir, "apply", "-auto-approve", "-input=false", "-no-color", "-invoke=action.ims_share_image.x")
	cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+w.configFile, "TF_IN_AUTOMATION=1")
	var out syncBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(time.Minute)
	for !strings.Contains(out.String(), "INIT after") && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	started := time.Now()
	_ = cmd.Wait()
	if !strings.Contains(out.String(), "Interrupt received") {
		t.Errorf("the CLI did not take the interrupt:\n%s", out.String())
	}
	if d := time.Since(started); d > 30*time.Second {
		t.Errorf("the invoke took %s to stop after the interrupt", d)
	}
	if got := writesServed(a.emu, 0); len(got) != 1 {
		t.Errorf("writes served: %v, want the one sent before the interrupt", got)
	}
	for _, id := range images {
		expectMembers(t, a, id)
	}
}

// syncBuffer is a bytes.Buffer that a process writes while a test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestAccShareImageAction_echoingServer: a server that answers the write
// with the request's own headers (a debug proxy set as the endpoint) ends
// the invoke with an error that shows no secret.
func TestAccShareImageAction_echoingServer(t *testing.T) {
	t.Parallel()
	a := newTestAccount(t)
	images := actionImages(a, 1)
	a.emu.FailFirst(emulator.TargetWrites, emulator.FaultEcho)
	w := newActionWorkspace(t, a.shareImagesConfig(images, []string{testRecipientProject(0)}))
	out := w.invokeFailing("ims_share_image.x")
	if !errRe("IMS returned an unreadable response").MatchString(out) {
		t.Errorf("the output does not report the answer:\n%s", out)
	}
	a.expectNoSecret(t, out)
	if regexpMust(`Signature=[0-9a-f]{16}`).MatchString(out) {
		t.Errorf("the output shows a request signature:\n%s", out)
	}
}
