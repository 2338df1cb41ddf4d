package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/action/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/actionvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/boolvalidator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var (
	_ action.ActionWithConfigure        = (*unshareImageAction)(nil)
	_ action.ActionWithConfigValidators = (*unshareImageAction)(nil)
	_ action.ActionWithValidateConfig   = (*unshareImageAction)(nil)
)

func newUnshareImageAction() action.Action {
	return &unshareImageAction{actionBase{typeBase{spec: unshareImageSpec}}}
}

// unshareImageAction removes members from images, once, keeping no state.
type unshareImageAction struct {
	actionBase
}

// unshareImageModel mirrors the ims_unshare_image schema.
type unshareImageModel struct {
	ImageIDs      types.Set      `tfsdk:"image_ids"`
	Projects      types.Set      `tfsdk:"projects"`
	Domains       types.Set      `tfsdk:"domains"`
	Organizations types.Set      `tfsdk:"organizations"`
	All           types.Bool     `tfsdk:"all"`
	Region        types.String   `tfsdk:"region"`
	Timeouts      timeouts.Value `tfsdk:"timeouts"`
}

func (m unshareImageModel) settings() (types.String, timeouts.Value) { return m.Region, m.Timeouts }

func (a *unshareImageAction) Schema(ctx context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Stops sharing images with the members named, or with every member (`all = true`), once, when invoked, " +
			"keeping no state: an emergency unshare with `terraform apply -invoke=action.ims_unshare_image.<name>`. It reads each " +
			"image's members, removes those it holds with one `DELETE /v1/cloudimages/members` for every distinct set (one job " +
			"for all images that hold the same members), waits for each job, reads every image back and fails naming each member " +
			"still there. Invoking it again sends no write. The whole invocation is bounded by `timeouts.invoke` (default `10m`). Needs Terraform >= 1.14; run it with the credentials of the project " +
			"that owns the images. An `ims_image_share` on the same image puts its members back on its next apply.",
		Attributes: map[string]schema.Attribute{
			// Required
			"image_ids": actionImageIDs("Each stops being shared with the members named."),
			// Optional
			"projects":      actionMemberSet(memberArguments[kindProject], "to stop sharing each image with"),
			"domains":       actionMemberSet(memberArguments[kindDomain], "to stop sharing each image with"),
			"organizations": actionMemberSet(memberArguments[kindOrganization], "to stop sharing each image with"),
			"all": schema.BoolAttribute{
				Optional: true,
				MarkdownDescription: "`true` removes every member of each image, whoever added it (instead of naming members). " +
					"Default: `false`.",
				Validators: []validator.Bool{boolvalidator.ConflictsWith(path.MatchRoot("projects"), path.MatchRoot("domains"), path.MatchRoot("organizations"))},
			},
			"region": actionRegion(),
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx),
		},
	}
}

func (a *unshareImageAction) ConfigValidators(context.Context) []action.ConfigValidator {
	return []action.ConfigValidator{
		actionvalidator.AtLeastOneOf(path.MatchRoot("projects"), path.MatchRoot("domains"), path.MatchRoot("organizations"), path.MatchRoot("all")),
	}
}

// ValidateConfig refuses all = false with no member: it would name
// nothing to remove.
func (a *unshareImageAction) ValidateConfig(ctx context.Context, req action.ValidateConfigRequest, resp *action.ValidateConfigResponse) {
	var m unshareImageModel
	if resp.Diagnostics.Append(req.Config.Get(ctx, &m)...); resp.Diagnostics.HasError() {
		return
	}
	if !m.All.IsNull() && !m.All.IsUnknown() && !m.All.ValueBool() && m.Projects.IsNull() && m.Domains.IsNull() && m.Organizations.IsNull() {
		resp.Diagnostics.AddAttributeError(path.Root("all"), "Nothing to unshare",
			"all = false names no member to remove: set all = true to remove every member, or name the members in projects, "+
				"domains or organizations.")
	}
}

// Invoke removes the members named (or all) that each image holds, one
// job per distinct set, and verifies every image by reading it back.
func (a *unshareImageAction) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	ctx, cfg, b, done, ok := openAction(ctx, a.data, a.spec, "unshare", req, resp, unshareImageModel.settings)
	defer done()
	if !ok {
		return
	}
	images := uniqueImages(ctx, cfg.ImageIDs, &resp.Diagnostics)
	named, diags := membersOf(ctx, cfg.Projects, cfg.Domains, cfg.Organizations)
	if resp.Diagnostics.Append(diags...); resp.Diagnostics.HasError() {
		return
	}
	all := cfg.All.ValueBool()
	// Removing every member is ims_image_share's authority: the image is
	// locked as that resource locks it.
	unlock, diags := b.lock(ctx, images, all)
	defer unlock()
	if resp.Diagnostics.Append(diags...); resp.Diagnostics.HasError() {
		return
	}
	b.progress(fmt.Sprintf("reading the members of %s", imageList(images)))
	held, failed, diags := b.readMembers(ctx, images, named)
	resp.Diagnostics.Append(diags...)
	need := map[string]members{}
	for _, id := range images {
		if err, bad := failed[id]; bad {
			if gone, err := b.image(id).gone(ctx, err); gone {
				resp.Diagnostics.AddWarning("Image does not exist",
					fmt.Sprintf("IMS says image %s does not exist in project %s of region %s: it is shared with no one, so nothing "+
						"was removed from it.", id, b.target.projectID, b.target.region))
			} else {
				resp.Diagnostics.Append(b.image(id).failure(err))
			}
			continue
		}
		need[id] = held[id]
		if !all {
			need[id] = held[id].minus(held[id].minus(named))
		}
	}
	writes := groupWrites(images, need)
	if len(writes) == 0 {
		if !resp.Diagnostics.HasError() {
			b.progress("no image holds a member to remove: nothing to write")
		}
		return
	}
	var written []string
	for _, w := range writes {
		written = append(written, w.images...)
		if stopped(ctx) {
			continue // Reported below, image by image, as not removed.
		}
		if err := b.write(ctx, b.client().RemoveImageMembers, "removing", w); err != nil {
			resp.Diagnostics.Append(b.writeFailure(err, w))
		}
	}
	b.progress(fmt.Sprintf("reading back %s", imageList(written)))
	after, failed, diags := b.readMembers(ctx, written, named)
	resp.Diagnostics.Append(diags...)
	for _, id := range written {
		if err, bad := failed[id]; bad {
			if gone, err := b.image(id).gone(ctx, err); !gone {
				resp.Diagnostics.Append(b.image(id).failure(err))
			}
			continue
		}
		left := need[id].minus(need[id].minus(after[id]))
		if d := b.notWritten(id, "it is still shared with", left); d != nil {
			resp.Diagnostics.Append(d)
		}
	}
	if !resp.Diagnostics.HasError() {
		b.progress(fmt.Sprintf("%s no longer shared with the members removed", imageList(written)))
	}
}
