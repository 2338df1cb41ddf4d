package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// readModel is a data source's model: its region and its timeouts block.
type readModel interface {
	regionArg() types.String
	readTimeouts() timeouts.Value
}

func (m imageMembersModel) regionArg() types.String             { return m.Region }
func (m imageMembersModel) readTimeouts() timeouts.Value        { return m.Timeouts }
func (m imageSharesModel) regionArg() types.String              { return m.Region }
func (m imageSharesModel) readTimeouts() timeouts.Value         { return m.Timeouts }
func (m incomingImageSharesModel) regionArg() types.String      { return m.Region }
func (m incomingImageSharesModel) readTimeouts() timeouts.Value { return m.Timeouts }

// openRead is the opening every data source's Read shares, written once:
// the config read into M, the provider ready, the read's time limit
// (timeouts.read), logging, and the endpoint and project of the region.
// The returned done, deferred by the caller, ends the read's context and
// redacts every diagnostic the method leaves in diags. ok is false when
// diags holds an error and the method must stop.
func openRead[M readModel](ctx context.Context, d *providerData, req datasource.ReadRequest, diags *diag.Diagnostics) (context.Context, M, target, time.Duration, func(), bool) {
	var cfg M
	done := func() { *diags = redactDiagnostics(*diags, d.secretsOrNil()) }
	diags.Append(req.Config.Get(ctx, &cfg)...)
	diags.Append(d.ready()...)
	if diags.HasError() {
		return ctx, cfg, target{}, 0, done, false
	}
	timeout, more := cfg.readTimeouts().Read(ctx, defaultReadTimeout)
	diags.Append(more...)
	if diags.HasError() {
		return ctx, cfg, target{}, 0, done, false
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	ctx = withLogging(ctx, d.secrets)
	tgt, more := d.targetFor(ctx, d.regionOr(cfg.regionArg()))
	diags.Append(more...)
	return ctx, cfg, tgt, timeout, func() { cancel(); done() }, !diags.HasError()
}
