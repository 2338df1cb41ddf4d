// Package emulator is a local IMS and IAM over real HTTP, for the tests and
// the demo. It checks signatures and tokens the way the API gateway does,
// serves image members from fixtures with base64 paging markers, answers
// errors in the gateway's and IMS's shapes, and injects faults on request.
//
// The error codes it uses follow the documented shapes; apart from the
// gateway's authentication codes they are the emulator's own choice.
package emulator

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/terraform-ims/terraform-provider-ims/internal/signer"
)

// MaxClockSkew is how far X-Sdk-Date may be from the server's clock.
const MaxClockSkew = 15 * time.Minute

// Member is an image member as the API returns it. The emulator keeps its
// own type, independent of the client's, so that a mistake in one shows up
// against the other.
type Member struct {
	Status     string  `json:"status"`
	CreatedAt  string  `json:"created_at"`
	UpdatedAt  string  `json:"updated_at"`
	ImageID    string  `json:"image_id"`
	MemberID   string  `json:"member_id"`
	Schema     string  `json:"schema"`
	MemberType string  `json:"member_type"`
	URN        *string `json:"urn,omitempty"`
}

// Credential is an access key pair known to the emulator. A non-empty
// SecurityToken makes it temporary: requests must carry that token, signed
// or not (the official provider adds it after signing, and the gateway
// requires only X-Sdk-Date among the signed headers).
type Credential struct {
	AccessKey     string
	SecretKey     string
	SecurityToken string
	DomainID      string
}

// Project is an IAM project; Region is its name.
type Project struct {
	ID       string
	Region   string
	DomainID string
}

// Server is a running emulator.
type Server struct {
	srv *httptest.Server

	mu sync.Mutex
	// world is what the emulator serves (see store.go); initial is the
	// world it started with, for POST /_emulator/reset.
	world
	initial  *FixtureFile
	jobs     map[string]*job
	failJobs map[string]jobFailure
	skips    map[string]bool
	// beforeWrite is called before each write (BeforeWrite).
	beforeWrite func()
	readings    Readings
	faults      map[string][]FaultKind
	always      map[string]FaultKind
	attempts    map[string]int
	perImage    map[string]int

	// Now is the server's clock; tests shift it to simulate skew.
	Now func() time.Time
	// SlowDelay is how long a FaultSlow answer stalls.
	SlowDelay time.Duration
	jobDelay  time.Duration
	// manualJobs keeps new jobs RUNNING until EndJob.
	manualJobs bool
	// adminToken authenticates the admin API (admin.go); adminFaults
	// are the faults it set.
	adminToken  string
	adminFaults []adminFault
	log         requestLog

	// FirstIAMDelay stalls the first IAM project look-up (or until the
	// client gives up), to test callers that wait for another's look-up.
	FirstIAMDelay time.Duration

	requests    atomic.Int64
	writes      atomic.Int64
	jobPolls    atomic.Int64
	imageLists  atomic.Int64
	iamCalls    atomic.Int64
	connections atomic.Int64
	reqSeq      atomic.Int64
}

// New returns an emulator that is not yet listening; add fixtures, then call
// Start or StartTLS.
func New() *Server {
	s := &Server{
		world:      newWorld(),
		jobs:       map[string]*job{},
		failJobs:   map[string]jobFailure{},
		skips:      map[string]bool{},
		faults:     map[string][]FaultKind{},
		always:     map[string]FaultKind{},
		attempts:   map[string]int{},
		perImage:   map[string]int{},
		Now:        time.Now,
		SlowDelay:  30 * time.Second,
		adminToken: newAdminToken(),
	}
	s.srv = httptest.NewUnstartedServer(s.routes())
	s.srv.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			s.connections.Add(1)
		}
	}
	return s
}

// Listen replaces the loopback listener with one on addr (still loopback
// for the demo); call before Start.
func (s *Server) Listen(addr string) error {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	_ = s.srv.Listener.Close()
	s.srv.Listener = l
	return nil
}

// Start serves plain HTTP on loopback; the world as it is now is the one
// Reset goes back to.
func (s *Server) Start() {
	s.remember()
	s.srv.Start()
}

// StartTLS serves HTTPS with a self-signed certificate; see CertificatePEM.
func (s *Server) StartTLS() {
	s.remember()
	s.srv.StartTLS()
}

// URL is the base URL, e.g. http://127.0.0.1:41234.
func (s *Server) URL() string { return s.srv.URL }

// IAMURL is the IAM base including /v3.
func (s *Server) IAMURL() string { return s.srv.URL + "/v3" }

// CertificatePEM is the TLS server's certificate, for cacert_file.
func (s *Server) CertificatePEM() []byte {
	c := s.srv.Certificate()
	if c == nil {
		return nil
	}
	return pemEncode(c.Raw)
}

// Close stops the server and closes all connections.
func (s *Server) Close() { s.srv.Close() }

// AddCredential registers an access key pair.
func (s *Server) AddCredential(c Credential) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.addCredential(c)
}

// Account describes one account the emulator serves, for its start-up
// message.
type Account struct {
	DomainID   string
	Projects   []string
	Regions    []string
	AccessKeys []string
}

// Accounts lists the accounts with projects, in the order their first
// project was added, each with its keys in the order they were added.
func (s *Server) Accounts() []Account {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Account
	index := map[string]int{}
	for _, p := range s.projects {
		i, ok := index[p.DomainID]
		if !ok {
			i = len(out)
			index[p.DomainID] = i
			out = append(out, Account{DomainID: p.DomainID})
		}
		out[i].Projects = append(out[i].Projects, p.ID)
		out[i].Regions = append(out[i].Regions, p.Region)
	}
	for _, ak := range s.keyOrder {
		if i, ok := index[s.creds[ak].DomainID]; ok {
			out[i].AccessKeys = append(out[i].AccessKeys, ak)
		}
	}
	return out
}

// SecretKey is the secret of an access key the emulator knows.
func (s *Server) SecretKey(accessKey string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.creds[accessKey].SecretKey
}

// AddToken registers an IAM token for a domain.
func (s *Server) AddToken(token, domainID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokens[token] = domainID
}

// AddProject registers an IAM project.
func (s *Server) AddProject(p Project) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.projects = append(s.projects, p)
}

// SetMembers stores an image of projectID with its members, in order.
func (s *Server) SetMembers(projectID, imageID string, members []Member) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.images[projectID+"/"+imageID] = members
}

// Requests is the number of HTTP requests received, of every kind.
func (s *Server) Requests() int { return int(s.requests.Load()) }

// IAMCalls is the number of IAM project look-ups received.
func (s *Server) IAMCalls() int { return int(s.iamCalls.Load()) }

// Connections is the number of TCP connections accepted.
func (s *Server) Connections() int { return int(s.connections.Load()) }

// ImageRequests is the number of members requests received for an image.
func (s *Server) ImageRequests(imageID string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.perImage[imageID]
}

func (s *Server) newRequestID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("%016x%s", s.reqSeq.Add(1), hex.EncodeToString(b[:]))
}

// authResult is who a request is from.
type authResult struct {
	domainID string
	// accessKey is the key that signed the request ("" for a token), for
	// the requests log.
	accessKey string
}

func (s *Server) authenticate(w http.ResponseWriter, r *http.Request, reqID string, body []byte) (authResult, bool) {
	deny := func(msg string) (authResult, bool) {
		writeGatewayError(w, http.StatusUnauthorized, "APIGW.0301", "Incorrect IAM authentication information: "+msg, reqID)
		return authResult{}, false
	}
	if tok := r.Header.Get(signer.HeaderAuthToken); tok != "" {
		s.mu.Lock()
		domain, ok := s.tokens[tok]
		s.mu.Unlock()
		if !ok {
			return deny("the token is invalid or has expired")
		}
		return authResult{domainID: domain}, true
	}
	h := r.Header.Get("Authorization")
	if h == "" {
		return deny("no Authorization or X-Auth-Token header")
	}
	auth, err := signer.ParseAuthorization(h)
	if err != nil {
		return deny(err.Error())
	}
	s.mu.Lock()
	cred, ok := s.creds[auth.AccessKey]
	s.mu.Unlock()
	if !ok {
		return deny("the access key " + auth.AccessKey + " does not exist")
	}
	date, err := time.Parse(signer.DateFormat, r.Header.Get(signer.HeaderDate))
	if err != nil {
		return deny("X-Sdk-Date is missing or malformed")
	}
	if skew := s.Now().Sub(date); skew > MaxClockSkew || skew < -MaxClockSkew {
		return deny(fmt.Sprintf("X-Sdk-Date %s is more than 15 minutes from the server time %s", date.Format(time.RFC3339), s.Now().UTC().Format(time.RFC3339)))
	}
	signed := map[string]bool{}
	for _, name := range auth.SignedHeaders {
		signed[name] = true
	}
	// The gateway verifies whatever headers the request says it signed and
	// requires only the date among them: Huawei's own Go SDK signs
	// user-agent;x-project-id;x-sdk-date, without host.
	if !signed["x-sdk-date"] {
		return deny("x-sdk-date must be signed")
	}
	if cred.SecurityToken != "" {
		tok := r.Header.Get(signer.HeaderSecurityToken)
		if tok == "" {
			return deny("the access key is temporary and needs its X-Security-Token")
		}
		if subtle.ConstantTimeCompare([]byte(tok), []byte(cred.SecurityToken)) != 1 {
			return deny("the security token is invalid")
		}
	}
	if !signer.Verify(r, auth, cred.SecretKey, body) {
		return deny("verify aksk signature fail")
	}
	return authResult{domainID: cred.DomainID, accessKey: cred.AccessKey}, true
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func writeGatewayError(w http.ResponseWriter, status int, code, msg, reqID string) {
	writeJSON(w, status, map[string]string{"error_code": code, "error_msg": msg, "request_id": reqID})
}

// writeIMSError answers in IMS's shape, which carries the request id in the
// X-Request-Id header only.
func writeIMSError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, map[string]map[string]string{"error": {"code": code, "message": msg}})
}

// drain is used by faults that must not leave a request body unread.
func drain(r *http.Request) { _, _ = io.Copy(io.Discard, r.Body) }
