package provider

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-ims/terraform-provider-ims/internal/ims"
)

// configuredData is the provider data handed to a data source or resource.
func configuredData(given any, diags *diag.Diagnostics) *providerData {
	if given == nil {
		return nil
	}
	data, ok := given.(*providerData)
	if !ok {
		diags.AddError("Unexpected provider data", fmt.Sprintf("Expected *providerData, got %T. This is a provider bug.", given))
	}
	return data
}

// regionOr is v when set, else the provider's region.
func (d *providerData) regionOr(v types.String) string {
	if !v.IsNull() && !v.IsUnknown() && v.ValueString() != "" {
		return v.ValueString()
	}
	return d.settings.region
}

// shareOp is one operation of a share resource on one image: its writes
// (each an asynchronous job, polled to the end), its read-back, and the
// diagnostics of its failures.
type shareOp struct {
	data    *providerData
	target  target
	imageID string
	action  string
	timeout time.Duration
}

// beginOp prepares an operation of a share resource on an image: the
// provider ready, the operation's time limit, logging, and the endpoint and
// project of its region. The caller defers the returned cancel.
func (d *providerData) beginOp(ctx context.Context, region types.String, imageID, action string, timeout time.Duration) (context.Context, context.CancelFunc, shareOp, diag.Diagnostics) {
	diags := d.ready()
	if diags.HasError() {
		return ctx, func() {}, shareOp{}, diags
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	ctx = withLogging(ctx, d.secrets)
	tgt, more := d.targetFor(ctx, d.regionOr(region))
	diags.Append(more...)
	return ctx, cancel, shareOp{data: d, target: tgt, imageID: imageID, action: action, timeout: timeout}, diags
}

// importByImageID imports a share resource by its image ID (terraform
// import, import blocks with id) or by its identity's image_id and region.
func importByImageID(ctx context.Context, typeName string, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if req.ID != "" {
		if !uuidPattern.MatchString(req.ID) {
			resp.Diagnostics.AddError("Invalid import ID",
				fmt.Sprintf("%q is not an image ID. Import %s by the ID of its image, a UUID such as 370befec-a369-475e-a224-44a45927a8fe.",
					redact(req.ID, nil), typeName))
			return
		}
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("image_id"), req.ID)...)
		return
	}
	var imageID, region types.String
	resp.Diagnostics.Append(req.Identity.GetAttribute(ctx, path.Root("image_id"), &imageID)...)
	resp.Diagnostics.Append(req.Identity.GetAttribute(ctx, path.Root("region"), &region)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("image_id"), imageID)...)
	if !region.IsNull() && region.ValueString() != "" {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("region"), region)...)
	}
}

// startFunc starts an asynchronous write and returns its job id.
type startFunc func(ctx context.Context, endpoint string, req ims.ShareRequest) (string, error)

// write starts one job for req, unless req names no member, and waits for
// it.
func (op shareOp) write(ctx context.Context, start startFunc, req ims.ShareRequest) error {
	if req.Empty() {
		return nil
	}
	req.ProjectID = op.target.projectID
	jobID, err := start(ctx, op.target.endpoint, req)
	if err != nil {
		return err
	}
	_, err = op.data.client.WaitJob(ctx, op.target.endpoint, op.target.projectID, jobID)
	return err
}

// shareState is what IMS holds for an image, as the resource's state.
type shareState struct {
	model   imageShareModel
	members []ims.Member
}

// readBack lists the image's members and builds the state from them, on
// top of base (which supplies timeouts). It uses a fresh time budget when
// the operation's has run out, so that a timed-out write still records
// what IMS holds.
func (op shareOp) readBack(ctx context.Context, base imageShareModel) (shareState, error) {
	if ctx.Err() != nil {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(context.WithoutCancel(ctx), resourceReadTimeout)
		defer cancel()
	}
	list, err := op.data.client.ListImageMembers(ctx, ims.ListImageMembersInput{Endpoint: op.target.endpoint, ProjectID: op.target.projectID, ImageID: op.imageID})
	if err != nil {
		return shareState{}, err
	}
	return newShareState(base, op.target, op.imageID, list.Members), nil
}

// newShareState is the state of an image's sharing as IMS holds it, on top
// of base (which supplies timeouts).
func newShareState(base imageShareModel, tgt target, imageID string, members []ims.Member) shareState {
	h := held(members)
	m := base
	m.ImageID = types.StringValue(imageID)
	m.ID = types.StringValue(imageID)
	m.Region = types.StringValue(tgt.region)
	m.Projects = stringSetOrNull(h.projects)
	m.Domains = stringSetOrNull(h.domains)
	m.Organizations = stringSetOrNull(h.organizations)
	if m.Timeouts.IsNull() || m.Timeouts.IsUnknown() {
		m.Timeouts = timeoutsNull()
	}
	return shareState{model: m, members: members}
}

// withMembers is the model with its members list set.
func (s shareState) withMembers() (imageShareModel, diag.Diagnostics) {
	list, diags := memberList(s.members)
	s.model.Members = list
	return s.model, diags
}

// save writes the state and the identity.
func (s shareState) save(ctx context.Context, state *tfsdk.State, identity *tfsdk.ResourceIdentity) diag.Diagnostics {
	model, diags := s.withMembers()
	diags.Append(state.Set(ctx, &model)...)
	if identity != nil {
		diags.Append(identity.Set(ctx, imageShareIdentity{ImageID: model.ImageID, Region: model.Region})...)
	}
	return diags
}

// stringSetOrNull is a set of strings, null when empty: an attribute the
// configuration leaves out then matches an image with no such member.
func stringSetOrNull(v []string) types.Set {
	if len(v) == 0 {
		return types.SetNull(types.StringType)
	}
	elems := make([]attr.Value, len(v))
	for i, s := range v {
		elems[i] = types.StringValue(s)
	}
	set, _ := types.SetValue(types.StringType, elems)
	return set
}

// failure is the diagnostic of a failed operation.
func (op shareOp) failure(err error) diag.Diagnostic {
	var jobErr *ims.JobError
	var timeoutErr *ims.JobTimeoutError
	var apiErr *ims.APIError
	where := fmt.Sprintf("image %s (project %s, region %s)", op.imageID, op.target.projectID, op.target.region)
	switch {
	case errors.As(err, &jobErr):
		return diag.NewErrorDiagnostic("IMS sharing job failed",
			fmt.Sprintf("The %s of the sharing of %s failed in IMS: %s.\n\n%sState holds what IMS holds after the failure; "+
				"fix the cause and apply again.", op.action, where, jobErr.Error(), shareCodeAdvice(jobErr.Job.ErrorCode)))
	case errors.As(err, &timeoutErr):
		return diag.NewErrorDiagnostic("Timed out waiting for an IMS sharing job",
			fmt.Sprintf("%s (the %s timeout is %s). The change may still complete in IMS: the next refresh (terraform plan) shows "+
				"what it did. Raise timeouts { %s = \"...\" } if IMS is slow.", timeoutErr.Error(), op.action, op.timeout, op.action))
	case errors.As(err, &apiErr) && shareCodeAdvice(apiErr.Code) != "":
		return diag.NewAttributeErrorDiagnostic(path.Root("image_id"), "IMS refused to change the sharing of the image",
			fmt.Sprintf("%s\n\n%s", apiErr.Error(), shareCodeAdvice(apiErr.Code)))
	}
	return readErrorDiagnostic(err, failedRead{imageID: op.imageID, target: op.target, timeout: op.timeout, maxRetries: op.data.settings.maxRetries})
}

// shareCodeAdvice says what to do about the IMS error codes of sharing.
func shareCodeAdvice(code string) string {
	switch code {
	case "IMG.0076":
		return "An image cannot be shared with its own project or account: remove it from projects or domains."
	case "IMG.0088":
		return fmt.Sprintf("The image's sharing quota is reached: a system or data disk image can be shared with at most %d tenants, "+
			"a full-ECS image with at most 10. Remove members, or share a copy of the image.", ims.MaxShareMembers)
	case "IMG.0089":
		return "Public images cannot be shared: share a private copy of the image instead."
	case "IMG.0098":
		return "Encrypted images cannot be shared this way: share an unencrypted copy, or grant the KMS key to the recipients first."
	case "IMG.0106":
		return "The image belongs to another tenant: only the project that owns an image can share it. Check image_id and the credentials."
	case "IMG.0108":
		return "A project or account to share with does not exist in this region: sharing stays within one region. Check its ID and the region."
	case "IMG.0135", "IMG.0177", "IMG.0178":
		return "IMS cannot share this image in its current state (" + code + "); see the IMS error code reference for " + code + "."
	}
	return ""
}

// timeoutsNull is an unset timeouts block of the share resources (create,
// update and delete), for states built without a plan (import).
func timeoutsNull() timeouts.Value {
	return timeouts.Value{Object: types.ObjectNull(map[string]attr.Type{
		"create": types.StringType, "update": types.StringType, "delete": types.StringType,
	})}
}
