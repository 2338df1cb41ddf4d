package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/terraform-ims/terraform-provider-ims/internal/ims"
)

var (
	_ datasource.DataSource              = (*imageMembersDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*imageMembersDataSource)(nil)
)

const defaultReadTimeout = 5 * time.Minute

func newImageMembersDataSource() datasource.DataSource {
	return &imageMembersDataSource{dataSourceBase{typeBase{spec: imageMembersSpec}}}
}

type imageMembersDataSource struct {
	dataSourceBase
}

// imageMembersModel mirrors the data source schema.
type imageMembersModel struct {
	ImageID    types.String   `tfsdk:"image_id"`
	MemberType types.String   `tfsdk:"member_type"`
	Status     types.String   `tfsdk:"status"`
	Region     types.String   `tfsdk:"region"`
	ID         types.String   `tfsdk:"id"`
	Schema     types.String   `tfsdk:"schema"`
	Members    types.List     `tfsdk:"members"`
	MemberIDs  types.List     `tfsdk:"member_ids"`
	Timeouts   timeouts.Value `tfsdk:"timeouts"`
}

func (d *imageMembersDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists every member an image is shared with (`GET /v1/{project_id}/cloudimages/{image_id}/members`), " +
			"following every page, in the order IMS returns them, optionally filtered by member type and status. " +
			"Only the project that owns the image can list its members. The whole read, pages and retries included, is bounded by " +
			"`timeouts.read` (default `5m`).",
		Attributes: map[string]schema.Attribute{
			// Required
			"image_id": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "ID of the image, a UUID such as `370befec-a369-475e-a224-44a45927a8fe`. Checked at plan time.",
				Validators:          []validator.String{stringvalidator.RegexMatches(uuidPattern, "must be an image ID: a UUID such as 370befec-a369-475e-a224-44a45927a8fe")},
			},
			// Optional
			"member_type": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Keep only members of this type: `project`, `domain` (an account) or `organization`. Default: all.",
				Validators:          []validator.String{stringvalidator.OneOf(memberTypes...)},
			},
			"status": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Keep only members in this status: `accepted`, `rejected` or `pending`. Default: all.",
				Validators:          []validator.String{stringvalidator.OneOf(memberStatuses...)},
			},
			// Optional and computed
			"region": schema.StringAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "Region of the image, e.g. `cn-north-4`. Default: the provider's region. Another region is read with the same " +
					"credentials at its own endpoint and project (not possible when the provider sets an explicit `endpoint`).",
				Validators: []validator.String{stringvalidator.RegexMatches(regionPattern, "must be a region name such as cn-north-4")},
			},
			// Computed
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "Same as `image_id`.",
			},
			"schema": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "Schema of the members list as IMS reports it, e.g. `/v2/schemas/members`.",
			},
			"members": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "Members that pass the filters, in API order.",
				NestedObject: schema.NestedAttributeObject{
					Attributes: memberDataSourceAttributes(),
				},
			},
			"member_ids": schema.ListAttribute{
				Computed:            true,
				ElementType:         types.StringType,
				MarkdownDescription: "`member_id` of each element of `members`, in the same order.",
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx),
		},
	}
}

func (d *imageMembersDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	ctx, cfg, tgt, readTimeout, done, ok := openRead[imageMembersModel](ctx, d.data, req, &resp.Diagnostics)
	defer done()
	if !ok {
		return
	}
	region := tgt.region
	imageID := cfg.ImageID.ValueString()
	list, err := d.data.at(tgt).ListImageMembers(ctx, ims.ListImageMembersInput{ImageID: imageID})
	if err != nil {
		resp.Diagnostics.Append(callDiagnostic(err, failedCall{
			op: dataSourceRead(d.spec, readTimeout), imageID: imageID, target: tgt, maxRetries: d.data.settings.maxRetries,
		}))
		return
	}

	state := cfg
	state.ID = types.StringValue(imageID)
	state.Region = types.StringValue(region)
	state.Schema = types.StringValue(list.Schema)
	state.Members = types.ListNull(memberObjectType)
	state.MemberIDs = types.ListNull(types.StringType)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	raw, err := withMembers(resp.State.Raw, list.Members, cfg.MemberType.ValueString(), cfg.Status.ValueString())
	if err != nil {
		resp.Diagnostics.AddError("Unable to build the state of image members", err.Error()+". This is a provider bug.")
		return
	}
	resp.State.Raw = raw
}

// withMembers returns state with members and member_ids set to the
// members that pass the filters, in API order (no match is an empty list,
// not null). It builds terraform-plugin-go values directly, bypassing the
// framework's reflection, which costs several times the time and memory for
// large lists (BENCHMARKS.md, BenchmarkMembersToState).
func withMembers(state tftypes.Value, in []ims.Member, memberType, status string) (tftypes.Value, error) {
	var attrs map[string]tftypes.Value
	if err := state.As(&attrs); err != nil {
		return state, err
	}
	members := make([]tftypes.Value, 0, len(in))
	ids := make([]tftypes.Value, 0, len(in))
	for i := range in {
		m := &in[i]
		if (memberType != "" && m.MemberType != memberType) || (status != "" && m.Status != status) {
			continue
		}
		members = append(members, memberValue(m))
		ids = append(ids, tftypes.NewValue(tftypes.String, m.MemberID))
	}
	attrs["members"] = tftypes.NewValue(tftypes.List{ElementType: tfMemberType}, members)
	attrs["member_ids"] = tftypes.NewValue(tftypes.List{ElementType: tftypes.String}, ids)
	return tftypes.NewValue(state.Type(), attrs), nil
}
