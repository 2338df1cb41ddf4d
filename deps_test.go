package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestProviderDoesNotLinkTheSDK: the official Go SDK is a test-only
// dependency (the emulator's and the client's tests use it as an
// independent client); the provider's binary, this package, must not
// link it.
func TestProviderDoesNotLinkTheSDK(t *testing.T) {
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command to list the dependencies with")
	}
	out, err := exec.Command(gobin, "list", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps .: %v\n%s", err, out)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 10 || !strings.Contains(string(out), "github.com/terraform-ims/terraform-provider-ims/internal/provider") {
		t.Fatalf("go list -deps . listed %d packages without the provider: %s", len(deps), out)
	}
	for _, p := range deps {
		if strings.HasPrefix(p, "github.com/huaweicloud/") {
			t.Errorf("the provider binary links %s", p)
		}
	}
}
