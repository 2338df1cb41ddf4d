package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/action/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/actionvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var (
	_ action.ActionWithConfigure        = (*shareImageAction)(nil)
	_ action.ActionWithModifyPlan       = (*shareImageAction)(nil)
	_ action.ActionWithConfigValidators = (*shareImageAction)(nil)
)

func newShareImageAction() action.Action {
	return &shareImageAction{actionBase{typeBase{spec: shareImageSpec}}}
}

// shareImageAction adds members to images, once, keeping no state.
type shareImageAction struct {
	actionBase
}

// shareImageModel mirrors the ims_share_image schema.
type shareImageModel struct {
	ImageIDs      types.Set      `tfsdk:"image_ids"`
	Projects      types.Set      `tfsdk:"projects"`
	Domains       types.Set      `tfsdk:"domains"`
	Organizations types.Set      `tfsdk:"organizations"`
	Region        types.String   `tfsdk:"region"`
	Timeouts      timeouts.Value `tfsdk:"timeouts"`
}

func (m shareImageModel) settings() (types.String, timeouts.Value) { return m.Region, m.Timeouts }

// actionImageIDs is the image_ids argument of the owner's actions.
func actionImageIDs(what string) schema.SetAttribute {
	return schema.SetAttribute{
		Required:            true,
		ElementType:         types.StringType,
		MarkdownDescription: imagesAttributeDescription + " " + what,
		Validators:          []validator.Set{setvalidator.SizeAtLeast(1), setvalidator.ValueStringsAre(imageIDValidator())},
	}
}

// actionMemberSet is a member argument of the owner's actions, with the
// rules and messages of ims_image_share's.
func actionMemberSet(a memberArgument, what string) schema.SetAttribute {
	return schema.SetAttribute{
		Optional:            true,
		ElementType:         types.StringType,
		MarkdownDescription: fmt.Sprintf("%s %s, e.g. `%s`.", a.what, what, a.example),
		Validators:          a.validators(),
	}
}

// actionRegion is the region argument of every action.
func actionRegion() schema.StringAttribute {
	return schema.StringAttribute{
		Optional:            true,
		MarkdownDescription: "Region of the images. Default: the provider's region.",
		Validators:          []validator.String{stringvalidator.RegexMatches(regionPattern, "must be a region name such as cn-north-4")},
	}
}

func (a *shareImageAction) Schema(ctx context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Shares images with projects, accounts (domains) and organizations, once, when invoked, keeping no state: " +
			"for a pipeline that builds an image and shares it (`action_trigger` on the build) or a one-off `terraform apply " +
			"-invoke`. It reads each image's members, adds only those it lacks with one `POST /v1/cloudimages/members` for every " +
			"distinct set of missing members (one job for all images that lack the same members), waits for each job, reads every " +
			"image back and fails naming each member that was not added. Members already there, and members it does not name, " +
			"are left alone: invoking it twice sends no second write. The whole invocation is bounded by `timeouts.invoke` (default `10m`). Needs Terraform >= 1.14; run it with the credentials of " +
			"the project that owns the images. To keep an image's sharing as declared over time, use `ims_image_share` instead.",
		Attributes: map[string]schema.Attribute{
			// Required
			"image_ids": actionImageIDs("Each is shared with every member named."),
			// Optional
			"projects":      actionMemberSet(memberArguments[kindProject], "to share each image with"),
			"domains":       actionMemberSet(memberArguments[kindDomain], "to share each image with"),
			"organizations": actionMemberSet(memberArguments[kindOrganization], "to share each image with"),
			"region":        actionRegion(),
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx),
		},
	}
}

func (a *shareImageAction) ConfigValidators(context.Context) []action.ConfigValidator {
	return []action.ConfigValidator{
		actionvalidator.AtLeastOneOf(path.MatchRoot("projects"), path.MatchRoot("domains"), path.MatchRoot("organizations")),
	}
}

// Invoke adds the members each image lacks, one job per distinct set,
// and verifies every image by reading it back.
// ModifyPlan refuses, at plan time, members outside the sharing policy
// (policy.go).
func (a *shareImageAction) ModifyPlan(ctx context.Context, req action.ModifyPlanRequest, resp *action.ModifyPlanResponse) {
	if a.data == nil || !a.data.policy.set() {
		return
	}
	var cfg shareImageModel
	if resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...); resp.Diagnostics.HasError() {
		return
	}
	if cfg.Projects.IsUnknown() || cfg.Domains.IsUnknown() || cfg.Organizations.IsUnknown() {
		return // Checked before the write.
	}
	want, diags := membersOf(ctx, cfg.Projects, cfg.Domains, cfg.Organizations)
	if !diags.HasError() {
		resp.Diagnostics.Append(a.data.policy.refuseAdded(want, a.spec)...)
	}
}

func (a *shareImageAction) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	ctx, cfg, b, done, ok := openAction(ctx, a.data, a.spec, "share", req, resp, shareImageModel.settings)
	defer done()
	if !ok {
		return
	}
	images := uniqueImages(ctx, cfg.ImageIDs, &resp.Diagnostics)
	want, diags := membersOf(ctx, cfg.Projects, cfg.Domains, cfg.Organizations)
	if resp.Diagnostics.Append(diags...); resp.Diagnostics.HasError() {
		return
	}
	// Members unknown at plan time are checked here, before any request.
	if resp.Diagnostics.Append(a.data.policy.refuseAdded(want, a.spec)...); resp.Diagnostics.HasError() {
		return
	}
	unlock, diags := b.lock(ctx, images, false)
	defer unlock()
	if resp.Diagnostics.Append(diags...); resp.Diagnostics.HasError() {
		return
	}
	b.progress(fmt.Sprintf("reading the members of %s", imageList(images)))
	held, failed, diags := b.readMembers(ctx, images, want)
	resp.Diagnostics.Append(diags...)
	need := map[string]members{}
	for _, id := range images {
		if err, bad := failed[id]; bad {
			resp.Diagnostics.Append(b.image(id).failure(err))
			continue
		}
		need[id] = want.minus(held[id])
	}
	writes := groupWrites(images, need)
	if len(writes) == 0 {
		if !resp.Diagnostics.HasError() {
			b.progress(fmt.Sprintf("every image already has %s: nothing to write", want))
		}
		return
	}
	var written []string
	for _, w := range writes {
		written = append(written, w.images...)
		if stopped(ctx) {
			continue // Reported below, image by image, as not added.
		}
		if err := b.write(ctx, b.client().AddImageMembers, "adding", w); err != nil {
			resp.Diagnostics.Append(b.writeFailure(err, w))
		}
	}
	b.progress(fmt.Sprintf("reading back %s", imageList(written)))
	after, failed, diags := b.readMembers(ctx, written, want)
	resp.Diagnostics.Append(diags...)
	for _, id := range written {
		if err, bad := failed[id]; bad {
			resp.Diagnostics.Append(b.image(id).failure(err))
			continue
		}
		if d := b.notWritten(id, "it is not shared with", need[id].minus(after[id])); d != nil {
			resp.Diagnostics.Append(d)
		}
	}
	if !resp.Diagnostics.HasError() {
		b.progress(fmt.Sprintf("%s shared with %s", imageList(images), want))
	}
}
