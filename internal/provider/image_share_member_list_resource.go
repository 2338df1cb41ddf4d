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
	_ list.ListResource              = (*imageShareMemberListResource)(nil)
	_ list.ListResourceWithConfigure = (*imageShareMemberListResource)(nil)
)

func newImageShareMemberListResource() list.ListResource {
	return &imageShareMemberListResource{resourceBase{typeBase{spec: memberSpec}}}
}

type imageShareMemberListResource struct {
	resourceBase
}

// imageShareMemberListModel mirrors the list resource's config schema.
type imageShareMemberListModel struct {
	listCommonModel
	MemberType types.String `tfsdk:"member_type"`
	Status     types.String `tfsdk:"status"`
	ImageIDs   types.List   `tfsdk:"image_ids"`
	MemberIDs  types.List   `tfsdk:"member_ids"`
}

func (l *imageShareMemberListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Finds every member of every shared image of the project, one result per member with its identity (and, " +
			"with `include_resource`, the whole `ims_image_share_member`), for `terraform query` (Terraform >= 1.14) to adopt members " +
			"one at a time. The same listing as the `ims_image_share` list resource (`GET /v2/cloudimages?__imagetype=shared&owner=…`, " +
			"members read 16 at a time); results stream as they come.",
		Attributes: withListCommon(map[string]schema.Attribute{
			"member_type": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Keep only members of this type: `project`, `domain` or `organization`.",
				Validators:          []validator.String{stringvalidator.OneOf(memberTypes...)},
			},
			"status": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Keep only members in this status: `accepted`, `rejected` or `pending`.",
				Validators:          []validator.String{stringvalidator.OneOf(memberStatuses...)},
			},
			"image_ids": schema.ListAttribute{
				Optional:            true,
				ElementType:         types.StringType,
				MarkdownDescription: "Keep only the members of these images.",
				Validators: []validator.List{listvalidator.ValueStringsAre(
					stringvalidator.RegexMatches(uuidPattern, "must be an image ID: a UUID such as 370befec-a369-475e-a224-44a45927a8fe"))},
			},
			"member_ids": schema.ListAttribute{
				Optional:            true,
				ElementType:         types.StringType,
				MarkdownDescription: "Keep only these members, by the `member_id` IMS lists (for an organization, its URN's last segment).",
			},
		}),
	}
}

func (l *imageShareMemberListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var images, ids []string
	cfg, set, ok := openList(ctx, l.data, req, stream, func(cfg imageShareMemberListModel) diag.Diagnostics {
		var diags diag.Diagnostics
		for _, f := range []struct {
			v   types.List
			out *[]string
		}{{cfg.ImageIDs, &images}, {cfg.MemberIDs, &ids}} {
			if !f.v.IsNull() && !f.v.IsUnknown() {
				diags.Append(f.v.ElementsAs(ctx, f.out, false)...)
			}
		}
		return diags
	})
	if !ok {
		return
	}
	memberType, status := cfg.MemberType.ValueString(), cfg.Status.ValueString()
	keep := func(m ims.Member) bool {
		return (memberType == "" || m.MemberType == memberType) && (status == "" || m.Status == status) &&
			(len(ids) == 0 || slices.ContainsFunc(ids, func(id string) bool { return sameMemberID(m, id) }))
	}
	stream.Results = l.data.sharedImages(ctx, req.Limit, l.spec, set, func(ctx context.Context, tgt target, img ims.Image, ms []ims.Member) []list.ListResult {
		_, unique, warnings := heldMembers(img.ID, ms, members{})
		var out []list.ListResult
		for i := range unique {
			if keep(unique[i]) {
				out = append(out, l.result(ctx, req, tgt, img, &unique[i]))
			}
		}
		if len(out) > 0 {
			out[0].Diagnostics.Append(warnings...)
		}
		return out
	}, func(img ims.Image) bool { return len(images) == 0 || containsFold(images, img.ID) })
}

// result is the list result of one member of a shared image.
func (l *imageShareMemberListResource) result(ctx context.Context, req list.ListRequest, tgt target, img ims.Image, m *ims.Member) list.ListResult {
	r := req.NewListResult(ctx)
	r.DisplayName = fmt.Sprintf("%s → %s (%s, %s)", displayText(img.Name, l.data.secrets), displayText(m.MemberID, nil),
		displayText(m.MemberType, nil), displayText(m.Status, nil))
	model := memberState(imageShareMemberModel{}, tgt, img.ID, m)
	r.Diagnostics.Append(r.Identity.Set(ctx, imageShareMemberIdentity{ImageID: model.ImageID, MemberID: model.MemberID, Region: model.Region})...)
	if req.IncludeResource {
		r.Diagnostics.Append(r.Resource.Set(ctx, &model)...)
	}
	return r
}
