// Package provider is the Terraform face of the IMS provider: schemas,
// configuration, state and diagnostics. It translates between Terraform
// values and calls of the ims client and holds no HTTP details.
package provider

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-ims/terraform-provider-ims/internal/ims"
	"github.com/terraform-ims/terraform-provider-ims/internal/signer"
)

// Environment variables, one per argument; an argument set in HCL wins.
const (
	envRegion         = "HW_REGION_NAME"
	envProjectID      = "HW_PROJECT_ID"
	envAccessKey      = "HW_ACCESS_KEY"
	envSecretKey      = "HW_SECRET_KEY"     //nolint:gosec // The name of a variable, not a credential.
	envSecurityToken  = "HW_SECURITY_TOKEN" //nolint:gosec // The name of a variable, not a credential.
	envToken          = "HW_AUTH_TOKEN"     //nolint:gosec // The name of a variable, not a credential.
	envEndpoint       = "HW_IMS_ENDPOINT"
	envAuthURL        = "HW_AUTH_URL"
	envCloud          = "HW_CLOUD"
	envInsecure       = "HW_INSECURE"
	envMaxRetries     = "HW_MAX_RETRIES"
	envRequestTimeout = "HW_REQUEST_TIMEOUT"
	envCACertFile     = "HW_CACERT_FILE"
)

const defaultCloud = "myhuaweicloud.com"

var _ provider.Provider = (*imsProvider)(nil)

// New returns the provider constructor for the given version.
func New(version string) func() provider.Provider {
	return func() provider.Provider { return &imsProvider{version: version} }
}

type imsProvider struct {
	version string
}

// providerModel mirrors the provider schema.
type providerModel struct {
	Region         types.String `tfsdk:"region"`
	ProjectID      types.String `tfsdk:"project_id"`
	AccessKey      types.String `tfsdk:"access_key"`
	SecretKey      types.String `tfsdk:"secret_key"`
	SecurityToken  types.String `tfsdk:"security_token"`
	Token          types.String `tfsdk:"token"`
	Endpoint       types.String `tfsdk:"endpoint"`
	AuthURL        types.String `tfsdk:"auth_url"`
	Cloud          types.String `tfsdk:"cloud"`
	Insecure       types.Bool   `tfsdk:"insecure"`
	MaxRetries     types.Int64  `tfsdk:"max_retries"`
	RequestTimeout types.String `tfsdk:"request_timeout"`
	CACertFile     types.String `tfsdk:"cacert_file"`
}

func (p *imsProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "ims"
	resp.Version = p.version
}

func (p *imsProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads Huawei Cloud Image Management Service (IMS) data, signed with AK/SK or an IAM token. " +
			"Every argument is optional in HCL and falls back to its `HW_*` environment variable; an argument set in HCL wins.",
		Attributes: map[string]schema.Attribute{
			// Optional
			"region": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Region of the images, e.g. `cn-north-4`. Required here or in `HW_REGION_NAME`.",
				Validators:          []validator.String{stringvalidator.RegexMatches(regionPattern, "must be a region name such as cn-north-4")},
			},
			"project_id": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Project that owns the images in `region`, e.g. `0a1b2c3d4e5f4a5b8c7d6e5f4a3b2c1d`. Environment: `HW_PROJECT_ID`. " +
					"When unset, the provider looks it up once from IAM (`GET {auth_url}/projects?name={region}`).",
				Validators: []validator.String{stringvalidator.RegexMatches(projectIDPattern, "must be a project id: 32 hexadecimal characters")},
			},
			"access_key": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Access key ID (AK). Environment: `HW_ACCESS_KEY`. Conflicts with `token`.",
				Validators:          []validator.String{stringvalidator.ConflictsWith(path.MatchRoot("token"))},
			},
			"secret_key": schema.StringAttribute{
				Optional:            true,
				Sensitive:           true,
				MarkdownDescription: "Secret access key (SK). Environment: `HW_SECRET_KEY`. Never logged or stored in state. Conflicts with `token`.",
				Validators:          []validator.String{stringvalidator.ConflictsWith(path.MatchRoot("token"))},
			},
			"security_token": schema.StringAttribute{
				Optional:  true,
				Sensitive: true,
				MarkdownDescription: "Security token of temporary credentials, sent and signed as `X-Security-Token` together with the temporary " +
					"`access_key` and `secret_key`. Environment: `HW_SECURITY_TOKEN`.",
				Validators: []validator.String{stringvalidator.ConflictsWith(path.MatchRoot("token"))},
			},
			"token": schema.StringAttribute{
				Optional:  true,
				Sensitive: true,
				MarkdownDescription: "IAM token, sent as `X-Auth-Token` instead of a signature. Environment: `HW_AUTH_TOKEN`. " +
					"Conflicts with `access_key`, `secret_key` and `security_token`.",
			},
			"endpoint": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "IMS endpoint. Default: `https://ims.{region}.{cloud}`. Environment: `HW_IMS_ENDPOINT`. " +
					"A plain `http://` endpoint that is not loopback draws a warning.",
				Validators: []validator.String{stringvalidator.RegexMatches(urlPattern, "must be an http:// or https:// URL")},
			},
			"auth_url": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "IAM endpoint including `/v3`, used for project discovery. Default: `https://iam.{region}.{cloud}/v3`. Environment: `HW_AUTH_URL`.",
				Validators:          []validator.String{stringvalidator.RegexMatches(urlPattern, "must be an http:// or https:// URL")},
			},
			"cloud": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Cloud domain that default endpoints are built from. Default: `myhuaweicloud.com`, or `myhuaweicloud.eu` " +
					"for the European regions (`eu-west-1xx`). Environment: `HW_CLOUD`.",
			},
			"insecure": schema.BoolAttribute{
				Optional:            true,
				MarkdownDescription: "Skip TLS certificate verification. Default: `false`. Environment: `HW_INSECURE` (`true`/`false`). Use `cacert_file` instead where you can.",
			},
			"max_retries": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: fmt.Sprintf("Retries of a failed request (429, 5xx, network errors), with exponential backoff and jitter "+
					"from %s up to %s, honouring `Retry-After`. `0` disables retries. Default: `%d`. Environment: `HW_MAX_RETRIES`.",
					ims.DefaultRetryWaitMin, ims.DefaultRetryWaitMax, ims.DefaultMaxRetries),
				Validators: []validator.Int64{int64validator.Between(0, maxRetriesLimit)},
			},
			"request_timeout": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Time limit of one HTTP attempt, as a Go duration such as `30s` or `2m`; a stalled attempt is retried. " +
					"Default: `60s`. Environment: `HW_REQUEST_TIMEOUT`. The whole read is bounded by the data source's `timeouts.read`.",
				Validators: []validator.String{durationValidator{}},
			},
			"cacert_file": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "PEM file of extra CA certificates to trust, e.g. a corporate proxy's. Environment: `HW_CACERT_FILE`.",
			},
		},
	}
}

const maxRetriesLimit = 50

func (p *imsProvider) Resources(context.Context) []func() resource.Resource { return nil }

func (p *imsProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{newImageMembersDataSource}
}

// settings is the provider configuration after environment fallback.
type settings struct {
	region, projectID             string
	accessKey, secretKey          string
	securityToken, token          string
	endpoint, authURL, cloud      string
	insecure                      bool
	maxRetries                    int
	requestTimeout                time.Duration
	caCertFile                    string
	explicitEndpoint, explicitIAM bool
}

// Configure resolves every argument (HCL, then environment), checks that
// the result is usable, and builds the one HTTP client that every read of
// this provider configuration shares.
func (p *imsProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if unknown := unknownArguments(cfg); len(unknown) > 0 {
		// Values known only after apply (e.g. from a resource) cannot
		// configure a client yet; reads will say so instead of crashing.
		data := &providerData{unknown: unknown}
		resp.DataSourceData = data
		return
	}
	s, diags := resolveSettings(cfg)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	for _, d := range plainHTTPWarnings(s) {
		resp.Diagnostics.Append(d)
	}

	var auth signer.Authenticator
	if s.token != "" {
		auth = signer.Token(s.token)
	} else {
		auth = signer.AKSK{Credentials: signer.Credentials{AccessKey: s.accessKey, SecretKey: s.secretKey, SecurityToken: s.securityToken}}
	}
	var caPEM []byte
	if s.caCertFile != "" {
		b, err := os.ReadFile(s.caCertFile)
		if err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("cacert_file"), "Cannot read cacert_file",
				fmt.Sprintf("Reading the CA bundle %q failed: %v. Set cacert_file (or %s) to a readable PEM file.", s.caCertFile, err, envCACertFile))
			return
		}
		caPEM = b
	}
	httpClient, err := ims.NewHTTPClient(ims.TransportOptions{Auth: auth, Insecure: s.insecure, CACertPEM: caPEM, RequestTimeout: s.requestTimeout})
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("cacert_file"), "Invalid cacert_file",
			fmt.Sprintf("%s: %v. The file must hold PEM certificates (-----BEGIN CERTIFICATE-----).", s.caCertFile, err))
		return
	}
	client, err := ims.New(ims.Config{
		HTTPClient: httpClient,
		MaxRetries: s.maxRetries,
		UserAgent:  "terraform-provider-ims/" + p.version,
		OnAttempt:  logAttempt,
		OnPage:     logPage,
	})
	if err != nil {
		resp.Diagnostics.AddError("Cannot configure the IMS client", err.Error())
		return
	}
	resp.DataSourceData = &providerData{
		client:   client,
		settings: s,
		secrets:  nonEmpty(s.secretKey, s.securityToken, s.token),
		projects: map[string]*projectEntry{},
	}
}

func nonEmpty(in ...string) []string {
	var out []string
	for _, s := range in {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

func unknownArguments(cfg providerModel) []string {
	var out []string
	check := func(name string, unknown bool) {
		if unknown {
			out = append(out, name)
		}
	}
	check("region", cfg.Region.IsUnknown())
	check("project_id", cfg.ProjectID.IsUnknown())
	check("access_key", cfg.AccessKey.IsUnknown())
	check("secret_key", cfg.SecretKey.IsUnknown())
	check("security_token", cfg.SecurityToken.IsUnknown())
	check("token", cfg.Token.IsUnknown())
	check("endpoint", cfg.Endpoint.IsUnknown())
	check("auth_url", cfg.AuthURL.IsUnknown())
	check("cloud", cfg.Cloud.IsUnknown())
	check("insecure", cfg.Insecure.IsUnknown())
	check("max_retries", cfg.MaxRetries.IsUnknown())
	check("request_timeout", cfg.RequestTimeout.IsUnknown())
	check("cacert_file", cfg.CACertFile.IsUnknown())
	return out
}

// stringSetting returns the HCL value, else the environment variable's.
func stringSetting(v types.String, env string) string {
	if !v.IsNull() && v.ValueString() != "" {
		return v.ValueString()
	}
	return strings.TrimSpace(os.Getenv(env))
}

func resolveSettings(cfg providerModel) (settings, diag.Diagnostics) {
	var diags diag.Diagnostics
	s := settings{
		region:         stringSetting(cfg.Region, envRegion),
		projectID:      stringSetting(cfg.ProjectID, envProjectID),
		accessKey:      stringSetting(cfg.AccessKey, envAccessKey),
		secretKey:      stringSetting(cfg.SecretKey, envSecretKey),
		securityToken:  stringSetting(cfg.SecurityToken, envSecurityToken),
		token:          stringSetting(cfg.Token, envToken),
		endpoint:       strings.TrimRight(stringSetting(cfg.Endpoint, envEndpoint), "/"),
		authURL:        strings.TrimRight(stringSetting(cfg.AuthURL, envAuthURL), "/"),
		cloud:          stringSetting(cfg.Cloud, envCloud),
		caCertFile:     stringSetting(cfg.CACertFile, envCACertFile),
		maxRetries:     ims.DefaultMaxRetries,
		requestTimeout: ims.DefaultRequestTimeout,
	}
	missing := func(attr, env, example string) {
		diags.AddAttributeError(path.Root(attr), "Missing "+attr,
			fmt.Sprintf("The provider needs %s: set the %q argument in the provider block or the %s environment variable, e.g. %s.", attr, attr, env, example))
	}
	if s.region == "" {
		missing("region", envRegion, "cn-north-4")
	} else if !regionPattern.MatchString(s.region) {
		diags.AddAttributeError(path.Root("region"), "Invalid region",
			fmt.Sprintf("%q (from %s) is not a region name such as cn-north-4.", s.region, envRegion))
	}
	if s.projectID != "" && !projectIDPattern.MatchString(s.projectID) {
		diags.AddAttributeError(path.Root("project_id"), "Invalid project_id",
			fmt.Sprintf("%q (from %s) is not a project id: 32 hexadecimal characters.", s.projectID, envProjectID))
	}
	switch {
	case s.token != "" && (s.accessKey != "" || s.secretKey != "" || s.securityToken != ""):
		diags.AddAttributeError(path.Root("token"), "Conflicting credentials",
			fmt.Sprintf("Both an IAM token (token or %s) and access keys (access_key/secret_key/security_token or %s/%s/%s) are set. "+
				"The provider does not pick one silently: remove one kind.", envToken, envAccessKey, envSecretKey, envSecurityToken))
	case s.token != "":
	default:
		if s.accessKey == "" {
			missing("access_key", envAccessKey, "the AK of an IAM user, or set token / "+envToken)
		}
		if s.secretKey == "" {
			missing("secret_key", envSecretKey, "the SK that goes with access_key")
		}
	}
	if s.endpoint != "" {
		s.explicitEndpoint = true
		if !urlPattern.MatchString(s.endpoint) {
			diags.AddAttributeError(path.Root("endpoint"), "Invalid endpoint",
				fmt.Sprintf("%q (from %s) must be an http:// or https:// URL.", s.endpoint, envEndpoint))
		}
	}
	if s.authURL != "" {
		s.explicitIAM = true
		if !urlPattern.MatchString(s.authURL) {
			diags.AddAttributeError(path.Root("auth_url"), "Invalid auth_url",
				fmt.Sprintf("%q (from %s) must be an http:// or https:// URL.", s.authURL, envAuthURL))
		}
	}
	if !cfg.Insecure.IsNull() {
		s.insecure = cfg.Insecure.ValueBool()
	} else if v := strings.TrimSpace(os.Getenv(envInsecure)); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			diags.AddAttributeError(path.Root("insecure"), "Invalid "+envInsecure,
				fmt.Sprintf("%s=%q is not a boolean; use true or false.", envInsecure, v))
		}
		s.insecure = b
	}
	if !cfg.MaxRetries.IsNull() {
		s.maxRetries = int(cfg.MaxRetries.ValueInt64())
	} else if v := strings.TrimSpace(os.Getenv(envMaxRetries)); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > maxRetriesLimit {
			diags.AddAttributeError(path.Root("max_retries"), "Invalid "+envMaxRetries,
				fmt.Sprintf("%s=%q must be a whole number from 0 to %d.", envMaxRetries, v, maxRetriesLimit))
		}
		s.maxRetries = n
	}
	if v := stringSetting(cfg.RequestTimeout, envRequestTimeout); v != "" {
		d, err := parseTimeout(v)
		if err != nil {
			diags.AddAttributeError(path.Root("request_timeout"), "Invalid request_timeout",
				fmt.Sprintf("%q (request_timeout or %s): %v.", v, envRequestTimeout, err))
		}
		s.requestTimeout = d
	}
	return s, diags
}

// cloudFor returns the cloud domain of a region: the explicit cloud, else
// myhuaweicloud.eu for the European regions (eu-west-101 and its kind), else
// myhuaweicloud.com. It is per region, so that a data source in Europe
// under a provider in Asia gets the European domain.
func (s settings) cloudFor(region string) string {
	switch {
	case s.cloud != "":
		return s.cloud
	case strings.HasPrefix(region, "eu-west-1"):
		return "myhuaweicloud.eu"
	}
	return defaultCloud
}

func parseTimeout(v string) (time.Duration, error) {
	d, err := time.ParseDuration(v)
	if err != nil {
		return 0, fmt.Errorf("not a duration; use a form such as 30s, 90s or 2m")
	}
	if d < time.Second || d > time.Hour {
		return 0, fmt.Errorf("must be between 1s and 1h")
	}
	return d, nil
}

// plainHTTPWarnings warns when requests would cross the network unencrypted.
func plainHTTPWarnings(s settings) []diag.Diagnostic {
	var out []diag.Diagnostic
	for _, c := range []struct{ attr, value string }{{"endpoint", s.endpoint}, {"auth_url", s.authURL}} {
		if c.value == "" {
			continue
		}
		u, err := url.Parse(c.value)
		if err != nil || u.Scheme != "http" || isLoopbackHost(u.Hostname()) {
			continue
		}
		out = append(out, diag.NewAttributeWarningDiagnostic(path.Root(c.attr), "Unencrypted "+c.attr,
			fmt.Sprintf("%s %s uses plain http:// to a host that is not loopback: requests, signatures and tokens would cross the network "+
				"unencrypted. Use https://.", c.attr, c.value)))
	}
	return out
}

func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// providerData is what every data source of one provider configuration
// shares: the client (and so its connection pool) and the project cache.
type providerData struct {
	client   *ims.Client
	settings settings
	secrets  []string
	unknown  []string

	mu       sync.Mutex
	projects map[string]*projectEntry
}

type projectEntry struct {
	mu sync.Mutex
	id string
}

// target returns the endpoint and project for reading in region.
func (d *providerData) target(ctx context.Context, region string) (endpoint, projectID string, diags diag.Diagnostics) {
	s := d.settings
	if region != s.region && s.explicitEndpoint {
		diags.AddAttributeError(path.Root("region"), "Region conflicts with the provider's endpoint",
			fmt.Sprintf("This data source asks for region %q, but the provider has an explicit endpoint (%s) for region %q, and one endpoint "+
				"serves one region. Remove the data source's region, or use a provider alias configured for %q.", region, s.endpoint, s.region, region))
		return "", "", diags
	}
	endpoint = s.endpoint
	if endpoint == "" {
		endpoint = fmt.Sprintf("https://ims.%s.%s", region, s.cloudFor(region))
	}
	if region == s.region && s.projectID != "" {
		return endpoint, s.projectID, nil
	}
	id, err := d.discoverProject(ctx, region)
	if err != nil {
		diags.Append(projectDiscoveryDiagnostic(err, region, d.authURL(region)))
		return "", "", diags
	}
	return endpoint, id, nil
}

func (d *providerData) authURL(region string) string {
	if d.settings.explicitIAM {
		return d.settings.authURL
	}
	return fmt.Sprintf("https://iam.%s.%s/v3", region, d.settings.cloudFor(region))
}

// discoverProject asks IAM once per region and configuration: concurrent
// reads wait for the first look-up instead of repeating it. A failed look-up
// is not cached, so a later read may try again.
func (d *providerData) discoverProject(ctx context.Context, region string) (string, error) {
	d.mu.Lock()
	e, ok := d.projects[region]
	if !ok {
		e = &projectEntry{}
		d.projects[region] = e
	}
	d.mu.Unlock()
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.id != "" {
		return e.id, nil
	}
	projects, err := d.client.ListProjects(ctx, d.authURL(region), region)
	if err != nil {
		return "", err
	}
	switch len(projects) {
	case 0:
		return "", &projectCountError{region: region}
	case 1:
		e.id = projects[0].ID
		return e.id, nil
	default:
		ids := make([]string, len(projects))
		for i, p := range projects {
			ids[i] = p.ID
		}
		return "", &projectCountError{region: region, ids: ids}
	}
}

type projectCountError struct {
	region string
	ids    []string
}

func (e *projectCountError) Error() string {
	if len(e.ids) == 0 {
		return fmt.Sprintf("IAM knows no project named %q for these credentials", e.region)
	}
	return fmt.Sprintf("IAM returned %d projects named %q (%s)", len(e.ids), e.region, strings.Join(e.ids, ", "))
}
