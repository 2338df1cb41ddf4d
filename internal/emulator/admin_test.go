package emulator

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// admin calls the admin API with the emulator's token.
func admin(t *testing.T, emu *Server, method, path, body string) (int, []byte) {
	t.Helper()
	return adminAs(t, emu, "Bearer "+emu.AdminToken(), method, path, body)
}

func adminAs(t *testing.T, emu *Server, authorization, method, path, body string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, emu.AdminURL()+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
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
	return resp.StatusCode, b
}

// membersAs lists the demo image's members with the official provider's
// request shape.
func membersAs(t *testing.T, emu *Server, imageID string) int {
	t.Helper()
	resp, _ := officialRequest{method: http.MethodGet, url: emu.URL() + "/v1/" + DemoProjectID + "/cloudimages/" + imageID + "/members",
		ak: DemoTempAccessKey, sk: DemoTempSecretKey, token: DemoSecurityToken}.send(t)
	return resp.StatusCode
}

// TestAdminRefusesWithoutToken: a missing or wrong token is answered 401,
// and the request is neither counted nor recorded.
func TestAdminRefusesWithoutToken(t *testing.T) {
	emu := startDemo(t)
	for _, auth := range []string{"", "Bearer ", "Bearer wrong", "Basic " + emu.AdminToken(), emu.AdminToken(), "Bearer " + emu.AdminToken() + "x"} {
		for _, call := range [][2]string{{"GET", "/requests"}, {"POST", "/faults"}, {"DELETE", "/faults"}, {"PUT", "/jobs"}, {"POST", "/jobs/x"},
			{"GET", "/state"}, {"PUT", "/state"}, {"POST", "/reset"}, {"GET", "/nowhere"}} {
			if status, _ := adminAs(t, emu, auth, call[0], call[1], `{}`); status != http.StatusUnauthorized {
				t.Errorf("%s %s with %q: HTTP %d, want 401", call[0], call[1], auth, status)
			}
		}
	}
	if n := emu.Requests(); n != 0 {
		t.Errorf("refused admin calls counted: %d requests", n)
	}
	if got := emu.RequestLog(0); len(got) != 0 {
		t.Errorf("refused admin calls recorded: %+v", got)
	}
	if status, _ := admin(t, emu, "GET", "/nowhere", ""); status != http.StatusNotFound {
		t.Errorf("an unknown admin call: HTTP %d, want 404", status)
	}
}

// TestAdminRequests: every request served is listed in order, with its
// status, code, request id and access key, and never a secret; since
// pages on; -record's writer gets the same as JSON lines.
func TestAdminRequests(t *testing.T) {
	emu := startDemo(t)
	var recorded bytes.Buffer
	emu.RecordTo(&recorded)
	if got := membersAs(t, emu, DemoImageID); got != http.StatusOK {
		t.Fatalf("members: HTTP %d", got)
	}
	_, _ = officialRequest{method: http.MethodGet, url: emu.URL() + "/v1/" + DemoProjectID + "/cloudimages/" + DemoImageID + "/members?limit=1&x-auth-token=leak",
		ak: DemoTempAccessKey, sk: DemoTempSecretKey, token: "wrong-token"}.send(t)
	_, _ = officialRequest{method: http.MethodPost, url: emu.IAMURL() + "/auth/tokens",
		body: `{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"` + DemoUserName + `","password":"` + DemoPassword + `","domain":{"name":"` + DemoDomainName + `"}}}}}}`}.send(t)
	_, _ = officialRequest{method: http.MethodGet, url: emu.IAMURL() + "/auth/domains", authToken: DemoIAMToken}.send(t)

	status, body := admin(t, emu, "GET", "/requests", "")
	var got struct {
		Requests []RequestRecord `json:"requests"`
	}
	if err := json.Unmarshal(body, &got); err != nil || status != http.StatusOK {
		t.Fatalf("HTTP %d: %s", status, body)
	}
	if len(got.Requests) != 4 {
		t.Fatalf("%d requests, want 4: %s", len(got.Requests), body)
	}
	first, second := got.Requests[0], got.Requests[1]
	if first.Seq != 1 || first.Method != "GET" || first.Operation != "members" || first.Status != 200 || first.AccessKeyID != DemoTempAccessKey || first.RequestID == "" {
		t.Errorf("first: %+v", first)
	}
	if second.Status != 401 || second.Code != "APIGW.0301" || !strings.Contains(second.Query, "limit=1") {
		t.Errorf("second: %+v", second)
	}
	if got.Requests[2].Operation != "iam" || got.Requests[2].Status != http.StatusCreated {
		t.Errorf("third: %+v", got.Requests[2])
	}
	for _, secret := range []string{DemoTempSecretKey, DemoSecurityToken, "wrong-token", "leak", DemoPassword, DemoIAMToken, "Signature", "signature="} {
		if strings.Contains(string(body), secret) || strings.Contains(recorded.String(), secret) {
			t.Errorf("the requests log holds %q:\n%s", secret, body)
		}
	}
	_, body = admin(t, emu, "GET", "/requests?since=3", "")
	if err := json.Unmarshal(body, &got); err != nil || len(got.Requests) != 1 || got.Requests[0].Seq != 4 {
		t.Errorf("since=3: %s", body)
	}
	lines := strings.Split(strings.TrimSpace(recorded.String()), "\n")
	if len(lines) != 4 {
		t.Fatalf("recorded %d lines, want 4:\n%s", len(lines), recorded.String())
	}
	var rec RequestRecord
	if err := json.Unmarshal([]byte(lines[0]), &rec); err != nil || rec.Seq != 1 || rec.Status != 200 {
		t.Errorf("first recorded line %s: %v", lines[0], err)
	}
	if status, _ := admin(t, emu, "GET", "/requests?since=x", ""); status != http.StatusBadRequest {
		t.Errorf("since=x: HTTP %d, want 400", status)
	}
}

// TestAdminFaults: a fault set for an operation (and an image) answers
// that many requests, then stops; DELETE ends them all.
func TestAdminFaults(t *testing.T) {
	emu := startDemo(t)
	status, body := admin(t, emu, "POST", "/faults", `{"operation": "members", "fault": "503", "times": 2, "image_id": "`+DemoGoldenImageID+`"}`)
	if status != http.StatusCreated {
		t.Fatalf("HTTP %d: %s", status, body)
	}
	if got := membersAs(t, emu, DemoImageID); got != http.StatusOK {
		t.Errorf("another image: HTTP %d, want 200", got)
	}
	for i, want := range []int{503, 503, 200} {
		if got := membersAs(t, emu, DemoGoldenImageID); got != want {
			t.Errorf("request %d: HTTP %d, want %d", i+1, got, want)
		}
	}
	if status, _ := admin(t, emu, "POST", "/faults", `{"operation": "iam", "fault": "ims-500"}`); status != http.StatusCreated {
		t.Fatalf("iam fault: HTTP %d", status)
	}
	for range 2 {
		resp, _ := officialRequest{method: http.MethodGet, url: emu.IAMURL() + "/auth/domains", authToken: DemoIAMToken}.send(t)
		if resp.StatusCode != http.StatusInternalServerError {
			t.Errorf("iam with times 0: HTTP %d, want 500 every time", resp.StatusCode)
		}
	}
	if status, _ := admin(t, emu, "DELETE", "/faults", ""); status != http.StatusNoContent {
		t.Errorf("DELETE: HTTP %d", status)
	}
	resp, _ := officialRequest{method: http.MethodGet, url: emu.IAMURL() + "/auth/domains", authToken: DemoIAMToken}.send(t)
	if resp.StatusCode != http.StatusOK {
		t.Errorf("after DELETE: HTTP %d, want 200", resp.StatusCode)
	}
	for _, bad := range []string{`{"operation": "everything", "fault": "503"}`, `{"operation": "add", "fault": "teapot"}`,
		`{"operation": "add", "fault": "503", "times": -1}`, `{"operation": "add", "fault": "503", "extra": 1}`} {
		if status, _ := admin(t, emu, "POST", "/faults", bad); status != http.StatusBadRequest {
			t.Errorf("%s: HTTP %d, want 400", bad, status)
		}
	}
}

// share adds a project member to the share image, as the official
// provider does, and returns the job id.
func share(t *testing.T, emu *Server, member string) string {
	t.Helper()
	resp, b := officialRequest{method: http.MethodPost, url: emu.URL() + "/v1/cloudimages/members", ak: DemoAccessKey, sk: DemoSecretKey,
		projectID: DemoProjectID, body: `{"images": ["` + DemoShareImageID + `"], "projects": ["` + member + `"]}`}.send(t)
	var out struct {
		JobID string `json:"job_id"`
	}
	if err := json.Unmarshal(b, &out); err != nil || resp.StatusCode != http.StatusOK || out.JobID == "" {
		t.Fatalf("share: HTTP %d: %s", resp.StatusCode, b)
	}
	return out.JobID
}

func jobStatus(t *testing.T, emu *Server, jobID string) string {
	t.Helper()
	_, b := officialRequest{method: http.MethodGet, url: emu.URL() + "/v1/" + DemoProjectID + "/jobs/" + jobID, ak: DemoAccessKey, sk: DemoSecretKey}.send(t)
	var out struct {
		Status     string `json:"status"`
		FailReason string `json:"fail_reason"`
	}
	_ = json.Unmarshal(b, &out)
	return out.Status + " " + out.FailReason
}

// TestAdminJobs: in manual mode a job runs until the admin API ends it,
// with SUCCESS (its change made) or FAIL (nothing changed); auto mode
// with a delay goes back to timed jobs.
func TestAdminJobs(t *testing.T) {
	emu := startDemo(t)
	if status, b := admin(t, emu, "PUT", "/jobs", `{"mode": "manual"}`); status != http.StatusOK {
		t.Fatalf("manual: HTTP %d: %s", status, b)
	}
	ok, bad := share(t, emu, DemoAllowedProjects[0]), share(t, emu, DemoAllowedProjects[1])
	if got := jobStatus(t, emu, ok); got != "RUNNING " {
		t.Errorf("a manual job: %q, want RUNNING", got)
	}
	if len(emu.Members(DemoProjectID, DemoShareImageID)) != 0 {
		t.Error("a manual job made its change before it ended")
	}
	if status, b := admin(t, emu, "POST", "/jobs/"+ok, `{"status": "SUCCESS"}`); status != http.StatusOK {
		t.Fatalf("SUCCESS: HTTP %d: %s", status, b)
	}
	if status, b := admin(t, emu, "POST", "/jobs/"+bad, `{"status": "FAIL", "fail_reason": "quota"}`); status != http.StatusOK {
		t.Fatalf("FAIL: HTTP %d: %s", status, b)
	}
	if got := jobStatus(t, emu, ok); got != "SUCCESS " {
		t.Errorf("ended with SUCCESS: %q", got)
	}
	if got := jobStatus(t, emu, bad); got != "FAIL quota" {
		t.Errorf("ended with FAIL: %q", got)
	}
	if ms := emu.Members(DemoProjectID, DemoShareImageID); len(ms) != 1 || ms[0].MemberID != DemoAllowedProjects[0] {
		t.Errorf("members after the two jobs: %+v", ms)
	}
	if status, _ := admin(t, emu, "POST", "/jobs/"+ok, `{"status": "SUCCESS"}`); status != http.StatusConflict {
		t.Errorf("ending a job twice: HTTP %d, want 409", status)
	}
	if status, _ := admin(t, emu, "POST", "/jobs/"+ok, `{"status": "DONE"}`); status != http.StatusBadRequest {
		t.Errorf("status DONE: HTTP %d, want 400", status)
	}
	if status, b := admin(t, emu, "PUT", "/jobs", `{"mode": "auto", "delay": "1h"}`); status != http.StatusOK {
		t.Fatalf("auto: HTTP %d: %s", status, b)
	}
	if got := jobStatus(t, emu, share(t, emu, DemoAllowedProjects[1])); got != "INIT " {
		t.Errorf("an auto job with a delay of 1h: %q, want INIT", got)
	}
	for _, badMode := range []string{`{"mode": "auto", "delay": "soon"}`, `{"mode": "later"}`, `{"mode": "manual", "delay": "1s"}`} {
		if status, _ := admin(t, emu, "PUT", "/jobs", badMode); status != http.StatusBadRequest {
			t.Errorf("%s: HTTP %d, want 400", badMode, status)
		}
	}
}

// TestAdminState: GET returns the world in the fixtures format, PUT
// replaces it, reset goes back to the world at start.
func TestAdminState(t *testing.T) {
	emu := startDemo(t)
	status, body := admin(t, emu, "GET", "/state", "")
	var f FixtureFile
	if err := json.Unmarshal(body, &f); err != nil || status != http.StatusOK {
		t.Fatalf("GET: HTTP %d: %v", status, err)
	}
	var offered *FixtureImage
	for i := range f.Images {
		if f.Images[i].ID == DemoOfferedImageID {
			offered = &f.Images[i]
		}
	}
	if offered == nil || len(offered.Members) != 1 || offered.Members[0].Status != "pending" || offered.Members[0].CreatedAt == "" {
		t.Fatalf("the offered image in the state: %+v", offered)
	}
	offered.Members[0].Status = "accepted"
	b, _ := json.Marshal(f)
	if status, body := admin(t, emu, "PUT", "/state", string(b)); status != http.StatusOK {
		t.Fatalf("PUT: HTTP %d: %s", status, body)
	}
	if got := emu.Members(DemoProjectID, DemoOfferedImageID)[0].Status; got != "accepted" {
		t.Errorf("after PUT: %s, want accepted", got)
	}
	if status, _ := admin(t, emu, "PUT", "/state", `{"accounts": [{"domain_id": "d"}]}`); status != http.StatusBadRequest {
		t.Errorf("PUT of an invalid world: HTTP %d, want 400", status)
	}
	if status, _ := admin(t, emu, "POST", "/reset", ""); status != http.StatusOK {
		t.Errorf("reset: HTTP %d", status)
	}
	if got := emu.Members(DemoProjectID, DemoOfferedImageID)[0].Status; got != "pending" {
		t.Errorf("after reset: %s, want pending", got)
	}
}
