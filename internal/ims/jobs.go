package ims

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"time"
)

// Job is an asynchronous IMS job (GET /v1/{project_id}/jobs/{job_id}).
type Job struct {
	JobID      string          `json:"job_id"`
	Status     string          `json:"status"`
	JobType    string          `json:"job_type"`
	BeginTime  string          `json:"begin_time"`
	EndTime    string          `json:"end_time"`
	ErrorCode  string          `json:"error_code"`
	FailReason string          `json:"fail_reason"`
	Entities   json.RawMessage `json:"entities,omitempty"`
}

// JobEntities is what a job says of its work (the SDK's JobEntities, the
// parts that sharing jobs fill).
type JobEntities struct {
	ImageID string            `json:"image_id,omitempty"`
	Results []JobEntityResult `json:"results,omitempty"`
}

// JobEntityResult is one image's outcome in a sharing job.
type JobEntityResult struct {
	ImageID   string `json:"image_id"`
	ProjectID string `json:"project_id"`
	Status    string `json:"status"`
}

// FailedImages lists the per-image results that did not succeed; a job
// can report SUCCESS with some of these.
func (j *Job) FailedImages() []JobEntityResult {
	var e JobEntities
	if len(j.Entities) == 0 || json.Unmarshal(j.Entities, &e) != nil {
		return nil
	}
	var out []JobEntityResult
	for _, r := range e.Results {
		if !strings.EqualFold(r.Status, "success") {
			r.ImageID, r.ProjectID, r.Status = oneLine(r.ImageID, maxIDLen), oneLine(r.ProjectID, maxIDLen), oneLine(r.Status, 64)
			out = append(out, r)
		}
	}
	return out
}

// Job statuses.
const (
	JobInit    = "INIT"
	JobRunning = "RUNNING"
	JobSuccess = "SUCCESS"
	JobFail    = "FAIL"
)

// JobInput names a job and where to read it.
type JobInput struct {
	JobID string
	// OnStatus, when set, is called by WaitJob with the status of each
	// poll that reads the job (INIT, RUNNING, ...), so that a caller can
	// report progress while the job runs.
	OnStatus func(status string)
}

// GetJob reads a job once.
func (p *Bound) GetJob(ctx context.Context, in JobInput) (*Job, error) {
	endpoint, projectID, jobID := p.endpoint, p.projectID, in.JobID
	if !plainID(projectID) || !plainID(jobID) {
		return nil, fmt.Errorf("ims: project id %q and job id %q must be plain ids of at most %d characters", snippet([]byte(projectID)), snippet([]byte(jobID)), maxIDLen)
	}
	u, err := parseEndpoint(endpoint)
	if err != nil {
		return nil, err
	}
	u = joinPath(u, "v1", projectID, "jobs", jobID)
	var job Job
	err = p.c.getJSON(ctx, u, func(r io.Reader) error {
		if err := json.NewDecoder(r).Decode(&job); err != nil {
			return err
		}
		if job.Status == "" {
			return errors.New(`no "status" in the job`)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &job, nil
}

// Job polling bounds: the first wait and the longest.
const (
	JobPollMin = 500 * time.Millisecond
	JobPollMax = 5 * time.Second
)

// JobError is a job that ended in FAIL.
type JobError struct {
	Job *Job
}

func (e *JobError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "IMS job %s (%s) failed", e.Job.JobID, e.Job.JobType)
	if e.Job.ErrorCode != "" {
		fmt.Fprintf(&b, " with error %s", oneLine(e.Job.ErrorCode, 128))
	}
	if e.Job.FailReason != "" {
		fmt.Fprintf(&b, ": %s", oneLine(e.Job.FailReason, 1024))
	}
	if len(e.Job.Entities) > 0 && string(e.Job.Entities) != "null" && string(e.Job.Entities) != "{}" {
		fmt.Fprintf(&b, "; per-image results: %s", oneLine(string(e.Job.Entities), 1024))
	}
	return b.String()
}

// JobUnfinishedError is a job still going when the wait ended: the
// caller's time ran out, or the caller was interrupted (Ctrl-C).
type JobUnfinishedError struct {
	JobID  string
	Status string
	Err    error
	// LastPoll is the error of the last poll when polls were failing in a
	// retryable way (throttled, unavailable, no connection) at the end.
	LastPoll error
}

// Interrupted reports a wait that was cancelled rather than timed out.
func (e *JobUnfinishedError) Interrupted() bool { return errors.Is(e.Err, context.Canceled) }

func (e *JobUnfinishedError) Error() string {
	var msg string
	if e.Interrupted() {
		msg = fmt.Sprintf("the wait for IMS job %s (last seen %s) was interrupted; IMS may still complete the job", e.JobID, e.Status)
	} else {
		msg = fmt.Sprintf("IMS job %s was last seen %s when the time limit ran out; it may still complete", e.JobID, e.Status)
	}
	if e.LastPoll != nil {
		msg += "; the polls of the job were failing at the end, the last with: " + e.LastPoll.Error()
	}
	return msg
}

func (e *JobUnfinishedError) Unwrap() error { return e.Err }

// JobStatusError is a job that reports a status other than INIT, RUNNING,
// SUCCESS and FAIL: waiting on could only run into the time limit.
type JobStatusError struct {
	Job *Job
}

func (e *JobStatusError) Error() string {
	msg := fmt.Sprintf("IMS job %s (%s) reports status %q, which is none of %s, %s, %s and %s", e.Job.JobID, oneLine(e.Job.JobType, 128),
		oneLine(e.Job.Status, 64), JobInit, JobRunning, JobSuccess, JobFail)
	if e.Job.ErrorCode != "" {
		msg += ", error " + oneLine(e.Job.ErrorCode, 128)
	}
	if e.Job.FailReason != "" {
		msg += ", fail_reason: " + oneLine(e.Job.FailReason, 1024)
	}
	return msg
}

// JobReadError is a job that could not be read: what the job did is not
// known, so the caller reads the image back before deciding anything.
type JobReadError struct {
	JobID string
	Err   error
}

func (e *JobReadError) Error() string {
	if e.NotFound() {
		return fmt.Sprintf("IMS does not know job %s (job not found): %v", e.JobID, e.Err)
	}
	return fmt.Sprintf("reading IMS job %s: %v", e.JobID, e.Err)
}

func (e *JobReadError) Unwrap() error { return e.Err }

// NotFound reports a job that IMS says does not exist.
func (e *JobReadError) NotFound() bool {
	var apiErr *APIError
	return errors.As(e.Err, &apiErr) && apiErr.StatusCode == http.StatusNotFound
}

// retryablePoll reports a failed poll of a job worth polling again: the
// answer was throttled (429) or a server error (5xx), or there was no
// answer at all (after the request's own retries).
func retryablePoll(err error) bool {
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return apiErr.StatusCode == http.StatusTooManyRequests || apiErr.StatusCode >= 500
	}
	var reqErr *RequestError
	return errors.As(err, &reqErr) && !reqErr.TLS()
}

// WaitJob polls a job until it ends, with a backoff from JobPollMin up to
// JobPollMax (jittered), bounded by ctx. It returns the finished job, a
// *JobError for FAIL, a *JobStatusError for a status it does not know, a
// *JobUnfinishedError when ctx ends first (timed out or interrupted), or a
// *JobReadError when the job cannot be read for a reason that polling
// again would not change (each read is itself retried as any GET is; a
// throttled, unavailable or unreachable job is polled again until ctx
// ends).
func (p *Bound) WaitJob(ctx context.Context, in JobInput) (*Job, error) {
	jobID := in.JobID
	wait := JobPollMin
	status := JobInit
	var lastPoll error
	for {
		job, err := p.GetJob(ctx, in)
		if job != nil && job.JobID == "" {
			job.JobID = jobID
		}
		if job != nil && in.OnStatus != nil {
			in.OnStatus(oneLine(job.Status, 64))
		}
		switch {
		case err != nil && ctx.Err() != nil:
			return nil, &JobUnfinishedError{JobID: jobID, Status: status, Err: ctx.Err(), LastPoll: lastPoll}
		case err != nil && retryablePoll(err):
			// Throttled, unavailable or unreachable: the job goes on in
			// IMS, so poll again until the operation's deadline.
			lastPoll = err
		case err != nil:
			return nil, &JobReadError{JobID: jobID, Err: err}
		case job.Status == JobSuccess:
			return job, nil
		case job.Status == JobFail:
			return job, &JobError{Job: job}
		case job.Status != JobInit && job.Status != JobRunning:
			return job, &JobStatusError{Job: job}
		default:
			status, lastPoll = job.Status, nil
		}
		half := wait / 2
		t := time.NewTimer(half + time.Duration(rand.Int64N(int64(half)+1))) //nolint:gosec // Jitter needs no cryptographic randomness.
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, &JobUnfinishedError{JobID: jobID, Status: status, Err: ctx.Err(), LastPoll: lastPoll}
		case <-t.C:
		}
		wait = min(wait*2, JobPollMax)
	}
}
