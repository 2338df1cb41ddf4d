package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/resourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
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
	_ resource.ResourceWithConfigure        = (*imageShareResource)(nil)
	_ resource.ResourceWithImportState      = (*imageShareResource)(nil)
	_ resource.ResourceWithIdentity         = (*imageShareResource)(nil)
	_ resource.ResourceWithConfigValidators = (*imageShareResource)(nil)
	_ resource.ResourceWithModifyPlan       = (*imageShareResource)(nil)
)

func newImageShareResource() resource.Resource {
	return &imageShareResource{resourceBase{typeBase{spec: shareSpec}}}
}

type imageShareResource struct {
	resourceBase
}

// imageShareModel mirrors the ims_image_share schema.
type imageShareModel struct {
	ImageID        types.String   `tfsdk:"image_id"`
	Region         types.String   `tfsdk:"region"`
	Projects       types.Set      `tfsdk:"projects"`
	Domains        types.Set      `tfsdk:"domains"`
	Organizations  types.Set      `tfsdk:"organizations"`
	ID             types.String   `tfsdk:"id"`
	OwnerProjectID types.String   `tfsdk:"owner_project_id"`
	Members        types.List     `tfsdk:"members"`
	Timeouts       timeouts.Value `tfsdk:"timeouts"`
}

func (m imageShareModel) imageAndRegion() (string, types.String) {
	return m.ImageID.ValueString(), m.Region
}
func (m imageShareModel) writeTimeouts() timeouts.Value { return m.Timeouts }
func (m imageShareModel) ownerProject() types.String    { return m.OwnerProjectID }

// opened: ims_image_share's opening has no step of its own.
func (m imageShareModel) opened(context.Context, *imageOp) diag.Diagnostics { return nil }

// holding is every member of the image (see composition.go).
func (m imageShareModel) holding(ctx context.Context) (holding, diag.Diagnostics) {
	w, diags := m.wanted(ctx)
	known := !m.Projects.IsUnknown() && !m.Domains.IsUnknown() && !m.Organizations.IsUnknown()
	return shareSpec.holding(w, !known), diags
}

// ModifyPlan refuses a plan that Terraform cannot apply without losing a
// member (see composition.go), or that shares outside the sharing policy
// (see policy.go).
func (r *imageShareResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	guardPlan[imageShareModel](ctx, r.data, req, resp)
}

// imageShareIdentity mirrors the identity schema.
type imageShareIdentity struct {
	ImageID types.String `tfsdk:"image_id"`
	Region  types.String `tfsdk:"region"`
}

func (r *imageShareResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	memberSet := func(a memberArgument) schema.SetAttribute {
		return schema.SetAttribute{
			Optional:    true,
			ElementType: types.StringType,
			MarkdownDescription: fmt.Sprintf("%s the image is shared with, e.g. `%s`. Authoritative: a member of this kind that IMS holds "+
				"and this set does not name is removed on apply.", a.what, a.example),
			Validators: a.validators(),
		}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Declares every member an image is shared with, authoritatively: plan shows any member added or removed " +
			"outside Terraform, and apply puts it back. Shares with projects, accounts (domains) and organizations " +
			"(`POST`/`DELETE /v1/cloudimages/members`, asynchronous jobs polled to the end). Create refuses an image that already has " +
			"members the configuration does not name; import it instead. A failed create records nothing, so the next apply creates " +
			"again and adopts the members the first one added, never removing a member that was there before. Every write job is " +
			"checked by reading the image back. Run with the credentials of the project that owns the image.",
		Attributes: map[string]schema.Attribute{
			// Required
			"image_id": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "ID of the image, a UUID such as `370befec-a369-475e-a224-44a45927a8fe`. Changing it replaces the resource.",
				Validators:          []validator.String{imageIDValidator()},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			// Optional
			"projects":      memberSet(memberArguments[kindProject]),
			"domains":       memberSet(memberArguments[kindDomain]),
			"organizations": memberSet(memberArguments[kindOrganization]),
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
			"owner_project_id": ownerProjectAttribute(),
			"members": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "Every member as IMS reports it, in API order; `status` shows who accepted. The same object as the `ims_image_members` data source's.",
				NestedObject:        schema.NestedAttributeObject{Attributes: memberResourceAttributes()},
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Update: true, Delete: true}),
		},
	}
}

func (r *imageShareResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"image_id": identityschema.StringAttribute{RequiredForImport: true, Description: "ID of the image."},
			"region":   identityschema.StringAttribute{OptionalForImport: true, Description: "Region of the image; default: the provider's."},
		},
	}
}

func (r *imageShareResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{
		resourcevalidator.AtLeastOneOf(path.MatchRoot("projects"), path.MatchRoot("domains"), path.MatchRoot("organizations")),
		positiveTimeouts{},
	}
}

// organizationURNRule is the plan-time message for a bad organization.
const organizationURNRule = "must be an organization URN: organizations::{account}:organization:o-{org}, " +
	"organizations::{account}:root:o-{org}/r-{root} or organizations::{account}:ou:o-{org}/ou-{unit}"

// shareState is what IMS holds for an image, as the resource's state.
type shareState struct {
	model   imageShareModel
	held    members
	members []ims.Member
	// warnings are what reading IMS found odd (a member listed twice).
	warnings diag.Diagnostics
}

// newShareState is the state of an image's sharing as IMS holds it, on top
// of base (which supplies timeouts), spelling members as prefer does where
// it names the same member.
func newShareState(base imageShareModel, tgt target, imageID string, list []ims.Member, prefer members) shareState {
	held, unique, warnings := heldMembers(imageID, list, prefer)
	m := base
	m.ImageID = types.StringValue(imageID)
	m.ID = types.StringValue(imageID)
	m.Region = types.StringValue(tgt.region)
	m.OwnerProjectID = types.StringValue(tgt.projectID)
	m.Projects = stringSetOrNull(held[kindProject])
	m.Domains = stringSetOrNull(held[kindDomain])
	m.Organizations = stringSetOrNull(held[kindOrganization])
	if m.Timeouts.IsNull() || m.Timeouts.IsUnknown() {
		m.Timeouts = timeoutsNull()
	}
	return shareState{model: m, held: held, members: unique, warnings: warnings}
}

// readShare reads the image's sharing into a state on top of base.
func (o *imageOp) readShare(ctx context.Context, base imageShareModel, prefer members) (shareState, error) {
	list, err := o.listMembers(ctx)
	if err != nil {
		return shareState{}, err
	}
	return newShareState(base, o.target, o.imageID, list, prefer), nil
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
	diags.Append(s.warnings...)
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

// Create shares the image with the configured members, after refusing an
// image that already has members the configuration does not name. A
// failed Create records no state: the next apply creates again and adopts
// the members this one added (they are named in the configuration), so
// that a failure can never lead to a destroy of members that were there
// before.
func (r *imageShareResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	ctx, plan, op, ok := openOp[imageShareModel](ctx, r.data, r.spec, "create", req.Plan, &resp.Diagnostics)
	defer op.close(&resp.Diagnostics)
	want, ok := plan.wantedIf(ctx, ok, &resp.Diagnostics)
	if !ok {
		return
	}
	op.recorded = recordedNothing
	imageID := op.imageID
	before, err := op.readShare(ctx, plan, want)
	if err != nil {
		resp.Diagnostics.Append(op.failure(err))
		return
	}
	if unmanaged := before.held.minus(want); !unmanaged.empty() {
		resp.Diagnostics.AddAttributeError(path.Root("image_id"), "Image already shared with members the configuration does not name",
			fmt.Sprintf("Image %s is already shared with %s. Creating ims_image_share would take them away without a plan that shows it, "+
				"so nothing was changed. Either add them to the configuration, or import the existing sharing and let the plan show "+
				"what would change:\n\n  terraform import <address> %s\n\nor an import block with id = %q.",
				imageID, unmanaged, imageID, imageID))
		return
	}
	added := want.minus(before.held)
	// Members unknown at plan time are checked here, before the write.
	if resp.Diagnostics.Append(r.data.policy.refuseAdded(added, r.spec)...); resp.Diagnostics.HasError() {
		return
	}
	if err := op.write(ctx, op.client().AddImageMembers, added); err != nil {
		resp.Diagnostics.Append(op.failure(err))
		return
	}
	state, err := op.readShare(ctx, plan, want)
	switch {
	case err != nil:
		resp.Diagnostics.Append(op.failure(err))
	case op.notApplied(added, members{}, state.held) != nil:
		resp.Diagnostics.Append(op.notApplied(added, members{}, state.held))
	case op.disagrees(want, state.held) != nil:
		resp.Diagnostics.Append(op.disagrees(want, state.held))
	default:
		resp.Diagnostics.Append(state.save(ctx, &resp.State, resp.Identity)...)
		resp.Diagnostics.Append(r.data.guard.applied(ctx, op.key(), resp.Private, r.spec.holding(want, false))...)
	}
}

// Read sets state from what IMS holds; an image that IMS says is gone is
// removed from state, with a warning.
func (r *imageShareResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	ctx, prior, op, ok := openOp[imageShareModel](ctx, r.data, r.spec, "read", req.State, &resp.Diagnostics)
	defer op.close(&resp.Diagnostics)
	have, ok := prior.wantedIf(ctx, ok, &resp.Diagnostics)
	if !ok {
		return
	}
	state, err := op.readShare(ctx, prior, have)
	if err != nil {
		gone, err := op.gone(ctx, err)
		if gone && prior.ID.IsNull() {
			resp.Diagnostics.Append(op.importNotFound("the image does not exist for this project"))
			return
		}
		if gone {
			removeGone(ctx, resp, imageShareIdentity{ImageID: prior.ImageID, Region: types.StringValue(op.target.region)},
				"Image no longer exists", fmt.Sprintf("IMS says image %s does not exist in project %s of region %s, so %s is removed "+
					"from state. The next apply shares it again if it exists by then.", op.imageID, op.target.projectID, op.target.region, r.spec.name))
			return
		}
		resp.Diagnostics.Append(op.failure(err))
		return
	}
	resp.Diagnostics.Append(state.save(ctx, &resp.State, resp.Identity)...)
}

// Update adds before it removes, one job each, so that a failure in
// between leaves the image shared with more members, never fewer than
// either side wants; when adding first would pass the image's tenant cap
// (predicted, see overCap, or answered with IMG.0088) it removes first,
// since adding first can never succeed there. Whatever happened, state
// ends as what IMS holds.
func (r *imageShareResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	ctx, plan, op, ok := openOp[imageShareModel](ctx, r.data, r.spec, "update", req.Plan, &resp.Diagnostics)
	defer op.close(&resp.Diagnostics)
	want, ok := plan.wantedIf(ctx, ok, &resp.Diagnostics)
	var prior imageShareModel
	resp.Diagnostics.Append(req.State.Get(ctx, &prior)...)
	have, ok := prior.wantedIf(ctx, ok, &resp.Diagnostics)
	if !ok {
		return
	}
	added, removed := want.minus(have), have.minus(want)
	if resp.Diagnostics.Append(r.data.policy.refuseAdded(added, r.spec)...); resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(resp.State.Set(ctx, &prior)...)
		return
	}
	var writeErr error
	if !added.empty() && !removed.empty() && op.overCap(ctx, have, added) {
		// Adding first would pass the image's tenant cap.
		if writeErr = op.remove(ctx, removed); writeErr == nil {
			writeErr = op.write(ctx, op.client().AddImageMembers, added)
		}
	} else {
		writeErr = op.write(ctx, op.client().AddImageMembers, added)
		switch {
		case writeErr != nil && isQuota(writeErr) && !removed.empty():
			if writeErr = op.remove(ctx, removed); writeErr == nil {
				writeErr = op.write(ctx, op.client().AddImageMembers, added)
			}
		case writeErr == nil:
			writeErr = op.remove(ctx, removed)
		}
	}
	state, readErr := op.readShare(ctx, plan, want)
	op.recorded = recordedReadBack
	if readErr != nil {
		// IMS could not be read: keep the prior state rather than none,
		// and let the next refresh show what the writes did.
		op.recorded = recordedPrior
		resp.Diagnostics.Append(resp.State.Set(ctx, &prior)...)
		resp.Diagnostics.Append(resp.Identity.Set(ctx, imageShareIdentity{ImageID: prior.ImageID, Region: prior.Region})...)
	} else {
		resp.Diagnostics.Append(state.save(ctx, &resp.State, resp.Identity)...)
	}
	switch {
	case writeErr != nil:
		resp.Diagnostics.Append(op.failure(writeErr))
	case readErr != nil:
		resp.Diagnostics.Append(op.failure(readErr))
	case op.notApplied(added, removed, state.held) != nil:
		resp.Diagnostics.Append(op.notApplied(added, removed, state.held))
	case op.disagrees(want, state.held) != nil:
		resp.Diagnostics.Append(op.disagrees(want, state.held))
	default:
		resp.Diagnostics.Append(r.data.guard.applied(ctx, op.key(), resp.Private, r.spec.holding(want, false))...)
	}
}

// Delete removes the members in state, and only those. It is done when
// reading the image back shows none of them, or shows the image gone; any
// other outcome is an error, so that a destroy never reports success while
// the image stays shared.
func (r *imageShareResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	ctx, prior, op, ok := openOp[imageShareModel](ctx, r.data, r.spec, "delete", req.State, &resp.Diagnostics)
	defer op.close(&resp.Diagnostics)
	have, ok := prior.wantedIf(ctx, ok, &resp.Diagnostics)
	if !ok {
		return
	}
	op.recorded = recordedKept
	token := objectToken(ctx, req.Private)
	defer r.data.guard.forgetAfter(op.key(), token, r.spec.holding(have, false), &resp.Diagnostics)
	// A resource created in this apply that holds some of the members
	// (the successor of a create_before_destroy replacement) keeps them.
	kept, _ := r.data.guard.kept(op.key(), token, r.spec.holding(have, false))
	if !kept.empty() {
		resp.Diagnostics.Append(keptByAnother(op, kept))
		have = have.minus(kept)
	}
	writeErr := op.remove(ctx, have)
	state, readErr := op.readShare(ctx, prior, have)
	if readErr != nil {
		if gone, err := op.gone(ctx, readErr); gone && !refusedOtherwise(writeErr) {
			return // The image is gone, and its sharing with it.
		} else if writeErr == nil {
			writeErr = err
		}
		resp.Diagnostics.Append(op.failure(writeErr))
		return
	}
	if left := have.common(state.held); !left.empty() {
		if writeErr != nil {
			resp.Diagnostics.Append(op.failure(writeErr))
		} else {
			resp.Diagnostics.Append(op.notApplied(members{}, have, state.held))
		}
	}
}

func (r *imageShareResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importByImageID(ctx, r.spec, req, resp)
}
