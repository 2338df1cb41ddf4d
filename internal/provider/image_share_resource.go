package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/resourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-ims/terraform-provider-ims/internal/ims"
)

var (
	_ resource.ResourceWithConfigure        = (*imageShareResource)(nil)
	_ resource.ResourceWithImportState      = (*imageShareResource)(nil)
	_ resource.ResourceWithIdentity         = (*imageShareResource)(nil)
	_ resource.ResourceWithConfigValidators = (*imageShareResource)(nil)
)

// Default time limits of the share resources' operations.
const (
	defaultWriteTimeout = 10 * time.Minute
	resourceReadTimeout = 5 * time.Minute
)

// organizationURNPattern is an organization (or organizational unit) URN
// as IMS takes it, e.g. organizations::0a1b...:ou:o-abc/ou-def.
var organizationURNPattern = regexp.MustCompile(`^organizations::[0-9a-zA-Z]+:(ou|organization):o-[0-9a-z]+(/[0-9a-z-]+)+$`)

func newImageShareResource() resource.Resource { return &imageShareResource{} }

type imageShareResource struct {
	data *providerData
}

// imageShareModel mirrors the ims_image_share schema.
type imageShareModel struct {
	ImageID       types.String   `tfsdk:"image_id"`
	Region        types.String   `tfsdk:"region"`
	Projects      types.Set      `tfsdk:"projects"`
	Domains       types.Set      `tfsdk:"domains"`
	Organizations types.Set      `tfsdk:"organizations"`
	ID            types.String   `tfsdk:"id"`
	Members       types.List     `tfsdk:"members"`
	Timeouts      timeouts.Value `tfsdk:"timeouts"`
}

// imageShareIdentity mirrors the identity schema.
type imageShareIdentity struct {
	ImageID types.String `tfsdk:"image_id"`
	Region  types.String `tfsdk:"region"`
}

func (r *imageShareResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_image_share"
}

func (r *imageShareResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	memberSet := func(what, example string, item validator.String) schema.SetAttribute {
		return schema.SetAttribute{
			Optional:    true,
			ElementType: types.StringType,
			MarkdownDescription: fmt.Sprintf("%s the image is shared with, e.g. `%s`. Authoritative: a member of this kind that IMS holds "+
				"and this set does not name is removed on apply.", what, example),
			Validators: []validator.Set{setvalidator.SizeBetween(1, ims.MaxShareMembers), setvalidator.ValueStringsAre(item)},
		}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Declares every member an image is shared with, authoritatively: plan shows any member added or removed " +
			"outside Terraform, and apply puts it back. Shares with projects, accounts (domains) and organizations " +
			"(`POST`/`DELETE /v1/cloudimages/members`, asynchronous jobs polled to the end). Create refuses an image that already has " +
			"members the configuration does not name; import it instead. Run with the credentials of the project that owns the image.",
		Attributes: map[string]schema.Attribute{
			// Required
			"image_id": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "ID of the image, a UUID such as `370befec-a369-475e-a224-44a45927a8fe`. Changing it replaces the resource.",
				Validators:          []validator.String{stringvalidator.RegexMatches(uuidPattern, "must be an image ID: a UUID such as 370befec-a369-475e-a224-44a45927a8fe")},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			// Optional
			"projects": memberSet("Project IDs (32 hexadecimal characters)", "05041fffa40025702fcdc009d5a1b3c1",
				stringvalidator.RegexMatches(projectIDPattern, "must be a project ID: 32 hexadecimal characters")),
			"domains": memberSet("Account (domain) IDs (32 hexadecimal characters)", "0970dd7a1300f5672ff2c003c60ae115",
				stringvalidator.RegexMatches(projectIDPattern, "must be an account (domain) ID: 32 hexadecimal characters")),
			"organizations": memberSet("Organization URNs", "organizations::0a1b2c3d4e5f4a5b8c7d6e5f4a3b2c1d:ou:o-abc123/ou-def456",
				stringvalidator.RegexMatches(organizationURNPattern, "must be an organization URN such as organizations::{account}:ou:o-{org}/ou-{unit}")),
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
	}
}

func (r *imageShareResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

// wantedMembers is the configured membership, by kind.
type wantedMembers struct {
	projects, domains, organizations []string
}

func (m imageShareModel) wanted(ctx context.Context) (wantedMembers, diag.Diagnostics) {
	var w wantedMembers
	var diags diag.Diagnostics
	for _, s := range []struct {
		set types.Set
		out *[]string
	}{{m.Projects, &w.projects}, {m.Domains, &w.domains}, {m.Organizations, &w.organizations}} {
		if !s.set.IsNull() && !s.set.IsUnknown() {
			diags.Append(s.set.ElementsAs(ctx, s.out, false)...)
		}
		sort.Strings(*s.out)
	}
	return w, diags
}

// held is the membership IMS holds, by kind (organizations by URN).
func held(members []ims.Member) wantedMembers {
	var h wantedMembers
	for _, m := range members {
		switch m.MemberType {
		case "domain":
			h.domains = append(h.domains, m.MemberID)
		case "organization":
			if m.URN != nil {
				h.organizations = append(h.organizations, *m.URN)
			} else {
				h.organizations = append(h.organizations, m.MemberID)
			}
		default:
			h.projects = append(h.projects, m.MemberID)
		}
	}
	sort.Strings(h.projects)
	sort.Strings(h.domains)
	sort.Strings(h.organizations)
	return h
}

// minus is what a has and b does not, as a share request for one image.
func (a wantedMembers) minus(b wantedMembers, imageID string) ims.ShareRequest {
	diff := func(x, y []string) []string {
		var out []string
		for _, v := range x {
			if !slices.Contains(y, v) {
				out = append(out, v)
			}
		}
		return out
	}
	return ims.ShareRequest{Images: []string{imageID}, Projects: diff(a.projects, b.projects), Domains: diff(a.domains, b.domains),
		Organizations: diff(a.organizations, b.organizations)}
}

func (r *imageShareResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer func() { resp.Diagnostics = redactDiagnostics(resp.Diagnostics, r.data.secretsOrNil()) }()
	var plan imageShareModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Create(ctx, defaultWriteTimeout)
	resp.Diagnostics.Append(diags...)
	want, diags := plan.wanted(ctx)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	imageID := plan.ImageID.ValueString()
	ctx, cancel, op, diags := r.data.beginOp(ctx, plan.Region, imageID, "create", timeout)
	defer cancel()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	tgt := op.target

	list, err := r.data.client.ListImageMembers(ctx, ims.ListImageMembersInput{Endpoint: tgt.endpoint, ProjectID: tgt.projectID, ImageID: imageID})
	if err != nil {
		resp.Diagnostics.Append(op.failure(err))
		return
	}
	if unmanaged := held(list.Members).minus(want, imageID); !unmanaged.Empty() {
		resp.Diagnostics.AddAttributeError(path.Root("image_id"), "Image already shared with members the configuration does not name",
			fmt.Sprintf("Image %s is already shared with %s. Creating ims_image_share would take them away without a plan that shows it, "+
				"so nothing was changed. Either add them to the configuration, or import the existing sharing and let the plan show "+
				"what would change:\n\n  terraform import <address> %s\n\nor an import block with id = %q.",
				imageID, describeMembers(unmanaged), imageID, imageID))
		return
	}
	writeErr := op.write(ctx, r.data.client.AddImageMembers, want.minus(held(list.Members), imageID))
	// Whatever the write did, state holds what IMS holds.
	state, readErr := op.readBack(ctx, plan)
	switch {
	case writeErr != nil:
		resp.Diagnostics.Append(op.failure(writeErr))
		if readErr == nil && len(state.members) > 0 {
			// Members were added: keep them in state (tainted) so that
			// they are not lost to Terraform.
			resp.Diagnostics.Append(state.save(ctx, &resp.State, resp.Identity)...)
		}
		return
	case readErr != nil:
		resp.Diagnostics.Append(op.failure(readErr))
		return
	}
	resp.Diagnostics.Append(state.save(ctx, &resp.State, resp.Identity)...)
}

func (r *imageShareResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	defer func() { resp.Diagnostics = redactDiagnostics(resp.Diagnostics, r.data.secretsOrNil()) }()
	var prior imageShareModel
	resp.Diagnostics.Append(req.State.Get(ctx, &prior)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, op, diags := r.data.beginOp(ctx, prior.Region, prior.ImageID.ValueString(), "read", resourceReadTimeout)
	defer cancel()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	tgt, region := op.target, op.target.region
	state, err := op.readBack(ctx, prior)
	var apiErr *ims.APIError
	if errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusNotFound {
		// Set the identity first: CLIs without identity support fail with
		// "Missing Resource Identity After Read" otherwise.
		resp.Diagnostics.Append(resp.Identity.Set(ctx, imageShareIdentity{ImageID: prior.ImageID, Region: types.StringValue(region)})...)
		resp.Diagnostics.AddWarning("Image no longer exists",
			fmt.Sprintf("Image %s was not found in project %s of region %s (%s), so ims_image_share is removed from state. "+
				"The next apply shares it again if it exists by then.", op.imageID, tgt.projectID, region, apiErr.Error()))
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.Append(op.failure(err))
		return
	}
	resp.Diagnostics.Append(state.save(ctx, &resp.State, resp.Identity)...)
}

func (r *imageShareResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	defer func() { resp.Diagnostics = redactDiagnostics(resp.Diagnostics, r.data.secretsOrNil()) }()
	var plan, prior imageShareModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &prior)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Update(ctx, defaultWriteTimeout)
	resp.Diagnostics.Append(diags...)
	want, diags := plan.wanted(ctx)
	resp.Diagnostics.Append(diags...)
	have, diags := prior.wanted(ctx)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	imageID := plan.ImageID.ValueString()
	ctx, cancel, op, diags := r.data.beginOp(ctx, prior.Region, imageID, "update", timeout)
	defer cancel()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	// Add before removing, one job each: a failure in between leaves the
	// image shared with more members, never fewer than either side wants.
	writeErr := op.write(ctx, r.data.client.AddImageMembers, want.minus(have, imageID))
	if writeErr == nil {
		writeErr = op.write(ctx, r.data.client.RemoveImageMembers, have.minus(want, imageID))
	}
	state, readErr := op.readBack(ctx, plan)
	if readErr == nil {
		resp.Diagnostics.Append(state.save(ctx, &resp.State, resp.Identity)...)
	} else {
		// IMS could not be read: keep the prior state rather than none,
		// and let the next refresh show what the writes did.
		resp.Diagnostics.Append(resp.State.Set(ctx, &prior)...)
		resp.Diagnostics.Append(resp.Identity.Set(ctx, imageShareIdentity{ImageID: prior.ImageID, Region: prior.Region})...)
	}
	switch {
	case writeErr != nil:
		resp.Diagnostics.Append(op.failure(writeErr))
	case readErr != nil:
		resp.Diagnostics.Append(op.failure(readErr))
	}
}

func (r *imageShareResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	defer func() { resp.Diagnostics = redactDiagnostics(resp.Diagnostics, r.data.secretsOrNil()) }()
	var prior imageShareModel
	resp.Diagnostics.Append(req.State.Get(ctx, &prior)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := prior.Timeouts.Delete(ctx, defaultWriteTimeout)
	resp.Diagnostics.Append(diags...)
	have, diags := prior.wanted(ctx)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	imageID := prior.ImageID.ValueString()
	ctx, cancel, op, diags := r.data.beginOp(ctx, prior.Region, imageID, "delete", timeout)
	defer cancel()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	err := op.write(ctx, r.data.client.RemoveImageMembers, have.minus(wantedMembers{}, imageID))
	var apiErr *ims.APIError
	if errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusNotFound {
		// The image is gone, and its sharing with it.
		return
	}
	if err != nil {
		resp.Diagnostics.Append(op.failure(err))
	}
}

func (r *imageShareResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importByImageID(ctx, "ims_image_share", req, resp)
}

// describeMembers lists a request's members for a message.
func describeMembers(r ims.ShareRequest) string {
	var parts []string
	for _, k := range []struct {
		kind string
		ids  []string
	}{{"project", r.Projects}, {"account", r.Domains}, {"organization", r.Organizations}} {
		for _, id := range k.ids {
			parts = append(parts, k.kind+" "+id)
		}
	}
	return strings.Join(parts, ", ")
}
