package emulator

import (
	"io"
	"net/http"
	"strings"
	"time"
)

// request is what every handler gets besides the response writer: who
// sent the request, its body and its request id.
type request struct {
	*http.Request
	who   authResult
	body  []byte
	reqID string
}

// handler serves one API route.
type handler func(w http.ResponseWriter, r request)

// route is one API of the emulator: its method and path pattern, what its
// faults are keyed by, and the counter it bumps.
type route struct {
	pattern string
	// target is the fault target of a request (TargetWrites, an image
	// id, ...); nil for routes without faults.
	target  func(*http.Request) string
	handler handler
	// public routes authenticate their callers themselves (IAM's token
	// issuer reads its credentials from the body).
	public bool
}

// routes is the emulator's API, one ServeMux pattern per IMS or IAM call,
// each behind the same middleware: a request id, the body read, the
// request authenticated, then counted and given its fault if one is due.
// Authentication comes first, so that unauthenticated requests leave no
// trace but the request counter. A path that no route serves gets the
// gateway's 404.
func (s *Server) routes() http.Handler {
	fixed := func(t string) func(*http.Request) string { return func(*http.Request) string { return t } }
	byImage := func(r *http.Request) string { return r.PathValue("image_id") }
	mux := http.NewServeMux()
	for _, rt := range []route{
		{pattern: "GET /v3/projects", handler: s.serveProjects},
		{pattern: "GET /v3/auth/domains", handler: s.serveDomains},
		{pattern: "POST /v3/auth/tokens", handler: s.serveTokens, public: true},
		{pattern: "GET /v1/{project_id}/cloudimages/{image_id}/members", target: byImage, handler: s.serveMembers},
		{pattern: "GET /v1/{project_id}/cloudimages/{image_id}/members/{member_id}", target: byImage, handler: s.serveMember},
		{pattern: "GET /v1/{project_id}/jobs/{job_id}", target: fixed(TargetJobs), handler: s.serveJob},
		{pattern: "GET /v2/cloudimages", target: fixed(TargetImages), handler: s.serveImages},
		{pattern: "POST /v1/cloudimages/members", target: fixed(TargetWrites), handler: s.serveWrite},
		{pattern: "DELETE /v1/cloudimages/members", target: fixed(TargetWrites), handler: s.serveWrite},
		{pattern: "PUT /v1/cloudimages/members", target: fixed(TargetWrites), handler: s.serveWrite},
	} {
		mux.HandleFunc(rt.pattern, s.middleware(rt))
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeGatewayError(w, http.StatusNotFound, "APIGW.0101", "The API does not exist or has not been published in the environment", w.Header().Get("X-Request-Id"))
	})
	logged := s.logged(mux)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, AdminPrefix) {
			s.serveAdmin(w, r)
			return
		}
		s.requests.Add(1)
		w.Header().Set("X-Request-Id", s.newRequestID())
		w.Header().Set("Content-Type", "application/json")
		logged.ServeHTTP(w, r)
	})
}

// middleware is what every route does before its handler.
func (s *Server) middleware(rt route) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		req := request{Request: r, reqID: w.Header().Get("X-Request-Id")}
		if r.Method != http.MethodGet {
			b, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
			if err != nil {
				writeGatewayError(w, http.StatusBadRequest, "APIGW.0103", "Cannot read the request body", req.reqID)
				return
			}
			req.body = b
		}
		if !rt.public {
			who, ok := s.authenticate(w, r, req.reqID, req.body)
			if !ok {
				return
			}
			req.who = who
		}
		target := ""
		if rt.target != nil {
			target = rt.target(r)
		}
		switch target {
		case TargetWrites:
			s.writes.Add(1)
		case TargetJobs:
			s.jobPolls.Add(1)
		case TargetImages:
			s.imageLists.Add(1)
		}
		if r.Pattern == "GET /v1/{project_id}/cloudimages/{image_id}/members" {
			s.mu.Lock()
			s.perImage[target]++
			s.mu.Unlock()
		}
		if kind, ok := s.adminFaultDue(req); ok {
			s.writeFault(w, r, kind, req.reqID)
			return
		}
		if target != "" && s.injectFault(w, r, target, req.reqID) {
			return
		}
		if r.Pattern == "GET /v3/projects" && s.iamCalls.Add(1) == 1 && s.FirstIAMDelay > 0 {
			select {
			case <-r.Context().Done():
				return
			case <-time.After(s.FirstIAMDelay):
			}
		}
		rt.handler(w, req)
	}
}
