package emulator

import (
	"net/http"
	"slices"
	"strconv"
	"time"
)

// FaultKind is a way for a request to fail.
type FaultKind int

// The fault kinds a test can inject.
const (
	// FaultIMS500 answers 500 with an IMS error body.
	FaultIMS500 FaultKind = iota + 1
	// Fault503 answers 503 from the gateway.
	Fault503
	// Fault429 answers 429 with Retry-After: 1.
	Fault429
	// FaultDrop closes the connection without an answer.
	FaultDrop
	// FaultSlow stalls for SlowDelay before answering (or until the client
	// gives up).
	FaultSlow
	// FaultTruncated answers 200 but cuts the body short.
	FaultTruncated
	// FaultGarbage answers 200 with an HTML body.
	FaultGarbage
	// FaultEcho answers 200 with the request's headers as JSON, as a debug
	// proxy or an httpbin-like service set as the endpoint by mistake does.
	FaultEcho
	// FaultHostileMessage answers 403 with an IMS error whose message holds
	// terminal escapes and a line break that draws a fake second error.
	FaultHostileMessage
	// FaultNotFound answers 404 with IMS's image-not-found code, IMG.0027,
	// whatever the path: a job that IMS does not know, say.
	FaultNotFound
	// FaultForbidden answers 403 as IMS does for a policy that does not
	// allow the action.
	FaultForbidden
	// FaultBare404 answers 404 with no IMS code, as a proxy in front of
	// IMS might, whether or not the image exists.
	FaultBare404
)

// AllFaults lists every kind, for tests that cycle through them.
var AllFaults = []FaultKind{FaultIMS500, Fault503, Fault429, FaultDrop, FaultSlow, FaultTruncated, FaultGarbage}

func (k FaultKind) String() string {
	switch k {
	case FaultIMS500:
		return "ims-500"
	case Fault503:
		return "503"
	case Fault429:
		return "429"
	case FaultDrop:
		return "drop"
	case FaultSlow:
		return "slow"
	case FaultTruncated:
		return "truncated"
	case FaultGarbage:
		return "garbage"
	case FaultEcho:
		return "echo"
	case FaultHostileMessage:
		return "hostile-message"
	case FaultNotFound:
		return "not-found"
	case FaultForbidden:
		return "forbidden"
	case FaultBare404:
		return "bare-404"
	}
	return "fault(" + strconv.Itoa(int(k)) + ")"
}

// ParseFault is the kind named by String.
func ParseFault(name string) (FaultKind, bool) {
	for _, k := range append(slices.Clone(AllFaults), FaultEcho, FaultHostileMessage, FaultNotFound, FaultForbidden, FaultBare404) {
		if k.String() == name {
			return k, true
		}
	}
	return 0, false
}

// FailFirst makes the first len(kinds) attempts of every members request of
// the image (each page on its own) fail, with kinds in that order. The
// counting is per request (path and marker), so retries of one page see the
// sequence and the next page starts afresh.
func (s *Server) FailFirst(imageID string, kinds ...FaultKind) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults[imageID] = kinds
}

// FailAlways makes every members request of the image fail with kind.
func (s *Server) FailAlways(imageID string, kind FaultKind) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.always[imageID] = kind
}

// ClearFaults ends every fault of a target (FailFirst and FailAlways).
func (s *Server) ClearFaults(target string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.faults, target)
	delete(s.always, target)
}

// injectFault answers with a fault when one is due and reports whether it did.
func (s *Server) injectFault(w http.ResponseWriter, r *http.Request, imageID, reqID string) bool {
	key := r.URL.Path + "?" + r.URL.Query().Get("marker")
	s.mu.Lock()
	kind, ok := s.always[imageID]
	// Only a target with faults configured is counted: requests to any
	// other path leave no bookkeeping behind.
	if seq := s.faults[imageID]; !ok && len(seq) > 0 {
		n := s.attempts[key]
		if n < len(seq) {
			s.attempts[key] = n + 1
			kind, ok = seq[n], true
		}
	}
	s.mu.Unlock()
	if !ok {
		return false
	}
	s.writeFault(w, r, kind, reqID)
	return true
}

// writeFault answers a request with a fault.
func (s *Server) writeFault(w http.ResponseWriter, r *http.Request, kind FaultKind, reqID string) {
	s.mu.Lock()
	delay := s.SlowDelay
	s.mu.Unlock()
	drain(r)
	switch kind {
	case FaultIMS500:
		writeIMSError(w, http.StatusInternalServerError, "IMG.0010", "Internal server error, try again later")
	case Fault503:
		writeGatewayError(w, http.StatusServiceUnavailable, "APIGW.0201", "Service unavailable, try again later", reqID)
	case Fault429:
		w.Header().Set("Retry-After", "1")
		writeGatewayError(w, http.StatusTooManyRequests, "APIGW.0308", "The throttling threshold has been reached", reqID)
	case FaultDrop:
		panic(http.ErrAbortHandler)
	case FaultSlow:
		select {
		case <-r.Context().Done():
			return
		case <-time.After(delay):
		}
		writeGatewayError(w, http.StatusGatewayTimeout, "APIGW.0202", "Backend timeout", reqID)
	case FaultTruncated:
		body := `{"members": [{"status": "accepted", "member_id": "trunc`
		w.Header().Set("Content-Length", strconv.Itoa(len(body)*4))
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte(body))
		if f, ok := w.(http.Flusher); ok {
			f.Flush()
		}
		panic(http.ErrAbortHandler)
	case FaultEcho:
		writeJSON(w, http.StatusOK, map[string]any{"headers": r.Header, "url": r.URL.String()})
	case FaultHostileMessage:
		writeIMSError(w, http.StatusForbidden, "IMG.0001", "denied\x1b[2J\x1b[31m\nError: fake second line")
	case FaultNotFound:
		writeIMSError(w, http.StatusNotFound, "IMG.0027", "The resource does not exist")
	case FaultBare404:
		writeJSON(w, http.StatusNotFound, map[string]string{"message": "Not Found"})
	case FaultForbidden:
		writeJSON(w, http.StatusForbidden, map[string]map[string]string{"error": {"message": "Policy doesn't allow the action to be performed"}})
	case FaultGarbage:
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte("<html><body><h1>502 Bad Gateway</h1> upstream sent nonsense</body></html>"))
	}
}
