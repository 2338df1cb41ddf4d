package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/action/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-ims/terraform-provider-ims/internal/ims"
)

var _ action.ActionWithConfigure = (*acceptImageSharesAction)(nil)

func newAcceptImageSharesAction() action.Action {
	return &acceptImageSharesAction{actionBase{typeBase{spec: acceptSharesSpec}}}
}

// acceptImageSharesAction accepts (or rejects) the pending shares of the
// recipient's project, once, keeping no state.
type acceptImageSharesAction struct {
	actionBase
}

// acceptImageSharesModel mirrors the ims_accept_image_shares schema.
type acceptImageSharesModel struct {
	Status    types.String   `tfsdk:"status"`
	ImageIDs  types.Set      `tfsdk:"image_ids"`
	Owner     types.String   `tfsdk:"owner"`
	NameRegex types.String   `tfsdk:"name_regex"`
	VaultID   types.String   `tfsdk:"vault_id"`
	Region    types.String   `tfsdk:"region"`
	Timeouts  timeouts.Value `tfsdk:"timeouts"`
}

func (m acceptImageSharesModel) settings() (types.String, timeouts.Value) {
	return m.Region, m.Timeouts
}

func (a *acceptImageSharesAction) Schema(ctx context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Accepts (or rejects) every **pending** image share of this project that matches all the filters given " +
			"(with none, every pending share), once, when invoked, keeping no state: a recipient that accepts what a factory " +
			"project sends. Run it with the recipient's credentials. It lists the pending shares as the IMS reference documents " +
			"(`GET /v2/cloudimages?__imagetype=shared&visibility=shared&member_status=pending`), sets the status with one " +
			"`PUT /v1/cloudimages/members` job per image, waits for each and reads each image's status back. Shares already " +
			"accepted or rejected are left alone: invoking it twice sends no second write. Bounded by `timeouts.invoke` (default `10m`). " +
			"Needs Terraform >= 1.14. To keep a " +
			"status as declared over time, use `ims_image_share_accepter` instead.",
		Attributes: map[string]schema.Attribute{
			// Optional
			"status": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "`accepted` (default) or `rejected`: what the pending shares become.",
				Validators:          []validator.String{stringvalidator.OneOf("accepted", "rejected")},
			},
			"image_ids": schema.SetAttribute{
				Optional:            true,
				ElementType:         types.StringType,
				MarkdownDescription: "Keep only these images (UUIDs). An image named here without a pending share is left as it is, with a warning.",
				Validators:          []validator.Set{setvalidator.SizeAtLeast(1), setvalidator.ValueStringsAre(imageIDValidator())},
			},
			"owner": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Keep only images of this project (the sharing project's ID, 32 lower-case hexadecimal characters), e.g. a factory's.",
				Validators:          []validator.String{stringvalidator.RegexMatches(memberIDPattern, "must be a project ID: 32 lower-case hexadecimal characters")},
			},
			"name_regex": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Keep only images whose name matches this regular expression (Go's RE2 syntax), e.g. `^golden-`.",
				Validators:          []validator.String{regexValidator{}},
			},
			"vault_id": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "ID of a CBR vault, required by IMS to accept a full-ECS image created from a CBR backup; sent " +
					"with every acceptance.",
			},
			"region": actionRegion(),
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx),
		},
	}
}

// Invoke sets the status of every matching pending share, one job per
// image, and verifies each by reading it back.
func (a *acceptImageSharesAction) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	ctx, cfg, b, done, ok := openAction(ctx, a.data, a.spec, "accept", req, resp, acceptImageSharesModel.settings)
	defer done()
	if !ok {
		return
	}
	want := cfg.Status.ValueString()
	if want == "" {
		want = "accepted"
	}
	var nameRe *regexp.Regexp
	if v := cfg.NameRegex.ValueString(); v != "" {
		var err error
		if nameRe, err = regexp.Compile(v); err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("name_regex"), "Invalid name_regex", err.Error())
			return
		}
	}
	named := uniqueImages(ctx, cfg.ImageIDs, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	keep := map[string]bool{}
	for _, id := range named {
		keep[strings.ToLower(id)] = true
	}
	owner := cfg.Owner.ValueString()
	b.progress(fmt.Sprintf("listing the shares pending for project %s", b.target.projectID))
	var images, outside []string
	err := a.data.walkIncoming(ctx, b.target, []string{"pending"}, "", defaultEnterpriseProject, func(img ims.Image, _ string) error {
		match := ims.PlainID(img.ID) && (len(keep) == 0 || keep[strings.ToLower(img.ID)]) &&
			(owner == "" || img.Owner == owner) && (nameRe == nil || nameRe.MatchString(img.Name))
		if match && want == "accepted" {
			if src := a.data.policy.refusedBy(kindOwner, img.Owner); src != "" {
				// Skipped, not refused: the other images go on.
				outside = append(outside, img.ID)
				resp.Diagnostics.AddWarning("Image owner outside the sharing policy",
					fmt.Sprintf("Image %s belongs to project %s, which %s does not allow (allowed_owners), so it was not "+
						"accepted; nothing was sent for it.", img.ID, displayText(img.Owner, nil), src))
				return nil
			}
		}
		if match {
			images = append(images, img.ID)
		}
		return nil
	})
	if err != nil {
		resp.Diagnostics.Append(b.image("").failure(err))
		return
	}
	var left []string
	for _, id := range named {
		if !containsFold(images, id) && !containsFold(outside, id) {
			left = append(left, id)
		}
	}
	if len(left) > 0 {
		resp.Diagnostics.AddAttributeWarning(path.Root("image_ids"), "Image without a pending share",
			fmt.Sprintf("%s: no pending share with project %s in region %s that matches the filters (accepted or rejected already, "+
				"or not shared with this project), so nothing was changed for it.", capitalized(imageList(left)), b.target.projectID, b.target.region))
	}
	if len(images) == 0 {
		b.progress("no pending share matches: nothing to write")
		return
	}
	unlock, diags := b.lock(ctx, images, false)
	defer unlock()
	if resp.Diagnostics.Append(diags...); resp.Diagnostics.HasError() {
		return
	}
	// IMS takes one job per image for a status change.
	for _, id := range images {
		if stopped(ctx) {
			break
		}
		what := fmt.Sprintf("setting project %s's share of image %s to %s", b.target.projectID, id, want)
		b.progress(what + ": sending the request")
		jobID, err := b.client().UpdateMemberStatus(ctx, ims.StatusRequest{Images: []string{id}, Status: want, VaultID: cfg.VaultID.ValueString()})
		if err == nil {
			err = b.wait(ctx, jobID, what, []string{id})
		}
		if err != nil {
			resp.Diagnostics.Append(b.image(id).failure(err))
		}
	}
	b.progress(fmt.Sprintf("reading back the status of %s", imageList(images)))
	for _, id := range images {
		op := b.image(id)
		got, err := op.readStatus(ctx)
		switch {
		case err != nil:
			resp.Diagnostics.Append(op.failure(err))
		case got != want:
			resp.Diagnostics.Append(b.statusNotSet(id, want, got))
		}
	}
	if !resp.Diagnostics.HasError() {
		b.progress(fmt.Sprintf("%s %s", imageList(images), want))
	}
}

// statusNotSet is the diagnostic of a share whose status reads back as
// got, not want ("" when it is no longer shared).
func (b *batchOp) statusNotSet(imageID, want, got string) diag.Diagnostic {
	o := b.image(imageID)
	shows := fmt.Sprintf("the status is %q, not %q", got, want)
	if got == "" {
		shows = "the image is no longer shared with the project (the owner withdrew it, or deleted the image)"
	}
	return diag.NewErrorDiagnostic("IMS did not change the share's status",
		fmt.Sprintf("The %s of %s on image %s (project %s, region %s): after %s, %s. Invoke the action again to retry; if it "+
			"persists, report the job id to Huawei Cloud support.", b.op.name, b.op.subject, imageID, b.target.projectID,
			b.target.region, o.jobList(), shows))
}

// capitalized is s with its first letter in upper case.
func capitalized(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
