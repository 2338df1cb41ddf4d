package provider

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"iter"
	"slices"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"golang.org/x/sync/errgroup"

	"github.com/terraform-ims/terraform-provider-ims/internal/ims"
)

// The owner's inventory: the project's shared images and their members,
// found the way the IMS reference documents (ListImages with
// __imagetype=shared and owner={project_id}: an image the project shares
// and one it accepted both have __imagetype shared, told apart by owner),
// with members read only for those.

// sharedImageResults turns one shared image and its members into list
// results (none, one per image, or one per member).
type sharedImageResults func(ctx context.Context, tgt target, img ims.Image, ms []ims.Member) []list.ListResult

// walkSharedImages lists the project's shared images and reads the members
// of those keep keeps, in g (limited to maxConcurrentReads by its caller):
// found gets each image with its members and its place in the listing,
// failed each members read that failed (both from g's goroutines, in no
// order). It returns the listing's error; the caller waits for g.
func (d *providerData) walkSharedImages(ctx context.Context, g *errgroup.Group, tgt target, enterpriseProject string, progress *listProgress,
	keep func(ims.Image) bool, found func(n int, img ims.Image, ms []ims.Member), failed func(img ims.Image, err error),
) error {
	n := 0
	return d.client.At(tgt.endpoint, tgt.projectID).ListImages(ctx, ims.ListImagesInput{ImageType: "shared",
		Owner: tgt.projectID, EnterpriseProjectID: enterpriseProject}, func(images []ims.Image) error {
		for _, img := range images {
			if img.Owner != tgt.projectID || !keep(img) {
				continue
			}
			progress.images.Add(1)
			place := n
			n++
			g.Go(func() error {
				progress.reads.Add(1)
				got, err := d.client.At(tgt.endpoint, tgt.projectID).ListImageMembers(ctx, ims.ListImageMembersInput{ImageID: img.ID})
				switch {
				case err != nil && ims.NotFoundOf(err, img.ID) == ims.ImageGone:
					// Deleted between the listing and its members read:
					// no longer shared.
					return nil
				case err != nil:
					if ctx.Err() == nil {
						failed(img, err)
					}
					return nil
				}
				found(place, img, got.Members)
				return nil
			})
		}
		return ctx.Err()
	})
}

// walkOwned is the owner's walk with what every caller needs around it,
// written once: the members reads run in g, and it waits for all of them.
// It returns the listing's own error; nil when the walk stopped because
// ctx ended (the caller says so with listProgress.timedOut).
func (d *providerData) walkOwned(ctx context.Context, g *errgroup.Group, tgt target, enterpriseProject string, progress *listProgress,
	keep func(ims.Image) bool, found func(int, ims.Image, []ims.Member), failed func(ims.Image, error),
) error {
	err := d.walkSharedImages(ctx, g, tgt, enterpriseProject, progress, keep, found, failed)
	// Decide before waiting: Wait ends the errgroup's context, and ctx
	// with it when it derives from it.
	listFailed := err != nil && ctx.Err() == nil
	_ = g.Wait()
	if listFailed {
		return err
	}
	return nil
}

// sharedImages streams the results of the project's shared images: keep
// filters an image before its members are read, results builds its
// results. Members are read maxConcurrentReads at a time; the whole listing
// is bounded by set.timeout, and one that runs out ends with a diagnostic
// saying how far it got.
func (d *providerData) sharedImages(ctx context.Context, limit int64, spec *typeSpec, set listSettings, results sharedImageResults, keep func(ims.Image) bool) iter.Seq[list.ListResult] {
	op := listOp(spec, set.timeout)
	return resultStream(ctx, limit, d.secrets, func(ctx context.Context, g *errgroup.Group, send func(list.ListResult) bool) diag.Diagnostics {
		ctx = withLogging(ctx, d.secrets)
		tctx, cancel := context.WithTimeoutCause(ctx, set.timeout, errListTimeout)
		defer cancel()
		tgt, diags := d.targetFor(tctx, set.region)
		if diags.HasError() {
			return diags
		}
		var progress listProgress
		fc := failedCall{op: op, target: tgt, maxRetries: d.settings.maxRetries}
		err := d.walkOwned(tctx, g, tgt, set.enterpriseProject, &progress, keep,
			func(_ int, img ims.Image, ms []ims.Member) {
				for _, r := range results(tctx, tgt, img, ms) {
					if !send(r) {
						return
					}
					progress.results.Add(1)
				}
			},
			func(img ims.Image, err error) {
				fc := fc
				fc.imageID = img.ID
				send(list0(callDiagnostic(err, fc)))
			})
		switch {
		case errors.Is(context.Cause(tctx), errListTimeout):
			diags.Append(progress.timedOut(op))
		case err != nil:
			diags.Append(callDiagnostic(err, fc))
		}
		return diags
	})
}

// withInventoryCommon is an inventory data source's own attributes with
// those both share: region, id and ids.
func withInventoryCommon(own map[string]dsschema.Attribute) map[string]dsschema.Attribute {
	own["region"] = dsschema.StringAttribute{
		Optional:            true,
		MarkdownDescription: "Region to list, e.g. `cn-north-4`. Default: the provider's region.",
		Validators:          []validator.String{stringvalidator.RegexMatches(regionPattern, "must be a region name such as cn-north-4")},
	}
	own["id"] = dsschema.StringAttribute{Computed: true, MarkdownDescription: "The same for the same region and filters."}
	own["ids"] = dsschema.ListAttribute{Computed: true, ElementType: types.StringType,
		MarkdownDescription: "`image_id` of each element of `images`, in the same order."}
	return own
}

// containsFold reports whether ids holds id in any case (IDs are checked
// at plan time in either case; IMS lists them in lower case).
func containsFold(ids []string, id string) bool {
	return slices.ContainsFunc(ids, func(v string) bool { return strings.EqualFold(v, id) })
}

// list0 is a result that carries only a diagnostic.
func list0(d diag.Diagnostic) list.ListResult {
	return list.ListResult{Diagnostics: diag.Diagnostics{d}}
}

// inventoryID is an inventory's id: the same for the same region and
// filters.
func inventoryID(region string, filters ...any) string {
	var b strings.Builder
	b.WriteString(region)
	for _, f := range filters {
		if v, ok := f.([]string); ok {
			v = slices.Clone(v)
			sort.Strings(v)
			f = v
		}
		b.WriteString("\x00" + fmt.Sprint(f))
	}
	sum := sha256.Sum256([]byte(b.String()))
	return region + "/" + hex.EncodeToString(sum[:8])
}
