package signer

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

func mustRequest(t testing.TB, method, rawURL string, body []byte) *http.Request {
	t.Helper()
	var req *http.Request
	var err error
	if body == nil {
		req, err = http.NewRequest(method, rawURL, nil)
	} else {
		req, err = http.NewRequest(method, rawURL, bytes.NewReader(body))
	}
	if err != nil {
		t.Fatal(err)
	}
	return req
}

// TestKnownAnswers reproduces the published SDK-HMAC-SHA256 vectors.
func TestKnownAnswers(t *testing.T) {
	cases := []struct {
		name       string
		ak, sk     string
		method     string
		url        string
		headers    map[string]string
		signed     []string
		body       []byte
		wantCRHash string
		wantSig    string
	}{
		{
			name: "get with query", ak: "AccessKey", sk: "SecretKey",
			method: "GET", url: "https://example.huaweicloud.com/path?limit=1",
			headers: map[string]string{"X-Sdk-Date": "20060102T150405Z"},
			signed:  []string{"x-sdk-date"},
			wantSig: "5a2ce64c865e0e6046321c6f3d5a77ba8413eeaf355c3166c03d58d02ac79624",
		},
		{
			name: "post with body", ak: "AccessKey", sk: "SecretKey",
			method: "POST", url: "https://example.huaweicloud.com/path?key=value",
			headers: map[string]string{"X-Sdk-Date": "20060102T150405Z", "Content-Type": "application/json"},
			signed:  []string{"x-sdk-date"},
			body:    []byte("{\"Name\":\"test\",\"Id\":1}\n"),
			wantSig: "cecc2af119b18ab70b4d094c0750f3b42c02f254903179a0fc2cc72fc9db4f59",
		},
		{
			name: "vpc list", ak: "QTWAOYTTINDUT2QVKYUC", sk: "MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc",
			method: "GET", url: "https://service.region.example.com/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs?limit=2&marker=13551d6b-755d-4757-b956-536f674975c0",
			headers:    map[string]string{"X-Sdk-Date": "20191115T033655Z", "Content-Type": "application/json"},
			signed:     []string{"content-type", "host", "x-sdk-date"},
			wantCRHash: "b25362e603ee30f4f25e7858e8a7160fd36e803bb2dfe206278659d71a9bcd7a",
			wantSig:    "7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req := mustRequest(t, tc.method, tc.url, tc.body)
			for k, v := range tc.headers {
				req.Header.Set(k, v)
			}
			bodyHash := HashHex(tc.body)
			cr := CanonicalRequest(req, tc.signed, bodyHash)
			if tc.wantCRHash != "" {
				if got := HashHex([]byte(cr)); got != tc.wantCRHash {
					t.Errorf("canonical request hash = %s, want %s\ncanonical request:\n%s", got, tc.wantCRHash, cr)
				}
			}
			sig := Signature(tc.sk, StringToSign(cr, tc.headers["X-Sdk-Date"]))
			if sig != tc.wantSig {
				t.Errorf("signature = %s, want %s\ncanonical request:\n%s", sig, tc.wantSig, cr)
			}
			auth, err := ParseAuthorization(AuthorizationHeader(tc.ak, tc.signed, sig))
			if err != nil {
				t.Fatal(err)
			}
			if !Verify(req, auth, tc.sk, tc.body) {
				t.Error("Verify rejected a correctly signed request")
			}
			if Verify(req, auth, tc.sk+"x", tc.body) {
				t.Error("Verify accepted a request signed with another secret key")
			}
		})
	}
}

// TestAKSKAuthenticateRoundTrip signs through the public entry point and
// verifies through the gateway's, including a security token.
func TestAKSKAuthenticateRoundTrip(t *testing.T) {
	fixed := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, token := range []string{"", "session-token"} {
		creds := Credentials{AccessKey: "AK", SecretKey: "SK", SecurityToken: token}
		req := mustRequest(t, "GET", "http://127.0.0.1:1/v1/p/cloudimages/i/members?limit=1000&marker=YQ%3D%3D", nil)
		if err := (AKSK{Credentials: creds, Now: func() time.Time { return fixed }}).Authenticate(req); err != nil {
			t.Fatal(err)
		}
		if got := req.Header.Get(HeaderDate); got != "20240102T030405Z" {
			t.Errorf("X-Sdk-Date = %q", got)
		}
		auth, err := ParseAuthorization(req.Header.Get("Authorization"))
		if err != nil {
			t.Fatal(err)
		}
		signed := strings.Join(auth.SignedHeaders, ";")
		wantSigned := "host;x-sdk-date"
		if token != "" {
			wantSigned = "host;x-sdk-date;x-security-token"
			if req.Header.Get(HeaderSecurityToken) != token {
				t.Error("security token header not set")
			}
		}
		if signed != wantSigned {
			t.Errorf("signed headers = %q, want %q", signed, wantSigned)
		}
		if !Verify(req, auth, "SK", nil) {
			t.Error("signature does not verify")
		}
		// Changing any signed part must break the signature.
		req.Header.Set(HeaderSecurityToken, "other")
		if token != "" && Verify(req, auth, "SK", nil) {
			t.Error("changing the security token kept the signature valid")
		}
	}
}

func TestCanonicalURI(t *testing.T) {
	cases := map[string]string{
		"":                   "/",
		"/":                  "/",
		"/path":              "/path/",
		"/path/":             "/path/",
		"/v1/p/a b":          "/v1/p/a%20b/",
		"/a+b/c~d_e-f.g":     "/a%2Bb/c~d_e-f.g/",
		"/ü":                 "/%C3%BC/",
		"/a%2Fb":             "/a%252Fb/",
		"/v1/p//cloudimages": "/v1/p//cloudimages/",
	}
	for in, want := range cases {
		if got := CanonicalURI(in); got != want {
			t.Errorf("CanonicalURI(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCanonicalQuery(t *testing.T) {
	cases := []struct{ raw, want string }{
		{"", ""},
		{"limit=1", "limit=1"},
		{"marker=a&limit=2", "limit=2&marker=a"},
		{"b=2&b=1&a=", "a=&b=1&b=2"},
		{"k=a%20b&k2=a%2Bb", "k=a%20b&k2=a%2Bb"},
		{"marker=YWJj%3D%3D", "marker=YWJj%3D%3D"},
		{"flag", "flag="},
		{"x=%2F~", "x=%2F~"},
	}
	for _, tc := range cases {
		q, err := url.ParseQuery(tc.raw)
		if err != nil {
			t.Fatal(err)
		}
		if got := CanonicalQuery(q); got != tc.want {
			t.Errorf("CanonicalQuery(%q) = %q, want %q", tc.raw, got, tc.want)
		}
	}
}

func TestEscape(t *testing.T) {
	if got := Escape("AZaz09_-~. /%é"); got != "AZaz09_-~.%20%2F%25%C3%A9" {
		t.Errorf("Escape = %q", got)
	}
}

func TestParseAuthorizationErrors(t *testing.T) {
	for _, h := range []string{
		"",
		"Bearer abc",
		"SDK-HMAC-SHA256 Access=AK",
		"SDK-HMAC-SHA256 garbage",
		"SDK-HMAC-SHA256 Access=, SignedHeaders=host, Signature=00",
	} {
		if _, err := ParseAuthorization(h); err == nil {
			t.Errorf("ParseAuthorization(%q) accepted a malformed header", h)
		}
	}
}

// TestCredentialsNeverFormatSecrets guards every fmt verb a log call might use.
func TestCredentialsNeverFormatSecrets(t *testing.T) {
	c := Credentials{AccessKey: "AK", SecretKey: "very-secret", SecurityToken: "tok-secret"}
	for _, s := range []string{c.String(), c.GoString(), fmt.Sprintf("%v", c), fmt.Sprintf("%+v", c), fmt.Sprintf("%#v", c), fmt.Sprintf("%s", c)} { //nolint:staticcheck // The %s verb itself is under test.
		if strings.Contains(s, "very-secret") || strings.Contains(s, "tok-secret") {
			t.Errorf("credentials formatted with a secret: %s", s)
		}
	}
}

func TestTransportSignsEachAttemptAfresh(t *testing.T) {
	var dates []string
	clock := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	base := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		dates = append(dates, r.Header.Get(HeaderDate))
		return &http.Response{StatusCode: 204, Body: http.NoBody, Request: r}, nil
	})
	tr := &Transport{Base: base, Auth: AKSK{Credentials: Credentials{AccessKey: "a", SecretKey: "b"}, Now: func() time.Time {
		clock = clock.Add(time.Second)
		return clock
	}}}
	req := mustRequest(t, "GET", "http://127.0.0.1:1/x", nil)
	for range 2 {
		if _, err := tr.RoundTrip(req); err != nil {
			t.Fatal(err)
		}
	}
	if len(dates) != 2 || dates[0] == dates[1] {
		t.Errorf("dates = %v, want two different signing times", dates)
	}
	if req.Header.Get("Authorization") != "" {
		t.Error("Transport modified the caller's request")
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestIDNHostVerifies sends a signed request to a non-ASCII host through
// net/http, which puts the punycode form on the wire; the server verifies
// what it received. Signing the Unicode form would fail every request.
func TestIDNHostVerifies(t *testing.T) {
	var gotHost string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotHost = r.Host
		auth, err := ParseAuthorization(r.Header.Get("Authorization"))
		if err != nil || !Verify(r, auth, "SK", nil) {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(srv.Close)
	base := &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, srv.Listener.Addr().String())
	}}
	t.Cleanup(base.CloseIdleConnections)
	client := &http.Client{Transport: &Transport{Base: base, Auth: AKSK{Credentials: Credentials{AccessKey: "AK", SecretKey: "SK"}}}}
	resp, err := client.Get("http://bücher.example:8080/v1/p/cloudimages")
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if gotHost != "xn--bcher-kva.example:8080" {
		t.Errorf("the server saw Host %q, want the punycode form", gotHost)
	}
	if resp.StatusCode != http.StatusNoContent {
		t.Errorf("status %d: the signature of an IDN host does not verify", resp.StatusCode)
	}
}
