package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/provider"
)

// TestProviderArguments_schemaParity: the provider schema is exactly the
// argument table, and each argument documents its own variable.
func TestProviderArguments_schemaParity(t *testing.T) {
	var resp provider.SchemaResponse
	New("test")().Schema(context.Background(), provider.SchemaRequest{}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatal(resp.Diagnostics)
	}
	envs := map[string]bool{}
	for _, a := range providerArguments {
		attr, ok := resp.Schema.Attributes[a.name]
		if !ok {
			t.Errorf("argument %s is not in the schema", a.name)
			continue
		}
		if !strings.Contains(attr.GetMarkdownDescription(), "`"+a.env+"`") {
			t.Errorf("the description of %s does not name %s", a.name, a.env)
		}
		if attr.IsSensitive() != a.sensitive {
			t.Errorf("%s: sensitive = %v in the schema", a.name, attr.IsSensitive())
		}
		if envs[a.env] {
			t.Errorf("%s is the variable of two arguments", a.env)
		}
		envs[a.env] = true
	}
	if len(resp.Schema.Attributes) != len(providerArguments) {
		t.Errorf("the schema has %d attributes, the table %d", len(resp.Schema.Attributes), len(providerArguments))
	}
}

func TestCheckEndpointURL(t *testing.T) {
	cases := map[string]string{
		"https://ims.cn-north-4.myhuaweicloud.com":     "",
		"http://127.0.0.1:8080":                        "",
		"https://iam.example.com/v3":                   "",
		"https://user:pw@ims.example.com":              "user name or password",
		"https://user@ims.example.com":                 "user name or password",
		"https://ims.example.com/?region=cn-north-4":   "query",
		"https://ims.example.com/?":                    "query",
		"https://ims.example.com/#frag":                "fragment",
		"https://ims.example.com/#":                    "fragment",
		"ftp://ims.example.com":                        "http:// or https://",
		"ims.example.com":                              "http:// or https://",
		"https://":                                     "http:// or https://",
		"https://ims.example.com/a b":                  "http:// or https://",
		"https://ims.example.com:443":                  "",
		"https://[::1]:8443":                           "",
		"https://myhuaweicloud.com@evil.example/path":  "user name or password",
		"https://ims.example.com\n.evil":               "http:// or https://",
		"https://xn--bcher-kva.example/":               "",
		"https://bücher.example/":                      "",
		"https://ims.example.com/v3?token=secret#frag": "query",
		"http://ims.example.com/ path":                 "http:// or https://",
		"HTTPS://IMS.EXAMPLE.COM":                      "",
		"https://ims.example.com/%2e%2e/":              "",
		"javascript:alert(1)":                          "http:// or https://",
		"https:ims.example.com":                        "http:// or https://",
		"https:///ims.example.com":                     "http:// or https://",
		"https://:443":                                 "http:// or https://",
		"https://ims.example.com\t":                    "http:// or https://",
		"https://ims.example.com?":                     "query",
		"https://u:p@[::1]:1":                          "user name or password",
		"https://ims.example.com/#/not-a-fragment?x=1": "fragment",
		"https://ims.example.com/path;params":          "",
		"https://ims.example.com/v1/../v3":             "",
		"https://ims.example.com/\u0000":               "http:// or https://",
		"https://ims.example.com/\u001b[31m":           "http:// or https://",
		"https://ims.example.com/\u202e":               "",
		"https://ims.example.com:99999":                "",
		"https://ims.example.com:port":                 "http:// or https://",
		"https://ims.example.com/%zz":                  "http:// or https://",
		"https://ims.example.com/%2f":                  "",
		"https://ims.example.com/%u002f":               "http:// or https://",
	}
	for in, want := range cases {
		err := checkEndpointURL(in)
		switch {
		case want == "" && err != nil:
			t.Errorf("%q: %v, want ok", in, err)
		case want != "" && (err == nil || !strings.Contains(err.Error(), want)):
			t.Errorf("%q: %v, want an error about %q", in, err, want)
		}
		if err != nil && strings.Contains(err.Error(), "pw") {
			t.Errorf("%q: the rule %q repeats part of the value", in, err)
		}
	}
}

func TestCheckDNSName(t *testing.T) {
	for in, ok := range map[string]bool{
		"myhuaweicloud.com": true, "myhuaweicloud.eu": true, "example": true, "a-b.c-d.example": true, "xn--bcher-kva.example": true,
		"myhuaweicloud.com@evil.example": false, "myhuaweicloud.com ": false, " myhuaweicloud.com": false, "-bad.example": false,
		"bad-.example": false, "a..b": false, ".example": false, "example.": false, "evil.example/path": false, "evil.example:443": false,
		"bücher.example": false, "": false, "a_b.example": false, strings.Repeat("a", 64) + ".example": false,
	} {
		if err := checkDNSName(in); (err == nil) != ok {
			t.Errorf("checkDNSName(%q) = %v, want ok = %v", in, err, ok)
		}
	}
}

// TestArgumentValidate_sameRule: a value from HCL and the same value from
// the environment fail with the same rule, attached to the argument; a
// password in a URL is never shown.
func TestArgumentValidate_sameRule(t *testing.T) {
	for _, tc := range []struct{ arg, value, want string }{
		{"endpoint", "https://admin:hunter2@ims.example.com", "must not contain a user name or password"},
		{"auth_url", "https://iam.example.com/v3?x=1", "must not contain a query string"},
		{"cloud", "myhuaweicloud.com@evil.example", "must be a DNS name"},
		{"max_retries", "many", "whole number from 0 to 50"},
		{"insecure", "yes please", "true or false"},
		{"request_timeout", "soon", "not a duration"},
	} {
		a := argumentNamed(tc.arg)
		fromHCLDiags, fromEnvDiags := a.validate(tc.value, fromHCL), a.validate(tc.value, a.env)
		if len(fromHCLDiags) != 1 || len(fromEnvDiags) != 1 {
			t.Fatalf("%s = %q: %d and %d diagnostics, want one each", tc.arg, tc.value, len(fromHCLDiags), len(fromEnvDiags))
		}
		for _, d := range []string{fromHCLDiags[0].Detail(), fromEnvDiags[0].Detail()} {
			if !strings.Contains(d, tc.want) || !strings.Contains(d, a.env) {
				t.Errorf("%s = %q: %q lacks %q or %s", tc.arg, tc.value, d, tc.want, a.env)
			}
			if strings.Contains(d, "hunter2") {
				t.Errorf("%s: the password is shown: %q", tc.arg, d)
			}
		}
	}
}
