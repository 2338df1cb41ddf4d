package provider

import (
	"context"
	"fmt"

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
	_ list.ListResource              = (*imageShareAccepterListResource)(nil)
	_ list.ListResourceWithConfigure = (*imageShareAccepterListResource)(nil)
)

func newImageShareAccepterListResource() list.ListResource { return &imageShareAccepterListResource{} }

type imageShareAccepterListResource struct {
	data *providerData
}

// imageShareAccepterListModel mirrors the list resource's config schema.
type imageShareAccepterListModel struct {
	Region types.String `tfsdk:"region"`
	Status types.String `tfsdk:"status"`
}

func (l *imageShareAccepterListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_image_share_accepter"
}

func (l *imageShareAccepterListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Finds every image shared with the caller's project (`GET /v2/cloudimages?__imagetype=shared&member_status=...`, " +
			"all pages, for each status asked for), one result per image with its identity, for `terraform query` (Terraform >= 1.14). " +
			"A pending share's generated block carries `status = \"pending\"`, which is not a status a configuration may ask for: " +
			"set `accepted` or `rejected` before planning, and the plan shows the import and the update.",
		Attributes: map[string]schema.Attribute{
			"region": listRegionAttribute(),
			"status": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Keep only shares in this status of the caller's: `pending`, `accepted` or `rejected`. Default: all three.",
				Validators:          []validator.String{stringvalidator.OneOf(memberStatuses...)},
			},
		},
	}
}

func (l *imageShareAccepterListResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	l.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

func (l *imageShareAccepterListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var cfg imageShareAccepterListModel
	diags := req.Config.Get(ctx, &cfg)
	diags.Append(l.data.ready()...)
	if diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(redactDiagnostics(diags, l.data.secretsOrNil()))
		return
	}
	statuses := []string{"pending", "accepted", "rejected"}
	if s := cfg.Status.ValueString(); s != "" {
		statuses = []string{s}
	}
	stream.Results = resultStream(ctx, req.Limit, l.data.secrets, func(ctx context.Context, _ *errgroup.Group, send func(list.ListResult) bool) diag.Diagnostics {
		ctx = withLogging(ctx, l.data.secrets)
		tgt, diags := l.data.targetFor(ctx, l.data.regionOr(cfg.Region))
		if diags.HasError() {
			return diags
		}
		for _, status := range statuses {
			err := l.data.client.ListImages(ctx, ims.ListImagesInput{Endpoint: tgt.endpoint, ProjectID: tgt.projectID, ImageType: "shared", MemberStatus: status},
				func(images []ims.Image) error {
					for _, img := range images {
						if !send(l.result(ctx, req, tgt, img, status)) {
							return ctx.Err()
						}
					}
					return nil
				})
			if err != nil {
				if ctx.Err() == nil {
					diags.Append(shareOp{data: l.data, target: tgt, action: "list", timeout: resourceReadTimeout}.failure(err))
				}
				return diags
			}
		}
		return diags
	})
}

// result is the list result of one image shared with the caller.
func (l *imageShareAccepterListResource) result(ctx context.Context, req list.ListRequest, tgt target, img ims.Image, status string) list.ListResult {
	r := req.NewListResult(ctx)
	r.DisplayName = fmt.Sprintf("%s from project %s (%s)", img.Name, img.Owner, status)
	model := imageShareAccepterModel{
		ImageID: types.StringValue(img.ID), Status: types.StringValue(status), VaultID: types.StringNull(),
		Region: types.StringValue(tgt.region), ID: types.StringValue(img.ID), MemberID: types.StringValue(tgt.projectID), Timeouts: timeoutsNull(),
	}
	r.Diagnostics.Append(r.Identity.Set(ctx, imageShareAccepterIdentity{ImageID: model.ImageID, Region: model.Region, MemberID: model.MemberID})...)
	if req.IncludeResource {
		r.Diagnostics.Append(r.Resource.Set(ctx, &model)...)
	}
	return r
}
