package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-ims/terraform-provider-ims/internal/ims"
)

// Default time limits of the share resources' operations.
const (
	defaultWriteTimeout = 10 * time.Minute
	resourceReadTimeout = 5 * time.Minute
)

// imageOp is one operation of a resource on one image: where it goes, what
// it is (for its diagnostics), the jobs it started, and the other resource
// types of this provider that wrote to the image in this run.
type imageOp struct {
	data    *providerData
	spec    *typeSpec
	target  target
	imageID string
	op      operation
	jobs    []string
	others  []string
	// failedImages are per-image failures that SUCCESS jobs reported.
	failedImages []string
	// recorded says, in fact, what state holds after a failure of this
	// operation; failure appends it. Set by the CRUD method that decides.
	recorded string
	// releases are what the opening took, for close.
	releases []func()
}

// What a failed operation leaves in state, for imageOp.recorded.
const (
	recordedNothing = "Nothing was recorded in state (a failed create never records): the next apply creates the resource " +
		"again and adopts what it names that IMS then holds, removing nothing that was there before."
	recordedPrior = "IMS could not be read back, so state keeps what it held before this operation; the next refresh " +
		"(terraform plan) reads what IMS holds."
	recordedReadBack = "State holds what IMS held when the image was read back after the failure."
	recordedKept     = "The resource stays in state as it was; the next apply or destroy tries again."
)

// begin starts the operation name of o's type on an image: the provider
// ready, the operation's time limit, logging, the endpoint and project of
// its region and, for a write, the image's lock (see lockImage); close
// releases what it took.
func (o *imageOp) begin(ctx context.Context, region types.String, imageID, name string, timeout time.Duration) (context.Context, diag.Diagnostics) {
	d := o.data
	diags := d.ready()
	if diags.HasError() {
		return ctx, diags
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	o.releases = append(o.releases, cancel)
	ctx = withLogging(ctx, d.secrets)
	tgt, more := d.targetFor(ctx, d.regionOr(region))
	if more.HasError() && (name == "read" || name == "delete") && !region.IsNull() && region.ValueString() != d.settings.region {
		// The region came from state, not from an argument here.
		more = regionFromStateDiagnostics(region.ValueString(), d.settings, more)
	}
	diags.Append(more...)
	o.target, o.imageID, o.op = tgt, imageID, resourceOp(o.spec, name, timeout)
	if diags.HasError() || !o.op.write {
		return ctx, diags
	}
	unlock, others, err := d.lockImage(ctx, tgt, imageID, "image "+imageID, o.spec.name, o.spec.lock == lockExclusive)
	if err != nil {
		diags.Append(o.failure(err))
		return ctx, diags
	}
	o.releases = append(o.releases, unlock)
	o.others = others
	return ctx, diags
}

// close ends the operation: it releases what the opening took (the time
// limit, the locks, last taken first) and redacts every diagnostic the
// method leaves in diags. Every CRUD method defers it right after
// openOp.
func (o *imageOp) close(diags *diag.Diagnostics) {
	for i := len(o.releases) - 1; i >= 0; i-- {
		o.releases[i]()
	}
	o.releases = nil
	*diags = redactDiagnostics(*diags, o.data.secretsOrNil())
}

// imageModel is the model of a resource on one image: where the image is,
// the timeouts block of its writes, and its type's own step of the
// opening.
type imageModel interface {
	imageAndRegion() (string, types.String)
	writeTimeouts() timeouts.Value
	// ownerProject is the project the state was recorded for (null
	// before create or import).
	ownerProject() types.String
	// opened is the type's own step after the common opening: a lock of
	// its member, a check of its member. What it takes, it adds to
	// op.releases.
	opened(ctx context.Context, op *imageOp) diag.Diagnostics
}

// modelSource is a plan or a state.
type modelSource interface {
	Get(ctx context.Context, target any) diag.Diagnostics
}

// openOp is the opening every CRUD method of every resource on one image
// shares, written once: the model read from src (the plan, or the state),
// the operation's time limit (its timeouts attribute; reads have their
// fixed one), begin, the project state was recorded for, and the type's
// own step (imageModel.opened). The caller defers op.close(diags) at once;
// op is never nil. ok is false when diags holds an error and the method
// must stop.
func openOp[M imageModel](ctx context.Context, d *providerData, spec *typeSpec, name string, src modelSource, diags *diag.Diagnostics) (context.Context, M, *imageOp, bool) {
	var m M
	op := &imageOp{data: d, spec: spec}
	diags.Append(src.Get(ctx, &m)...)
	if diags.HasError() {
		return ctx, m, op, false
	}
	timeout, more := operationTimeout(ctx, m.writeTimeouts(), name)
	diags.Append(more...)
	if diags.HasError() {
		return ctx, m, op, false
	}
	imageID, region := m.imageAndRegion()
	ctx, more = op.begin(ctx, region, imageID, name, timeout)
	diags.Append(more...)
	// State recorded for another project (the provider's project or
	// credentials changed since) is refused, not read there: IMS would
	// answer that project that the image does not exist, and the
	// resource would be dropped while the image stays shared.
	if owner := m.ownerProject(); !diags.HasError() && !owner.IsNull() && !owner.IsUnknown() && owner.ValueString() != "" &&
		owner.ValueString() != op.target.projectID {
		diags.AddAttributeError(path.Root("owner_project_id"), "Image recorded for another project",
			fmt.Sprintf("%s on image %s was recorded for project %s, but this provider works as project %s in region %s. Use a "+
				"provider configured for %s (project_id or its credentials); nothing was read or changed.", spec.name, imageID,
				owner.ValueString(), op.target.projectID, op.target.region, owner.ValueString()))
	}
	if !diags.HasError() {
		diags.Append(m.opened(ctx, op)...)
	}
	return ctx, m, op, !diags.HasError()
}

// operationTimeout is the limit of the operation name: its attribute of
// the timeouts block, default defaultWriteTimeout, or the read limit.
func operationTimeout(ctx context.Context, t timeouts.Value, name string) (time.Duration, diag.Diagnostics) {
	switch name {
	case "create", "accept":
		return t.Create(ctx, defaultWriteTimeout)
	case "update":
		return t.Update(ctx, defaultWriteTimeout)
	case "delete":
		return t.Delete(ctx, defaultWriteTimeout)
	}
	return resourceReadTimeout, nil
}

// failure is the diagnostic of a failed call of the operation.
func (o *imageOp) failure(err error) diag.Diagnostic {
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		var reqErr *ims.RequestError
		var unfinished *ims.JobUnfinishedError
		if !errors.As(err, &reqErr) && !errors.As(err, &unfinished) {
			return o.withRecorded(diag.NewErrorDiagnostic(fmt.Sprintf("The %s of %s did not finish", o.op.name, o.op.subject),
				fmt.Sprintf("%s (%s). Nothing more was sent to IMS.", err.Error(), o.op.timeoutHint)))
		}
	}
	return o.withRecorded(callDiagnostic(err, failedCall{op: o.op, imageID: o.imageID, target: o.target, maxRetries: o.data.settings.maxRetries}))
}

// withRecorded is d with what state holds after it, when the operation
// has said so.
func (o *imageOp) withRecorded(d diag.Diagnostic) diag.Diagnostic {
	if o.recorded == "" || d.Severity() != diag.SeverityError {
		return d
	}
	if a, ok := d.(diag.DiagnosticWithPath); ok {
		return diag.NewAttributeErrorDiagnostic(a.Path(), d.Summary(), d.Detail()+"\n\n"+o.recorded)
	}
	return diag.NewErrorDiagnostic(d.Summary(), d.Detail()+"\n\n"+o.recorded)
}

// startFunc starts an asynchronous write and returns its job id.
type startFunc func(ctx context.Context, req ims.ShareRequest) (string, error)

// write starts one job for the members m, unless m is empty, and waits
// for it to end.
func (o *imageOp) write(ctx context.Context, start startFunc, m members) error {
	if m.empty() {
		return nil
	}
	req := m.request(o.imageID)
	jobID, err := start(ctx, req)
	if err != nil {
		return err
	}
	return o.wait(ctx, jobID)
}

// remove starts one job that removes the members m, unless m is empty,
// and waits for it. IMS's delete page (ims_03_0623) calls organizations
// URNs, but its example sends bare IDs: an organization the image still
// lists after the job is removed again by each other spelling IMS lists
// for it (its member_id, its urn, the URN's last segment) in turn, until
// none is left. A removal refused with IMG.0113 (see nonMemberRefused)
// removed no one: the members the image still lists are removed one job
// each, and one that is gone meanwhile is no failure. The caller's
// read-back decides what happened.
func (o *imageOp) remove(ctx context.Context, m members) error {
	err := o.write(ctx, o.client().RemoveImageMembers, m)
	switch {
	case err != nil && nonMemberRefused(err):
		return o.removeListed(ctx, m, err)
	case err != nil || len(m[kindOrganization]) == 0:
		return err
	}
	return o.removeOrganizationsAgain(ctx, m)
}

// nonMemberRefused reports a removal that IMS refused, or whose job
// failed, with IMG.0113. The error-code table lists the code without a
// meaning for sharing in the pages this provider cites; a refusal of a
// removal that names a member IMS no longer lists is one reading of it
// (emulator: Readings.NonMemberRemoval). Not stated; inferred.
func nonMemberRefused(err error) bool {
	var apiErr *ims.APIError
	var jobErr *ims.JobError
	return (errors.As(err, &apiErr) && apiErr.Code == codeNonMember) ||
		(errors.As(err, &jobErr) && jobErr.Job != nil && jobErr.Job.ErrorCode == codeNonMember)
}

// codeNonMember is the code of a refused removal of a non-member (one
// reading, see nonMemberRefused).
const codeNonMember = "IMG.0113"

// removeListed removes, one job each, the members of m that the image
// still lists, after IMS refused the removal of m as a whole (refusal).
// When the members cannot be read, the refusal stands.
func (o *imageOp) removeListed(ctx context.Context, m members, refusal error) error {
	list, err := o.listMembers(ctx)
	if err != nil {
		return refusal
	}
	held, _, _ := heldMembers(o.imageID, list, m)
	for k := range m {
		for _, v := range m[k] {
			if !held.has(k, v) {
				continue // Gone already: nothing to remove.
			}
			var one members
			one[k] = []string{v}
			err := o.write(ctx, o.client().RemoveImageMembers, one)
			switch {
			case err != nil && !nonMemberRefused(err):
				return err
			case err != nil:
				refusal = err
			}
			if k == kindOrganization {
				// A refused spelling may be the wrong one: try the others.
				if err := o.removeOrganizationsAgain(ctx, one); err != nil {
					return err
				}
			}
		}
	}
	// A member refused alone is gone meanwhile, or IMS's refusal is the
	// cause of it still being held: say which.
	if list, err = o.listMembers(ctx); err == nil {
		if held, _, _ = heldMembers(o.imageID, list, m); m.common(held).empty() {
			return nil
		}
	}
	return refusal
}

// removeOrganizationsAgain removes the organizations of m that the image
// still lists after their removal, by each other spelling IMS lists for
// them, one job per round; a spelling refused as a non-member's counts as
// tried.
func (o *imageOp) removeOrganizationsAgain(ctx context.Context, m members) error {
	tried := map[string]bool{}
	for _, v := range m[kindOrganization] {
		tried[strings.ToLower(v)] = true
	}
	for range 3 {
		list, err := o.listMembers(ctx)
		if err != nil {
			// The removal itself succeeded; the caller's read-back says
			// what IMS holds, or why it cannot be read.
			return nil //nolint:nilerr // See above.
		}
		var again members
		for _, x := range list {
			if kindOf(x) != kindOrganization || !m.has(kindOrganization, x.MemberID) {
				continue
			}
			urn := ""
			if x.URN != nil {
				urn = *x.URN
			}
			for _, alt := range []string{x.MemberID, urn, x.MemberID[strings.LastIndexAny(x.MemberID, ":/")+1:]} {
				if alt != "" && !tried[strings.ToLower(alt)] {
					tried[strings.ToLower(alt)] = true
					again[kindOrganization] = append(again[kindOrganization], alt)
					break
				}
			}
		}
		if again.empty() {
			return nil
		}
		if err := o.write(ctx, o.client().RemoveImageMembers, again); err != nil && !nonMemberRefused(err) {
			return err
		}
	}
	return nil
}

// wait polls a job of the operation to its end, keeping the per-image
// failures a SUCCESS job may report, for notApplied.
func (o *imageOp) wait(ctx context.Context, jobID string) error {
	o.jobs = append(o.jobs, jobID)
	job, err := o.client().WaitJob(ctx, ims.JobInput{JobID: jobID})
	if err == nil && job != nil {
		for _, r := range job.FailedImages() {
			o.failedImages = append(o.failedImages, fmt.Sprintf("image %s: %s (job %s)", r.ImageID, r.Status, jobID))
		}
	}
	return err
}

// readBackBudget is the least time a read-back gets: a write that timed
// out, was interrupted or ended with moments to spare still records what
// IMS holds.
const readBackBudget = time.Minute

// readContext is ctx, or a fresh budget of readBackBudget when ctx is done
// or has less than that left.
func readContext(ctx context.Context) (context.Context, context.CancelFunc) {
	if deadline, ok := ctx.Deadline(); ctx.Err() != nil || (ok && time.Until(deadline) < readBackBudget) {
		return context.WithTimeout(context.WithoutCancel(ctx), readBackBudget)
	}
	return ctx, func() {}
}

// listMembers reads the image's members.
func (o *imageOp) listMembers(ctx context.Context) ([]ims.Member, error) {
	ctx, cancel := readContext(ctx)
	defer cancel()
	list, err := o.client().ListImageMembers(ctx, ims.ListImageMembersInput{ImageID: o.imageID})
	if err != nil {
		return nil, err
	}
	return list.Members, nil
}

// gone reports whether a failed read of the image means that the image is
// gone: IMS's own not-found answer on the image's own path, or a bare 404
// there that the image list confirms (no image of that ID for the
// project). Any other answer is an error, never "gone".
func (o *imageOp) gone(ctx context.Context, err error) (bool, error) {
	switch ims.NotFoundOf(err, o.imageID) {
	case ims.ImageGone:
		return true, nil
	case ims.Unconfirmed:
		ctx, cancel := readContext(ctx)
		defer cancel()
		found := false
		lerr := o.client().ListImages(ctx, ims.ListImagesInput{ID: o.imageID,
			EnterpriseProjectID: defaultEnterpriseProject},
			func(images []ims.Image) error {
				for _, img := range images {
					found = found || img.ID == o.imageID
				}
				return nil
			})
		if lerr != nil {
			return false, fmt.Errorf("%w; confirming with the image list failed too: %w", err, lerr)
		}
		if found {
			// The image exists: the 404 was not IMS's answer for it.
			return false, &imageExistsError{imageID: o.imageID, err: err}
		}
		return true, nil
	}
	return false, err
}

// key names the operation's image for the composition guard.
func (o *imageOp) key() string { return imageKey(o.target.region, o.imageID) }

// keptByAnother is the warning of a Delete that leaves members which a
// resource created or updated in the same apply holds.
func keptByAnother(o *imageOp, kept members) diag.Diagnostic {
	return diag.NewWarningDiagnostic("Members left to the resource that replaced this one",
		fmt.Sprintf("The %s of %s on image %s leaves %s: a resource created or updated in this apply holds them (the new object "+
			"of a create_before_destroy replacement), so removing them would take them from it.", o.op.name, o.op.subject, o.imageID, kept))
}

// removeGone removes from state a resource whose object IMS no longer
// holds, with a warning that says why. The identity is set first: CLIs
// without identity support fail with "Missing Resource Identity After
// Read" otherwise.
func removeGone(ctx context.Context, resp *resource.ReadResponse, identity any, summary, detail string) {
	resp.Diagnostics.Append(resp.Identity.Set(ctx, identity)...)
	resp.Diagnostics.AddWarning(summary, detail)
	resp.State.RemoveResource(ctx)
}

// importNotFound is the error of an import whose object IMS does not
// hold (instead of Terraform's bare "non-existent remote object").
func (o *imageOp) importNotFound(why string) diag.Diagnostic {
	return diag.NewAttributeErrorDiagnostic(path.Root("image_id"), "Nothing to import",
		fmt.Sprintf("The import of %s on image %s found nothing: %s, as project %s in region %s reads it. Only the project that owns "+
			"an image can list its members: import with a provider configured for the owner's project (project_id, or its "+
			"credentials) and region, and check the image ID.", o.op.subject, o.imageID, why, o.target.projectID, o.target.region))
}

// imageExistsError is a bare 404 on an image's members path for an image
// that the image list shows exists: something other than IMS's answer
// for the image (a proxy, an endpoint with a path) gave it.
type imageExistsError struct {
	imageID string
	err     error
}

func (e *imageExistsError) Error() string { return e.err.Error() }
func (e *imageExistsError) Unwrap() error { return e.err }

// jobList names the operation's jobs for a message.
func (o *imageOp) jobList() string {
	switch len(o.jobs) {
	case 0:
		return "no job"
	case 1:
		return "job " + o.jobs[0]
	}
	return "jobs " + strings.Join(o.jobs, ", ")
}

// notApplied is the diagnostic of writes whose jobs ended but whose change
// the read-back does not show, or nil when it does: a job that reports
// SUCCESS is not proof.
func (o *imageOp) notApplied(added, removed, held members) diag.Diagnostic {
	notAdded := added.minus(held)
	notRemoved := removed.common(held)
	if notAdded.empty() && notRemoved.empty() {
		return nil
	}
	var parts []string
	if !notAdded.empty() {
		parts = append(parts, "not added: "+notAdded.String())
	}
	if !notRemoved.empty() {
		parts = append(parts, "not removed: "+notRemoved.String())
	}
	if len(o.failedImages) > 0 {
		parts = append(parts, "the job's per-image results: "+strings.Join(o.failedImages, ", "))
	}
	return diag.NewErrorDiagnostic("IMS did not make the sharing change",
		fmt.Sprintf("The %s of %s on image %s (project %s, region %s): IMS reported %s as finished, but reading the image back shows "+
			"the change was not made (%s). State holds what IMS holds. Apply again; if it persists, report the job id to Huawei Cloud support.",
			o.op.name, o.op.subject, o.imageID, o.target.projectID, o.target.region, o.jobList(), strings.Join(parts, "; ")))
}

// disagrees is the diagnostic of a read-back that holds other members than
// the configuration names (want), or nil. Someone else changed the image's
// sharing while this operation ran: another resource of this provider,
// another configuration, or the console.
func (o *imageOp) disagrees(want, held members) diag.Diagnostic {
	extra, missing := held.minus(want), want.minus(held)
	if extra.empty() && missing.empty() {
		return nil
	}
	var parts []string
	if !extra.empty() {
		parts = append(parts, "it also holds "+extra.String())
	}
	if !missing.empty() {
		parts = append(parts, "it does not hold "+missing.String())
	}
	who := "another configuration or the console"
	if len(o.others) > 0 {
		who = strings.Join(o.others, " or ") + " resources of this configuration on the same image, another configuration, or the console"
	}
	return diag.NewErrorDiagnostic("Image sharing changed by someone else during the apply",
		fmt.Sprintf("After the %s of %s on image %s (project %s, region %s), IMS's members differ from the configuration: %s. They were "+
			"changed outside this operation, by %s. State holds what IMS holds, so the next plan shows the difference. Let one "+
			"ims_image_share own the image's sharing, or use ims_image_share_member for each member, never both on one image.",
			o.op.name, o.op.subject, o.imageID, o.target.projectID, o.target.region, strings.Join(parts, "; "), who))
}

// refusedOtherwise reports a write that IMS refused for a reason other than
// the image not existing (IMG.0106, another tenant's image, say): then a
// not-found read-back is no proof that the sharing is gone.
func refusedOtherwise(err error) bool {
	var apiErr *ims.APIError
	return errors.As(err, &apiErr) && apiErr.StatusCode >= 400 && apiErr.StatusCode < 500 &&
		apiErr.Code != "" && apiErr.Code != ims.CodeImageNotFound
}

// Tenant caps of one image. ims_03_0903 (Restrictions on Image Sharing)
// names 128 tenants for a system or data disk image and 10 for a full-ECS
// image; the provider's earlier reading (and its attribute limits) said
// 256. The prediction takes the lower number: above it, removing first
// costs nothing but the order of two jobs.
const (
	predictedCap        = 128
	predictedCapFullECS = 10
)

// overCap predicts whether adding added to an image that holds have would
// pass the image's tenant cap, so that a swap removes first. No page names
// the code IMS refuses the cap with (the error-code table words IMG.0088
// as the quota of shared images), so the swap cannot wait for IMG.0088
// alone. Between the two caps, the image list's __whole_image decides; an
// image list that cannot be read predicts nothing (the IMG.0088 fallback
// remains).
func (o *imageOp) overCap(ctx context.Context, have, added members) bool {
	n := 0
	for _, k := range have.union(added) {
		n += len(k)
	}
	switch {
	case n > predictedCap:
		return true
	case n <= predictedCapFullECS:
		return false
	}
	whole := false
	err := o.client().ListImages(ctx, ims.ListImagesInput{ID: o.imageID,
		EnterpriseProjectID: defaultEnterpriseProject}, func(images []ims.Image) error {
		for _, img := range images {
			whole = whole || (img.ID == o.imageID && bool(img.WholeImage))
		}
		return nil
	})
	return err == nil && whole
}

// isQuota reports IMS's sharing-quota refusal, as an answer or as a failed
// job.
func isQuota(err error) bool {
	var apiErr *ims.APIError
	var jobErr *ims.JobError
	return (errors.As(err, &apiErr) && apiErr.Code == "IMG.0088") || (errors.As(err, &jobErr) && jobErr.Job.ErrorCode == "IMG.0088")
}

// pendingJobKey is the private-state key of the job that adds a member
// whose create ended before the job did.
const pendingJobKey = "pending_job"

// privateData is the framework's private state of a resource.
type privateData interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

// setPendingJob records the job id in private state ("" removes it).
func setPendingJob(ctx context.Context, p privateData, jobID string) diag.Diagnostics {
	if p == nil {
		return nil
	}
	if jobID == "" {
		return p.SetKey(ctx, pendingJobKey, nil)
	}
	raw, _ := json.Marshal(jobID)
	return p.SetKey(ctx, pendingJobKey, raw)
}

// pendingJob is the job id recorded by setPendingJob, or "".
func pendingJob(ctx context.Context, p privateData) string {
	if p == nil {
		return ""
	}
	raw, _ := p.GetKey(ctx, pendingJobKey)
	var id string
	if len(raw) > 0 && json.Unmarshal(raw, &id) == nil && ims.PlainID(id) {
		return id
	}
	return ""
}

// unknownOutcome is the id of the last job of the operation when IMS
// accepted it but what it did is not known: the wait for it ran out or was
// interrupted, it could not be read, or the image could not be read back
// after it. "" when the outcome is known (or no job was started).
func unknownOutcome(o *imageOp, writeErr, readErr error) string {
	if len(o.jobs) == 0 {
		return ""
	}
	var unfinished *ims.JobUnfinishedError
	var jobRead *ims.JobReadError
	if errors.As(writeErr, &unfinished) || errors.As(writeErr, &jobRead) || writeErr == nil && readErr != nil {
		return o.jobs[len(o.jobs)-1]
	}
	return ""
}

// client is the IMS client bound to the operation's endpoint and project.
func (o *imageOp) client() *ims.Bound { return o.data.at(o.target) }
