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
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-ims/terraform-provider-ims/internal/ims"
)

var (
	_ list.ListResource              = (*imageShareListResource)(nil)
	_ list.ListResourceWithConfigure = (*imageShareListResource)(nil)
)

func newImageShareListResource() list.ListResource {
	return &imageShareListResource{resourceBase{typeBase{spec: shareSpec}}}
}

type imageShareListResource struct {
	resourceBase
}

// imageShareListModel mirrors the list resource's config schema.
type imageShareListModel struct {
	listCommonModel
	MemberType types.String `tfsdk:"member_type"`
	Status     types.String `tfsdk:"status"`
	ImageIDs   types.List   `tfsdk:"image_ids"`
}

func (l *imageShareListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Finds every image of the project that is shared with at least one member, one result per image with its " +
			"identity (and, with `include_resource`, the whole `ims_image_share`), for `terraform query` (Terraform >= 1.14) to adopt " +
			"existing sharing. It lists the project's shared images the way the IMS reference documents " +
			"(`GET /v2/cloudimages?__imagetype=shared&owner={project_id}`, every page) and reads the members of those only, with at " +
			"most 16 requests at once; results stream as they come.",
		Attributes: withListCommon(map[string]schema.Attribute{
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
		}),
	}
}

func (l *imageShareListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var only []string
	cfg, set, ok := openList(ctx, l.data, req, stream, func(cfg imageShareListModel) diag.Diagnostics {
		if cfg.ImageIDs.IsNull() || cfg.ImageIDs.IsUnknown() {
			return nil
		}
		return cfg.ImageIDs.ElementsAs(ctx, &only, false)
	})
	if !ok {
		return
	}
	memberType, status := cfg.MemberType.ValueString(), cfg.Status.ValueString()
	stream.Results = l.data.sharedImages(ctx, req.Limit, l.spec, set, func(ctx context.Context, tgt target, img ims.Image, ms []ims.Member) []list.ListResult {
		if r, ok := l.result(ctx, req, tgt, img, ms, memberType, status); ok {
			return []list.ListResult{r}
		}
		return nil
	}, func(img ims.Image) bool { return len(only) == 0 || containsFold(only, img.ID) })
}

// result is the list result of one image, and whether it is one: an image
// with no member (that passes the filters) is not.
func (l *imageShareListResource) result(ctx context.Context, req list.ListRequest, tgt target, img ims.Image, ms []ims.Member, memberType, status string) (list.ListResult, bool) {
	r := req.NewListResult(ctx)
	if !slices.ContainsFunc(ms, func(m ims.Member) bool {
		return (memberType == "" || m.MemberType == memberType) && (status == "" || m.Status == status)
	}) {
		return r, false
	}
	state := newShareState(imageShareModel{}, tgt, img.ID, ms, members{})
	r.Diagnostics.Append(state.warnings...)
	r.DisplayName = fmt.Sprintf("%s (%d member%s)", displayText(img.Name, l.data.secrets), len(state.members), plural(len(state.members)))
	r.Diagnostics.Append(r.Identity.Set(ctx, imageShareIdentity{ImageID: state.model.ImageID, Region: state.model.Region})...)
	if req.IncludeResource {
		model, diags := state.withMembers()
		r.Diagnostics.Append(diags...)
		r.Diagnostics.Append(r.Resource.Set(ctx, &model)...)
	}
	return r, true
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
