package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"golang.org/x/sync/singleflight"

	"github.com/terraform-ims/terraform-provider-ims/internal/ims"
)

// providerData is what every data source and resource of one provider
// configuration shares: the client (and so its connection pool), the
// settings and the project cache.
type providerData struct {
	client   *ims.Client
	settings settings
	secrets  []string
	// unknown lists the arguments whose values are known only after apply;
	// when it is not empty, nothing else is set.
	unknown []string

	lookups  singleflight.Group
	mu       sync.Mutex
	projects map[string]string // region -> project id
	// images serializes this provider's writes on one image (see
	// lockImage); users records which resource types wrote to it.
	images map[string]*imageLock
	// policy bounds whom images are shared with (policy.go).
	policy sharingPolicy
	// guard sees what Terraform composes from several objects' calls
	// (composition.go).
	guard compositionGuard
}

// configuredData is the provider data handed to a data source or resource.
func configuredData(given any, diags *diag.Diagnostics) *providerData {
	if given == nil {
		return nil
	}
	data, ok := given.(*providerData)
	if !ok {
		diags.AddError("Unexpected provider data", fmt.Sprintf("Expected *providerData, got %T. This is a provider bug.", given))
	}
	return data
}

// regionOr is v when set, else the provider's region.
func (d *providerData) regionOr(v types.String) string {
	if !v.IsNull() && !v.IsUnknown() && v.ValueString() != "" {
		return v.ValueString()
	}
	return d.settings.region
}

// secretsOrNil is the configured secrets, also on a provider that was
// never configured.
func (d *providerData) secretsOrNil() []string {
	if d == nil {
		return nil
	}
	return d.secrets
}

// target is where one operation goes.
type target struct {
	region, endpoint, projectID string
}

// ready reports, as a diagnostic, a provider that cannot make requests yet.
func (d *providerData) ready() diag.Diagnostics {
	var diags diag.Diagnostics
	switch {
	case d == nil:
		diags.AddError("Provider not configured", "The ims provider was not configured. This is a provider bug.")
	case len(d.unknown) > 0:
		diags.AddError("Provider configuration not known yet",
			fmt.Sprintf("The provider arguments %s depend on values known only after apply, so IMS cannot be called during this plan. "+
				"Configure the provider from values known at plan time (variables, locals, environment variables).", strings.Join(d.unknown, ", ")))
	}
	return diags
}

// targetFor returns the endpoint and project for working in region.
func (d *providerData) targetFor(ctx context.Context, region string) (target, diag.Diagnostics) {
	var diags diag.Diagnostics
	s := d.settings
	if region != s.region && s.endpoint != "" {
		diags.AddAttributeError(path.Root("region"), "Region conflicts with the provider's endpoint",
			fmt.Sprintf("This asks for region %q, but the provider has an explicit endpoint (%s) for region %q, and one endpoint "+
				"serves one region. Remove the region argument here, or use a provider alias configured for %q.",
				region, displayValue(s.endpoint), s.region, region))
		return target{}, diags
	}
	t := target{region: region, endpoint: s.endpointFor(region)}
	if region == s.region && s.projectID != "" {
		t.projectID = s.projectID
		return t, nil
	}
	id, err := d.discoverProject(ctx, region)
	if err != nil {
		diags.Append(projectDiscoveryDiagnostic(err, region, displayValue(s.authURLFor(region))))
		return target{}, diags
	}
	t.projectID = id
	return t, nil
}

// discoverProject asks IAM once per region and configuration: concurrent
// callers share one look-up instead of repeating it, and a success is kept.
// A failure is not kept, so a later caller may try again. Waiting honours
// the caller's own context, so a read's timeout bounds its wait too.
func (d *providerData) discoverProject(ctx context.Context, region string) (string, error) {
	for {
		d.mu.Lock()
		id, ok := d.projects[region]
		d.mu.Unlock()
		if ok {
			return id, nil
		}
		ch := d.lookups.DoChan(region, func() (any, error) { return d.lookupProject(ctx, region) })
		select {
		case <-ctx.Done():
			return "", fmt.Errorf("the time limit ran out while waiting for the look-up of the project of region %s (timeouts): %w", region, ctx.Err())
		case res := <-ch:
			if res.Err == nil {
				if id, ok := res.Val.(string); ok && id != "" {
					return id, nil
				}
				return "", fmt.Errorf("the look-up of the project of region %s returned no project ID; this is a provider bug", region)
			}
			// The shared look-up ran under another caller's context; if
			// that ran out, this caller still has time to try itself.
			if res.Shared && (errors.Is(res.Err, context.DeadlineExceeded) || errors.Is(res.Err, context.Canceled)) && ctx.Err() == nil {
				continue
			}
			return "", res.Err
		}
	}
}

func (d *providerData) lookupProject(ctx context.Context, region string) (string, error) {
	projects, err := d.client.ListProjects(ctx, ims.ListProjectsInput{AuthURL: d.settings.authURLFor(region), Name: region})
	if err != nil {
		return "", err
	}
	switch len(projects) {
	case 0:
		return "", &projectCountError{region: region}
	case 1:
		d.mu.Lock()
		d.projects[region] = projects[0].ID
		d.mu.Unlock()
		return projects[0].ID, nil
	}
	ids := make([]string, len(projects))
	for i, p := range projects {
		ids[i] = p.ID
	}
	return "", &projectCountError{region: region, ids: ids}
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

// at is the client bound to a target's endpoint and project.
func (d *providerData) at(t target) *ims.Bound { return d.client.At(t.endpoint, t.projectID) }
