// Package provider is the Terraform face of the IMS provider: schemas,
// configuration, state and diagnostics. It translates between Terraform
// values and calls of the ims client and holds no HTTP details.
package provider

import (
	"context"
	"fmt"
	"os"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/terraform-ims/terraform-provider-ims/internal/ims"
	"github.com/terraform-ims/terraform-provider-ims/internal/signer"
)

var (
	_ provider.Provider                  = (*imsProvider)(nil)
	_ provider.ProviderWithListResources = (*imsProvider)(nil)
	_ provider.ProviderWithActions       = (*imsProvider)(nil)
)

// New returns the provider constructor for the given version.
func New(version string) func() provider.Provider {
	return func() provider.Provider { return &imsProvider{version: version} }
}

type imsProvider struct {
	version string
}

func (p *imsProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "ims"
	resp.Version = p.version
}

// Schema is built from providerArguments, where each argument is described
// once.
func (p *imsProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads and guards the sharing of Huawei Cloud Image Management Service (IMS) images: who an image is shared with " +
			"(`ims_image_members`), authoritative sharing (`ims_image_share`), the recipient's acceptance (`ims_image_share_accepter`) " +
			"adoption with `terraform query`, and one-off sharing, unsharing and acceptance as actions (Terraform >= 1.14); signed with AK/SK " +
			"or an IAM token. " +
			"Every argument is optional in HCL and falls back to its `HW_*` environment variable; an argument set in HCL wins, " +
			"except that a `token` and access keys are never mixed (an error wherever each comes from).",
		Attributes: providerSchemaAttributes(),
		Blocks:     map[string]schema.Block{policyBlock: policySchemaBlock()},
	}
}

func (p *imsProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{newImageShareResource, newImageShareAccepterResource, newImageShareMemberResource}
}

// ListResources serve `terraform query` (Terraform >= 1.14); CLIs without
// list resources never ask for them.
func (p *imsProvider) ListResources(context.Context) []func() list.ListResource {
	return []func() list.ListResource{newImageShareListResource, newImageShareAccepterListResource, newImageShareMemberListResource}
}

// Actions serve `terraform apply -invoke` and action_trigger (Terraform >=
// 1.14); CLIs without actions (older Terraform, OpenTofu) never ask for
// them.
func (p *imsProvider) Actions(context.Context) []func() action.Action {
	return []func() action.Action{newShareImageAction, newUnshareImageAction, newAcceptImageSharesAction}
}

func (p *imsProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{newImageMembersDataSource, newImageSharesDataSource, newIncomingImageSharesDataSource}
}

// Configure resolves every argument (HCL, then environment), checks that
// the result is usable, and builds the one HTTP client that every operation
// of this provider configuration shares.
func (p *imsProvider) Configure(_ context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var secrets []string
	defer func() { resp.Diagnostics = redactDiagnostics(resp.Diagnostics, secrets) }()
	args, unknown, diags := resolveArguments(req.Config.Raw)
	resp.Diagnostics.Append(diags...)
	policy, policyUnknown, diags := readPolicy(req.Config.Raw)
	resp.Diagnostics.Append(diags...)
	if policyUnknown {
		unknown = append(unknown, policyBlock)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	if len(unknown) > 0 {
		// Values known only after apply (e.g. from a resource) cannot
		// configure a client yet; operations will say so instead of crashing.
		data := &providerData{unknown: unknown}
		resp.DataSourceData, resp.ResourceData, resp.ListResourceData, resp.ActionData = data, data, data, data
		return
	}
	s, diags := newSettings(args)
	secrets = s.secrets()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(plainHTTPWarnings(s)...)

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
				fmt.Sprintf("Reading the CA bundle %q failed: %v. Set cacert_file (or %s) to a readable PEM file.",
					s.caCertFile, err, argumentNamed("cacert_file").env))
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
	data := &providerData{client: client, settings: s, secrets: secrets, projects: map[string]string{}, policy: policy}
	resp.DataSourceData, resp.ResourceData, resp.ListResourceData, resp.ActionData = data, data, data, data
}
