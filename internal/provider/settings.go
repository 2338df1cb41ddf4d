package provider

import (
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/terraform-ims/terraform-provider-ims/internal/ims"
)

const defaultCloud = "myhuaweicloud.com"

// settings is the provider configuration after the environment fallback,
// typed and checked.
type settings struct {
	region, projectID    string
	accessKey, secretKey string
	securityToken, token string
	endpoint, authURL    string
	cloud                string
	insecure             bool
	maxRetries           int
	requestTimeout       time.Duration
	caCertFile           string
}

// newSettings types the resolved arguments (each already passed its own
// check) and applies the rules that span several arguments.
func newSettings(r resolvedArguments) (settings, diag.Diagnostics) {
	var diags diag.Diagnostics
	s := settings{
		region:         r.text("region"),
		projectID:      r.text("project_id"),
		accessKey:      r.text("access_key"),
		secretKey:      r.text("secret_key"),
		securityToken:  r.text("security_token"),
		token:          r.text("token"),
		endpoint:       strings.TrimRight(r.text("endpoint"), "/"),
		authURL:        strings.TrimRight(r.text("auth_url"), "/"),
		cloud:          r.text("cloud"),
		caCertFile:     r.text("cacert_file"),
		maxRetries:     ims.DefaultMaxRetries,
		requestTimeout: ims.DefaultRequestTimeout,
	}
	if v := r.text("insecure"); v != "" {
		s.insecure, _ = strconv.ParseBool(v)
	}
	if v := r.text("max_retries"); v != "" {
		s.maxRetries, _ = strconv.Atoi(v)
	}
	if v := r.text("request_timeout"); v != "" {
		s.requestTimeout, _ = parseTimeout(v)
	}

	missing := func(name, example string) {
		diags.AddAttributeError(path.Root(name), "Missing "+name,
			fmt.Sprintf("The provider needs %s: set the %q argument in the provider block or the %s environment variable, e.g. %s.",
				name, name, argumentNamed(name).env, example))
	}
	if s.region == "" {
		missing("region", "cn-north-4")
	}
	switch {
	case s.token != "" && (s.accessKey != "" || s.secretKey != "" || s.securityToken != ""):
		diags.AddAttributeError(path.Root("token"), "Conflicting credentials",
			fmt.Sprintf("Both an IAM token (token or %s) and access keys (access_key/secret_key/security_token or %s/%s/%s) are set. "+
				"The provider does not pick one silently, and for credentials an argument in HCL does not override the other kind "+
				"from the environment: remove one kind.",
				argumentNamed("token").env, argumentNamed("access_key").env, argumentNamed("secret_key").env, argumentNamed("security_token").env))
	case s.token != "":
	default:
		if s.accessKey == "" {
			missing("access_key", "the AK of an IAM user, or set token / "+argumentNamed("token").env)
		}
		if s.secretKey == "" {
			missing("secret_key", "the SK that goes with access_key")
		}
	}
	return s, diags
}

// secrets are the configured values that must never be shown.
func (s settings) secrets() []string {
	var out []string
	for _, v := range []string{s.secretKey, s.securityToken, s.token} {
		if v != "" {
			out = append(out, v)
		}
	}
	return out
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

// endpointFor is the IMS endpoint of a region.
func (s settings) endpointFor(region string) string {
	if s.endpoint != "" {
		return s.endpoint
	}
	return fmt.Sprintf("https://ims.%s.%s", region, s.cloudFor(region))
}

// authURLFor is the IAM endpoint of a region.
func (s settings) authURLFor(region string) string {
	if s.authURL != "" {
		return s.authURL
	}
	return fmt.Sprintf("https://iam.%s.%s/v3", region, s.cloudFor(region))
}

func parseTimeout(v string) (time.Duration, error) {
	d, err := time.ParseDuration(v)
	if err != nil {
		return 0, fmt.Errorf("is not a duration; use a form such as 30s, 90s or 2m")
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
				"unencrypted. Use https://.", c.attr, displayValue(c.value))))
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
