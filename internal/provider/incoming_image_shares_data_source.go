package provider

import (
	"context"
	"regexp"
	"slices"
	"sort"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-ims/terraform-provider-ims/internal/ims"
)

var (
	_ datasource.DataSource              = (*incomingImageSharesDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*incomingImageSharesDataSource)(nil)
)

func newIncomingImageSharesDataSource() datasource.DataSource {
	return &incomingImageSharesDataSource{dataSourceBase{typeBase{spec: incomingSharesSpec}}}
}

// incomingImageSharesDataSource is the recipient's inventory: the images
// other projects share with this one.
type incomingImageSharesDataSource struct {
	dataSourceBase
}

// incomingImageSharesModel mirrors the data source schema.
type incomingImageSharesModel struct {
	Region     types.String   `tfsdk:"region"`
	Status     types.String   `tfsdk:"status"`
	Owner      types.String   `tfsdk:"owner"`
	NameRegex  types.String   `tfsdk:"name_regex"`
	MostRecent types.Bool     `tfsdk:"most_recent"`
	ID         types.String   `tfsdk:"id"`
	Images     types.List     `tfsdk:"images"`
	IDs        types.List     `tfsdk:"ids"`
	Outside    types.List     `tfsdk:"owners_outside_policy"`
	Timeouts   timeouts.Value `tfsdk:"timeouts"`
}

// incomingImageObjectType is one element of images.
var incomingImageObjectType = types.ObjectType{AttrTypes: map[string]attr.Type{
	"image_id": types.StringType, "name": types.StringType, "owner": types.StringType, "status": types.StringType, "created_at": types.StringType,
	"owner_allowed": types.BoolType,
}}

func (d *incomingImageSharesDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Images other projects share with this one, and this project's status for each, for plans on every CLI: " +
			"accept every image a trusted factory shares (`for_each` into `ims_image_share_accepter`), or output the newest golden " +
			"image. It lists as the IMS reference and SDK document (`GET /v2/cloudimages?visibility=shared&member_status=…`, with " +
			"`__imagetype=shared` for accepted shares only, every page, for each status asked for), with no per-image read, and leaves out the project's own images. Run it with " +
			"the recipient's credentials. The whole read is bounded by `timeouts.read` (default `5m`).",
		Attributes: withInventoryCommon(map[string]schema.Attribute{
			// Optional
			"status": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Keep only shares in this status of this project's: `pending`, `accepted` or `rejected`. Default: all three.",
				Validators:          []validator.String{stringvalidator.OneOf(memberStatuses...)},
			},
			"owner": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Keep only images of this project (the sharing project's ID, 32 lower-case hexadecimal characters).",
				Validators:          []validator.String{stringvalidator.RegexMatches(memberIDPattern, "must be a project ID: 32 lower-case hexadecimal characters")},
			},
			"name_regex": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Keep only images whose name matches this regular expression (Go's RE2 syntax), e.g. `^golden-`.",
				Validators:          []validator.String{regexValidator{}},
			},
			"most_recent": schema.BoolAttribute{
				Optional:            true,
				MarkdownDescription: "Keep only the newest image (by `created_at`) of those that pass the other filters. Default: `false`.",
			},
			// Computed
			"images": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "The images, newest first (by `created_at`, then ID).",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"image_id":   schema.StringAttribute{Computed: true, MarkdownDescription: "ID of the image."},
					"name":       schema.StringAttribute{Computed: true, MarkdownDescription: "Name of the image."},
					"owner":      schema.StringAttribute{Computed: true, MarkdownDescription: "The project that shares it."},
					"status":     schema.StringAttribute{Computed: true, MarkdownDescription: "This project's status: `pending`, `accepted` or `rejected`."},
					"created_at": schema.StringAttribute{Computed: true, MarkdownDescription: "When the image was created, e.g. `2024-01-01T00:00:00Z`."},
					"owner_allowed": schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the provider's sharing policy " +
						"(`allowed_owners`) allows accepting images of this owner; `true` when it sets no owners."},
				}},
			},
			"owners_outside_policy": schema.ListAttribute{
				Computed:    true,
				ElementType: types.StringType,
				MarkdownDescription: "The owners of the listed images that the provider's sharing policy (`allowed_owners`) does not " +
					"allow, each once: for a `check` block's assertion. Empty when it sets no owners.",
			},
		}),
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx),
		},
	}
}

// incomingImage is one image shared with the project, with its status.
type incomingImage struct {
	image  ims.Image
	status string
}

func (d *incomingImageSharesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	ctx, cfg, tgt, timeout, done, ok := openRead[incomingImageSharesModel](ctx, d.data, req, &resp.Diagnostics)
	defer done()
	if !ok {
		return
	}
	var nameRe *regexp.Regexp
	if v := cfg.NameRegex.ValueString(); v != "" {
		var err error
		if nameRe, err = regexp.Compile(v); err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("name_regex"), "Invalid name_regex", err.Error())
			return
		}
	}
	var statuses []string
	if s := cfg.Status.ValueString(); s != "" {
		statuses = []string{s}
	}
	fc := failedCall{op: dataSourceRead(d.spec, timeout), target: tgt, maxRetries: d.data.settings.maxRetries}
	owner := cfg.Owner.ValueString()
	var found []incomingImage
	err := d.data.walkIncoming(ctx, tgt, statuses, "", defaultEnterpriseProject, func(img ims.Image, status string) error {
		if (owner == "" || img.Owner == owner) && (nameRe == nil || nameRe.MatchString(img.Name)) {
			found = append(found, incomingImage{image: img, status: status})
		}
		return nil
	})
	if err != nil {
		resp.Diagnostics.Append(callDiagnostic(err, fc))
		return
	}
	// Newest first, by created_at read as a time (a time IMS writes in
	// another form sorts by its text, after every time that parses).
	at := func(img ims.Image) (time.Time, bool) {
		t, err := time.Parse(time.RFC3339Nano, img.CreatedAt)
		return t, err == nil
	}
	sort.SliceStable(found, func(i, j int) bool {
		a, b := found[i].image, found[j].image
		ta, oka := at(a)
		tb, okb := at(b)
		switch {
		case oka && okb && !ta.Equal(tb):
			return ta.After(tb)
		case oka != okb:
			return oka
		case !oka && a.CreatedAt != b.CreatedAt:
			return a.CreatedAt > b.CreatedAt
		}
		return a.ID < b.ID
	})
	if cfg.MostRecent.ValueBool() && len(found) > 1 {
		found = found[:1]
	}
	images := make([]attr.Value, 0, len(found))
	ids := make([]attr.Value, 0, len(found))
	var outside []attr.Value
	for _, f := range found {
		allowed := d.data.policy.refusedBy(kindOwner, f.image.Owner) == ""
		if !allowed && !slices.ContainsFunc(outside, func(v attr.Value) bool { return v.Equal(types.StringValue(f.image.Owner)) }) {
			outside = append(outside, types.StringValue(f.image.Owner))
		}
		obj, diags := types.ObjectValue(incomingImageObjectType.AttrTypes, map[string]attr.Value{
			"image_id": types.StringValue(f.image.ID), "name": types.StringValue(f.image.Name), "owner": types.StringValue(f.image.Owner),
			"status": types.StringValue(f.status), "created_at": types.StringValue(f.image.CreatedAt), "owner_allowed": types.BoolValue(allowed),
		})
		resp.Diagnostics.Append(diags...)
		images = append(images, obj)
		ids = append(ids, types.StringValue(f.image.ID))
	}
	state := cfg
	state.ID = types.StringValue(inventoryID(tgt.region, cfg.Status.ValueString(), owner, cfg.NameRegex.ValueString(), cfg.MostRecent.ValueBool()))
	var diags diag.Diagnostics
	state.Images, diags = types.ListValue(incomingImageObjectType, images)
	resp.Diagnostics.Append(diags...)
	state.IDs, diags = types.ListValue(types.StringType, ids)
	resp.Diagnostics.Append(diags...)
	state.Outside, diags = types.ListValue(types.StringType, outside)
	resp.Diagnostics.Append(diags...)
	if !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	}
}
