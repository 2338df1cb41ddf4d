package ims

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	sdkutils "github.com/huaweicloud/huaweicloud-sdk-go-v3/core/utils"
	sdkmodel "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/ims/v2/model"
)

// These tests hold the client to the IMS reference and the official Go
// SDK (huaweicloud-sdk-go-v3, services/ims/v2), independently of the
// emulator.

// TestShareBodiesAsTheSDKSendsThem: each write's body marshals exactly as
// the official SDK (huaweicloud-sdk-go-v3, services/ims/v2) marshals its
// own request struct for it, with the SDK's own marshaller: "projects"
// always present (null when none), domains, organizations and vault_id
// only when set.
func TestShareBodiesAsTheSDKSendsThem(t *testing.T) {
	const img = "370befec-a369-475e-a224-44a45927a8fe"
	strs := func(v ...string) *[]string { return &v }
	vault := "v1"
	status := sdkmodel.GetBatchUpdateMembersRequestBodyStatusEnum()
	for _, tc := range []struct {
		name      string
		body, sdk any
	}{
		{"projects", ShareRequest{Images: []string{img}, Projects: []string{"5a5a"}},
			sdkmodel.BatchAddMembersRequestBody{Images: []string{img}, Projects: []string{"5a5a"}}},
		{"domains only", ShareRequest{Images: []string{img}, Domains: []string{"3a2d"}},
			sdkmodel.BatchAddMembersRequestBody{Images: []string{img}, Domains: strs("3a2d")}},
		{"organizations", ShareRequest{Images: []string{img}, Organizations: []string{"organizations::3a2d:organization:o-wvn"}},
			sdkmodel.BatchAddMembersRequestBody{Images: []string{img}, Organizations: strs("organizations::3a2d:organization:o-wvn")}},
		{"every kind", ShareRequest{Images: []string{img}, Projects: []string{"5a5a"}, Domains: []string{"3a2d"}, Organizations: []string{"o-1"}},
			sdkmodel.BatchAddMembersRequestBody{Images: []string{img}, Projects: []string{"5a5a"}, Domains: strs("3a2d"), Organizations: strs("o-1")}},
		{"accept", StatusRequest{Images: []string{img}, ProjectID: "5a5a", Status: "accepted"},
			sdkmodel.BatchUpdateMembersRequestBody{Images: []string{img}, ProjectId: "5a5a", Status: status.ACCEPTED}},
		{"reject", StatusRequest{Images: []string{img}, ProjectID: "5a5a", Status: "rejected"},
			sdkmodel.BatchUpdateMembersRequestBody{Images: []string{img}, ProjectId: "5a5a", Status: status.REJECTED}},
		{"accept with vault", StatusRequest{Images: []string{img}, ProjectID: "5a5a", Status: "accepted", VaultID: "v1"},
			sdkmodel.BatchUpdateMembersRequestBody{Images: []string{img}, ProjectId: "5a5a", Status: status.ACCEPTED, VaultId: &vault}},
	} {
		got, err := json.Marshal(tc.body)
		// The SDK's marshaller (a JSON encoder) ends the body with a
		// newline, which is not part of the object.
		want, werr := sdkutils.Marshal(tc.sdk)
		if err != nil || werr != nil || string(got) != strings.TrimSpace(string(want)) {
			t.Errorf("%s: %s (%v), the SDK sends %s (%v)", tc.name, got, err, want, werr)
		}
	}
}

// jobServer answers every job read with the given body.
func jobServer(t *testing.T, body string) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestWaitJobUnknownStatus: a status other than INIT, RUNNING, SUCCESS
// and FAIL ends the wait at once, showing the status and fail_reason.
func TestWaitJobUnknownStatus(t *testing.T) {
	srv := jobServer(t, `{"job_id":"j1","job_type":"imsAddImageMembersJob","status":"SUSPENDED","fail_reason":"quota check pending"}`)
	start := time.Now()
	_, err := newTestClient(t, 0).At(srv.URL, "p1").WaitJob(context.Background(), JobInput{JobID: "j1"})
	var statusErr *JobStatusError
	if !errors.As(err, &statusErr) || !strings.Contains(err.Error(), `"SUSPENDED"`) || !strings.Contains(err.Error(), "quota check pending") {
		t.Fatalf("unknown status: %v, want a *JobStatusError showing the status and the reason", err)
	}
	if d := time.Since(start); d > JobPollMin {
		t.Errorf("the wait took %s: an unknown status must end it at once", d)
	}
}

// TestWaitJobInterrupted: a cancelled wait (Ctrl-C) is told apart from a
// time limit that ran out.
func TestWaitJobInterrupted(t *testing.T) {
	srv := jobServer(t, `{"job_id":"j1","status":"RUNNING"}`)
	c := newTestClient(t, 0)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	_, err := c.At(srv.URL, "p1").WaitJob(ctx, JobInput{JobID: "j1"})
	var unfinished *JobUnfinishedError
	if !errors.As(err, &unfinished) || !unfinished.Interrupted() || !strings.Contains(err.Error(), "interrupted") {
		t.Fatalf("cancelled wait: %v, want an interrupted *JobUnfinishedError", err)
	}
	ctx, cancel = context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err = c.At(srv.URL, "p1").WaitJob(ctx, JobInput{JobID: "j1"})
	if !errors.As(err, &unfinished) || unfinished.Interrupted() || !strings.Contains(err.Error(), "time limit ran out") {
		t.Fatalf("timed-out wait: %v, want a timed-out *JobUnfinishedError", err)
	}
}

// TestWaitJobNotFound: a job that IMS does not know is a *JobReadError,
// never an image-not-found answer.
func TestWaitJobNotFound(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusNotFound)
		_, _ = io.WriteString(w, `{"error":{"code":"IMG.0027","message":"no such job"}}`)
	}))
	defer srv.Close()
	_, err := newTestClient(t, 0).At(srv.URL, "p1").WaitJob(context.Background(), JobInput{JobID: "j1"})
	var readErr *JobReadError
	if !errors.As(err, &readErr) || !readErr.NotFound() || NotFoundOf(err, "j1") != NotNotFound {
		t.Fatalf("job 404: %v, want a job-not-found *JobReadError", err)
	}
}

// TestJobFailedImages reads per-image failures out of a job's entities
// (JobEntities.results, lower-case statuses as the reference shows).
func TestJobFailedImages(t *testing.T) {
	j := &Job{Entities: json.RawMessage(`{"image_id":"a","results":[{"image_id":"a","project_id":"p","status":"success"},{"image_id":"b","project_id":"p","status":"fail"}]}`)}
	if got := j.FailedImages(); len(got) != 1 || got[0].ImageID != "b" {
		t.Errorf("failed images: %+v, want image b", got)
	}
}

// TestLongJobIDRefused: a job id of 200 kB is refused, not echoed.
func TestLongJobIDRefused(t *testing.T) {
	long := strings.Repeat("a", 200_000)
	srv := jobServer(t, fmt.Sprintf(`{"job_id":%q}`, long))
	_, err := newTestClient(t, 0).At(srv.URL, "").AddImageMembers(context.Background(), ShareRequest{Images: []string{"i"}, Projects: []string{"p"}})
	if err == nil || len(err.Error()) > 2000 {
		t.Fatalf("a 200 kB job id: error of %d bytes (%v), want a short refusal", len(fmt.Sprint(err)), err != nil)
	}
	if _, err := newTestClient(t, 0).At(srv.URL, "p").GetJob(context.Background(), JobInput{JobID: long}); err == nil || len(err.Error()) > 2000 {
		t.Errorf("GetJob of a 200 kB id: want a short refusal")
	}
}

// TestListImagesPagesUntilEmpty: a server that caps its pages below the
// limit is paged until an empty page, with the documented queries.
func TestListImagesPagesUntilEmpty(t *testing.T) {
	var pages atomic.Int64
	var queries []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		pages.Add(1)
		queries = append(queries, r.URL.RawQuery)
		ids := map[string]string{"": `[{"id":"a"},{"id":"b"}]`, "b": `[{"id":"c"}]`, "c": `[]`}[r.URL.Query().Get("marker")]
		_, _ = io.WriteString(w, `{"images":`+ids+`}`)
	}))
	defer srv.Close()
	var got []string
	err := newTestClient(t, 0).At(srv.URL, "p1").ListImages(context.Background(), ListImagesInput{ImageType: "shared",
		Owner: "p1", EnterpriseProjectID: "all_granted_eps"}, func(images []Image) error {
		for _, img := range images {
			got = append(got, img.ID)
		}
		return nil
	})
	if err != nil || strings.Join(got, ",") != "a,b,c" || pages.Load() != 3 {
		t.Fatalf("images %v in %d pages (%v), want a,b,c in 3", got, pages.Load(), err)
	}
	if q := queries[0]; q != "__imagetype=shared&enterprise_project_id=all_granted_eps&limit=500&owner=p1" {
		t.Errorf("first query %q", q)
	}
}

// TestNotFoundOf: only IMS's own image-not-found answer on the image's own
// path means gone; a gateway 404, another path or another image does not.
func TestNotFoundOf(t *testing.T) {
	const img = "370befec-a369-475e-a224-44a45927a8fe"
	own := "/v1/p/cloudimages/" + img + "/members"
	for _, tc := range []struct {
		err  error
		want NotFound
	}{
		{&APIError{Path: own, StatusCode: 404, Code: "IMG.0027"}, ImageGone},
		{&APIError{Path: own + "/m", StatusCode: 400, Code: "IMG.0027"}, ImageGone},
		{&APIError{Path: own, StatusCode: 404}, Unconfirmed},
		{&APIError{Path: "/v1" + own, StatusCode: 404, Code: "APIGW.0101"}, NotNotFound},
		{&APIError{Path: "/v1/p/jobs/j", StatusCode: 404, Code: "IMG.0027"}, NotNotFound},
		{&APIError{Path: "/v1/cloudimages/members", StatusCode: 400, Code: "IMG.0027"}, NotNotFound},
		{&APIError{Path: own, StatusCode: 500, Code: "IMG.0027"}, NotNotFound},
		{errors.New("other"), NotNotFound},
	} {
		if got := NotFoundOf(tc.err, img); got != tc.want {
			t.Errorf("%v: %d, want %d", tc.err, got, tc.want)
		}
	}
}
