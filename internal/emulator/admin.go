package emulator

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The admin API, under /_emulator/ on the emulator's own address: what a
// module's tests change between their runs (faults, job timing, the
// world) and what they read back (the requests served). It is
// authenticated by a bearer token the emulator makes at New
// (AdminToken); a request without it, or with another, is answered 401
// and is neither counted nor recorded. Like the emulator it answers only
// loopback callers.
//
//	GET    /_emulator/requests?since=N   the requests served after N
//	POST   /_emulator/faults             {"operation", "fault", "times", "image_id"}
//	DELETE /_emulator/faults             ends every fault the admin API set
//	PUT    /_emulator/jobs               {"mode": "auto", "delay": "2s"} or {"mode": "manual"}
//	POST   /_emulator/jobs/{job_id}      {"status": "SUCCESS"|"FAIL", "fail_reason": "..."}
//	GET    /_emulator/state              the world in the fixtures format
//	PUT    /_emulator/state              replaces it
//	POST   /_emulator/reset              back to the world at start

// AdminPrefix is the path under which the admin API is served.
const AdminPrefix = "/_emulator/"

// Operations are the names the admin API's faults (and the requests
// log) give the emulator's calls.
var Operations = []string{"members", "add", "remove", "update", "job", "images", "iam"}

// operations names each route's call.
var operations = map[string]string{
	"GET /v3/projects":     "iam",
	"GET /v3/auth/domains": "iam",
	"POST /v3/auth/tokens": "iam",
	"GET /v1/{project_id}/cloudimages/{image_id}/members":             "members",
	"GET /v1/{project_id}/cloudimages/{image_id}/members/{member_id}": "members",
	"GET /v1/{project_id}/jobs/{job_id}":                              "job",
	"GET /v2/cloudimages":                                             "images",
	"POST /v1/cloudimages/members":                                    "add",
	"DELETE /v1/cloudimages/members":                                  "remove",
	"PUT /v1/cloudimages/members":                                     "update",
}

func operationOf(pattern string) string { return operations[pattern] }

func newAdminToken() string {
	var b [24]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// AdminToken is the bearer token of the admin API.
func (s *Server) AdminToken() string { return s.adminToken }

// AdminURL is the admin API's base URL, ending in /_emulator.
func (s *Server) AdminURL() string { return s.URL() + strings.TrimSuffix(AdminPrefix, "/") }

// adminFault is one fault the admin API set.
type adminFault struct {
	Operation string    `json:"operation"`
	Kind      FaultKind `json:"-"`
	Fault     string    `json:"fault"`
	// Times left; 0 answers every matching request until cleared.
	Times   int    `json:"times,omitempty"`
	ImageID string `json:"image_id,omitempty"`
}

// AddFault makes the next times requests of an operation (every one when
// times is 0) answer with kind; imageID, when given, limits it to
// requests about that image (its members path, a write's images, a job's
// images, an image list filtered by id).
func (s *Server) AddFault(operation string, kind FaultKind, times int, imageID string) error {
	if !slices.Contains(Operations, operation) {
		return fmt.Errorf("operation %q: use one of %v", operation, Operations)
	}
	if times < 0 {
		return errors.New("times must not be negative")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.adminFaults = append(s.adminFaults, adminFault{Operation: operation, Kind: kind, Fault: kind.String(), Times: times, ImageID: imageID})
	return nil
}

// ClearAdminFaults ends every fault AddFault set.
func (s *Server) ClearAdminFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.adminFaults = nil
}

// adminFaultDue is the kind of the first AddFault fault that matches a
// request, counting it down; false when none does.
func (s *Server) adminFaultDue(r request) (FaultKind, bool) {
	op := operationOf(r.Pattern)
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.adminFaults) == 0 || op == "" {
		return 0, false
	}
	images := s.requestImages(r, op)
	for i := range s.adminFaults {
		f := &s.adminFaults[i]
		if f.Operation != op || (f.ImageID != "" && !slices.Contains(images, f.ImageID)) {
			continue
		}
		kind := f.Kind
		if f.Times > 0 {
			f.Times--
			if f.Times == 0 {
				s.adminFaults = slices.Delete(s.adminFaults, i, i+1)
			}
		}
		return kind, true
	}
	return 0, false
}

// requestImages are the images a request is about; s.mu is held.
func (s *Server) requestImages(r request, op string) []string {
	switch op {
	case "members":
		return []string{r.PathValue("image_id")}
	case "add", "remove", "update":
		var body struct {
			Images []string `json:"images"`
		}
		_ = json.Unmarshal(r.body, &body)
		return body.Images
	case "job":
		if j, ok := s.jobs[r.PathValue("job_id")]; ok {
			return j.images
		}
	case "images":
		return []string{r.URL.Query().Get("id")}
	}
	return nil
}

// SetManualJobs makes later jobs run until EndJob ends them (true), or
// end after the job delay (false).
func (s *Server) SetManualJobs(manual bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.manualJobs = manual
}

// EndJob ends a manual job: with success its change is made, else it
// fails with reason and changes nothing.
func (s *Server) EndJob(jobID string, success bool, reason string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	j, ok := s.jobs[jobID]
	switch {
	case !ok:
		return fmt.Errorf("no job %q", jobID)
	case !j.manual:
		return fmt.Errorf("job %s is not waiting to be ended: it ended, or it runs by its delay", jobID)
	}
	j.manual = false
	j.delay = max(s.Now().Sub(j.begin), time.Nanosecond)
	if success {
		j.apply()
		j.applied = true
		return nil
	}
	if reason == "" {
		reason = "The job failed"
	}
	j.failure = &jobFailure{code: "IMG.0010", reason: reason}
	return nil
}

// serveAdmin serves the admin API; it is not counted among the requests,
// nor recorded.
func (s *Server) serveAdmin(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	fail := func(status int, msg string) {
		writeJSON(w, status, map[string]string{"error": msg})
	}
	if host, _, err := net.SplitHostPort(r.RemoteAddr); err != nil || !net.ParseIP(host).IsLoopback() {
		fail(http.StatusForbidden, "the admin API answers loopback callers only")
		return
	}
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || subtle.ConstantTimeCompare([]byte(tok), []byte(s.adminToken)) != 1 {
		w.Header().Set("WWW-Authenticate", `Bearer realm="ims-emulator"`)
		fail(http.StatusUnauthorized, "the admin API needs Authorization: Bearer and the token of IMS_EMULATOR_ADMIN_TOKEN")
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxFixtureBytes))
	if err != nil {
		fail(http.StatusBadRequest, "cannot read the body")
		return
	}
	decode := func(v any) bool {
		dec := json.NewDecoder(strings.NewReader(string(body)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(v); err != nil {
			fail(http.StatusBadRequest, "invalid body: "+err.Error())
			return false
		}
		return true
	}
	path := strings.TrimPrefix(r.URL.Path, AdminPrefix)
	switch route := r.Method + " " + path; {
	case route == "GET requests":
		since := int64(0)
		if v := r.URL.Query().Get("since"); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 0 {
				fail(http.StatusBadRequest, "since must be a request's seq")
				return
			}
			since = n
		}
		writeJSON(w, http.StatusOK, map[string][]RequestRecord{"requests": s.RequestLog(since)})
	case route == "POST faults":
		var in struct {
			Operation string `json:"operation"`
			Fault     string `json:"fault"`
			Times     int    `json:"times"`
			ImageID   string `json:"image_id"`
		}
		if !decode(&in) {
			return
		}
		kind, ok := ParseFault(in.Fault)
		if !ok {
			fail(http.StatusBadRequest, fmt.Sprintf("fault %q: use one of %v", in.Fault, faultNames()))
			return
		}
		if err := s.AddFault(in.Operation, kind, in.Times, in.ImageID); err != nil {
			fail(http.StatusBadRequest, err.Error())
			return
		}
		writeJSON(w, http.StatusCreated, s.adminFaultList())
	case route == "GET faults":
		writeJSON(w, http.StatusOK, s.adminFaultList())
	case route == "DELETE faults":
		s.ClearAdminFaults()
		w.WriteHeader(http.StatusNoContent)
	case route == "PUT jobs":
		var in struct {
			Mode  string `json:"mode"`
			Delay string `json:"delay"`
		}
		if !decode(&in) {
			return
		}
		switch in.Mode {
		case "auto":
			d := time.Duration(0)
			if in.Delay != "" {
				if d, err = time.ParseDuration(in.Delay); err != nil || d < 0 {
					fail(http.StatusBadRequest, "delay must be a duration such as 2s")
					return
				}
			}
			s.SetManualJobs(false)
			s.SetJobDelay(d)
		case "manual":
			if in.Delay != "" {
				fail(http.StatusBadRequest, "a manual job has no delay")
				return
			}
			s.SetManualJobs(true)
		default:
			fail(http.StatusBadRequest, `mode must be "auto" or "manual"`)
			return
		}
		writeJSON(w, http.StatusOK, in)
	case r.Method == http.MethodPost && strings.HasPrefix(path, "jobs/") && !strings.Contains(path[len("jobs/"):], "/"):
		var in struct {
			Status     string `json:"status"`
			FailReason string `json:"fail_reason"`
		}
		if !decode(&in) {
			return
		}
		if in.Status != "SUCCESS" && in.Status != "FAIL" {
			fail(http.StatusBadRequest, `status must be "SUCCESS" or "FAIL"`)
			return
		}
		if err := s.EndJob(path[len("jobs/"):], in.Status == "SUCCESS", in.FailReason); err != nil {
			fail(http.StatusConflict, err.Error())
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"job_id": path[len("jobs/"):], "status": in.Status})
	case route == "GET state":
		writeJSON(w, http.StatusOK, s.State())
	case route == "PUT state":
		var f FixtureFile
		if !decode(&f) {
			return
		}
		if err := s.SetState(f); err != nil {
			fail(http.StatusBadRequest, err.Error())
			return
		}
		writeJSON(w, http.StatusOK, s.State())
	case route == "POST reset":
		if err := s.Reset(); err != nil {
			fail(http.StatusConflict, err.Error())
			return
		}
		writeJSON(w, http.StatusOK, s.State())
	default:
		fail(http.StatusNotFound, "no such admin call: "+r.Method+" "+r.URL.Path)
	}
}

func (s *Server) adminFaultList() map[string][]adminFault {
	s.mu.Lock()
	defer s.mu.Unlock()
	return map[string][]adminFault{"faults": append([]adminFault{}, s.adminFaults...)}
}

func faultNames() []string {
	var out []string
	for _, k := range append(slices.Clone(AllFaults), FaultEcho, FaultHostileMessage, FaultNotFound, FaultForbidden, FaultBare404) {
		out = append(out, k.String())
	}
	return out
}
