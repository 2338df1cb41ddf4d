package ims

import (
	"context"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/terraform-ims/terraform-provider-ims/internal/emulator"
	"github.com/terraform-ims/terraform-provider-ims/internal/signer"
)

const (
	testAK      = "AKUNITTEST"
	testSK      = "unit-test-secret"
	testDomain  = "d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0"
	testProject = "0a1b2c3d4e5f4a5b8c7d6e5f4a3b2c1d"
	testImage   = "370befec-a369-475e-a224-44a45927a8fe"
)

func newTestClient(t testing.TB, maxRetries int) *Client {
	t.Helper()
	hc, err := NewHTTPClient(TransportOptions{Auth: signer.AKSK{Credentials: signer.Credentials{AccessKey: testAK, SecretKey: testSK}}, RequestTimeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	c, err := New(Config{HTTPClient: hc, MaxRetries: maxRetries, RetryWaitMin: time.Millisecond, RetryWaitMax: 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func newEmulator(t testing.TB, members []emulator.Member) *emulator.Server {
	t.Helper()
	emu := emulator.New()
	emu.AddCredential(emulator.Credential{AccessKey: testAK, SecretKey: testSK, DomainID: testDomain})
	emu.AddProject(emulator.Project{ID: testProject, Region: "cn-north-4", DomainID: testDomain})
	emu.SetMembers(testProject, testImage, members)
	emu.Start()
	t.Cleanup(emu.Close)
	return emu
}

func TestListImageMembersPaging(t *testing.T) {
	for _, tc := range []struct {
		total, pageSize, wantPages int
	}{
		{0, 1000, 1},
		{1, 1000, 1},
		{1000, 1000, 1},
		{2000, 1000, 2}, // an exact multiple: the last page has no next_marker
		{2345, 1000, 3},
		{7, 3, 3},
	} {
		t.Run(fmt.Sprintf("%d_by_%d", tc.total, tc.pageSize), func(t *testing.T) {
			members := emulator.GenerateMembers(testImage, tc.total)
			emu := newEmulator(t, members)
			list, err := newTestClient(t, 0).At(emu.URL(), testProject).ListImageMembers(context.Background(), ListImageMembersInput{ImageID: testImage, PageSize: tc.pageSize})
			if err != nil {
				t.Fatal(err)
			}
			if list.Pages != tc.wantPages || emu.ImageRequests(testImage) != tc.wantPages {
				t.Errorf("pages = %d, requests = %d, want %d", list.Pages, emu.ImageRequests(testImage), tc.wantPages)
			}
			if len(list.Members) != tc.total {
				t.Fatalf("got %d members, want %d", len(list.Members), tc.total)
			}
			for i := range members {
				if list.Members[i].MemberID != members[i].MemberID {
					t.Fatalf("member %d = %s, want %s (order or duplicates wrong)", i, list.Members[i].MemberID, members[i].MemberID)
				}
			}
			if list.Members != nil && list.Schema != "/v2/schemas/members" {
				t.Errorf("schema = %q", list.Schema)
			}
		})
	}
}

// pagedServer serves pages from a script: each entry is one answer body.
func pagedServer(t *testing.T, bodies map[string]string) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		body, ok := bodies[r.URL.Query().Get("marker")]
		if !ok {
			http.Error(w, `{"error":{"code":"IMG.0001","message":"bad marker"}}`, http.StatusBadRequest)
			return
		}
		_, _ = io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

// TestListImageMembersOmittedWhenEmpty: the SDK marks members omitempty,
// so an object with schema or page_info and no members is an empty page;
// a body with neither is still an error.
func TestListImageMembersOmittedWhenEmpty(t *testing.T) {
	for body, ok := range map[string]bool{
		`{"schema":"/v2/schemas/members","page_info":{"current_count":0}}`: true,
		`{"page_info":{"current_count":0}}`:                                true,
		`{"schema":"/v2/schemas/members"}`:                                 true,
		`{}`:                                                               false,
		`{"images":[]}`:                                                    false,
		`{"page_info":{"next_marker":"YQ==","current_count":0}}`: false,
	} {
		srv, _ := pagedServer(t, map[string]string{"": body})
		list, err := newTestClient(t, 0).At(srv.URL, "p").ListImageMembers(context.Background(), ListImageMembersInput{ImageID: "i"})
		if (err == nil) != ok || (ok && len(list.Members) != 0) {
			t.Errorf("%s: list %v, err %v; want ok=%v", body, list, err, ok)
		}
	}
}

func TestListImageMembersWithoutPageInfo(t *testing.T) {
	srv, n := pagedServer(t, map[string]string{"": `{"members":[{"member_id":"a","status":"accepted"},{"member_id":"b"}],"schema":"/v2/schemas/members"}`})
	list, err := newTestClient(t, 0).At(srv.URL, "p").ListImageMembers(context.Background(), ListImageMembersInput{ImageID: "i"})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Members) != 2 || n.Load() != 1 {
		t.Errorf("members = %d, requests = %d; want 2 and 1", len(list.Members), n.Load())
	}
	if list.Members[0].URN != nil {
		t.Error("urn absent from JSON must stay nil")
	}
}

func TestListImageMembersRepeatedMarker(t *testing.T) {
	m1 := base64.StdEncoding.EncodeToString([]byte("a"))
	m2 := base64.StdEncoding.EncodeToString([]byte("b"))
	srv, n := pagedServer(t, map[string]string{
		"": `{"members":[{"member_id":"a"}],"page_info":{"next_marker":"` + m1 + `"}}`,
		m1: `{"members":[{"member_id":"b"}],"page_info":{"next_marker":"` + m2 + `"}}`,
		m2: `{"members":[{"member_id":"c"}],"page_info":{"next_marker":"` + m1 + `"}}`,
	})
	_, err := newTestClient(t, 0).At(srv.URL, "p").ListImageMembers(context.Background(), ListImageMembersInput{ImageID: "i"})
	var pe *PagingError
	if !errors.As(err, &pe) {
		t.Fatalf("err = %v, want *PagingError", err)
	}
	if n.Load() != 3 || pe.Page != 3 || pe.Marker != m1 {
		t.Errorf("requests = %d, error = %+v", n.Load(), pe)
	}
}

func TestListImageMembersAsksForLimit1000(t *testing.T) {
	var limit string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		limit = r.URL.Query().Get("limit")
		_, _ = io.WriteString(w, `{"members":[]}`)
	}))
	defer srv.Close()
	if _, err := newTestClient(t, 0).At(srv.URL, "p").ListImageMembers(context.Background(), ListImageMembersInput{ImageID: "i"}); err != nil {
		t.Fatal(err)
	}
	if limit != "1000" {
		t.Errorf("limit = %q, want 1000", limit)
	}
}

// TestErrorDecoding covers both error shapes, IAM's numeric code, and bodies
// that are not JSON or empty.
func TestErrorDecoding(t *testing.T) {
	cases := []struct {
		name, body, header     string
		status                 int
		code, msg, reqID, snip string
	}{
		{name: "ims", status: 404, body: `{"error":{"code":"IMG.0027","message":"image not found"}}`, header: "req-1",
			code: "IMG.0027", msg: "image not found", reqID: "req-1"},
		{name: "gateway", status: 401, body: `{"error_code":"APIGW.0301","error_msg":"Incorrect IAM authentication information","request_id":"req-2"}`,
			code: "APIGW.0301", msg: "Incorrect IAM authentication information", reqID: "req-2"},
		{name: "header wins", status: 403, body: `{"error_code":"APIGW.0302","error_msg":"denied","request_id":"body-id"}`, header: "hdr-id",
			code: "APIGW.0302", msg: "denied", reqID: "hdr-id"},
		{name: "iam numeric", status: 401, body: `{"error":{"code":401,"message":"The request you have made requires authentication.","title":"Unauthorized"}}`,
			code: "401", msg: "The request you have made requires authentication."},
		{name: "html", status: 502, body: "<html>\n<body>Bad   Gateway</body></html>", snip: `<html> <body>Bad Gateway</body></html>`},
		{name: "empty", status: 400, body: ""},
		{name: "json of another shape", status: 400, body: `{"foo":"bar"}`, snip: `{"foo":"bar"}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				if tc.header != "" {
					w.Header().Set("X-Request-Id", tc.header)
				}
				w.WriteHeader(tc.status)
				_, _ = io.WriteString(w, tc.body)
			}))
			defer srv.Close()
			_, err := newTestClient(t, 0).At(srv.URL, "p").ListImageMembers(context.Background(), ListImageMembersInput{ImageID: "i"})
			var apiErr *APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("err = %v, want *APIError", err)
			}
			if apiErr.StatusCode != tc.status || apiErr.Code != tc.code || apiErr.Message != tc.msg || apiErr.RequestID != tc.reqID || apiErr.Snippet != tc.snip {
				t.Errorf("got %+v", apiErr)
			}
			msg := apiErr.Error()
			for _, want := range []string{strconv.Itoa(tc.status), tc.code, tc.reqID} {
				if !strings.Contains(msg, want) {
					t.Errorf("message %q lacks %q", msg, want)
				}
			}
			if tc.body == "" && !strings.Contains(msg, "empty body") {
				t.Errorf("message %q does not say the body was empty", msg)
			}
		})
	}
}

// TestSuccessBodyErrors: a 2xx body that is not the expected JSON is an
// error that shows the status and the start of the body, never an empty list.
func TestSuccessBodyErrors(t *testing.T) {
	for name, body := range map[string]string{
		"html":       "<html>maintenance</html>",
		"empty":      "",
		"no members": `{"images":[]}`,
		"wrong type": `{"members":"none"}`,
		"no ids":     `{"members":[{"status":"accepted"}]}`,
		"truncated":  `{"members":[{"member_id":"a"`,
	} {
		t.Run(name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				_, _ = io.WriteString(w, body)
			}))
			defer srv.Close()
			list, err := newTestClient(t, 1).At(srv.URL, "p").ListImageMembers(context.Background(), ListImageMembersInput{ImageID: "i"})
			var de *DecodeError
			if !errors.As(err, &de) || list != nil {
				t.Fatalf("list = %v, err = %v; want *DecodeError and no list", list, err)
			}
			if de.StatusCode != 200 || de.Attempts != 2 {
				t.Errorf("status = %d, attempts = %d; want 200 and 2 (retried once)", de.StatusCode, de.Attempts)
			}
			if body != "" && !strings.Contains(de.Error(), body[:5]) {
				t.Errorf("message %q does not quote the body", de.Error())
			}
		})
	}
}

func TestRetries(t *testing.T) {
	cases := []struct {
		status      int
		maxRetries  int
		wantAttempt int64
	}{
		{503, 3, 4}, {500, 2, 3}, {502, 1, 2}, {504, 1, 2}, {429, 2, 3},
		{503, 0, 1},
		{400, 3, 1}, {401, 3, 1}, {403, 3, 1}, {404, 3, 1},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%d_retries_%d", tc.status, tc.maxRetries), func(t *testing.T) {
			var n atomic.Int64
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				n.Add(1)
				w.WriteHeader(tc.status)
				_, _ = io.WriteString(w, `{"error":{"code":"IMG.X","message":"failing"}}`)
			}))
			defer srv.Close()
			_, err := newTestClient(t, tc.maxRetries).At(srv.URL, "p").ListImageMembers(context.Background(), ListImageMembersInput{ImageID: "i"})
			var apiErr *APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("err = %v", err)
			}
			if n.Load() != tc.wantAttempt || int64(apiErr.Attempts) != tc.wantAttempt {
				t.Errorf("server saw %d attempts, error says %d; want %d", n.Load(), apiErr.Attempts, tc.wantAttempt)
			}
			if tc.wantAttempt > 1 && !strings.Contains(err.Error(), fmt.Sprintf("after %d attempts", tc.wantAttempt)) {
				t.Errorf("message %q does not count the attempts", err)
			}
			if apiErr.Code != "IMG.X" {
				t.Errorf("code = %q: the last answer's body was not decoded", apiErr.Code)
			}
		})
	}
}

func TestRetryThenSuccess(t *testing.T) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if n.Add(1) < 3 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		_, _ = io.WriteString(w, `{"members":[{"member_id":"a"}]}`)
	}))
	defer srv.Close()
	list, err := newTestClient(t, 5).At(srv.URL, "p").ListImageMembers(context.Background(), ListImageMembersInput{ImageID: "i"})
	if err != nil || len(list.Members) != 1 || n.Load() != 3 {
		t.Fatalf("list = %v, err = %v, attempts = %d", list, err, n.Load())
	}
}

func TestTransportErrorAfterRetries(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close() // Nothing listens there any more: connection refused.
	_, err := newTestClient(t, 2).At(url, "p").ListImageMembers(context.Background(), ListImageMembersInput{ImageID: "i"})
	var re *RequestError
	if !errors.As(err, &re) || re.Attempts != 3 {
		t.Fatalf("err = %v, want *RequestError after 3 attempts", err)
	}
	if !strings.Contains(err.Error(), "connection refused") || !strings.Contains(err.Error(), "3 attempts") {
		t.Errorf("message %q", err)
	}
}

// TestCancelStopsWaiting: a cancelled context ends the wait for the next
// attempt at once, even when the server asked for a long Retry-After.
func TestCancelStopsWaiting(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Retry-After", "30")
		w.WriteHeader(http.StatusTooManyRequests)
	}))
	defer srv.Close()
	hc, _ := NewHTTPClient(TransportOptions{Auth: signer.Token("t")})
	c, _ := New(Config{HTTPClient: hc, MaxRetries: 5})
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.At(srv.URL, "p").ListImageMembers(ctx, ListImageMembersInput{ImageID: "i"})
	var re *RequestError
	if !errors.As(err, &re) || !re.Timeout() {
		t.Fatalf("err = %v, want a timed-out *RequestError", err)
	}
	if elapsed := time.Since(start); elapsed > 5*time.Second {
		t.Errorf("returned after %s: the wait was not interrupted", elapsed)
	}
	if !strings.Contains(err.Error(), "429") {
		t.Errorf("message %q does not say what the last attempt got", err)
	}
}

// TestBodyCap: a body over the cap is a clear error, and is not fetched
// again: a retry would get the same body.
func TestBodyCap(t *testing.T) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		n.Add(1)
		_, _ = io.WriteString(w, `{"members":[`+strings.Repeat(`{"member_id":"aaaaaaaa"},`, 100)+`{"member_id":"b"}]}`)
	}))
	defer srv.Close()
	hc, _ := NewHTTPClient(TransportOptions{Auth: signer.Token("t")})
	c, _ := New(Config{HTTPClient: hc, MaxBodyBytes: 1024, MaxRetries: 3, RetryWaitMin: time.Millisecond, RetryWaitMax: time.Millisecond})
	_, err := c.At(srv.URL, "p").ListImageMembers(context.Background(), ListImageMembersInput{ImageID: "i"})
	var tooLarge *BodyTooLargeError
	if !errors.As(err, &tooLarge) {
		t.Fatalf("err = %v, want *BodyTooLargeError", err)
	}
	if n.Load() != 1 {
		t.Errorf("an oversized body was fetched %d times, want once", n.Load())
	}
}

func TestNoRedirects(t *testing.T) {
	var leaked atomic.Bool
	target := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		leaked.Store(r.Header.Get("Authorization") != "")
	}))
	defer target.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, target.URL+"/steal", http.StatusFound)
	}))
	defer srv.Close()
	_, err := newTestClient(t, 0).At(srv.URL, "p").ListImageMembers(context.Background(), ListImageMembersInput{ImageID: "i"})
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusFound {
		t.Fatalf("err = %v, want an *APIError for the 302", err)
	}
	if leaked.Load() {
		t.Error("a redirect carried the signature to another host")
	}
}

// TestListImageMembersEndlessPaging: a server that keeps naming a fresh
// next page is stopped by the shape of its pages or by the member cap.
func TestListImageMembersEndlessPaging(t *testing.T) {
	endless := func(perPage int) (*httptest.Server, *atomic.Int64) {
		var n atomic.Int64
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			i := n.Add(1)
			var page strings.Builder
			page.WriteString(`{"members":[`)
			for j := range perPage {
				if j > 0 {
					page.WriteByte(',')
				}
				fmt.Fprintf(&page, `{"member_id":"m%d-%d"}`, i, j)
			}
			fmt.Fprintf(&page, `],"page_info":{"next_marker":"marker-%d"}}`, i)
			_, _ = io.WriteString(w, page.String())
		}))
		t.Cleanup(srv.Close)
		return srv, &n
	}
	for _, tc := range []struct {
		name              string
		perPage, pageSize int
		want              string
		wantRequests      int64
	}{
		{"empty pages", 0, 1000, "the page is empty but names a next page", 1},
		{"pages over the limit", 11, 10, "more than the limit of 10", 1},
		{"full pages forever", 1000, 1000, "more than 100000 members", MaxImageMembers/1000 + 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, n := endless(tc.perPage)
			_, err := newTestClient(t, 0).At(srv.URL, "p").ListImageMembers(context.Background(),
				ListImageMembersInput{ImageID: "i", PageSize: tc.pageSize})
			var pe *PagingError
			if !errors.As(err, &pe) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want a *PagingError saying %q", err, tc.want)
			}
			if n.Load() != tc.wantRequests {
				t.Errorf("%d requests, want %d", n.Load(), tc.wantRequests)
			}
		})
	}
}

func TestBackoff(t *testing.T) {
	lo, hi := 500*time.Millisecond, 30*time.Second
	for attempt, want := range []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second, 4 * time.Second} {
		for range 50 {
			d := backoff(lo, hi, attempt, nil)
			if d < want/2 || d > want {
				t.Fatalf("attempt %d: %s outside [%s, %s]", attempt, d, want/2, want)
			}
		}
	}
	if d := backoff(lo, hi, 40, nil); d < hi/2 || d > hi {
		t.Errorf("attempt 40: %s, want capped near %s", d, hi)
	}
	resp := &http.Response{StatusCode: 429, Header: http.Header{"Retry-After": {"7"}}}
	if d := backoff(lo, hi, 0, resp); d != 7*time.Second {
		t.Errorf("Retry-After 7 gave %s", d)
	}
	resp.Header.Set("Retry-After", "3600")
	if d := backoff(lo, hi, 0, resp); d != hi {
		t.Errorf("Retry-After 3600 gave %s, want the cap %s", d, hi)
	}
	// A server-given wait never turns backoff off.
	for _, v := range []string{"0", time.Now().Add(-time.Hour).UTC().Format(http.TimeFormat)} {
		resp.Header.Set("Retry-After", v)
		if d := backoff(lo, hi, 0, resp); d != lo {
			t.Errorf("Retry-After %q gave %s, want the minimum %s", v, d, lo)
		}
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"", 0, false},
		{"5", 5 * time.Second, true},
		{"-1", 0, false},
		{"soon", 0, false},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second, true},
		{now.Add(-time.Minute).Format(http.TimeFormat), 0, true},
	}
	for _, tc := range cases {
		got, ok := parseRetryAfter(tc.in, now)
		if got != tc.want || ok != tc.ok {
			t.Errorf("parseRetryAfter(%q) = %s, %v; want %s, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestMembersURLEscapes(t *testing.T) {
	u, err := MembersURL("https://ims.example.com/base/", "p", testImage)
	if err != nil {
		t.Fatal(err)
	}
	if got := u.EscapedPath(); got != "/base/v1/p/cloudimages/"+testImage+"/members" {
		t.Errorf("path = %s", got)
	}
	if u, _ := MembersURL("http://127.0.0.1:1", "p", testImage); u.Path != "/v1/p/cloudimages/"+testImage+"/members" {
		t.Errorf("path on a bare endpoint = %q, want an absolute path", u.Path)
	}
	for _, bad := range []string{"a/../b", "..", ".", "a b", "a?b", "", "%2e%2e"} {
		if _, err := MembersURL("https://ims.example.com", "p", bad); err == nil {
			t.Errorf("image id %q accepted", bad)
		}
	}
	for _, bad := range []string{"", "ftp://x", "ims.example.com", "http://"} {
		if _, err := MembersURL(bad, "p", "i"); err == nil {
			t.Errorf("endpoint %q accepted", bad)
		}
	}
}

func TestProjectsFromEmulator(t *testing.T) {
	emu := newEmulator(t, nil)
	emu.AddProject(emulator.Project{ID: "other", Region: "cn-north-4", DomainID: "someone-else"})
	projects, err := newTestClient(t, 0).ListProjects(context.Background(), ListProjectsInput{AuthURL: emu.IAMURL(), Name: "cn-north-4"})
	if err != nil {
		t.Fatal(err)
	}
	if len(projects) != 1 || projects[0].ID != testProject || projects[0].Name != "cn-north-4" {
		t.Errorf("projects = %+v", projects)
	}
	if emu.IAMCalls() != 1 {
		t.Errorf("IAM calls = %d", emu.IAMCalls())
	}
}

// TestTLSMinimumVersion: a server that offers only TLS 1.1 is refused, even
// with certificate verification off.
func TestTLSMinimumVersion(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, `{"members":[]}`)
	}))
	srv.TLS = &tls.Config{MaxVersion: tls.VersionTLS11} //nolint:gosec // The old version is the point of the test.
	srv.StartTLS()
	defer srv.Close()
	hc, err := NewHTTPClient(TransportOptions{Auth: signer.Token("t"), Insecure: true})
	if err != nil {
		t.Fatal(err)
	}
	c, _ := New(Config{HTTPClient: hc})
	_, err = c.At(srv.URL, "p").ListImageMembers(context.Background(), ListImageMembersInput{ImageID: "i"})
	if err == nil || !strings.Contains(err.Error(), "protocol version") {
		t.Fatalf("err = %v, want a TLS protocol version failure", err)
	}
	// The same server with TLS 1.2 allowed is reachable: the refusal above
	// is the version, not something else.
	srv2 := httptest.NewTLSServer(srv.Config.Handler)
	defer srv2.Close()
	if _, err := c.At(srv2.URL, "p").ListImageMembers(context.Background(), ListImageMembersInput{ImageID: "i"}); err != nil {
		t.Fatalf("TLS 1.2+ server: %v", err)
	}
}

// TestShareWritesAndJobs runs the three writes against the emulator, waits
// for their jobs, and checks IMS's refusals carry their codes.
func TestShareWritesAndJobs(t *testing.T) {
	emu := newEmulator(t, nil)
	emu.AddProject(emulator.Project{ID: "5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a", Region: "cn-north-4", DomainID: "other"})
	emu.AddProject(emulator.Project{ID: "ffffffffffffffffffffffffffffffff", Region: "cn-north-4", DomainID: "foreign"})
	emu.SetImage("ffffffffffffffffffffffffffffffff", "00000000-0000-4000-8000-0000000000ff", emulator.ImageOptions{})
	c := newTestClient(t, 0)
	ctx := context.Background()
	add := ShareRequest{Images: []string{testImage}, Projects: []string{"5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a"}}
	job, err := c.At(emu.URL(), "").AddImageMembers(ctx, add)
	if err != nil {
		t.Fatal(err)
	}
	if j, err := c.At(emu.URL(), testProject).WaitJob(ctx, JobInput{JobID: job}); err != nil || j.Status != JobSuccess {
		t.Fatalf("job %s: %+v, %v", job, j, err)
	}
	if m, err := c.At(emu.URL(), testProject).GetImageMember(ctx, GetImageMemberInput{ImageID: testImage, MemberID: "5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a"}); err != nil || m.Status != "pending" {
		t.Fatalf("member after add: %+v, %v", m, err)
	}
	if job, err = c.At(emu.URL(), "").RemoveImageMembers(ctx, add); err != nil {
		t.Fatal(err)
	}
	if _, err := c.At(emu.URL(), testProject).WaitJob(ctx, JobInput{JobID: job}); err != nil {
		t.Fatal(err)
	}
	var apiErr *APIError
	_, err = c.At(emu.URL(), testProject).GetImageMember(ctx, GetImageMemberInput{ImageID: testImage, MemberID: "5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a"})
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusNotFound {
		t.Errorf("member after remove: %v, want 404", err)
	}
	_, err = c.At(emu.URL(), "").AddImageMembers(ctx, ShareRequest{Images: []string{"00000000-0000-4000-8000-0000000000ff"}, Projects: add.Projects})
	if !errors.As(err, &apiErr) || apiErr.Code != "IMG.0106" {
		t.Errorf("sharing another tenant's image: %v, want IMG.0106", err)
	}
	emu.FailJobs(testImage, "IMG.0135", "busy")
	job, err = c.At(emu.URL(), "").AddImageMembers(ctx, add)
	if err != nil {
		t.Fatal(err)
	}
	var jobErr *JobError
	if _, err := c.At(emu.URL(), testProject).WaitJob(ctx, JobInput{JobID: job}); !errors.As(err, &jobErr) || !strings.Contains(err.Error(), "IMG.0135") || !strings.Contains(err.Error(), job) {
		t.Errorf("failed job: %v, want a *JobError naming IMG.0135 and the job id", err)
	}
}

// TestWritesRetriedOnlyWhenSafe: a 503 on a write is retried (IMS did not
// act), a 500 is not (it may have).
func TestWritesRetriedOnlyWhenSafe(t *testing.T) {
	for _, tc := range []struct {
		status, want int64
	}{{http.StatusServiceUnavailable, 3}, {http.StatusInternalServerError, 1}, {http.StatusBadGateway, 1}} {
		var n atomic.Int64
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			n.Add(1)
			w.WriteHeader(int(tc.status))
		}))
		_, err := newTestClient(t, 2).At(srv.URL, "").AddImageMembers(context.Background(), ShareRequest{Images: []string{"i"}, Projects: []string{"p"}})
		srv.Close()
		if err == nil || n.Load() != tc.want {
			t.Errorf("HTTP %d on a write: %d attempts (err %v), want %d", tc.status, n.Load(), err, tc.want)
		}
	}
}

// TestJobErrorStripsEscapes: a job's fail_reason with terminal escapes
// prints without them, and without their leftovers ("[31m").
func TestJobErrorStripsEscapes(t *testing.T) {
	e := &JobError{Job: &Job{JobID: "j1", JobType: "t", ErrorCode: "IMG.0108", FailReason: "bad \x1b[31mred\x1b[0m\x1b[2J\nline"}}
	if got, want := e.Error(), "IMS job j1 (t) failed with error IMG.0108: bad red line"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestListImageMembersMarkerReadings: paging reads every member whether
// IMS sends page_info.next_marker as Base64 (the marker parameter's form,
// ims_03_0661) or as the member's ID itself (the field's description), for
// every kind of member ID: hex project and account IDs, organization IDs
// and URNs. The emulator takes in Base64 markers only.
func TestListImageMembersMarkerReadings(t *testing.T) {
	members := emulator.GenerateMembers(testImage, 9)
	for i, id := range []string{"ou-def456", "organizations::" + testDomain + ":ou:o-abc123/ou-def456", "r-ghi789", fmt.Sprintf("%032x", 0x5a5a0000)} {
		members[i].MemberID = id
	}
	for name, raw := range map[string]bool{"base64": false, "raw": true} {
		t.Run(name, func(t *testing.T) {
			emu := newEmulator(t, members)
			emu.SetReadings(emulator.Readings{RawMemberMarker: raw})
			list, err := newTestClient(t, 0).At(emu.URL(), testProject).ListImageMembers(context.Background(), ListImageMembersInput{ImageID: testImage, PageSize: 1})
			if err != nil {
				t.Fatal(err)
			}
			if len(list.Members) != len(members) || list.Pages != len(members) {
				t.Fatalf("got %d members in %d pages, want %d in %d", len(list.Members), list.Pages, len(members), len(members))
			}
			for i := range members {
				if list.Members[i].MemberID != members[i].MemberID {
					t.Fatalf("member %d = %s, want %s", i, list.Members[i].MemberID, members[i].MemberID)
				}
			}
		})
	}
}

// TestMarkerParam: a next_marker that is the Base64 of an ID is sent as
// it is; anything else is taken for the ID and encoded, a hex ID (which
// is Base64 too, of bytes no ID has) included.
func TestMarkerParam(t *testing.T) {
	enc := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	hex := fmt.Sprintf("%032x", 0x5a5a0001)
	for in, want := range map[string]string{
		enc(hex): enc(hex), enc("ou-def456"): enc("ou-def456"), "aGVsbG8": "aGVsbG8",
		hex: enc(hex), "ou-def456": enc("ou-def456"), "370befec-a369-475e-a224-44a45927a8fe": enc("370befec-a369-475e-a224-44a45927a8fe"),
		"organizations::d1:ou:o-abc123/ou-def456": enc("organizations::d1:ou:o-abc123/ou-def456"),
	} {
		if got := markerParam(in); got != want {
			t.Errorf("markerParam(%q) = %q, want %q", in, got, want)
		}
	}
}
