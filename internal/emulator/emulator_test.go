package emulator

import (
	"net/http"
	"testing"
	"time"

	"github.com/terraform-ims/terraform-provider-ims/internal/signer"
)

// TestAcceptsSDKSignedHeaders signs a request as Huawei's Go SDK
// (huaweicloud-sdk-go-v3) does, with SignedHeaders
// user-agent;x-project-id;x-sdk-date and no host, which the real gateway
// accepts; so must the emulator. A request that does not sign the date is
// still refused.
func TestAcceptsSDKSignedHeaders(t *testing.T) {
	const ak, sk, project, image = "SDKACCESSKEY", "sdk-secret", "0a1b2c3d4e5f4a5b8c7d6e5f4a3b2c1d", "370befec-a369-475e-a224-44a45927a8fe"
	emu := New()
	emu.AddCredential(Credential{AccessKey: ak, SecretKey: sk, DomainID: "d"})
	emu.AddProject(Project{ID: project, Region: "cn-north-4", DomainID: "d"})
	emu.SetMembers(project, image, GenerateMembers(image, 2))
	emu.Start()
	t.Cleanup(emu.Close)

	send := func(signedHeaders []string) int {
		req, err := http.NewRequest(http.MethodGet, emu.URL()+"/v1/"+project+"/cloudimages/"+image+"/members", nil)
		if err != nil {
			t.Fatal(err)
		}
		date := time.Now().UTC().Format(signer.DateFormat)
		req.Header.Set("User-Agent", "huaweicloud-usdk-go/3.0")
		req.Header.Set("X-Project-Id", project)
		req.Header.Set(signer.HeaderDate, date)
		cr := signer.CanonicalRequest(req, signedHeaders, signer.HashHex(nil))
		req.Header.Set("Authorization", signer.AuthorizationHeader(ak, signedHeaders, signer.Signature(sk, signer.StringToSign(cr, date))))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		return resp.StatusCode
	}
	if got := send([]string{"user-agent", "x-project-id", "x-sdk-date"}); got != http.StatusOK {
		t.Errorf("the SDK's signed headers: status %d, want 200", got)
	}
	if got := send([]string{"user-agent", "x-project-id"}); got != http.StatusUnauthorized {
		t.Errorf("x-sdk-date not signed: status %d, want 401", got)
	}
}
