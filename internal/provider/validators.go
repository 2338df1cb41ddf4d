package provider

import (
	"context"
	"fmt"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

var (
	// uuidPattern accepts the canonical 8-4-4-4-12 form of an image id, so
	// that a value such as "../x" fails at plan time and never becomes a path.
	uuidPattern      = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	projectIDPattern = regexp.MustCompile(`^[0-9a-fA-F]{32}$`)
	regionPattern    = regexp.MustCompile(`^[a-z]{2}(-[a-z0-9]+)+$`)
	urlPattern       = regexp.MustCompile(`^https?://[^/\s]+(/\S*)?$`)
)

// durationValidator checks a Go duration string. No validator in
// terraform-plugin-framework-validators parses durations.
type durationValidator struct{}

var _ validator.String = durationValidator{}

func (durationValidator) Description(context.Context) string {
	return "must be a duration between 1s and 1h, such as 30s or 2m"
}

func (v durationValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (durationValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := parseTimeout(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid duration", fmt.Sprintf("%q: %v.", req.ConfigValue.ValueString(), err))
	}
}
