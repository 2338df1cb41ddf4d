package provider

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"net/url"
	"os"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/terraform-ims/terraform-provider-ims/internal/ims"
)

// argKind is the Terraform type of a provider argument.
type argKind int

const (
	argString argKind = iota
	argBool
	argInt
)

// argument is one provider argument. Everything about it is written here
// once: the schema, the HW_* fallback, validation (the same rule and message
// for HCL and the environment) and the check for values unknown at plan time
// are all derived from providerArguments.
type argument struct {
	name string
	env  string
	kind argKind
	// description is the Markdown text of the argument; its default and
	// environment variable are appended from the fields below.
	description string
	// defaultText documents the default; empty when there is none.
	defaultText string
	sensitive   bool
	// check validates a value from HCL or the environment. Its error names
	// the rule, never the value: the caller decides whether the value may be
	// shown.
	check func(string) error
	// conflicts are the arguments that may not be set in HCL with this one.
	conflicts []string
}

const maxRetriesLimit = 50

// providerArguments is the table of every provider argument, in the order
// the docs list them.
var providerArguments = []argument{
	{
		name: "region", env: "HW_REGION_NAME", defaultText: "none: required here or in the environment",
		description: "Region of the images, e.g. `cn-north-4`.",
		check:       matches(regionPattern, "must be a region name such as cn-north-4"),
	},
	{
		name: "project_id", env: "HW_PROJECT_ID",
		defaultText: "looked up once from IAM (`GET {auth_url}/projects?name={region}`)",
		description: "Project that owns the images in `region`, e.g. `0a1b2c3d4e5f4a5b8c7d6e5f4a3b2c1d`. Discovery finds the region's own " +
			"project, named after the region, only: images in a sub-project (named `{region}_{name}`, e.g. `cn-north-4_dev`) need " +
			"`project_id` set.",
		check: matches(projectIDPattern, "must be a project id: 32 hexadecimal characters"),
	},
	{
		name: "access_key", env: "HW_ACCESS_KEY",
		description: "Access key ID (AK). Conflicts with `token`.",
		conflicts:   []string{"token"},
	},
	{
		name: "secret_key", env: "HW_SECRET_KEY", sensitive: true,
		description: "Secret access key (SK). Never logged or stored in state. Conflicts with `token`.",
		conflicts:   []string{"token"},
	},
	{
		name: "security_token", env: "HW_SECURITY_TOKEN", sensitive: true,
		description: "Security token of temporary credentials, sent and signed as `X-Security-Token` together with the temporary " +
			"`access_key` and `secret_key`.",
		conflicts: []string{"token"},
	},
	{
		name: "token", env: "HW_AUTH_TOKEN", sensitive: true,
		description: "IAM token, sent as `X-Auth-Token` instead of a signature. Conflicts with `access_key`, `secret_key` and " +
			"`security_token`, in HCL and in the environment alike.",
	},
	{
		name: "endpoint", env: "HW_IMS_ENDPOINT", defaultText: "`https://ims.{region}.{cloud}`",
		description: "IMS endpoint, an `https://` URL without user name, password, query or fragment. " +
			"A plain `http://` endpoint that is not loopback draws a warning.",
		check: checkEndpointURL,
	},
	{
		name: "auth_url", env: "HW_AUTH_URL", defaultText: "`https://iam.{region}.{cloud}/v3`",
		description: "IAM endpoint including `/v3`, used for project discovery; an `https://` URL without user name, password, " +
			"query or fragment.",
		check: checkEndpointURL,
	},
	{
		name: "cloud", env: "HW_CLOUD", defaultText: "`myhuaweicloud.com`, or `myhuaweicloud.eu` for the European regions (`eu-west-1xx`)",
		description: "Cloud domain that default endpoints are built from, a DNS name such as `myhuaweicloud.com`.",
		check:       checkDNSName,
	},
	{
		name: "insecure", env: "HW_INSECURE", kind: argBool, defaultText: "`false`",
		description: "Skip TLS certificate verification. Use `cacert_file` instead where you can.",
		check:       checkBool,
	},
	{
		name: "max_retries", env: "HW_MAX_RETRIES", kind: argInt, defaultText: fmt.Sprintf("`%d`", ims.DefaultMaxRetries),
		description: fmt.Sprintf("Retries of a failed request (429, 5xx, network errors), with exponential backoff and jitter "+
			"from %s up to %s, honouring `Retry-After`. `0` disables retries.", ims.DefaultRetryWaitMin, ims.DefaultRetryWaitMax),
		check: checkRetries,
	},
	{
		name: "request_timeout", env: "HW_REQUEST_TIMEOUT", defaultText: "`60s`",
		description: "Time limit of one HTTP attempt, as a Go duration such as `30s` or `2m`; a stalled attempt is retried. " +
			"The whole operation is bounded by the `timeouts` of the data source or resource.",
		check: func(v string) error { _, err := parseTimeout(v); return err },
	},
	{
		name: "cacert_file", env: "HW_CACERT_FILE", defaultText: "the system's roots",
		description: "PEM file of extra CA certificates to trust, e.g. a corporate proxy's.",
	},
}

// argumentNamed returns the table entry of an argument; a name not in the
// table is a provider bug caught by the tests.
func argumentNamed(name string) argument {
	for _, a := range providerArguments {
		if a.name == name {
			return a
		}
	}
	panic("provider: no argument " + name)
}

// markdown is the argument's full description for the schema and the docs.
func (a argument) markdown() string {
	s := a.description
	if a.defaultText != "" {
		s += " Default: " + a.defaultText + "."
	}
	return s + " Environment: `" + a.env + "`."
}

// schemaAttribute builds the argument's schema attribute.
func (a argument) schemaAttribute() schema.Attribute {
	switch a.kind {
	case argBool:
		return schema.BoolAttribute{Optional: true, Sensitive: a.sensitive, MarkdownDescription: a.markdown()}
	case argInt:
		return schema.Int64Attribute{Optional: true, Sensitive: a.sensitive, MarkdownDescription: a.markdown(),
			Validators: []validator.Int64{argumentValidator{a}}}
	}
	var validators []validator.String
	if a.check != nil {
		validators = append(validators, argumentValidator{a})
	}
	for _, other := range a.conflicts {
		validators = append(validators, stringvalidator.ConflictsWith(path.MatchRoot(other)))
	}
	return schema.StringAttribute{Optional: true, Sensitive: a.sensitive, MarkdownDescription: a.markdown(), Validators: validators}
}

// providerSchemaAttributes is the provider schema, from the table.
func providerSchemaAttributes() map[string]schema.Attribute {
	out := make(map[string]schema.Attribute, len(providerArguments))
	for _, a := range providerArguments {
		out[a.name] = a.schemaAttribute()
	}
	return out
}

// argumentValidator runs an argument's check at plan time, with the message
// the environment fallback uses.
type argumentValidator struct{ arg argument }

var (
	_ validator.String = argumentValidator{}
	_ validator.Int64  = argumentValidator{}
)

func (v argumentValidator) Description(context.Context) string {
	return fmt.Sprintf("the rule of %s, the same as for %s", v.arg.name, v.arg.env)
}

func (v argumentValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v argumentValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() || req.ConfigValue.ValueString() == "" {
		return
	}
	resp.Diagnostics.Append(v.arg.validate(req.ConfigValue.ValueString(), fromHCL)...)
}

func (v argumentValidator) ValidateInt64(_ context.Context, req validator.Int64Request, resp *validator.Int64Response) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	resp.Diagnostics.Append(v.arg.validate(strconv.FormatInt(req.ConfigValue.ValueInt64(), 10), fromHCL)...)
}

// fromHCL marks a value that came from the configuration, not from the
// environment.
const fromHCL = ""

// validate checks a value from HCL (env == fromHCL) or from the argument's
// environment variable, and names both the argument and the variable in the
// one message. Sensitive values are never shown; other values are shown
// sanitised, with any password in a URL hidden.
func (a argument) validate(value, env string) diag.Diagnostics {
	if a.check == nil {
		return nil
	}
	err := a.check(value)
	if err == nil {
		return nil
	}
	source := fmt.Sprintf("%s (environment variable %s)", a.name, env)
	if env == fromHCL {
		source = a.name
	}
	shown := ""
	if !a.sensitive {
		shown = fmt.Sprintf(" %q", displayValue(value))
	}
	var diags diag.Diagnostics
	diags.AddAttributeError(path.Root(a.name), "Invalid "+a.name,
		fmt.Sprintf("The value%s of %s %s. The same rule applies to the argument and to %s.", shown, source, err, a.env))
	return diags
}

// displayValue is a configuration value fit for a message: a URL's password
// replaced, control characters removed.
func displayValue(v string) string {
	if u, err := url.Parse(v); err == nil && u.User != nil {
		u.User = url.User("REDACTED")
		v = u.String()
	}
	return redact(v, nil)
}

// resolvedArguments is every argument after the environment fallback, as
// text; a missing key is an argument set nowhere.
type resolvedArguments map[string]string

// resolveArguments reads the provider configuration, falls back to the
// environment for each argument left unset (or empty) in HCL, and validates
// values that came from the environment (HCL values were validated at plan
// time by the same check). It also returns the arguments whose values are
// unknown until apply.
func resolveArguments(config tftypes.Value) (resolvedArguments, []string, diag.Diagnostics) {
	var diags diag.Diagnostics
	var attrs map[string]tftypes.Value
	if err := config.As(&attrs); err != nil {
		diags.AddError("Cannot read the provider configuration", err.Error()+". This is a provider bug.")
		return nil, nil, diags
	}
	out := resolvedArguments{}
	var unknown []string
	for _, a := range providerArguments {
		v, ok := attrs[a.name]
		if ok && !v.IsKnown() {
			unknown = append(unknown, a.name)
			continue
		}
		if ok && !v.IsNull() {
			text, err := tfText(v, a.kind)
			if err != nil {
				diags.AddAttributeError(path.Root(a.name), "Cannot read "+a.name, err.Error()+". This is a provider bug.")
				continue
			}
			if text != "" {
				out[a.name] = text
				continue
			}
		}
		if text := strings.TrimSpace(os.Getenv(a.env)); text != "" {
			if d := a.validate(text, a.env); d.HasError() {
				diags.Append(d...)
				continue
			}
			out[a.name] = text
		}
	}
	return out, unknown, diags
}

// tfText renders a configuration value as the text an environment variable
// would hold.
func tfText(v tftypes.Value, kind argKind) (string, error) {
	switch kind {
	case argBool:
		var b bool
		err := v.As(&b)
		return strconv.FormatBool(b), err
	case argInt:
		var n big.Float
		if err := v.As(&n); err != nil {
			return "", err
		}
		i, _ := n.Int64()
		return strconv.FormatInt(i, 10), nil
	}
	var s string
	err := v.As(&s)
	return s, err
}

// matches is a check by regular expression.
func matches(re interface{ MatchString(string) bool }, rule string) func(string) error {
	return func(v string) error {
		if !re.MatchString(v) {
			return errors.New(rule)
		}
		return nil
	}
}

func checkBool(v string) error {
	if _, err := strconv.ParseBool(v); err != nil {
		return errors.New("must be true or false")
	}
	return nil
}

func checkRetries(v string) error {
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 || n > maxRetriesLimit {
		return fmt.Errorf("must be a whole number from 0 to %d", maxRetriesLimit)
	}
	return nil
}

// checkEndpointURL accepts an http:// or https:// URL with a host and
// nothing that the provider would drop or misuse: user info would be sent
// as Basic credentials and printed in messages; a query or fragment would be
// silently dropped.
func checkEndpointURL(v string) error {
	const rule = "must be an http:// or https:// URL with a host, such as https://ims.cn-north-4.myhuaweicloud.com"
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Hostname() == "" || u.Opaque != "" {
		return errors.New(rule)
	}
	switch {
	case u.User != nil:
		return errors.New("must not contain a user name or password: the provider authenticates with access keys or a token")
	case u.RawQuery != "" || u.ForceQuery:
		return errors.New("must not contain a query string (?...)")
	case u.Fragment != "" || strings.Contains(v, "#"):
		return errors.New("must not contain a fragment (#...)")
	case strings.ContainsAny(v, " \t\r\n"):
		return errors.New(rule)
	}
	return nil
}

// checkDNSName accepts a DNS name: dot-separated labels of letters, digits
// and hyphens, none starting or ending with a hyphen.
func checkDNSName(v string) error {
	if !dnsNamePattern.MatchString(v) || len(v) > 253 {
		return errors.New("must be a DNS name such as myhuaweicloud.com: labels of letters, digits and hyphens separated by dots")
	}
	return nil
}

// text returns a resolved argument, or "" when it is set nowhere.
func (r resolvedArguments) text(name string) string { return r[name] }
