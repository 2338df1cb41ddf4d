package provider

import "testing"

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
