package provider

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-ims/terraform-provider-ims/internal/ims"
)

var (
	_ resource.ResourceWithConfigure        = (*imageShareAccepterResource)(nil)
	_ resource.ResourceWithImportState      = (*imageShareAccepterResource)(nil)
	_ resource.ResourceWithIdentity         = (*imageShareAccepterResource)(nil)
	_ resource.ResourceWithModifyPlan       = (*imageShareAccepterResource)(nil)
	_ resource.ResourceWithConfigValidators = (*imageShareAccepterResource)(nil)
)

func (r *imageShareAccepterResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{positiveTimeouts{}}
}

func newImageShareAccepterResource() resource.Resource {
	return &imageShareAccepterResource{resourceBase{typeBase{spec: accepterSpec}}}
}

type imageShareAccepterResource struct {
	resourceBase
}

// imageShareAccepterModel mirrors the ims_image_share_accepter schema.
type imageShareAccepterModel struct {
	ImageID  types.String   `tfsdk:"image_id"`
	Status   types.String   `tfsdk:"status"`
	VaultID  types.String   `tfsdk:"vault_id"`
	Region   types.String   `tfsdk:"region"`
	ID       types.String   `tfsdk:"id"`
	MemberID types.String   `tfsdk:"member_id"`
	Timeouts timeouts.Value `tfsdk:"timeouts"`
}

// imageShareAccepterIdentity mirrors the identity schema.
type imageShareAccepterIdentity struct {
	ImageID  types.String `tfsdk:"image_id"`
	Region   types.String `tfsdk:"region"`
	MemberID types.String `tfsdk:"member_id"`
}

func (r *imageShareAccepterResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Accepts (or rejects) an image that another project shared with this one: run it with the recipient's " +
			"credentials. Read uses `GET /v1/{project_id}/cloudimages/{image_id}/members/{member_id}` with the recipient's project as " +
			"both (the reference does not say who may call it); where IMS refuses that read, the recipient's image list " +
			"(`visibility=shared&id=…`, each `member_status`) decides. A status changed outside Terraform shows in plan, and a share " +
			"withdrawn by the owner removes the resource from state. Destroying it **rejects** the image " +
			"(`PUT /v1/cloudimages/members`): the image leaves the recipient's image list, though IMS still lets it create servers.",
		Attributes: map[string]schema.Attribute{
			// Required
			"image_id": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "ID of the shared image, a UUID. Changing it replaces the resource.",
				Validators:          []validator.String{stringvalidator.RegexMatches(uuidPattern, "must be an image ID: a UUID such as 370befec-a369-475e-a224-44a45927a8fe")},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			// Optional
			"status": schema.StringAttribute{
				Optional:            true,
				Computed:            true,
				Default:             stringdefault.StaticString("accepted"),
				MarkdownDescription: "`accepted` (default) or `rejected`; changed in place. IMS's third status, `pending`, is not one to ask for.",
				Validators:          []validator.String{stringvalidator.OneOf("accepted", "rejected")},
			},
			"vault_id": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "ID of a CBR vault, required by IMS to accept a full-ECS image created from a CBR backup. " +
					"Changing it replaces the resource.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			// Optional and computed
			"region": schema.StringAttribute{
				Optional:            true,
				Computed:            true,
				MarkdownDescription: "Region of the image. Default: the provider's region. Changing it replaces the resource.",
				Validators:          []validator.String{stringvalidator.RegexMatches(regionPattern, "must be a region name such as cn-north-4")},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplaceIfConfigured(), stringplanmodifier.UseStateForUnknown()},
			},
			// Computed
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "Same as `image_id`.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"member_id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The recipient's project: the member that accepts.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Update: true, Delete: true}),
		},
	}
}

func (r *imageShareAccepterResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"image_id":  identityschema.StringAttribute{RequiredForImport: true, Description: "ID of the shared image."},
			"region":    identityschema.StringAttribute{OptionalForImport: true, Description: "Region of the image; default: the provider's."},
			"member_id": identityschema.StringAttribute{OptionalForImport: true, Description: "The recipient's project; default: the provider's."},
		},
	}
}

// opened refuses state recorded for another project than the provider's:
// an accepter acts for the provider's own project (the provider's project
// or credentials changed since), for every operation.
func (m imageShareAccepterModel) opened(_ context.Context, op *imageOp) diag.Diagnostics {
	var diags diag.Diagnostics
	if mid := m.MemberID.ValueString(); !m.MemberID.IsUnknown() && mid != "" && mid != op.target.projectID {
		diags.AddAttributeError(path.Root("member_id"), "Member is not this provider's project",
			fmt.Sprintf("The share is recorded for project %s, but this provider works as project %s in region %s. An accepter acts "+
				"for the provider's own project: use a provider configured for %s (project_id or its credentials).", mid, op.target.projectID, op.target.region, mid))
	}
	return diags
}

func (m imageShareAccepterModel) imageAndRegion() (string, types.String) {
	return m.ImageID.ValueString(), m.Region
}
func (m imageShareAccepterModel) writeTimeouts() timeouts.Value { return m.Timeouts }

// holding is the recipient's status (see composition.go).
func (m imageShareAccepterModel) holding(context.Context) (holding, diag.Diagnostics) { //nolint:unparam // heldModel: a share's can fail.
	h := accepterSpec.holding(members{}, false)
	h.status = m.Status.ValueString()
	return h, nil
}

// ModifyPlan refuses a plan that Terraform cannot apply without losing the
// recipient's acceptance (see composition.go).
func (r *imageShareAccepterResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	guardPlan[imageShareAccepterModel](ctx, r.data, req, resp)
}

// ownerProject is null: the accepter's member_id plays that part.
func (m imageShareAccepterModel) ownerProject() types.String { return types.StringNull() }

// setStatus puts the recipient's status and waits for its job.
func (op *imageOp) setStatus(ctx context.Context, status, vaultID string) error {
	jobID, err := op.client().UpdateMemberStatus(ctx, ims.StatusRequest{Images: []string{op.imageID}, Status: status, VaultID: vaultID})
	if err != nil {
		return err
	}
	return op.wait(ctx, jobID)
}

// readStatus is the recipient's status on the image, or "" when the image
// is not (or no longer) shared with it. It reads the recipient's own
// membership (GET …/members/{member_id} with its project as both), which
// ims_03_0660 neither grants nor denies a recipient: when IMS refuses that
// read (any 4xx with an IMS code: 403, IMG.0114 "Failed to query the
// tenant details", …) or answers not-found, the recipient's image list
// decides instead (visibility=shared&id=…, for each member_status: see
// incomingImages). A gateway's refusal (APIGW.*) stays an error.
func (op *imageOp) readStatus(ctx context.Context) (string, error) {
	ctx, cancel := readContext(ctx)
	defer cancel()
	m, err := op.client().GetImageMember(ctx, ims.GetImageMemberInput{ImageID: op.imageID, MemberID: op.target.projectID})
	if err == nil {
		if !strings.EqualFold(m.MemberID, op.target.projectID) || !slices.Contains(memberStatuses, m.Status) {
			return "", fmt.Errorf("IMS answered the read of project %s's membership of image %s with member %q in status %q, "+
				"which is not this project or not a status IMS documents (accepted, pending, rejected)",
				op.target.projectID, op.imageID, displayText(m.MemberID, nil), displayText(m.Status, nil))
		}
		return m.Status, nil
	}
	var apiErr *ims.APIError
	refused := errors.As(err, &apiErr) && apiErr.StatusCode >= 400 && apiErr.StatusCode < 500 && apiErr.Code != "" &&
		!apiErr.Gateway() && !apiErr.Throttled()
	if !refused && ims.NotFoundOf(err, op.imageID) == ims.NotNotFound {
		return "", err
	}
	status := ""
	lerr := op.data.walkIncoming(ctx, op.target, nil, op.imageID, defaultEnterpriseProject, func(_ ims.Image, s string) error {
		status = s
		return errWalkDone
	})
	if lerr != nil {
		return "", fmt.Errorf("%w; the recipient's image list could not be read either: %w", err, lerr)
	}
	return status, nil
}

// refuseOwner refuses accepting an image whose owner the sharing policy's
// allowed_owners does not list, before any write; rejecting is always
// allowed. The owner comes from the recipient's image list.
func (op *imageOp) refuseOwner(ctx context.Context, policy sharingPolicy, status string) diag.Diagnostics {
	var diags diag.Diagnostics
	if status != "accepted" || !policy.restricts(kindOwner) {
		return nil
	}
	owner := ""
	err := op.data.walkIncoming(ctx, op.target, nil, op.imageID, defaultEnterpriseProject, func(img ims.Image, _ string) error {
		owner = img.Owner
		return errWalkDone
	})
	if err != nil {
		diags.Append(op.failure(err))
		return diags
	}
	if owner == "" {
		diags.Append(op.notShared(errors.New("the recipient's image list does not show it, so its owner cannot be checked against the sharing policy")))
		return diags
	}
	if src := policy.refusedBy(kindOwner, owner); src != "" {
		diags.AddAttributeError(path.Root("image_id"), "Image owner outside the sharing policy",
			fmt.Sprintf("Image %s belongs to project %s, which %s does not allow (allowed_owners), so ims_image_share_accepter may not "+
				"accept it. Nothing was sent to IMS. Set status = \"rejected\", remove the resource, or have whoever sets %s add the "+
				"owner.", op.imageID, displayText(owner, nil), src, src))
	}
	return diags
}

// state is the accepter's state for status, on top of base.
func (op *imageOp) accepterState(base imageShareAccepterModel, status string) imageShareAccepterModel {
	s := base
	s.ImageID = types.StringValue(op.imageID)
	s.ID = types.StringValue(op.imageID)
	s.Region = types.StringValue(op.target.region)
	s.MemberID = types.StringValue(op.target.projectID)
	s.Status = types.StringValue(status)
	if s.Timeouts.IsNull() || s.Timeouts.IsUnknown() {
		s.Timeouts = timeoutsNull()
	}
	return s
}

// statusNotSet is the diagnostic of a status job that ended without
// setting the status asked for, or nil.
func (op *imageOp) statusNotSet(want, got string) diag.Diagnostic {
	if want == got {
		return nil
	}
	return diag.NewErrorDiagnostic("IMS did not change the share's status",
		fmt.Sprintf("The %s of %s on image %s (project %s, region %s): IMS reported %s as finished, but the status is %q, not %q. "+
			"State holds what IMS holds. Apply again; if it persists, report the job id to Huawei Cloud support.",
			op.op.name, op.op.subject, op.imageID, op.target.projectID, op.target.region, op.jobList(), got, want))
}

// notShared is the diagnostic of an image not shared with the recipient.
func (op *imageOp) notShared(cause error) diag.Diagnostic {
	detail := ""
	if cause != nil {
		detail = cause.Error() + "\n\n"
	}
	return diag.NewAttributeErrorDiagnostic(path.Root("image_id"), "Image not shared with this project",
		fmt.Sprintf("%sImage %s is not shared with project %s in region %s. Ask the image's owner to share it (ims_image_share), "+
			"and run this resource with the recipient's credentials.", detail, op.imageID, op.target.projectID, op.target.region))
}

func (s imageShareAccepterModel) save(ctx context.Context, state *tfsdk.State, identity *tfsdk.ResourceIdentity) diag.Diagnostics {
	diags := state.Set(ctx, &s)
	if identity != nil {
		diags.Append(identity.Set(ctx, imageShareAccepterIdentity{ImageID: s.ImageID, Region: s.Region, MemberID: s.MemberID})...)
	}
	return diags
}

// Create sets the status asked for. A failed Create records no state.
func (r *imageShareAccepterResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	ctx, plan, op, ok := openOp[imageShareAccepterModel](ctx, r.data, r.spec, "accept", req.Plan, &resp.Diagnostics)
	defer op.close(&resp.Diagnostics)
	if !ok {
		return
	}
	op.recorded = recordedNothing
	want := plan.Status.ValueString()
	if resp.Diagnostics.Append(op.refuseOwner(ctx, r.data.policy, want)...); resp.Diagnostics.HasError() {
		return
	}
	writeErr := op.setStatus(ctx, want, plan.VaultID.ValueString())
	status, readErr := op.readStatus(ctx)
	switch {
	case readErr == nil && status == "":
		resp.Diagnostics.Append(op.notShared(writeErr))
	case writeErr != nil:
		resp.Diagnostics.Append(op.failure(writeErr))
	case readErr != nil:
		resp.Diagnostics.Append(op.failure(readErr))
	case op.statusNotSet(want, status) != nil:
		resp.Diagnostics.Append(op.statusNotSet(want, status))
	default:
		resp.Diagnostics.Append(op.accepterState(plan, status).save(ctx, &resp.State, resp.Identity)...)
		resp.Diagnostics.Append(r.data.guard.applied(ctx, op.key(), resp.Private, r.spec.holding(members{}, false))...)
	}
}

// Read sets the status from IMS; a share that is gone is removed from
// state, with a warning.
func (r *imageShareAccepterResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	ctx, prior, op, ok := openOp[imageShareAccepterModel](ctx, r.data, r.spec, "read", req.State, &resp.Diagnostics)
	defer op.close(&resp.Diagnostics)
	if !ok {
		return
	}
	status, err := op.readStatus(ctx)
	if err != nil {
		resp.Diagnostics.Append(op.failure(err))
		return
	}
	if status == "" && prior.ID.IsNull() {
		resp.Diagnostics.Append(op.notShared(errors.New("nothing to import")))
		return
	}
	if status == "" {
		removeGone(ctx, resp, imageShareAccepterIdentity{
			ImageID: prior.ImageID, Region: types.StringValue(op.target.region), MemberID: types.StringValue(op.target.projectID),
		}, "Image no longer shared with this project", fmt.Sprintf("Image %s is no longer shared with project %s (the owner withdrew "+
			"it, or deleted the image), so %s is removed from state.", op.imageID, op.target.projectID, r.spec.name))
		return
	}
	resp.Diagnostics.Append(op.accepterState(prior, status).save(ctx, &resp.State, resp.Identity)...)
}

// Update sets the status; state ends as what IMS holds.
func (r *imageShareAccepterResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	ctx, plan, op, ok := openOp[imageShareAccepterModel](ctx, r.data, r.spec, "update", req.Plan, &resp.Diagnostics)
	defer op.close(&resp.Diagnostics)
	var prior imageShareAccepterModel
	if resp.Diagnostics.Append(req.State.Get(ctx, &prior)...); !ok || resp.Diagnostics.HasError() {
		return
	}
	want := plan.Status.ValueString()
	if resp.Diagnostics.Append(op.refuseOwner(ctx, r.data.policy, want)...); resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(prior.save(ctx, &resp.State, resp.Identity)...)
		return
	}
	writeErr := op.setStatus(ctx, want, plan.VaultID.ValueString())
	status, readErr := op.readStatus(ctx)
	state := op.accepterState(plan, status)
	op.recorded = recordedReadBack
	if readErr != nil || status == "" {
		op.recorded = recordedPrior
		// IMS could not be read (or no longer shares the image): keep the
		// prior state rather than none, and let the next refresh decide.
		state = prior
	}
	resp.Diagnostics.Append(state.save(ctx, &resp.State, resp.Identity)...)
	switch {
	case writeErr != nil:
		resp.Diagnostics.Append(op.failure(writeErr))
	case readErr != nil:
		resp.Diagnostics.Append(op.failure(readErr))
	case status == "":
		resp.Diagnostics.Append(op.notShared(nil))
	case op.statusNotSet(want, status) != nil:
		resp.Diagnostics.Append(op.statusNotSet(want, status))
	default:
		resp.Diagnostics.Append(r.data.guard.applied(ctx, op.key(), resp.Private, r.spec.holding(members{}, false))...)
	}
}

// Delete rejects the image, so that it leaves the recipient's image list.
// It is done when the status reads back as rejected, or the share is gone.
func (r *imageShareAccepterResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	ctx, _, op, ok := openOp[imageShareAccepterModel](ctx, r.data, r.spec, "delete", req.State, &resp.Diagnostics)
	defer op.close(&resp.Diagnostics)
	if !ok {
		return
	}
	op.recorded = recordedKept
	token := objectToken(ctx, req.Private)
	defer r.data.guard.forgetAfter(op.key(), token, r.spec.holding(members{}, false), &resp.Diagnostics)
	if _, claimed := r.data.guard.kept(op.key(), token, r.spec.holding(members{}, false)); claimed {
		// The successor of a create_before_destroy replacement set the
		// status in this apply: rejecting now would undo it.
		resp.Diagnostics.AddWarning("Image left as its successor set it",
			fmt.Sprintf("The ims_image_share_accepter on image %s that this apply destroys was replaced by one created in the same "+
				"apply (create_before_destroy), which set the project's status; the destroy leaves that status as it is instead of "+
				"rejecting the image.", op.imageID))
		return
	}
	writeErr := op.setStatus(ctx, "rejected", "")
	status, readErr := op.readStatus(ctx)
	switch {
	case readErr == nil && (status == "" || status == "rejected"):
		return
	case writeErr != nil:
		resp.Diagnostics.Append(op.failure(writeErr))
	case readErr != nil:
		resp.Diagnostics.Append(op.failure(readErr))
	default:
		resp.Diagnostics.Append(op.statusNotSet("rejected", status))
	}
}

func (r *imageShareAccepterResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importByImageID(ctx, r.spec, req, resp)
	if req.ID != "" || resp.Diagnostics.HasError() {
		return
	}
	// An identity's member_id is checked against the provider's project by
	// the Read that follows.
	var memberID types.String
	resp.Diagnostics.Append(req.Identity.GetAttribute(ctx, path.Root("member_id"), &memberID)...)
	if !memberID.IsNull() && memberID.ValueString() != "" {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("member_id"), memberID)...)
	}
}
