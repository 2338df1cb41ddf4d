package emulator

import (
	"net/http"
	"time"
)

// maxJobIDLen bounds a job id in a path: a longer one is refused without
// being echoed back.
const maxJobIDLen = 64

// serveJob is GET /v1/{project_id}/jobs/{job_id} (ShowJob): INIT for the
// first third of the job's delay, RUNNING until its end, then SUCCESS or
// FAIL.
func (s *Server) serveJob(w http.ResponseWriter, r request) {
	projectID, jobID, who, reqID := r.PathValue("project_id"), r.PathValue("job_id"), r.who, r.reqID
	if len(jobID) > maxJobIDLen {
		writeIMSError(w, http.StatusBadRequest, "IMG.0001", "Invalid job_id: longer than 64 characters")
		return
	}
	s.mu.Lock()
	live, ok := s.jobs[jobID]
	p := s.projectByID(projectID)
	// A copy: the admin API may end a manual job meanwhile.
	var j job
	if ok {
		j = *live
	}
	applied := ok && j.applied
	s.mu.Unlock()
	if p == nil || p.DomainID != who.domainID {
		writeGatewayError(w, http.StatusForbidden, "APIGW.0302", "The IAM user is not authorized to access project "+projectID, reqID)
		return
	}
	if !ok || j.project != projectID {
		// The image-not-found code on a job's path: a client that takes
		// any IMG.0027 for "the image is gone" is caught by it. A job of
		// another project is not found in this one.
		writeIMSError(w, http.StatusNotFound, "IMG.0027", "The job "+jobID+" does not exist")
		return
	}
	elapsed := s.Now().Sub(j.begin)
	out := map[string]any{"job_id": j.id, "job_type": j.jobType, "begin_time": j.begin.UTC().Format(time.RFC3339)}
	// JobEntities as the SDK models it: per-image results for add and
	// update jobs (lower-case statuses, as the reference's examples show),
	// an empty list for delete jobs.
	entities := map[string]any{}
	if len(j.images) > 0 {
		entities["image_id"] = j.images[0]
	}
	results := func(status string) []map[string]string {
		out := []map[string]string{}
		if j.jobType == jobTypes[http.MethodDelete] && status == "success" {
			return out
		}
		for _, img := range j.images {
			out = append(out, map[string]string{"image_id": img, "project_id": j.project, "status": status})
		}
		return out
	}
	switch {
	case j.manual:
		out["status"] = "RUNNING"
	case elapsed < j.delay/3:
		out["status"] = "INIT"
	case elapsed < j.delay || (j.failure == nil && !applied):
		out["status"] = "RUNNING"
	case j.failure != nil:
		out["status"] = "FAIL"
		out["error_code"] = j.failure.code
		out["fail_reason"] = j.failure.reason
		out["end_time"] = j.begin.Add(j.delay).UTC().Format(time.RFC3339)
		entities["results"] = results("fail")
	default:
		out["status"] = "SUCCESS"
		out["end_time"] = j.begin.Add(j.delay).UTC().Format(time.RFC3339)
		if j.partial {
			entities["results"] = results("fail")
		} else {
			entities["results"] = results("success")
		}
	}
	out["entities"] = entities
	writeJSON(w, http.StatusOK, out)
}

// OverlappingJobs is the most jobs that ran at one time (from each job's
// start to its end), for tests that check writes run in parallel.
func (s *Server) OverlappingJobs() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	most := 0
	for _, a := range s.jobs {
		n := 0
		for _, b := range s.jobs {
			if !b.begin.After(a.begin) && b.begin.Add(b.delay).After(a.begin) {
				n++
			}
		}
		most = max(most, n)
	}
	return most
}
