package provider

import (
	"context"
	"iter"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"golang.org/x/sync/errgroup"
)

// maxConcurrentReads bounds the member reads of one listing: no more than
// the client's pool of idle connections per host, so that every read reuses
// a connection.
const maxConcurrentReads = 16

// resultStream runs produce in its own goroutine and yields what it sends,
// in the order it arrives, so that results reach Terraform as they come.
// produce gets an errgroup limited to maxConcurrentReads for its reads and
// a send function that reports false once Terraform wants no more (the
// limit is reached or the stream was abandoned); its error becomes a last
// result with that diagnostic. Every diagnostic is redacted.
//
// The channel is written by hand around errgroup: the framework's stream is
// a pull iterator whose push must be called from its own goroutine.
func resultStream(ctx context.Context, limit int64, secrets []string,
	produce func(ctx context.Context, g *errgroup.Group, send func(list.ListResult) bool) diag.Diagnostics,
) iter.Seq[list.ListResult] {
	return func(push func(list.ListResult) bool) {
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		results := make(chan list.ListResult)
		go func() {
			defer close(results)
			g, gctx := errgroup.WithContext(ctx)
			g.SetLimit(maxConcurrentReads)
			send := func(r list.ListResult) bool {
				select {
				case results <- r:
					return true
				case <-gctx.Done():
					return false
				}
			}
			diags := produce(gctx, g, send)
			_ = g.Wait()
			if len(diags) > 0 {
				select {
				case results <- list.ListResult{Diagnostics: diags}:
				case <-ctx.Done():
				}
			}
		}()
		var pushed int64
		for r := range results {
			r.Diagnostics = redactDiagnostics(r.Diagnostics, secrets)
			if !push(r) {
				break
			}
			if pushed++; limit > 0 && pushed >= limit {
				break
			}
		}
		cancel()
		for range results {
			// Let the producer finish after the stream was left early.
		}
	}
}
