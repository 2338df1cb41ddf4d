package provider

import (
	"context"
	"fmt"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"golang.org/x/sync/errgroup"

	"github.com/terraform-ims/terraform-provider-ims/internal/ims"
)

var (
	_ list.ListResource              = (*imageShareListResource)(nil)
	_ list.ListResourceWithConfigure = (*imageShareListResource)(nil)
)

func newImageShareListResource() list.ListResource { return &imageShareListResource{} }

type imageShareListResource struct {
	data *providerData
}

// imageShareListModel mirrors the list resource's config schema.
type imageShareListModel struct {
	Region     types.String `tfsdk:"region"`
	MemberType types.String `tfsdk:"member_type"`
	Status     types.String `tfsdk:"status"`
	ImageIDs   types.List   `tfsdk:"image_ids"`
}

func (l *imageShareListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_image_share"
}

func (l *imageShareListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Finds every image of the project (`GET /v2/cloudimages?__imagetype=private`, all pages) that is shared " +
			"with at least one member, one result per image with its identity (and, with `include_resource`, the whole " +
			"`ims_image_share`), for `terraform query` (Terraform >= 1.14) to adopt existing sharing. Members are read with at most " +
			"16 requests at once, and results stream as they come.",
		Attributes: map[string]schema.Attribute{
			"region": listRegionAttribute(),
			"member_type": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Keep only images shared with at least one member of this type: `project`, `domain` or `organization`.",
				Validators:          []validator.String{stringvalidator.OneOf(memberTypes...)},
			},
			"status": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Keep only images with at least one member in this status: `accepted`, `rejected` or `pending`.",
				Validators:          []validator.String{stringvalidator.OneOf(memberStatuses...)},
			},
			"image_ids": schema.ListAttribute{
				Optional:            true,
				ElementType:         types.StringType,
				MarkdownDescription: "Keep only these images.",
				Validators: []validator.List{listvalidator.ValueStringsAre(
					stringvalidator.RegexMatches(uuidPattern, "must be an image ID: a UUID such as 370befec-a369-475e-a224-44a45927a8fe"))},
			},
		},
	}
}

func (l *imageShareListResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	l.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

func (l *imageShareListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var cfg imageShareListModel
	diags := req.Config.Get(ctx, &cfg)
	diags.Append(l.data.ready()...)
	var only []string
	if !cfg.ImageIDs.IsNull() && !cfg.ImageIDs.IsUnknown() {
		diags.Append(cfg.ImageIDs.ElementsAs(ctx, &only, false)...)
	}
	if diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(redactDiagnostics(diags, l.data.secretsOrNil()))
		return
	}
	memberType, status := cfg.MemberType.ValueString(), cfg.Status.ValueString()
	stream.Results = resultStream(ctx, req.Limit, l.data.secrets, func(ctx context.Context, g *errgroup.Group, send func(list.ListResult) bool) diag.Diagnostics {
		ctx = withLogging(ctx, l.data.secrets)
		tgt, diags := l.data.targetFor(ctx, l.data.regionOr(cfg.Region))
		if diags.HasError() {
			return diags
		}
		err := l.data.client.ListImages(ctx, ims.ListImagesInput{Endpoint: tgt.endpoint, ProjectID: tgt.projectID, ImageType: "private"}, func(images []ims.Image) error {
			for _, img := range images {
				if len(only) > 0 && !slices.Contains(only, img.ID) {
					continue
				}
				g.Go(func() error {
					if r, ok := l.result(ctx, req, tgt, img, memberType, status); ok {
						send(r)
					}
					return nil
				})
			}
			return ctx.Err()
		})
		if err != nil && ctx.Err() == nil {
			op := shareOp{data: l.data, target: tgt, action: "list", timeout: resourceReadTimeout}
			diags.Append(op.failure(err))
		}
		return diags
	})
}

// result is the list result of one image, and whether it is one: an image
// with no member (that passes the filters) is not.
func (l *imageShareListResource) result(ctx context.Context, req list.ListRequest, tgt target, img ims.Image, memberType, status string) (list.ListResult, bool) {
	r := req.NewListResult(ctx)
	members, err := l.data.client.ListImageMembers(ctx, ims.ListImageMembersInput{Endpoint: tgt.endpoint, ProjectID: tgt.projectID, ImageID: img.ID})
	if err != nil {
		if ctx.Err() != nil {
			return r, false
		}
		op := shareOp{data: l.data, target: tgt, imageID: img.ID, action: "list", timeout: resourceReadTimeout}
		r.Diagnostics.Append(op.failure(err))
		return r, true
	}
	if !slices.ContainsFunc(members.Members, func(m ims.Member) bool {
		return (memberType == "" || m.MemberType == memberType) && (status == "" || m.Status == status)
	}) {
		return r, false
	}
	r.DisplayName = fmt.Sprintf("%s (%d member%s)", img.Name, len(members.Members), plural(len(members.Members)))
	state := newShareState(imageShareModel{}, tgt, img.ID, members.Members)
	r.Diagnostics.Append(r.Identity.Set(ctx, imageShareIdentity{ImageID: state.model.ImageID, Region: state.model.Region})...)
	if req.IncludeResource {
		model, diags := state.withMembers()
		r.Diagnostics.Append(diags...)
		r.Diagnostics.Append(r.Resource.Set(ctx, &model)...)
	}
	return r, true
}

// listRegionAttribute is the region argument of both list resources.
func listRegionAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		Optional:            true,
		MarkdownDescription: "Region to list. Default: the provider's region.",
		Validators:          []validator.String{stringvalidator.RegexMatches(regionPattern, "must be a region name such as cn-north-4")},
	}
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
