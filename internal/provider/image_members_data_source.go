package provider

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-ims/terraform-provider-ims/internal/ims"
)

var (
	_ datasource.DataSource              = (*imageMembersDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*imageMembersDataSource)(nil)
)

const defaultReadTimeout = 5 * time.Minute

func newImageMembersDataSource() datasource.DataSource { return &imageMembersDataSource{} }

type imageMembersDataSource struct {
	data *providerData
}

// imageMembersModel mirrors the data source schema.
type imageMembersModel struct {
	ImageID    types.String   `tfsdk:"image_id"`
	MemberType types.String   `tfsdk:"member_type"`
	Status     types.String   `tfsdk:"status"`
	Region     types.String   `tfsdk:"region"`
	ID         types.String   `tfsdk:"id"`
	Schema     types.String   `tfsdk:"schema"`
	Members    []memberModel  `tfsdk:"members"`
	MemberIDs  []string       `tfsdk:"member_ids"`
	Timeouts   timeouts.Value `tfsdk:"timeouts"`
}

// memberModel is one element of members.
type memberModel struct {
	MemberID   types.String `tfsdk:"member_id"`
	MemberType types.String `tfsdk:"member_type"`
	Status     types.String `tfsdk:"status"`
	URN        types.String `tfsdk:"urn"`
	ImageID    types.String `tfsdk:"image_id"`
	Schema     types.String `tfsdk:"schema"`
	CreatedAt  types.String `tfsdk:"created_at"`
	UpdatedAt  types.String `tfsdk:"updated_at"`
}

var (
	memberTypes    = []string{"project", "domain", "organization"}
	memberStatuses = []string{"accepted", "rejected", "pending"}
)

func (d *imageMembersDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_image_members"
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
					Attributes: map[string]schema.Attribute{
						"member_id":   schema.StringAttribute{Computed: true, MarkdownDescription: "ID of the member: a project ID, an account (domain) ID, or an organization unit ID such as `ou-5x1bvygwrplokk622i9gbn3f5ftfb2l9`."},
						"member_type": schema.StringAttribute{Computed: true, MarkdownDescription: "`project`, `domain` or `organization`."},
						"status":      schema.StringAttribute{Computed: true, MarkdownDescription: "`accepted`, `rejected` or `pending`."},
						"urn":         schema.StringAttribute{Computed: true, MarkdownDescription: "URN of an organization member; null for other types."},
						"image_id":    schema.StringAttribute{Computed: true, MarkdownDescription: "ID of the image."},
						"schema":      schema.StringAttribute{Computed: true, MarkdownDescription: "Schema of the member, e.g. `/v2/schemas/member`."},
						"created_at":  schema.StringAttribute{Computed: true, MarkdownDescription: "When the image was shared with the member, e.g. `2023-08-23T04:07:52Z`."},
						"updated_at":  schema.StringAttribute{Computed: true, MarkdownDescription: "When the member's status last changed, e.g. `2023-08-23T04:07:52Z`."},
					},
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

func (d *imageMembersDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	if req.ProviderData == nil {
		return
	}
	data, ok := req.ProviderData.(*providerData)
	if !ok {
		resp.Diagnostics.AddError("Unexpected provider data", fmt.Sprintf("Expected *providerData, got %T. This is a provider bug.", req.ProviderData))
		return
	}
	d.data = data
}

func (d *imageMembersDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg imageMembersModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if d.data == nil {
		resp.Diagnostics.AddError("Provider not configured", "The ims provider was not configured. This is a provider bug.")
		return
	}
	if len(d.data.unknown) > 0 {
		resp.Diagnostics.AddError("Provider configuration not known yet",
			fmt.Sprintf("The provider arguments %s depend on values known only after apply, so image members cannot be read during this plan. "+
				"Configure the provider from values known at plan time (variables, locals, environment variables).", strings.Join(d.data.unknown, ", ")))
		return
	}
	readTimeout, diags := cfg.Timeouts.Read(ctx, defaultReadTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, readTimeout)
	defer cancel()
	ctx = withLogging(ctx, d.data.secrets)

	region := d.data.settings.region
	if !cfg.Region.IsNull() && cfg.Region.ValueString() != "" {
		region = cfg.Region.ValueString()
	}
	endpoint, projectID, diags := d.data.target(ctx, region)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	imageID := cfg.ImageID.ValueString()
	list, err := d.data.client.ListImageMembers(ctx, ims.ListImageMembersInput{Endpoint: endpoint, ProjectID: projectID, ImageID: imageID})
	if err != nil {
		resp.Diagnostics.Append(readErrorDiagnostic(err, readContext{
			imageID: imageID, region: region, projectID: projectID, endpoint: endpoint,
			readTimeout: readTimeout, maxRetries: d.data.settings.maxRetries,
		}))
		return
	}

	state := cfg
	state.ID = types.StringValue(imageID)
	state.Region = types.StringValue(region)
	state.Schema = types.StringValue(list.Schema)
	state.Members, state.MemberIDs = membersToModel(list.Members, cfg.MemberType.ValueString(), cfg.Status.ValueString())
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// membersToModel filters and converts members, keeping API order. Both
// lists are non-nil, so that no match is an empty list, not null.
func membersToModel(in []ims.Member, memberType, status string) ([]memberModel, []string) {
	members := make([]memberModel, 0, len(in))
	ids := make([]string, 0, len(in))
	for _, m := range in {
		if (memberType != "" && m.MemberType != memberType) || (status != "" && m.Status != status) {
			continue
		}
		members = append(members, memberModel{
			MemberID:   types.StringValue(m.MemberID),
			MemberType: types.StringValue(m.MemberType),
			Status:     types.StringValue(m.Status),
			URN:        types.StringPointerValue(m.URN),
			ImageID:    types.StringValue(m.ImageID),
			Schema:     types.StringValue(m.Schema),
			CreatedAt:  types.StringValue(m.CreatedAt),
			UpdatedAt:  types.StringValue(m.UpdatedAt),
		})
		ids = append(ids, m.MemberID)
	}
	return members, ids
}
