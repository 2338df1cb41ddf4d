package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/terraform-ims/terraform-provider-ims/internal/ims"
)

// logSubsystem is the terraform-plugin-log subsystem of HTTP traffic; its
// level follows TF_LOG_PROVIDER_IMS_HTTP, else TF_LOG_PROVIDER, else TF_LOG.
const logSubsystem = "http"

// withLogging attaches the subsystem and masks every secret of this
// configuration in messages and fields, at every level, as a second line of
// defence: no log call is given a secret in the first place.
func withLogging(ctx context.Context, secrets []string) context.Context {
	ctx = tflog.NewSubsystem(ctx, logSubsystem, tflog.WithLevelFromEnv("TF_LOG_PROVIDER_IMS_HTTP"))
	if len(secrets) == 0 {
		return ctx
	}
	ctx = tflog.MaskAllFieldValuesStrings(ctx, secrets...)
	ctx = tflog.MaskMessageStrings(ctx, secrets...)
	ctx = tflog.SubsystemMaskAllFieldValuesStrings(ctx, logSubsystem, secrets...)
	ctx = tflog.SubsystemMaskMessageStrings(ctx, logSubsystem, secrets...)
	return ctx
}

// logAttempt writes one DEBUG line per HTTP attempt.
func logAttempt(ctx context.Context, a ims.Attempt) {
	fields := map[string]any{
		"method":      a.Method,
		"path":        a.Path,
		"attempt":     a.Attempt,
		"duration_ms": a.Duration.Milliseconds(),
	}
	if a.Status != 0 {
		fields["status"] = a.Status
	}
	if a.RequestID != "" {
		fields["request_id"] = a.RequestID
	}
	if a.Err != nil {
		fields["error"] = a.Err.Error()
	}
	tflog.SubsystemDebug(ctx, logSubsystem, "IMS request", fields)
}

// logPage writes paging progress at TRACE.
func logPage(ctx context.Context, p ims.Page) {
	tflog.SubsystemTrace(ctx, logSubsystem, "IMS members page", map[string]any{
		"image_id": p.ImageID,
		"page":     p.Page,
		"count":    p.Count,
		"total":    p.Total,
		"more":     p.More,
	})
}
