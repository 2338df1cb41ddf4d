package provider

import (
	"context"
	"errors"
	"iter"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"golang.org/x/sync/errgroup"

	"github.com/terraform-ims/terraform-provider-ims/internal/ims"
)

// The owner's inventory: the project's shared images and their members,
// found the way the IMS reference documents (ListImages with
// __imagetype=shared and owner={project_id}: an image the project shares
// and one it accepted both have __imagetype shared, told apart by owner),
// with members read only for those.

// sharedImageResult turns one shared image and its members into a list
// result, or reports that it is none.
type sharedImageResult func(ctx context.Context, tgt target, img ims.Image, ms []ims.Member) (list.ListResult, bool)

// sharedImages streams the results of the project's shared images: keep
// filters an image before its members are read, result builds its result.
// Members are read maxConcurrentReads at a time; the whole listing is
// bounded by set.timeout, and one that runs out ends with a diagnostic
// saying how far it got.
func (d *providerData) sharedImages(ctx context.Context, limit int64, typeName string, set listSettings, result sharedImageResult, keep func(ims.Image) bool) iter.Seq[list.ListResult] {
	op := listOp(typeName, set.timeout)
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
		err := d.client.ListImages(tctx, ims.ListImagesInput{Endpoint: tgt.endpoint, ProjectID: tgt.projectID, ImageType: "shared",
			Owner: tgt.projectID, EnterpriseProjectID: set.enterpriseProject}, func(images []ims.Image) error {
			for _, img := range images {
				if img.Owner != tgt.projectID || !keep(img) {
					continue
				}
				progress.images.Add(1)
				g.Go(func() error {
					progress.reads.Add(1)
					got, err := d.client.ListImageMembers(tctx, ims.ListImageMembersInput{Endpoint: tgt.endpoint, ProjectID: tgt.projectID, ImageID: img.ID})
					if err != nil {
						if tctx.Err() == nil {
							fc := fc
							fc.imageID = img.ID
							send(list0(callDiagnostic(err, fc)))
						}
						return nil
					}
					if r, ok := result(tctx, tgt, img, got.Members); ok && send(r) {
						progress.results.Add(1)
					}
					return nil
				})
			}
			return tctx.Err()
		})
		// Decide before waiting: Wait ends ctx (the errgroup's), and tctx
		// with it.
		listFailed := err != nil && tctx.Err() == nil
		_ = g.Wait()
		switch {
		case errors.Is(context.Cause(tctx), errListTimeout):
			diags.Append(progress.timedOut(op))
		case listFailed:
			diags.Append(callDiagnostic(err, fc))
		}
		return diags
	})
}

// list0 is a result that carries only a diagnostic.
func list0(d diag.Diagnostic) list.ListResult {
	return list.ListResult{Diagnostics: diag.Diagnostics{d}}
}
