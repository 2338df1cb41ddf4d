package emulator

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/terraform-ims/terraform-provider-ims/internal/signer"
)

// RequestRecord is one request the emulator served, as GET
// /_emulator/requests and -record show it. It never holds a secret, a
// token or a signature: the query's values of such names are replaced, and
// of the credentials only the access key id is kept.
type RequestRecord struct {
	// Seq numbers the requests from 1, in the order they were answered.
	Seq    int64  `json:"seq"`
	Time   string `json:"time"`
	Method string `json:"method"`
	Path   string `json:"path"`
	Query  string `json:"query,omitempty"`
	// Operation is the admin faults' name of the call (members, add,
	// remove, update, job, images, iam); "" for a path no route serves.
	Operation string `json:"operation,omitempty"`
	// Status is the HTTP status; 0 when the connection was dropped.
	Status int `json:"status"`
	// Code is the IMS, IAM or gateway error code of an error answer.
	Code        string `json:"code,omitempty"`
	RequestID   string `json:"request_id"`
	AccessKeyID string `json:"access_key_id,omitempty"`
}

// maxLogRecords bounds the requests log: older records are dropped, so
// that strangers' requests cannot grow the emulator without end.
const maxLogRecords = 10_000

// requestLog keeps the last maxLogRecords records and writes every record
// to a recorder, when one is set.
type requestLog struct {
	mu      sync.Mutex
	seq     int64
	records []RequestRecord
	rec     io.Writer
}

func (l *requestLog) add(r RequestRecord) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.seq++
	r.Seq = l.seq
	l.records = append(l.records, r)
	if len(l.records) > maxLogRecords {
		l.records = append(l.records[:0:0], l.records[len(l.records)-maxLogRecords:]...)
	}
	if l.rec != nil {
		b, err := json.Marshal(r)
		if err == nil {
			_, _ = l.rec.Write(append(b, '\n'))
		}
	}
}

// RecordTo writes every later request's record to w, as a JSON line
// (ims-emulator -record FILE); nil stops.
func (s *Server) RecordTo(w io.Writer) {
	s.log.mu.Lock()
	defer s.log.mu.Unlock()
	s.log.rec = w
}

// RequestLog is the records of the requests served after since (a Seq),
// in order; the log keeps the last 10,000.
func (s *Server) RequestLog(since int64) []RequestRecord {
	s.log.mu.Lock()
	defer s.log.mu.Unlock()
	out := []RequestRecord{}
	for _, r := range s.log.records {
		if r.Seq > since {
			out = append(out, r)
		}
	}
	return out
}

// secretName tells query parameters whose values are never logged.
func secretName(name string) bool {
	n := strings.ToLower(name)
	for _, s := range []string{"token", "signature", "secret", "password", "credential", "auth"} {
		if strings.Contains(n, s) {
			return true
		}
	}
	return false
}

// safeQuery is the query with the values of secret-looking names replaced.
func safeQuery(raw string) string {
	q, err := url.ParseQuery(raw)
	if err != nil {
		return "(unparsable query)"
	}
	for k := range q {
		if secretName(k) {
			q[k] = []string{"REDACTED"}
		}
	}
	return q.Encode()
}

// accessKeyID is the access key an Authorization header names, if any.
func accessKeyID(r *http.Request) string {
	a, err := signer.ParseAuthorization(r.Header.Get("Authorization"))
	if err != nil || len(a.AccessKey) > 128 {
		return ""
	}
	return a.AccessKey
}

// recorder captures a response's status, and the start of an error's
// body for its code.
type recorder struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
}

func (w *recorder) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *recorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	if w.status >= 400 && w.body.Len() < 4096 {
		w.body.Write(b[:min(len(b), 4096-w.body.Len())])
	}
	return w.ResponseWriter.Write(b)
}

func (w *recorder) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// errorCode is the code of an IMS, IAM or gateway error body.
func errorCode(body []byte) string {
	var e struct {
		Code  string `json:"error_code"`
		Error struct {
			Code json.RawMessage `json:"code"`
		} `json:"error"`
	}
	if json.Unmarshal(body, &e) != nil {
		return ""
	}
	if e.Code != "" {
		return e.Code
	}
	return strings.Trim(string(e.Error.Code), `"`)
}

// logged serves a request through next and records it, also when next
// drops the connection.
func (s *Server) logged(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &recorder{ResponseWriter: w}
		defer func() {
			status := rec.status
			if v := recover(); v != nil {
				defer panic(v)
				status = 0
			}
			s.log.add(RequestRecord{
				Time: s.Now().UTC().Format(time.RFC3339Nano), Method: r.Method, Path: r.URL.Path, Query: safeQuery(r.URL.RawQuery),
				Operation: operationOf(r.Pattern), Status: status, Code: errorCode(rec.body.Bytes()),
				RequestID: w.Header().Get("X-Request-Id"), AccessKeyID: accessKeyID(r),
			})
		}()
		next.ServeHTTP(rec, r)
	})
}
