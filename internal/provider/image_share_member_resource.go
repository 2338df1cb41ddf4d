package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/resourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-ims/terraform-provider-ims/internal/ims"
)

var (
	_ resource.ResourceWithConfigure        = (*imageShareMemberResource)(nil)
	_ resource.ResourceWithImportState      = (*imageShareMemberResource)(nil)
	_ resource.ResourceWithIdentity         = (*imageShareMemberResource)(nil)
	_ resource.ResourceWithConfigValidators = (*imageShareMemberResource)(nil)
	_ resource.ResourceWithModifyPlan       = (*imageShareMemberResource)(nil)
)

func newImageShareMemberResource() resource.Resource {
	return &imageShareMemberResource{resourceBase{typeBase{spec: memberSpec}}}
}

type imageShareMemberResource struct {
	resourceBase
}

// imageShareMemberModel mirrors the ims_image_share_member schema.
type imageShareMemberModel struct {
	ImageID         types.String   `tfsdk:"image_id"`
	ProjectID       types.String   `tfsdk:"project_id"`
	DomainID        types.String   `tfsdk:"domain_id"`
	OrganizationURN types.String   `tfsdk:"organization_urn"`
	Region          types.String   `tfsdk:"region"`
	ID              types.String   `tfsdk:"id"`
	OwnerProjectID  types.String   `tfsdk:"owner_project_id"`
	MemberID        types.String   `tfsdk:"member_id"`
	MemberType      types.String   `tfsdk:"member_type"`
	Status          types.String   `tfsdk:"status"`
	CreatedAt       types.String   `tfsdk:"created_at"`
	UpdatedAt       types.String   `tfsdk:"updated_at"`
	Timeouts        timeouts.Value `tfsdk:"timeouts"`
}

// imageShareMemberIdentity mirrors the identity schema.
type imageShareMemberIdentity struct {
	ImageID  types.String `tfsdk:"image_id"`
	MemberID types.String `tfsdk:"member_id"`
	Region   types.String `tfsdk:"region"`
}

func (m imageShareMemberModel) imageAndRegion() (string, types.String) {
	return m.ImageID.ValueString(), m.Region
}
func (m imageShareMemberModel) writeTimeouts() timeouts.Value { return m.Timeouts }
func (m imageShareMemberModel) ownerProject() types.String    { return m.OwnerProjectID }

// holding is the one member (see composition.go).
func (m imageShareMemberModel) holding(context.Context) (holding, diag.Diagnostics) { //nolint:unparam // heldModel: a share's can fail.
	known := !m.ProjectID.IsUnknown() && !m.DomainID.IsUnknown() && !m.OrganizationURN.IsUnknown()
	w := m.member()
	if w.empty() && !m.MemberID.IsNull() && !m.MemberID.IsUnknown() {
		// Imported: the member as IMS lists it.
		w = members{kindProject: {m.MemberID.ValueString()}, kindDomain: {m.MemberID.ValueString()},
			kindOrganization: {m.MemberID.ValueString()}}
	}
	return memberSpec.holding(w, !known), nil
}

// ModifyPlan refuses a plan that Terraform cannot apply without losing a
// member (see composition.go), or that shares outside the sharing policy
// (see policy.go).
func (r *imageShareMemberResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	guardPlan[imageShareMemberModel](ctx, r.data, req, resp)
}

// member is the one member the model names, as a membership.
func (m imageShareMemberModel) member() members {
	var w members
	for _, a := range []struct {
		kind int
		v    types.String
	}{{kindProject, m.ProjectID}, {kindDomain, m.DomainID}, {kindOrganization, m.OrganizationURN}} {
		if !a.v.IsNull() && !a.v.IsUnknown() && a.v.ValueString() != "" {
			w.add(member{kind: a.kind, id: a.v.ValueString()})
		}
	}
	return w
}

func (r *imageShareMemberResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replaced := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	// A member's argument replaces the resource when it names another
	// member, not when it spells the same one otherwise (an imported
	// organization IMS lists without its urn, an ID in another case):
	// that is an update of state only.
	otherMember := func(kind int) []planmodifier.String {
		return []planmodifier.String{stringplanmodifier.RequiresReplaceIf(func(_ context.Context, req planmodifier.StringRequest, resp *stringplanmodifier.RequiresReplaceIfFuncResponse) {
			resp.RequiresReplace = req.StateValue.IsNull() || req.PlanValue.IsNull() ||
				identity(kind, req.StateValue.ValueString()) != identity(kind, req.PlanValue.ValueString())
		}, "Changing it to another member replaces the resource.", "Changing it to another member replaces the resource.")}
	}
	computed := func(description string) schema.StringAttribute {
		return schema.StringAttribute{Computed: true, MarkdownDescription: description,
			PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Shares an image with one member, non-authoritatively: it adds, reads and removes only its own member and never " +
			"touches any other. Use it when several configurations share one image (an image factory's golden image, each consuming " +
			"team adding its own project); use `ims_image_share` when one configuration owns all of an image's sharing. Never both on " +
			"one image: `ims_image_share` removes the members it does not name. Create refuses a member IMS already holds (import it " +
			"instead) and sends no write; the add and remove jobs are polled to the end and checked by reading the image back. Run " +
			"with the credentials of the project that owns the image.",
		Attributes: map[string]schema.Attribute{
			// Required
			"image_id": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "ID of the image, a UUID such as `370befec-a369-475e-a224-44a45927a8fe`. Changing it replaces the resource.",
				Validators:          []validator.String{stringvalidator.RegexMatches(uuidPattern, "must be an image ID: a UUID such as 370befec-a369-475e-a224-44a45927a8fe")},
				PlanModifiers:       replaced,
			},
			// Optional: exactly one of the three.
			"project_id": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Project to share with, 32 lower-case hexadecimal characters. Exactly one of `project_id`, `domain_id` and `organization_urn`; changing it replaces the resource.",
				Validators:          []validator.String{stringvalidator.RegexMatches(memberIDPattern, "must be a project ID: 32 lower-case hexadecimal characters")},
				PlanModifiers:       otherMember(kindProject),
			},
			"domain_id": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Account (domain) to share with, 32 lower-case hexadecimal characters. Changing it replaces the resource.",
				Validators:          []validator.String{stringvalidator.RegexMatches(memberIDPattern, "must be an account (domain) ID: 32 lower-case hexadecimal characters")},
				PlanModifiers:       otherMember(kindDomain),
			},
			"organization_urn": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Organization to share with, by URN: the organization (`organizations::{account}:organization:o-{org}`), its root " +
					"(`…:root:o-{org}/r-{root}`) or a unit (`…:ou:o-{org}/ou-{unit}`, nested units too). Changing it replaces the resource.",
				Validators:    []validator.String{stringvalidator.RegexMatches(organizationURNPattern, organizationURNRule)},
				PlanModifiers: otherMember(kindOrganization),
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
			"id":               computed("`<image_id>/<member_id>`, the import ID."),
			"owner_project_id": ownerProjectAttribute(),
			"member_id":        computed("The member's ID: the project or account ID as IMS lists it, or for an organization its URN's last segment (`o-…`, `r-…` or `ou-…`), also where IMS lists the whole URN."),
			"member_type":      computed("`project`, `domain` or `organization`."),
			"status": schema.StringAttribute{Computed: true,
				MarkdownDescription: "`pending` until the recipient accepts (`accepted`) or rejects (`rejected`); read on every refresh."},
			"created_at": computed("When the image was shared with the member, e.g. `2023-08-23T04:07:52Z`."),
			"updated_at": schema.StringAttribute{Computed: true,
				MarkdownDescription: "When the member's status last changed, e.g. `2023-08-23T04:07:52Z`."},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Delete: true}),
		},
	}
}

func (r *imageShareMemberResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"image_id":  identityschema.StringAttribute{RequiredForImport: true, Description: "ID of the image."},
			"member_id": identityschema.StringAttribute{RequiredForImport: true, Description: "The member as IMS lists it."},
			"region":    identityschema.StringAttribute{OptionalForImport: true, Description: "Region of the image; default: the provider's."},
		},
	}
}

func (r *imageShareMemberResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{
		resourcevalidator.ExactlyOneOf(path.MatchRoot("project_id"), path.MatchRoot("domain_id"), path.MatchRoot("organization_urn")),
		positiveTimeouts{},
	}
}

// opened locks the member of a create or delete (beside the shared image
// lock that every member's operation holds), so that two resources naming
// one member (in two modules, say) cannot both pass Create's check.
func (m imageShareMemberModel) opened(ctx context.Context, op *imageOp) diag.Diagnostics {
	if op.op.name != "create" && op.op.name != "delete" {
		return nil
	}
	w := m.member()
	unlock, _, err := op.data.lockImage(ctx, op.target, memberLockKey(op.imageID, w), w.String()+" of image "+op.imageID, op.spec.name, true)
	if err != nil {
		return diag.Diagnostics{op.failure(err)}
	}
	op.releases = append(op.releases, unlock)
	return nil
}

// find is the member of list that has want's identity, or nil.
func find(list []ims.Member, want members) *ims.Member {
	for i, m := range list {
		v := m.MemberID
		if m.URN != nil && *m.URN != "" {
			v = *m.URN
		}
		if want.has(kindOf(m), v) {
			return &list[i]
		}
	}
	return nil
}

// unconfirmedMember is the member want, as a create records it before IMS
// lists it: pending (as IMS shares), with no dates yet.
func unconfirmedMember(imageID string, want members) *ims.Member {
	kind, spelled := onlyMember(want)
	m := &ims.Member{ImageID: imageID, MemberID: identity(kind, spelled), MemberType: memberTypes[kind], Status: "pending"}
	if kind == kindOrganization {
		m.URN = &spelled
	}
	return m
}

// memberState is the model of member m of image imageID, found at tgt, on
// top of base.
func memberState(base imageShareMemberModel, tgt target, imageID string, m *ims.Member) imageShareMemberModel {
	s := base
	s.ImageID = types.StringValue(imageID)
	s.Region = types.StringValue(tgt.region)
	s.ID = types.StringValue(imageID + "/" + memberIDOf(*m))
	s.OwnerProjectID = types.StringValue(tgt.projectID)
	s.MemberID, s.MemberType, s.Status = types.StringValue(memberIDOf(*m)), types.StringValue(m.MemberType), types.StringValue(m.Status)
	s.CreatedAt, s.UpdatedAt = types.StringValue(m.CreatedAt), types.StringValue(m.UpdatedAt)
	// The member's own argument, as configured where it names this member
	// (a URN IMS lists without its urn stays as written), else as IMS has it.
	s.ProjectID, s.DomainID, s.OrganizationURN = types.StringNull(), types.StringNull(), types.StringNull()
	switch kindOf(*m) {
	case kindDomain:
		s.DomainID = types.StringValue(m.MemberID)
	case kindOrganization:
		urn := m.MemberID
		if m.URN != nil && *m.URN != "" {
			urn = *m.URN
		}
		if v := base.OrganizationURN.ValueString(); v != "" && identity(kindOrganization, v) == identity(kindOrganization, urn) {
			urn = v
		}
		s.OrganizationURN = types.StringValue(urn)
	default:
		s.ProjectID = types.StringValue(m.MemberID)
	}
	if v := base.ProjectID.ValueString(); v != "" && strings.EqualFold(v, s.ProjectID.ValueString()) {
		s.ProjectID = base.ProjectID
	}
	if s.Timeouts.IsNull() || s.Timeouts.IsUnknown() {
		s.Timeouts = timeoutsNull("create", "delete")
	}
	return s
}

func (s imageShareMemberModel) save(ctx context.Context, state *tfsdk.State, identity *tfsdk.ResourceIdentity) diag.Diagnostics {
	diags := state.Set(ctx, &s)
	if identity != nil {
		diags.Append(identity.Set(ctx, imageShareMemberIdentity{ImageID: s.ImageID, MemberID: s.MemberID, Region: s.Region})...)
	}
	return diags
}

// Create adds the member, after refusing one that IMS already holds. A
// failed Create records no state.
func (r *imageShareMemberResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	ctx, plan, op, ok := openOp[imageShareMemberModel](ctx, r.data, r.spec, "create", req.Plan, &resp.Diagnostics)
	defer op.close(&resp.Diagnostics)
	if !ok {
		return
	}
	op.recorded = recordedNothing
	want := plan.member()
	// A member unknown at plan time is checked here, before any request.
	if resp.Diagnostics.Append(r.data.policy.refuseAdded(want, r.spec)...); resp.Diagnostics.HasError() {
		return
	}
	before, err := op.listMembers(ctx)
	if err != nil {
		resp.Diagnostics.Append(op.failure(err))
		return
	}
	if m := find(before, want); m != nil {
		resp.Diagnostics.AddAttributeError(path.Root("image_id"), "Image already shared with this member",
			fmt.Sprintf("Image %s is already shared with %s %s (status %s), so nothing was changed. Either another configuration, "+
				"a resource or the console manages it: to manage it here instead, import it with an import block with id = %q, "+
				"or terraform import <address> %s. Or this is the new object of a replacement with create_before_destroy (set "+
				"on this resource or imposed by a dependent) and the object it replaces holds the member: ims_image_share_member "+
				"cannot replace a member without removing it and adding it back pending. Apply without the replacement (leave "+
				"create_before_destroy and replace_triggered_by off this resource), or, to change only its address, use a moved "+
				"block.", op.imageID, m.MemberType, displayText(m.MemberID, nil), displayText(m.Status, nil),
				op.imageID+"/"+displayText(m.MemberID, nil), op.imageID+"/"+displayText(m.MemberID, nil)))
		return
	}
	writeErr := op.write(ctx, op.client().AddImageMembers, want)
	after, readErr := op.listMembers(ctx)
	var m *ims.Member
	if readErr == nil {
		m = find(after, want)
	}
	if m != nil {
		// IMS holds the member (also after a failed or timed-out write
		// that went through): state records it, so that it is neither
		// lost to Terraform nor refused by the next apply. The write's
		// failure is then a warning, not an error, so that Terraform does
		// not taint the resource and replace it (which would remove the
		// member and send it back to pending).
		resp.Diagnostics.Append(memberState(plan, op.target, op.imageID, m).save(ctx, &resp.State, resp.Identity)...)
		resp.Diagnostics.Append(r.data.guard.applied(ctx, op.key(), resp.Private, r.spec.holding(want, false))...)
		if writeErr != nil {
			op.recorded = "IMS holds the member nonetheless (read back after the failure), so it is recorded in state."
			d := op.failure(writeErr)
			resp.Diagnostics.AddWarning(d.Summary(), d.Detail())
		}
		return
	}
	if jobID := unknownOutcome(op, writeErr, readErr); jobID != "" {
		// IMS accepted the job, but whether it adds the member is not
		// known yet (the wait ran out or was interrupted, the job or the
		// image could not be read): record the member with the job's id,
		// so that Read confirms it when IMS lists it, or drops it when the
		// job ended without adding it. Refusing instead would leave a
		// member that every later apply refuses as "already shared".
		cause := writeErr
		if cause == nil {
			cause = readErr
		}
		op.recorded = fmt.Sprintf("IMS accepted job %s, whose outcome is not known yet, so the member is recorded in state as "+
			"pending with the job's id: the next refresh (terraform plan) confirms it once IMS lists the member, or removes it "+
			"from state if the job ended without adding it (the next apply then adds it again).", jobID)
		d := op.failure(cause)
		resp.Diagnostics.AddWarning(d.Summary(), d.Detail())
		resp.Diagnostics.Append(memberState(plan, op.target, op.imageID, unconfirmedMember(op.imageID, want)).save(ctx, &resp.State, resp.Identity)...)
		resp.Diagnostics.Append(setPendingJob(ctx, resp.Private, jobID)...)
		return
	}
	switch {
	case writeErr != nil:
		resp.Diagnostics.Append(op.failure(writeErr))
	case readErr != nil:
		resp.Diagnostics.Append(op.failure(readErr))
	case m == nil:
		held, _, _ := heldMembers(op.imageID, after, want)
		resp.Diagnostics.Append(op.notApplied(want, members{}, held))
	}
}

// Read sets state from the member as IMS lists it; a member (or an image)
// that IMS no longer holds is removed from state, with a warning.
func (r *imageShareMemberResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	ctx, prior, op, ok := openOp[imageShareMemberModel](ctx, r.data, r.spec, "read", req.State, &resp.Diagnostics)
	defer op.close(&resp.Diagnostics)
	if !ok {
		return
	}
	want := prior.member()
	if want.empty() {
		// Imported: the identity names the member by its member_id.
		want = members{kindProject: {prior.MemberID.ValueString()}, kindDomain: {prior.MemberID.ValueString()},
			kindOrganization: {prior.MemberID.ValueString()}}
	}
	list, err := op.listMembers(ctx)
	var m *ims.Member
	gone := false
	if err == nil {
		m = find(list, want)
	} else if gone, err = op.gone(ctx, err); !gone {
		resp.Diagnostics.Append(op.failure(err))
		return
	}
	jobID := pendingJob(ctx, req.Private)
	if m == nil && jobID != "" && !gone {
		// Recorded by a create whose job had not ended: keep it while the
		// job runs.
		job, jerr := r.data.client.At(op.target.endpoint, op.target.projectID).GetJob(ctx, ims.JobInput{JobID: jobID})
		if jerr != nil || job.Status == ims.JobInit || job.Status == ims.JobRunning {
			// Still running, or not known: never drop on a poll that
			// failed, or the job would add a member no state holds.
			var still string
			if jerr != nil {
				still = "could not be read (" + jerr.Error() + ")"
			} else {
				still = "is still " + job.Status
			}
			resp.Diagnostics.AddWarning("Member not confirmed yet",
				fmt.Sprintf("IMS job %s that adds %s to image %s %s, so %s stays in state as recorded; the next refresh confirms "+
					"or drops it.", jobID, want, op.imageID, still, r.spec.name))
			resp.Diagnostics.Append(prior.save(ctx, &resp.State, resp.Identity)...)
			return
		}
		ended := "ended " + job.Status
		if job.FailReason != "" {
			ended += ": " + displayText(job.FailReason, nil)
		}
		removeGone(ctx, resp, imageShareMemberIdentity{ImageID: prior.ImageID, MemberID: prior.MemberID, Region: types.StringValue(op.target.region)},
			"Member never added", fmt.Sprintf("IMS job %s that was to add %s to image %s %s, and IMS does not list the member, so "+
				"%s is removed from state; the next apply adds it again.", jobID, want, op.imageID, ended, r.spec.name))
		return
	}
	if m != nil && jobID != "" {
		resp.Diagnostics.Append(setPendingJob(ctx, resp.Private, "")...)
	}
	if m == nil && prior.OwnerProjectID.IsNull() {
		why := "the image is not shared with member " + displayText(prior.MemberID.ValueString(), nil)
		if gone {
			why = "the image does not exist for this project"
		}
		resp.Diagnostics.Append(op.importNotFound(why))
		return
	}
	if m == nil {
		removeGone(ctx, resp, imageShareMemberIdentity{ImageID: prior.ImageID, MemberID: prior.MemberID, Region: types.StringValue(op.target.region)},
			"Image no longer shared with this member", fmt.Sprintf("IMS no longer shares image %s (project %s, region %s) with %s, "+
				"or the image is gone, so %s is removed from state; the next apply shares it again if the image exists.", op.imageID,
				op.target.projectID, op.target.region, prior.ID.ValueString(), r.spec.name))
		return
	}
	resp.Diagnostics.Append(memberState(prior, op.target, op.imageID, m).save(ctx, &resp.State, resp.Identity)...)
}

// Update has nothing to change in IMS: an argument that names another
// member replaces the resource; timeouts, and another spelling of the same
// member, are kept in state only.
func (r *imageShareMemberResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	ctx, plan, op, ok := openOp[imageShareMemberModel](ctx, r.data, r.spec, "update", req.Plan, &resp.Diagnostics)
	defer op.close(&resp.Diagnostics)
	var prior imageShareMemberModel
	if resp.Diagnostics.Append(req.State.Get(ctx, &prior)...); !ok || resp.Diagnostics.HasError() {
		return
	}
	prior.Timeouts = plan.Timeouts
	// The same member, as the configuration spells it.
	prior.ProjectID, prior.DomainID, prior.OrganizationURN = plan.ProjectID, plan.DomainID, plan.OrganizationURN
	resp.Diagnostics.Append(prior.save(ctx, &resp.State, resp.Identity)...)
}

// Delete removes the member, and only it. It is done when reading the
// image back shows the member (or the image) gone.
func (r *imageShareMemberResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	ctx, prior, op, ok := openOp[imageShareMemberModel](ctx, r.data, r.spec, "delete", req.State, &resp.Diagnostics)
	defer op.close(&resp.Diagnostics)
	if !ok {
		return
	}
	op.recorded = recordedKept
	if jobID := pendingJob(ctx, req.Private); jobID != "" {
		// A create recorded the member before its job ended: let the job
		// end first, or it would add the member after this removal.
		if err := op.wait(ctx, jobID); err != nil && ctx.Err() != nil {
			resp.Diagnostics.Append(op.failure(err))
			return
		}
	}
	// Remove the member by the spelling IMS lists (its URN where state has
	// one): an imported member has only its member_id.
	target := prior.member()
	token := objectToken(ctx, req.Private)
	defer r.data.guard.forgetAfter(op.key(), token, r.spec.holding(target, false), &resp.Diagnostics)
	if kept, _ := r.data.guard.kept(op.key(), token, r.spec.holding(target, false)); !kept.empty() {
		// The successor of a create_before_destroy replacement holds it.
		resp.Diagnostics.Append(keptByAnother(op, kept))
		return
	}
	writeErr := op.remove(ctx, target)
	list, readErr := op.listMembers(ctx)
	if readErr != nil {
		if gone, err := op.gone(ctx, readErr); gone && !refusedOtherwise(writeErr) {
			return
		} else if writeErr == nil {
			writeErr = err
		}
		resp.Diagnostics.Append(op.failure(writeErr))
		return
	}
	if find(list, target) != nil {
		if writeErr != nil {
			resp.Diagnostics.Append(op.failure(writeErr))
			return
		}
		held, _, _ := heldMembers(op.imageID, list, target)
		resp.Diagnostics.Append(op.notApplied(members{}, target, held))
	}
}

// ImportState takes `<image_id>/<member_id>` or the identity; Read fills
// the member's argument from what IMS lists.
func (r *imageShareMemberResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	imageID, memberID, region := "", "", types.StringNull()
	if req.ID != "" {
		var found bool
		imageID, memberID, found = strings.Cut(req.ID, "/")
		if !found || !uuidPattern.MatchString(imageID) || !ims.PlainID(memberID) || strings.Contains(memberID, "/") {
			resp.Diagnostics.AddError("Invalid import ID",
				fmt.Sprintf("%q is not <image_id>/<member_id>. Import ims_image_share_member by its image's ID and the member's ID as IMS "+
					"lists it, e.g. 370befec-a369-475e-a224-44a45927a8fe/05041fffa40025702fcdc009d5a1b3c1 (an organization: its o-, r- "+
					"or ou- ID).", redact(req.ID, nil)))
			return
		}
	} else {
		var id, member types.String
		resp.Diagnostics.Append(req.Identity.GetAttribute(ctx, path.Root("image_id"), &id)...)
		resp.Diagnostics.Append(req.Identity.GetAttribute(ctx, path.Root("member_id"), &member)...)
		resp.Diagnostics.Append(req.Identity.GetAttribute(ctx, path.Root("region"), &region)...)
		imageID, memberID = id.ValueString(), member.ValueString()
	}
	if resp.Diagnostics.HasError() {
		return
	}
	if refuseUpperCase(imageID+"/"+memberID, r.spec, &resp.Diagnostics) {
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("image_id"), imageID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("member_id"), memberID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), imageID+"/"+memberID)...)
	if !region.IsNull() && region.ValueString() != "" {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("region"), region)...)
	}
}
