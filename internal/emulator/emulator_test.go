package emulator

import (
	"fmt"
	"io"
	"net/http"
	"strings"
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

// TestUnauthenticatedLeavesNoTrace: requests that fail authentication,
// to any path, leave no fault bookkeeping behind (the standalone server
// must not grow with what strangers send), and a configured fault still
// counts only authenticated requests.
func TestUnauthenticatedLeavesNoTrace(t *testing.T) {
	emu := New()
	emu.FailFirst(TargetWrites, Fault503)
	emu.FailFirst("370befec-a369-475e-a224-44a45927a8fe", Fault503)
	emu.Start()
	t.Cleanup(emu.Close)
	for i := range 1500 {
		for _, path := range []string{
			fmt.Sprintf("/v1/p%d/cloudimages/370befec-a369-475e-a224-44a45927a8fe/members?marker=%d", i, i),
			fmt.Sprintf("/v1/cloudimages/members?x=%d", i),
			fmt.Sprintf("/nowhere/%d", i),
		} {
			resp, err := http.Post(emu.URL()+path, "application/json", strings.NewReader("{}"))
			if err != nil {
				t.Fatal(err)
			}
			_ = resp.Body.Close()
		}
	}
	emu.mu.Lock()
	defer emu.mu.Unlock()
	if n := len(emu.attempts) + len(emu.perImage); n != 0 {
		t.Errorf("4,500 unauthenticated requests left %d entries of bookkeeping", n)
	}
}

// TestLongJobIDNotEchoed: a job id of 200 kB is refused without being
// echoed into the answer.
func TestLongJobIDNotEchoed(t *testing.T) {
	const ak, sk, project = "JOBAK", "job-sk", "0a1b2c3d4e5f4a5b8c7d6e5f4a3b2c1d"
	emu := New()
	emu.AddCredential(Credential{AccessKey: ak, SecretKey: sk, DomainID: "d"})
	emu.AddProject(Project{ID: project, Region: "cn-north-4", DomainID: "d"})
	emu.Start()
	t.Cleanup(emu.Close)
	req, err := http.NewRequest(http.MethodGet, emu.URL()+"/v1/"+project+"/jobs/"+strings.Repeat("a", 200_000), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := (signer.AKSK{Credentials: signer.Credentials{AccessKey: ak, SecretKey: sk}}).Authenticate(req); err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusBadRequest || len(body) > 1000 {
		t.Errorf("a 200 kB job id: HTTP %d with %d bytes, want a short 400", resp.StatusCode, len(body))
	}
}

// TestFixturesRefused: what -fixtures cannot use is refused with its line
// and reason.
func TestFixturesRefused(t *testing.T) {
	const head = `{"accounts": [{"domain_id": "d", "keys": [{"access_key": "a", "secret_key": "s"}],
  "projects": [{"id": "p", "region": "r"}]}],
 "images": [{"id": "i", "owner_project": "p", "members": [
`
	for name, tc := range map[string]struct{ file, want string }{
		"trailing data": {head + `{"member_id": "m", "member_type": "project", "status": "accepted"}]}]}
{"accounts": []}`, "line 5: unexpected data after the first JSON value"},
		"empty member_id": {head + `{"member_id": "", "member_type": "project", "status": "accepted"}]}]}`, "line 4: image i: a member has an empty member_id"},
		"duplicate member_id": {head + `{"member_id": "m", "member_type": "project", "status": "accepted"},
{"member_id": "m", "member_type": "project", "status": "pending"}]}]}`, "line 5: image i: member_id m is listed twice"},
		"syntax": {head + `{"member_id": "m",, }]}]}`, "line 4:"},
	} {
		err := New().LoadFixtures(strings.NewReader(tc.file))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", name, err, tc.want)
		}
	}
}
