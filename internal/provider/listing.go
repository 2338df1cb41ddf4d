package provider

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-ims/terraform-provider-ims/internal/ims"
)

// What the list resources share: their common arguments, their overall
// time limit, and what a listing that ran out of time says.

// defaultListTimeout bounds one listing as a whole.
const defaultListTimeout = 10 * time.Minute

// defaultEnterpriseProject is what the listings send as
// enterprise_project_id unless told otherwise, as the official provider
// does: every enterprise project the caller may see.
const defaultEnterpriseProject = "all_granted_eps"

// incomingImages is the recipient's query of the images shared with it in
// status (for one image when imageID is set): visibility=shared with
// member_status, as the SDK documents member_status. ims_03_0602 words
// __imagetype=shared as images others share "and you have accepted", so
// a pending or rejected share may not be __imagetype=shared: only the
// accepted query sends it.
func incomingImages(status, imageID, enterpriseProject string) ims.ListImagesInput {
	in := ims.ListImagesInput{Visibility: "shared", MemberStatus: status, ID: imageID,
		EnterpriseProjectID: enterpriseProject}
	if status == "accepted" {
		in.ImageType = "shared"
	}
	return in
}

// errListTimeout is the cause of a listing's context that ran out of time,
// told apart from one that Terraform cancelled.
var errListTimeout = errors.New("the listing's time limit ran out")

// listRegionAttribute is the region argument of the list resources.
func listRegionAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		Optional:            true,
		MarkdownDescription: "Region to list. Default: the provider's region.",
		Validators:          []validator.String{stringvalidator.RegexMatches(regionPattern, "must be a region name such as cn-north-4")},
	}
}

// listEnterpriseProjectAttribute is the enterprise_project_id argument.
func listEnterpriseProjectAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		Optional: true,
		MarkdownDescription: "Enterprise project to list the images of (`enterprise_project_id` of ListImages): `0` for the default one, " +
			"an enterprise project ID, or `all_granted_eps` for every one the caller may see. Users authorized by enterprise project " +
			"only must list within one. Default: `all_granted_eps`.",
		Validators: []validator.String{stringvalidator.RegexMatches(enterpriseProjectPattern,
			"must be 0, all_granted_eps or an enterprise project ID (a UUID)")},
	}
}

// listTimeoutAttribute is the timeout argument: one bound on the whole
// listing, since a server that stalls every read could otherwise hold a
// query for hours.
func listTimeoutAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		Optional: true,
		MarkdownDescription: fmt.Sprintf("Time limit of the whole listing, as a Go duration such as `30s` or `1h`. Default: `%s`. "+
			"A listing that runs out of time ends with an error saying how far it got.", defaultListTimeout),
		Validators: []validator.String{durationValidator{}},
	}
}

// listSettings are the values of the common arguments.
type listSettings struct {
	region, enterpriseProject string
	timeout                   time.Duration
}

// listConfig is a list block's config model, with the common arguments.
type listConfig interface {
	common() (region, enterpriseProject, timeout types.String)
}

// listCommonModel is the common arguments, embedded in every list
// resource's config model.
type listCommonModel struct {
	Region              types.String `tfsdk:"region"`
	EnterpriseProjectID types.String `tfsdk:"enterprise_project_id"`
	Timeout             types.String `tfsdk:"timeout"`
}

func (m listCommonModel) common() (types.String, types.String, types.String) {
	return m.Region, m.EnterpriseProjectID, m.Timeout
}

// withListCommon is a list resource's own attributes with the common ones.
func withListCommon(own map[string]schema.Attribute) map[string]schema.Attribute {
	own["region"] = listRegionAttribute()
	own["enterprise_project_id"] = listEnterpriseProjectAttribute()
	own["timeout"] = listTimeoutAttribute()
	return own
}

// openList is the opening every list resource's List shares, written once:
// the config read into M (and checked further by extra), the provider
// ready, the common settings. When it fails, the stream carries the
// redacted diagnostics and ok is false.
func openList[M listConfig](ctx context.Context, d *providerData, req list.ListRequest, stream *list.ListResultsStream, extra ...func(M) diag.Diagnostics) (M, listSettings, bool) {
	var cfg M
	diags := req.Config.Get(ctx, &cfg)
	diags.Append(d.ready()...)
	for _, check := range extra {
		if !diags.HasError() {
			diags.Append(check(cfg)...)
		}
	}
	if diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(redactDiagnostics(diags, d.secretsOrNil()))
		return cfg, listSettings{}, false
	}
	region, enterpriseProject, timeout := cfg.common()
	return cfg, d.listSettings(region, enterpriseProject, timeout), true
}

// listSettings reads the common arguments (validated at plan time).
func (d *providerData) listSettings(region, enterpriseProject, timeout types.String) listSettings {
	s := listSettings{region: d.regionOr(region), enterpriseProject: defaultEnterpriseProject, timeout: defaultListTimeout}
	if v := enterpriseProject.ValueString(); v != "" {
		s.enterpriseProject = v
	}
	if v, err := time.ParseDuration(timeout.ValueString()); err == nil && v > 0 {
		s.timeout = v
	}
	return s
}

// listProgress counts what a listing did, for the diagnostic of one that
// ran out of time.
type listProgress struct {
	images, reads, results atomic.Int64
}

// timedOut is the diagnostic of a listing whose time limit ran out.
func (p *listProgress) timedOut(op operation) diag.Diagnostic {
	sofar := ""
	if op.name == "list" {
		sofar = "The results so far were returned; "
	}
	return diag.NewErrorDiagnostic("Listing ran out of time",
		fmt.Sprintf("The %s of %s stopped when its time limit ran out (%s), after %d images listed, %d image reads and %d results. "+
			"%sIMS may be slow, or a read stalled: lower the provider's request_timeout so that a stalled attempt is retried sooner.",
			op.name, op.subject, op.timeoutHint, p.images.Load(), p.reads.Load(), p.results.Load(), sofar))
}

// durationValidator checks a Go duration above zero.
type durationValidator struct{}

func (durationValidator) Description(context.Context) string {
	return "must be a Go duration above zero, such as 30s or 1h"
}

func (v durationValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v durationValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if d, err := time.ParseDuration(req.ConfigValue.ValueString()); err != nil || d <= 0 {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid duration", fmt.Sprintf("%q %s.", req.ConfigValue.ValueString(), v.Description(ctx)))
	}
}

// errWalkDone ends a walk early without an error.
var errWalkDone = errors.New("walk done")

// walkIncoming is the recipient's walk, written once: the images other
// projects share with the target's project, for each of statuses in
// memberStatuses' order (every status when none is given), for one image
// when imageID is set. It skips the project's own images (a reading lists
// them too; owner tells them apart) and an image already handed on under
// another status (its status may change during the walk), and hands each
// image to each with its status. each returns errWalkDone to stop early.
func (d *providerData) walkIncoming(ctx context.Context, tgt target, statuses []string, imageID, enterpriseProject string,
	each func(img ims.Image, status string) error,
) error {
	if len(statuses) == 0 {
		statuses = memberStatuses
	}
	seen := map[string]bool{}
	for _, status := range statuses {
		err := d.at(tgt).ListImages(ctx, incomingImages(status, imageID, enterpriseProject), func(images []ims.Image) error {
			for _, img := range images {
				if img.Owner == tgt.projectID || seen[img.ID] || imageID != "" && img.ID != imageID {
					continue
				}
				seen[img.ID] = true
				if err := each(img, status); err != nil {
					return err
				}
			}
			return nil
		})
		if errors.Is(err, errWalkDone) {
			return nil
		}
		if err != nil {
			return err
		}
	}
	return nil
}
