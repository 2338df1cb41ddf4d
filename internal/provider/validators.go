package provider

import (
	"context"
	"fmt"
	"regexp"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-ims/terraform-provider-ims/internal/ims"
)

// Patterns of the identifiers that the schemas check at plan time.
var (
	// uuidPattern accepts the canonical 8-4-4-4-12 form of an image id, so
	// that a value such as "../x" fails at plan time and never becomes a path.
	uuidPattern      = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	projectIDPattern = regexp.MustCompile(`^[0-9a-fA-F]{32}$`)
	regionPattern    = regexp.MustCompile(`^[a-z]{2}(-[a-z0-9]+)+$`)
	// enterpriseProjectPattern is enterprise_project_id: 0, all_granted_eps
	// or an enterprise project's UUID.
	enterpriseProjectPattern = regexp.MustCompile(`^(0|all_granted_eps|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$`)
	// organizationURNPattern is an organization member as BatchAddMembers'
	// example shares with: the organization (organizations::{account}:organization:o-{org}),
	// its root (…:root:o-{org}/r-{root}) or a unit, nested ones too
	// (…:ou:o-{org}/ou-{unit}[/ou-{unit}…]).
	organizationURNPattern = regexp.MustCompile(`^organizations::[0-9a-zA-Z]+:(organization:o-[0-9a-z]+|root:o-[0-9a-z]+/r-[0-9a-z]+|ou:o-[0-9a-z]+(/ou-[0-9a-z]+)+)$`)

	// memberIDPattern is a project or account ID as IMS lists it: 32 lower-case
	// hexadecimal characters.
	memberIDPattern = regexp.MustCompile(`^[0-9a-f]{32}$`)
	dnsNamePattern  = regexp.MustCompile(`^([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$`)
)

// uniqueMembers refuses a set that names one member twice in two
// spellings (an organization by two URNs with one last segment): IMS holds
// it once, and state could not match the configuration.
type uniqueMembers struct{ kind int }

func (v uniqueMembers) Description(context.Context) string {
	return "must name each member once (an organization is known by its URN's last segment)"
}

func (v uniqueMembers) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v uniqueMembers) ValidateSet(ctx context.Context, req validator.SetRequest, resp *validator.SetResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	seen := map[string]string{}
	for _, e := range req.ConfigValue.Elements() {
		s, ok := e.(types.String)
		if !ok || s.IsNull() || s.IsUnknown() {
			continue
		}
		id := identity(v.kind, s.ValueString())
		if first, dup := seen[id]; dup {
			resp.Diagnostics.AddAttributeError(req.Path, "Member named twice",
				fmt.Sprintf("%q and %q name the same member (%s); %s.", first, s.ValueString(), id, v.Description(ctx)))
			continue
		}
		seen[id] = s.ValueString()
	}
}

// regexValidator refuses a regular expression that Go's RE2 cannot
// compile, at plan time.
type regexValidator struct{}

func (regexValidator) Description(context.Context) string {
	return "must be a regular expression in Go's RE2 syntax"
}

func (v regexValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v regexValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := regexp.Compile(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid regular expression", fmt.Sprintf("%s: %s.", v.Description(ctx), err))
	}
}

// positiveTimeouts refuses, at plan time, a timeouts block attribute of
// zero or less: the operation would end before its first request, after
// IMS may have accepted a job.
type positiveTimeouts struct{}

func (positiveTimeouts) Description(context.Context) string {
	return "each timeouts attribute must be a duration longer than zero, such as \"10m\""
}

func (v positiveTimeouts) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v positiveTimeouts) ValidateResource(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var block timeouts.Value
	if req.Config.GetAttribute(ctx, path.Root("timeouts"), &block).HasError() || block.IsNull() || block.IsUnknown() {
		return
	}
	for name, a := range block.Attributes() {
		s, ok := a.(types.String)
		if !ok || s.IsNull() || s.IsUnknown() {
			continue
		}
		if d, err := time.ParseDuration(s.ValueString()); err == nil && d <= 0 {
			resp.Diagnostics.AddAttributeError(path.Root("timeouts").AtName(name), "Invalid timeout",
				fmt.Sprintf("timeouts.%s = %q: %s.", name, s.ValueString(), v.Description(ctx)))
		}
	}
}

// memberArgument is one of the member arguments (projects, domains,
// organizations) that ims_image_share and the sharing actions have in
// common, written once so that their rules and messages are the same.
type memberArgument struct {
	name, what, example string
	kind                int
	item                validator.String
}

// memberArguments are the member arguments, in the order of kindWords.
var memberArguments = []memberArgument{
	{"projects", "Project IDs (32 lower-case hexadecimal characters, as IMS lists them)", "05041fffa40025702fcdc009d5a1b3c1", kindProject,
		stringvalidator.RegexMatches(memberIDPattern, "must be a project ID: 32 lower-case hexadecimal characters")},
	{"domains", "Account (domain) IDs (32 lower-case hexadecimal characters)", "0970dd7a1300f5672ff2c003c60ae115", kindDomain,
		stringvalidator.RegexMatches(memberIDPattern, "must be an account (domain) ID: 32 lower-case hexadecimal characters")},
	{"organizations", "Organization URNs: an organization (`organizations::{account}:organization:o-{org}`), its root " +
		"(`…:root:o-{org}/r-{root}`) or a unit (`…:ou:o-{org}/ou-{unit}`, nested units too)",
		"organizations::0a1b2c3d4e5f4a5b8c7d6e5f4a3b2c1d:ou:o-abc123/ou-def456", kindOrganization,
		stringvalidator.RegexMatches(organizationURNPattern, organizationURNRule)},
}

// validators are the set's rules: 1 to ims.MaxShareMembers members, each
// well formed, none named twice.
func (a memberArgument) validators() []validator.Set {
	return []validator.Set{setvalidator.SizeBetween(1, ims.MaxShareMembers), setvalidator.ValueStringsAre(a.item), uniqueMembers{a.kind}}
}

// imageIDValidator is the rule of an image ID.
func imageIDValidator() validator.String {
	return stringvalidator.RegexMatches(uuidPattern, "must be an image ID: a UUID such as 370befec-a369-475e-a224-44a45927a8fe")
}
