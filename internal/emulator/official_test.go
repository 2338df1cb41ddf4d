package emulator

import (
	"encoding/json"
	"io"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/terraform-ims/terraform-provider-ims/internal/signer"
)

// officialRequest is a request as the official huaweicloud provider sends
// it through its SDK (golangsdk): the headers present at signing time
// (Content-Type, Accept, User-Agent and X-Sdk-Date) are all signed, host
// is not; X-Project-Id, X-Domain-Id and X-Security-Token are added after
// signing, so they are sent unsigned. Token callers send X-Auth-Token and
// no signature.
type officialRequest struct {
	method, url string
	body        string
	ak, sk      string
	token       string // X-Security-Token, added after signing
	projectID   string // X-Project-Id, added after signing
	domainID    string // X-Domain-Id, added after signing
	authToken   string // X-Auth-Token instead of a signature
}

func (o officialRequest) send(t *testing.T) (*http.Response, []byte) {
	t.Helper()
	var body io.Reader
	if o.body != "" {
		body = strings.NewReader(o.body)
	}
	req, err := http.NewRequest(o.method, o.url, body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "terraform-provider-huaweicloud")
	if o.authToken != "" {
		req.Header.Set(signer.HeaderAuthToken, o.authToken)
	}
	if o.ak != "" {
		date := time.Now().UTC().Format(signer.DateFormat)
		req.Header.Set(signer.HeaderDate, date)
		var names []string
		for k := range req.Header {
			names = append(names, strings.ToLower(k))
		}
		sort.Strings(names)
		cr := signer.CanonicalRequest(req, names, signer.HashHex([]byte(o.body)))
		req.Header.Set("Authorization", signer.AuthorizationHeader(o.ak, names, signer.Signature(o.sk, signer.StringToSign(cr, date))))
		for k, v := range map[string]string{"X-Project-Id": o.projectID, "X-Domain-Id": o.domainID, signer.HeaderSecurityToken: o.token} {
			if v != "" {
				req.Header.Set(k, v)
			}
		}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

func startDemo(t *testing.T) *Server {
	t.Helper()
	emu := New()
	emu.LoadDemo()
	emu.Start()
	t.Cleanup(emu.Close)
	return emu
}

// TestOfficialTemporaryCredentials: the security token is sent unsigned,
// after the signature, and is accepted when it is the key's own; a wrong
// or missing one is refused.
func TestOfficialTemporaryCredentials(t *testing.T) {
	emu := startDemo(t)
	members := emu.URL() + "/v1/" + DemoProjectID + "/cloudimages/" + DemoImageID + "/members"
	for _, tc := range []struct {
		name, token string
		want        int
	}{
		{"the key's token", DemoSecurityToken, http.StatusOK},
		{"another token", "not-the-token", http.StatusUnauthorized},
		{"no token", "", http.StatusUnauthorized},
	} {
		resp, body := officialRequest{method: http.MethodGet, url: members, ak: DemoTempAccessKey, sk: DemoTempSecretKey,
			token: tc.token, projectID: DemoProjectID, domainID: DemoDomainID}.send(t)
		if resp.StatusCode != tc.want {
			t.Errorf("%s: HTTP %d, want %d: %s", tc.name, resp.StatusCode, tc.want, body)
		}
	}
	// The same request, with the token's value changed after signing,
	// still fails on the token, not on the signature.
	resp, body := officialRequest{method: http.MethodGet, url: members, ak: DemoAccessKey, sk: DemoSecretKey, projectID: DemoProjectID}.send(t)
	if resp.StatusCode != http.StatusOK {
		t.Errorf("permanent keys, X-Project-Id unsigned: HTTP %d: %s", resp.StatusCode, body)
	}
}

type tokenAnswer struct {
	Token struct {
		ExpiresAt string   `json:"expires_at"`
		Methods   []string `json:"methods"`
		Project   struct {
			ID     string `json:"id"`
			Name   string `json:"name"`
			Domain struct {
				ID string `json:"id"`
			} `json:"domain"`
		} `json:"project"`
		User struct {
			ID     string `json:"id"`
			Name   string `json:"name"`
			Domain struct {
				ID   string `json:"id"`
				Name string `json:"name"`
			} `json:"domain"`
		} `json:"user"`
		Catalog []struct {
			Type      string `json:"type"`
			Endpoints []struct {
				Region string `json:"region"`
				URL    string `json:"url"`
			} `json:"endpoints"`
		} `json:"catalog"`
	} `json:"token"`
}

// TestOfficialTokenLogins: the official provider's token and password
// bodies get 201, a token in X-Subject-Token and IAM's body; the issued
// token works as X-Auth-Token on IMS and on IAM; wrong credentials get 401.
func TestOfficialTokenLogins(t *testing.T) {
	emu := startDemo(t)
	bodies := map[string]string{
		"token": `{"auth":{"identity":{"methods":["token"],"token":{"id":"` + DemoIAMToken + `"}},"scope":{"project":{"id":"` + DemoProjectID + `"}}}}`,
		"password": `{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"` + DemoUserName + `","password":"` + DemoPassword +
			`","domain":{"name":"` + DemoDomainName + `"}}}},"scope":{"project":{"id":"` + DemoProjectID + `"}}}}`,
		"password, project by name": `{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"` + DemoUserName + `","password":"` + DemoPassword +
			`","domain":{"name":"` + DemoDomainName + `"}}}},"scope":{"project":{"name":"` + DemoRegion + `"}}}}`,
	}
	for name, body := range bodies {
		resp, b := officialRequest{method: http.MethodPost, url: emu.IAMURL() + "/auth/tokens", body: body}.send(t)
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("%s: HTTP %d, want 201: %s", name, resp.StatusCode, b)
		}
		issued := resp.Header.Get("X-Subject-Token")
		var got tokenAnswer
		if err := json.Unmarshal(b, &got); err != nil || issued == "" {
			t.Fatalf("%s: token %q, body %s: %v", name, issued, b, err)
		}
		tok := got.Token
		if tok.Project.ID != DemoProjectID || tok.Project.Name != DemoRegion || tok.User.Domain.ID != DemoDomainID || tok.User.Name == "" {
			t.Errorf("%s: project or user: %+v", name, tok)
		}
		if at, err := time.Parse(time.RFC3339Nano, tok.ExpiresAt); err != nil || at.Before(time.Now()) {
			t.Errorf("%s: expires_at %q: %v", name, tok.ExpiresAt, err)
		}
		types := map[string]string{}
		for _, c := range tok.Catalog {
			if len(c.Endpoints) > 0 {
				types[c.Type] = c.Endpoints[0].URL
			}
		}
		if types["image"] != emu.URL() || types["identity"] != emu.IAMURL() {
			t.Errorf("%s: catalog %v", name, types)
		}
		resp, b = officialRequest{method: http.MethodGet, url: emu.URL() + "/v1/" + DemoProjectID + "/cloudimages/" + DemoImageID + "/members", authToken: issued}.send(t)
		if resp.StatusCode != http.StatusOK {
			t.Errorf("%s: the issued token on IMS: HTTP %d: %s", name, resp.StatusCode, b)
		}
		resp, b = officialRequest{method: http.MethodGet, url: emu.IAMURL() + "/auth/domains", authToken: issued}.send(t)
		if resp.StatusCode != http.StatusOK || !strings.Contains(string(b), DemoDomainName) {
			t.Errorf("%s: the issued token on IAM: HTTP %d: %s", name, resp.StatusCode, b)
		}
	}
	for name, body := range map[string]string{
		"wrong password": strings.Replace(bodies["password"], DemoPassword, "guess", 1),
		"wrong domain":   strings.Replace(bodies["password"], DemoDomainName, "other", 1),
		"unknown token":  strings.Replace(bodies["token"], DemoIAMToken, "forged", 1),
		"foreign scope":  strings.Replace(bodies["token"], DemoProjectID, DemoAllowedProjects[0], 1),
	} {
		resp, b := officialRequest{method: http.MethodPost, url: emu.IAMURL() + "/auth/tokens", body: body}.send(t)
		if resp.StatusCode != http.StatusUnauthorized || resp.Header.Get("X-Subject-Token") != "" {
			t.Errorf("%s: HTTP %d with token %q, want 401 and none: %s", name, resp.StatusCode, resp.Header.Get("X-Subject-Token"), b)
		}
	}
}

// TestOfficialDomains: GET /v3/auth/domains, signed as the official
// provider signs (with X-Domain-Id unsigned), answers the caller's account.
func TestOfficialDomains(t *testing.T) {
	emu := startDemo(t)
	for _, cred := range []officialRequest{
		{ak: DemoAccessKey, sk: DemoSecretKey},
		{ak: DemoTempAccessKey, sk: DemoTempSecretKey, token: DemoSecurityToken},
		{authToken: DemoIAMToken},
	} {
		cred.method, cred.url, cred.domainID = http.MethodGet, emu.IAMURL()+"/auth/domains", DemoDomainID
		resp, b := cred.send(t)
		var got struct {
			Domains []struct {
				ID      string `json:"id"`
				Name    string `json:"name"`
				Enabled bool   `json:"enabled"`
			} `json:"domains"`
		}
		if err := json.Unmarshal(b, &got); err != nil || resp.StatusCode != http.StatusOK || len(got.Domains) != 1 ||
			got.Domains[0].ID != DemoDomainID || got.Domains[0].Name != DemoDomainName || !got.Domains[0].Enabled {
			t.Errorf("ak %q: HTTP %d: %s", cred.ak, resp.StatusCode, b)
		}
	}
	resp, _ := officialRequest{method: http.MethodGet, url: emu.IAMURL() + "/auth/domains"}.send(t)
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("no credentials: HTTP %d, want 401", resp.StatusCode)
	}
}

// TestFixtureUsers: a fixtures file's users log in with their account's
// domain_name and password.
func TestFixtureUsers(t *testing.T) {
	emu := New()
	err := emu.LoadFixtures(strings.NewReader(`{"accounts": [{"domain_id": "d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1", "domain_name": "modules",
  "users": [{"name": "ci", "password": "ci-password"}], "keys": [],
  "projects": [{"id": "0a1b2c3d4e5f4a5b8c7d6e5f4a3b2c1d", "region": "eu-west-101"}]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	emu.Start()
	t.Cleanup(emu.Close)
	resp, b := officialRequest{method: http.MethodPost, url: emu.IAMURL() + "/auth/tokens",
		body: `{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"ci","password":"ci-password","domain":{"name":"modules"}}}},` +
			`"scope":{"domain":{"name":"modules"}}}}`}.send(t)
	if resp.StatusCode != http.StatusCreated || !strings.Contains(string(b), `"domain":{"id":"d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1","name":"modules"}`) {
		t.Errorf("HTTP %d: %s", resp.StatusCode, b)
	}
	if err := New().LoadFixtures(strings.NewReader(`{"accounts": [{"domain_id": "d", "users": [{"name": "ci"}], "projects": [{"id": "p", "region": "r"}]}]}`)); err == nil {
		t.Error("a user without a password was accepted")
	}
}
