package provider

import (
	"context"
	"slices"
	"sort"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"golang.org/x/sync/errgroup"

	"github.com/terraform-ims/terraform-provider-ims/internal/ims"
)

var (
	_ datasource.DataSource              = (*imageSharesDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*imageSharesDataSource)(nil)
)

func newImageSharesDataSource() datasource.DataSource {
	return &imageSharesDataSource{dataSourceBase{typeBase{spec: imageSharesSpec}}}
}

// imageSharesDataSource is the owner's inventory: every image of the
// project that is shared with at least one member.
type imageSharesDataSource struct {
	dataSourceBase
}

// imageSharesModel mirrors the data source schema.
type imageSharesModel struct {
	Region     types.String   `tfsdk:"region"`
	MemberType types.String   `tfsdk:"member_type"`
	Status     types.String   `tfsdk:"status"`
	MemberIDs  types.Set      `tfsdk:"member_ids"`
	ImageIDs   types.Set      `tfsdk:"image_ids"`
	ID         types.String   `tfsdk:"id"`
	Images     types.List     `tfsdk:"images"`
	IDs        types.List     `tfsdk:"ids"`
	Outside    types.List     `tfsdk:"members_outside_policy"`
	Timeouts   timeouts.Value `tfsdk:"timeouts"`
}

// sharedImageObjectType is one element of images.
var sharedImageObjectType = types.ObjectType{AttrTypes: map[string]attr.Type{
	"image_id": types.StringType, "name": types.StringType, "members": types.ListType{ElemType: memberObjectType},
	"policy_allows": types.MapType{ElemType: types.BoolType},
}}

// outsideMemberObjectType is one element of members_outside_policy.
var outsideMemberObjectType = types.ObjectType{AttrTypes: map[string]attr.Type{
	"image_id": types.StringType, "member_id": types.StringType, "member_type": types.StringType,
}}

func (d *imageSharesDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Every image of the project that is shared with at least one member, with all its members: a project-wide " +
			"inventory of sharing for plans, `check` blocks and `import` blocks with `for_each`, on every CLI. It lists the project's " +
			"shared images as the IMS reference documents (`GET /v2/cloudimages?__imagetype=shared&owner={project_id}`, every page) and " +
			"reads the members of those only, 16 at a time, as the `ims_image_share` list resource does. An image is kept when at " +
			"least one of its members matches every member filter given (`member_type`, `status`, `member_ids`); its `members` then " +
			"holds all its members. The whole read is bounded by `timeouts.read` (default `5m`).",
		Attributes: withInventoryCommon(map[string]schema.Attribute{
			// Optional
			"member_type": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Keep images with a member of this type: `project`, `domain` or `organization`.",
				Validators:          []validator.String{stringvalidator.OneOf(memberTypes...)},
			},
			"status": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Keep images with a member in this status: `accepted`, `rejected` or `pending`.",
				Validators:          []validator.String{stringvalidator.OneOf(memberStatuses...)},
			},
			"member_ids": schema.SetAttribute{
				Optional:            true,
				ElementType:         types.StringType,
				MarkdownDescription: "Keep images shared with any of these members, by the `member_id` IMS lists (an organization: its URN's last segment).",
				Validators:          []validator.Set{setvalidator.SizeAtLeast(1)},
			},
			"image_ids": schema.SetAttribute{
				Optional:            true,
				ElementType:         types.StringType,
				MarkdownDescription: "Keep only these images.",
				Validators: []validator.Set{setvalidator.SizeAtLeast(1), setvalidator.ValueStringsAre(
					stringvalidator.RegexMatches(uuidPattern, "must be an image ID: a UUID such as 370befec-a369-475e-a224-44a45927a8fe"))},
			},
			// Computed
			"images": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "The shared images, in listing order.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"image_id": schema.StringAttribute{Computed: true, MarkdownDescription: "ID of the image."},
					"name":     schema.StringAttribute{Computed: true, MarkdownDescription: "Name of the image."},
					"members": schema.ListNestedAttribute{
						Computed:            true,
						MarkdownDescription: "Every member of the image, in API order: the same object as the `ims_image_members` data source's.",
						NestedObject:        schema.NestedAttributeObject{Attributes: memberDataSourceAttributes()},
					},
					"policy_allows": schema.MapAttribute{
						Computed:    true,
						ElementType: types.BoolType,
						MarkdownDescription: "Whether the provider's sharing policy (`sharing_policy`, `HW_IMS_SHARING_POLICY`) allows each " +
							"member, by `member_id`; all `true` when no policy is set.",
					},
				}},
			},
			"members_outside_policy": schema.ListNestedAttribute{
				Computed: true,
				MarkdownDescription: "Every member of the listed images that the provider's sharing policy does not allow, in listing " +
					"order: for a `check` block's assertion. Empty when no policy is set.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"image_id":    schema.StringAttribute{Computed: true, MarkdownDescription: "ID of the image."},
					"member_id":   schema.StringAttribute{Computed: true, MarkdownDescription: "The member as IMS lists it."},
					"member_type": schema.StringAttribute{Computed: true, MarkdownDescription: "`project`, `domain` or `organization`."},
				}},
			},
		}),
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx),
		},
	}
}

// sharedImage is one image of the inventory, at its place in the listing.
type sharedImage struct {
	place   int
	image   ims.Image
	members []ims.Member
}

func (d *imageSharesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	ctx, cfg, tgt, timeout, done, ok := openRead[imageSharesModel](ctx, d.data, req, &resp.Diagnostics)
	defer done()
	if !ok {
		return
	}
	var memberIDs, imageIDs []string
	for _, s := range []struct {
		set types.Set
		out *[]string
	}{{cfg.MemberIDs, &memberIDs}, {cfg.ImageIDs, &imageIDs}} {
		if !s.set.IsNull() && !s.set.IsUnknown() {
			resp.Diagnostics.Append(s.set.ElementsAs(ctx, s.out, false)...)
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}
	memberType, status := cfg.MemberType.ValueString(), cfg.Status.ValueString()
	matches := func(m ims.Member) bool {
		return (memberType == "" || m.MemberType == memberType) && (status == "" || m.Status == status) &&
			(len(memberIDs) == 0 || slices.ContainsFunc(memberIDs, func(id string) bool { return sameMemberID(m, id) }))
	}
	fc := failedCall{op: dataSourceRead(d.spec, timeout), target: tgt, maxRetries: d.data.settings.maxRetries}
	var mu sync.Mutex
	var found []sharedImage
	var failures diag.Diagnostics
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(maxConcurrentReads)
	var progress listProgress
	err := d.data.walkOwned(gctx, g, tgt, defaultEnterpriseProject, &progress,
		func(img ims.Image) bool { return len(imageIDs) == 0 || containsFold(imageIDs, img.ID) },
		func(n int, img ims.Image, ms []ims.Member) {
			_, unique, warnings := heldMembers(img.ID, ms, members{})
			mu.Lock()
			defer mu.Unlock()
			failures.Append(warnings...)
			if slices.ContainsFunc(unique, matches) {
				found = append(found, sharedImage{place: n, image: img, members: unique})
			}
		},
		func(img ims.Image, err error) {
			fc := fc
			fc.imageID = img.ID
			mu.Lock()
			defer mu.Unlock()
			failures.Append(callDiagnostic(err, fc))
		})
	resp.Diagnostics.Append(failures...)
	switch {
	case ctx.Err() != nil:
		resp.Diagnostics.Append(progress.timedOut(fc.op))
	case err != nil:
		resp.Diagnostics.Append(callDiagnostic(err, fc))
	}
	if resp.Diagnostics.HasError() {
		return
	}
	sort.Slice(found, func(i, j int) bool { return found[i].place < found[j].place })
	images := make([]attr.Value, 0, len(found))
	ids := make([]attr.Value, 0, len(found))
	var outside []attr.Value
	for _, f := range found {
		list, diags := memberList(f.members)
		resp.Diagnostics.Append(diags...)
		allows := map[string]attr.Value{}
		for _, m := range f.members {
			ok := d.data.policy.refusedBy(kindOf(m), memberSpelling(m)) == ""
			allows[m.MemberID] = types.BoolValue(ok)
			if !ok {
				o, diags := types.ObjectValue(outsideMemberObjectType.AttrTypes, map[string]attr.Value{"image_id": types.StringValue(f.image.ID),
					"member_id": types.StringValue(m.MemberID), "member_type": types.StringValue(m.MemberType)})
				resp.Diagnostics.Append(diags...)
				outside = append(outside, o)
			}
		}
		allowsMap, diags := types.MapValue(types.BoolType, allows)
		resp.Diagnostics.Append(diags...)
		obj, diags := types.ObjectValue(sharedImageObjectType.AttrTypes, map[string]attr.Value{
			"image_id": types.StringValue(f.image.ID), "name": types.StringValue(f.image.Name), "members": list, "policy_allows": allowsMap,
		})
		resp.Diagnostics.Append(diags...)
		images = append(images, obj)
		ids = append(ids, types.StringValue(f.image.ID))
	}
	state := cfg
	state.ID = types.StringValue(inventoryID(tgt.region, memberType, status, memberIDs, imageIDs))
	var diags diag.Diagnostics
	state.Images, diags = types.ListValue(sharedImageObjectType, images)
	resp.Diagnostics.Append(diags...)
	state.IDs, diags = types.ListValue(types.StringType, ids)
	resp.Diagnostics.Append(diags...)
	state.Outside, diags = types.ListValue(outsideMemberObjectType, outside)
	resp.Diagnostics.Append(diags...)
	if !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	}
}
