package provider

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/action/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"golang.org/x/sync/errgroup"

	"github.com/terraform-ims/terraform-provider-ims/internal/ims"
)

// This file holds what the actions (ims_share_image, ims_unshare_image,
// ims_accept_image_shares) share: an operation over several images at
// once, opened as the resources' operations are (provider ready, time
// limit, logging, target, the image locks of locks.go), its writes (one
// job for every image that needs the same members written), their
// progress, and the read-back that verifies them.

// actionOp is the invocation of an action: name says what it does (share,
// unshare, accept), bounded by its timeouts.invoke.
func actionOp(spec *typeSpec, name string, timeout time.Duration) operation {
	return operation{name: name, subject: "the " + spec.name + " action", timeout: timeout, write: true, recipient: spec.recipient,
		timeoutHint: fmt.Sprintf(`timeouts.invoke = %s; raise timeouts { invoke = "..." } in the action's config`, timeout),
		permissions: append([]string{permissionShare}, spec.readPermissions...)}
}

// batchOp is one invocation of an action over several images.
type batchOp struct {
	data   *providerData
	spec   *typeSpec
	target target
	op     operation
	// progress reports to Terraform while the action runs.
	progress func(string)
	// jobs are the jobs each image was written in; failed, the per-image
	// failures that jobs reporting SUCCESS listed.
	jobs   map[string][]string
	failed map[string][]string
}

// progressFunc is the action's SendProgress (Terraform prefixes each
// message with the action's address), each message redacted as every
// diagnostic is.
func progressFunc(d *providerData, resp *action.InvokeResponse) func(string) {
	return func(msg string) {
		if resp.SendProgress != nil {
			resp.SendProgress(action.InvokeProgressEvent{Message: redact(msg, d.secretsOrNil())})
		}
	}
}

// openAction is the opening every action shares, written once: the
// config read into M, the invocation's time limit (its timeouts.invoke,
// default defaultWriteTimeout), logging and the target of its region. The
// returned done, deferred by the caller, ends the invocation and redacts
// every diagnostic left in resp. ok is false when resp holds an error.
func openAction[M any](ctx context.Context, d *providerData, spec *typeSpec, name string, req action.InvokeRequest, resp *action.InvokeResponse,
	settings func(M) (types.String, timeouts.Value),
) (context.Context, M, *batchOp, func(), bool) {
	var m M
	redacted := func() { resp.Diagnostics = redactDiagnostics(resp.Diagnostics, d.secretsOrNil()) }
	if resp.Diagnostics.Append(d.ready()...); resp.Diagnostics.HasError() {
		return ctx, m, nil, redacted, false
	}
	if resp.Diagnostics.Append(req.Config.Get(ctx, &m)...); resp.Diagnostics.HasError() {
		return ctx, m, nil, redacted, false
	}
	region, t := settings(m)
	timeout, diags := t.Invoke(ctx, defaultWriteTimeout)
	if resp.Diagnostics.Append(diags...); resp.Diagnostics.HasError() {
		return ctx, m, nil, redacted, false
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	ctx = withLogging(ctx, d.secrets)
	tgt, diags := d.targetFor(ctx, d.regionOr(region))
	b := &batchOp{data: d, spec: spec, target: tgt, op: actionOp(spec, name, timeout), progress: progressFunc(d, resp),
		jobs: map[string][]string{}, failed: map[string][]string{}}
	resp.Diagnostics.Append(diags...)
	return ctx, m, b, func() { cancel(); redacted() }, !resp.Diagnostics.HasError()
}

// lock takes the image lock of every image (see lockImage), in one order
// for every process, so that two invocations on overlapping images cannot
// each hold one lock and wait for the other's. An exclusive lock has each
// image alone, as ims_image_share does.
func (b *batchOp) lock(ctx context.Context, images []string, exclusive bool) (func(), diag.Diagnostics) {
	sorted := slices.Clone(images)
	sort.Strings(sorted)
	var unlocks []func()
	unlock := func() {
		for i := len(unlocks) - 1; i >= 0; i-- {
			unlocks[i]()
		}
	}
	for _, id := range sorted {
		u, _, err := b.data.lockImage(ctx, b.target, id, "image "+id, b.spec.name, exclusive || b.spec.lock == lockExclusive)
		if err != nil {
			unlock()
			return func() {}, diag.Diagnostics{b.image(id).failure(err)}
		}
		unlocks = append(unlocks, u)
	}
	return unlock, nil
}

// image is the operation on one of the images, for the reads and
// diagnostics that imageOp has.
func (b *batchOp) image(id string) *imageOp {
	return &imageOp{data: b.data, spec: b.spec, target: b.target, imageID: id, op: b.op, jobs: b.jobs[id], failedImages: b.failed[id]}
}

// uniqueImages is the image IDs of a set, each once (IDs that differ only
// in case are one image), in the set's order.
func uniqueImages(ctx context.Context, set types.Set, diags *diag.Diagnostics) []string {
	var ids []string
	if set.IsNull() || set.IsUnknown() {
		return nil
	}
	diags.Append(set.ElementsAs(ctx, &ids, false)...)
	seen := map[string]bool{}
	out := ids[:0]
	for _, id := range ids {
		if k := strings.ToLower(id); !seen[k] {
			seen[k] = true
			out = append(out, id)
		}
	}
	return out
}

// readMembers reads the members of every image, maxConcurrentReads at a
// time: what each holds (spelled as prefer spells a member it names), or
// the error of its read.
func (b *batchOp) readMembers(ctx context.Context, images []string, prefer members) (map[string]members, map[string]error, diag.Diagnostics) {
	held := make([]members, len(images))
	errs := make([]error, len(images))
	warns := make([]diag.Diagnostics, len(images))
	// Each read's error is kept for its image, not returned: one image
	// that cannot be read must not stop the others.
	var g errgroup.Group
	g.SetLimit(maxConcurrentReads)
	for i, id := range images {
		g.Go(func() error {
			var list []ims.Member
			if list, errs[i] = b.image(id).listMembers(ctx); errs[i] == nil {
				held[i], _, warns[i] = heldMembers(id, list, prefer)
			}
			return nil
		})
	}
	_ = g.Wait()
	out, failed := map[string]members{}, map[string]error{}
	var diags diag.Diagnostics
	for i, id := range images {
		diags.Append(warns[i]...)
		if errs[i] != nil {
			failed[id] = errs[i]
			continue
		}
		out[id] = held[i]
	}
	return out, failed, diags
}

// batchWrite is one write of the same members to several images.
type batchWrite struct {
	images  []string
	members members
}

// groupWrites is the writes that give each image its members: one for
// every distinct membership, naming every image that needs it (the
// BatchAddMembers and BatchDeleteMembers pages, ims_03_0624 and its
// delete counterpart, set no limit on the images of one request; IMS
// bounds only the members of each image, which the quota error reports).
// Images that need nothing get no write.
func groupWrites(images []string, need map[string]members) []batchWrite {
	var writes []batchWrite
	index := map[string]int{}
	for _, id := range images {
		m, ok := need[id]
		if !ok || m.empty() {
			continue
		}
		k := memberKey(m)
		i, ok := index[k]
		if !ok {
			i = len(writes)
			index[k] = i
			writes = append(writes, batchWrite{members: m})
		}
		writes[i].images = append(writes[i].images, id)
	}
	return writes
}

// imageList names images for a message: "image a", "2 images (a, b)".
func imageList(images []string) string {
	if len(images) == 1 {
		return "image " + images[0]
	}
	return fmt.Sprintf("%d images (%s)", len(images), strings.Join(images, ", "))
}

// write sends one batch write (verb says what it does, for progress:
// "adding", "removing") and waits for its job, reporting the job's status
// as it changes. The job is recorded for each of its images.
func (b *batchOp) write(ctx context.Context, start startFunc, verb string, w batchWrite) error {
	to := map[bool]string{true: "to", false: "from"}[verb == "adding"]
	b.progress(fmt.Sprintf("%s %s %s %s: sending the request", verb, w.members, to, imageList(w.images)))
	// The job's lines name the images by number: the line above names them.
	what := fmt.Sprintf("%s %s %s image %s", verb, w.members, to, w.images[0])
	if len(w.images) > 1 {
		what = fmt.Sprintf("%s %s %s %d images", verb, w.members, to, len(w.images))
	}
	req := ims.ShareRequest{Images: w.images,
		Projects: w.members[kindProject], Domains: w.members[kindDomain], Organizations: w.members[kindOrganization]}
	jobID, err := start(ctx, req)
	if err != nil {
		return err
	}
	return b.wait(ctx, jobID, what, w.images)
}

// wait polls a job to its end, reporting each change of its status, and
// records it (and the per-image failures a SUCCESS job may list) for each
// of its images.
func (b *batchOp) wait(ctx context.Context, jobID, what string, images []string) error {
	for _, id := range images {
		b.jobs[id] = append(b.jobs[id], jobID)
	}
	last := ""
	started := time.Now()
	job, err := b.data.at(b.target).WaitJob(ctx, ims.JobInput{JobID: jobID,
		OnStatus: func(status string) {
			if status != last {
				last = status
				b.progress(fmt.Sprintf("job %s %s after %s (%s)", jobID, status, time.Since(started).Round(time.Second), what))
			}
		}})
	if err == nil && job != nil {
		for _, r := range job.FailedImages() {
			for _, id := range images {
				if strings.EqualFold(id, r.ImageID) {
					b.failed[id] = append(b.failed[id], fmt.Sprintf("image %s: %s (job %s)", r.ImageID, r.Status, jobID))
				}
			}
		}
	}
	return err
}

// writeFailure is the diagnostic of a failed batch write: the failure as
// the resources report it, with the images it was for.
func (b *batchOp) writeFailure(err error, w batchWrite) diag.Diagnostic {
	d := b.image("").failure(err)
	return diag.NewErrorDiagnostic(d.Summary(), fmt.Sprintf("Writing %s to %s:\n\n%s\n\nWhat the images hold after it is checked by "+
		"reading each back; invoking the action again writes only what is still missing.", w.members, imageList(w.images), d.Detail()))
}

// stopped reports an invocation whose time ran out or that was
// interrupted: no further write is sent.
func stopped(ctx context.Context) bool { return ctx.Err() != nil }

// notWritten is the diagnostic of an image that the read-back shows
// without the change (members not added, or not removed), or nil: a job
// that reports SUCCESS is not proof.
func (b *batchOp) notWritten(imageID, what string, missing members) diag.Diagnostic {
	if missing.empty() {
		return nil
	}
	o := b.image(imageID)
	after := "after " + o.jobList()
	if len(o.jobs) == 0 {
		after = "with no job run (the write failed before IMS started one)"
	}
	detail := ""
	if len(o.failedImages) > 0 {
		detail = " The job's per-image results: " + strings.Join(o.failedImages, ", ") + "."
	}
	return diag.NewErrorDiagnostic("IMS did not make the sharing change",
		fmt.Sprintf("The %s of %s on image %s (project %s, region %s): %s, reading the image back shows %s %s.%s Invoke the "+
			"action again to retry what is missing; if it persists, report the job id to Huawei Cloud support.",
			b.op.name, b.op.subject, imageID, b.target.projectID, b.target.region, after, what, missing, detail))
}

// imagesAttributeDescription describes an action's image_ids.
const imagesAttributeDescription = "IDs of the images, UUIDs such as `370befec-a369-475e-a224-44a45927a8fe`; one or more."

// client is the IMS client bound to the invocation's endpoint and project.
func (b *batchOp) client() *ims.Bound { return b.data.at(b.target) }
