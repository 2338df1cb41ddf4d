package provider

import (
	"strings"
	"testing"
)

func TestCloudFor(t *testing.T) {
	cases := []struct {
		cloud, region, want string
	}{
		{"", "cn-north-4", "myhuaweicloud.com"},
		{"", "ap-southeast-1", "myhuaweicloud.com"},
		{"", "eu-west-101", "myhuaweicloud.eu"},
		{"", "eu-west-0", "myhuaweicloud.com"},
		{"example.org", "eu-west-101", "example.org"},
		{"example.org", "cn-north-4", "example.org"},
	}
	for _, tc := range cases {
		if got := (settings{cloud: tc.cloud}).cloudFor(tc.region); got != tc.want {
			t.Errorf("cloud %q, region %q: %q, want %q", tc.cloud, tc.region, got, tc.want)
		}
	}
}

func TestParseTimeout(t *testing.T) {
	for in, ok := range map[string]bool{"30s": true, "2m": true, "1h": true, "500ms": false, "2h": false, "soon": false, "": false} {
		if _, err := parseTimeout(in); (err == nil) != ok {
			t.Errorf("parseTimeout(%q) err = %v, want ok = %v", in, err, ok)
		}
	}
}

func TestPlainHTTPWarnings(t *testing.T) {
	cases := map[string]int{
		"https://ims.cn-north-4.myhuaweicloud.com": 0,
		"http://127.0.0.1:8080":                    0,
		"http://[::1]:8080":                        0,
		"http://localhost:1":                       0,
		"http://ims.example.com":                   1,
		"http://10.0.0.1":                          1,
	}
	for endpoint, want := range cases {
		got := plainHTTPWarnings(settings{endpoint: endpoint})
		if len(got) != want {
			t.Errorf("%s: %d warnings, want %d", endpoint, len(got), want)
		}
		for _, d := range got {
			if !strings.Contains(d.Detail(), "unencrypted") {
				t.Errorf("warning %q does not say why", d.Detail())
			}
		}
	}
}
