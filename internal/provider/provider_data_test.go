package provider

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/terraform-ims/terraform-provider-ims/internal/emulator"
	"github.com/terraform-ims/terraform-provider-ims/internal/ims"
	"github.com/terraform-ims/terraform-provider-ims/internal/signer"
)

// TestDiscoverProject_waitHonoursDeadline: a caller that waits for another
// caller's slow IAM look-up gives up at its own deadline, and the first
// caller still gets the project.
func TestDiscoverProject_waitHonoursDeadline(t *testing.T) {
	const ak, sk = "AKWAIT", "sk-wait"
	emu := emulator.New()
	emu.AddCredential(emulator.Credential{AccessKey: ak, SecretKey: sk, DomainID: testDomain})
	emu.AddProject(emulator.Project{ID: testProject, Region: testRegion, DomainID: testDomain})
	emu.FirstIAMDelay = 2 * time.Second
	emu.Start()
	t.Cleanup(emu.Close)
	hc, err := ims.NewHTTPClient(ims.TransportOptions{Auth: signer.AKSK{Credentials: signer.Credentials{AccessKey: ak, SecretKey: sk}}})
	if err != nil {
		t.Fatal(err)
	}
	client, err := ims.New(ims.Config{HTTPClient: hc})
	if err != nil {
		t.Fatal(err)
	}
	d := &providerData{client: client, settings: settings{region: testRegion, authURL: emu.IAMURL()}, projects: map[string]string{}}

	first := make(chan error, 1)
	go func() {
		id, err := d.discoverProject(context.Background(), testRegion)
		if err == nil && id != testProject {
			err = errors.New("wrong project " + id)
		}
		first <- err
	}()
	for emu.IAMCalls() == 0 {
		time.Sleep(5 * time.Millisecond)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if id, err := d.discoverProject(ctx, testRegion); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("the waiting caller got (%q, %v), want its own deadline", id, err)
	}
	if err := <-first; err != nil {
		t.Errorf("the first caller: %v", err)
	}
	if n := emu.IAMCalls(); n != 1 {
		t.Errorf("%d IAM calls, want 1 shared look-up", n)
	}
}
