package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"golang.org/x/sync/errgroup"

	"github.com/terraform-ims/terraform-provider-ims/internal/ims"
)

var (
	_ list.ListResource              = (*imageShareAccepterListResource)(nil)
	_ list.ListResourceWithConfigure = (*imageShareAccepterListResource)(nil)
)

func newImageShareAccepterListResource() list.ListResource {
	return &imageShareAccepterListResource{resourceBase{typeBase{spec: accepterSpec}}}
}

type imageShareAccepterListResource struct {
	resourceBase
}

// imageShareAccepterListModel mirrors the list resource's config schema.
type imageShareAccepterListModel struct {
	listCommonModel
	Status types.String `tfsdk:"status"`
}

func (l *imageShareAccepterListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Finds every image shared with the caller's project " +
			"(`GET /v2/cloudimages?visibility=shared&member_status=...`, with `__imagetype=shared` for accepted shares only, every page, " +
			"for each status asked for; the project's own images are left out), one result per image with its identity, for " +
			"`terraform query` (Terraform >= 1.14). " +
			"A pending share's generated block carries `status = \"pending\"`, which is not a status a configuration may ask for: " +
			"set `accepted` or `rejected` before planning, and the plan shows the import and the update.",
		Attributes: withListCommon(map[string]schema.Attribute{
			"status": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Keep only shares in this status of the caller's: `pending`, `accepted` or `rejected`. Default: all three.",
				Validators:          []validator.String{stringvalidator.OneOf(memberStatuses...)},
			},
		}),
	}
}

func (l *imageShareAccepterListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	cfg, set, ok := openList[imageShareAccepterListModel](ctx, l.data, req, stream)
	if !ok {
		return
	}
	var statuses []string
	if s := cfg.Status.ValueString(); s != "" {
		statuses = []string{s}
	}
	op := listOp(l.spec, set.timeout)
	stream.Results = resultStream(ctx, req.Limit, l.data.secrets, func(ctx context.Context, _ *errgroup.Group, send func(list.ListResult) bool) diag.Diagnostics {
		ctx = withLogging(ctx, l.data.secrets)
		tctx, cancel := context.WithTimeoutCause(ctx, set.timeout, errListTimeout)
		defer cancel()
		tgt, diags := l.data.targetFor(tctx, set.region)
		if diags.HasError() {
			return diags
		}
		var progress listProgress
		err := l.data.walkIncoming(tctx, tgt, statuses, "", set.enterpriseProject, func(img ims.Image, status string) error {
			progress.images.Add(1)
			if !send(l.result(ctx, req, tgt, img, status)) {
				return tctx.Err()
			}
			progress.results.Add(1)
			return nil
		})
		switch {
		case errors.Is(context.Cause(tctx), errListTimeout):
			diags.Append(progress.timedOut(op))
		case tctx.Err() != nil:
		case err != nil:
			diags.Append(callDiagnostic(err, failedCall{op: op, target: tgt, maxRetries: l.data.settings.maxRetries}))
		}
		return diags
	})
}

// result is the list result of one image shared with the caller.
func (l *imageShareAccepterListResource) result(ctx context.Context, req list.ListRequest, tgt target, img ims.Image, status string) list.ListResult {
	r := req.NewListResult(ctx)
	r.DisplayName = fmt.Sprintf("%s from project %s (%s)", displayText(img.Name, l.data.secrets), displayText(img.Owner, l.data.secrets), status)
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
