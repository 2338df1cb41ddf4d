package ims

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// FuzzDecodeMembersPage: any body either decodes into a page with a members
// array of members that all have an id, or is an error; never a panic.
func FuzzDecodeMembersPage(f *testing.F) {
	f.Add([]byte(`{"members":[{"member_id":"a","status":"accepted","urn":"u"}],"schema":"/v2/schemas/members","page_info":{"next_marker":"YQ==","current_count":1}}`))
	f.Add([]byte(`{"members":[]}`))
	f.Add([]byte(`{"members":null}`))
	f.Add([]byte(`{"schema":"/v2/schemas/members","page_info":{"current_count":0}}`))
	f.Add([]byte(`<html></html>`))
	f.Add([]byte(``))
	f.Add([]byte(`{"members":[{"member_id":1}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var page MembersPage
		if err := decodeMembersPage(bytes.NewReader(body), &page); err != nil {
			return
		}
		if page.Members == nil {
			t.Fatal("decoded without a members array")
		}
		for _, m := range *page.Members {
			if m.MemberID == "" {
				t.Fatal("decoded a member without an id")
			}
		}
	})
}

// FuzzParseErrorBody: any error body yields a printable message that names
// the status; a body with no known shape is quoted, bounded in length.
func FuzzParseErrorBody(f *testing.F) {
	f.Add([]byte(`{"error":{"code":"IMG.0027","message":"not found"}}`))
	f.Add([]byte(`{"error_code":"APIGW.0301","error_msg":"bad","request_id":"r"}`))
	f.Add([]byte(`{"error":{"code":401,"title":"Unauthorized"}}`))
	f.Add([]byte("\xff\xfe<html>"))
	f.Add([]byte(``))
	f.Fuzz(func(t *testing.T, body []byte) {
		resp := &http.Response{StatusCode: 500, Status: "500 Internal Server Error", Header: http.Header{}, Request: &http.Request{Method: "GET"}}
		resp.Request.URL = mustURL("http://127.0.0.1/v1/p/cloudimages/i/members")
		e := decodeAPIError(resp, &cappedReader{r: bytes.NewReader(body), remaining: 1 << 20})
		msg := e.Error()
		if !strings.Contains(msg, "500") {
			t.Fatalf("message %q lacks the status", msg)
		}
		if len(e.Snippet) > 3*snippetLen+3 {
			t.Fatalf("snippet of %d bytes", len(e.Snippet))
		}
	})
}

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}
