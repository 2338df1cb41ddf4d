package emulator

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// Fault targets other than an image id, for FailFirst and FailAlways.
const (
	// TargetWrites are the three writes on /v1/cloudimages/members.
	TargetWrites = "writes"
	// TargetJobs are the job reads, GET /v1/{project_id}/jobs/{job_id}.
	TargetJobs = "jobs"
	// TargetImages are the image list pages, GET /v2/cloudimages.
	TargetImages = "images"
)

// Sharing limits of IMS.
const (
	MaxMembers        = 256
	MaxMembersFullECS = 10
)

// ImageOptions describe an image beyond its members.
type ImageOptions struct {
	// Name is the image's name in the image list; default: "image-" and
	// the start of its ID.
	Name      string
	Public    bool
	Encrypted bool
	// FullECS images may be shared with at most MaxMembersFullECS tenants.
	FullECS bool
	// FromCBR full-ECS images need a vault_id when accepted.
	FromCBR bool
	// CreatedAt is the image's created_at in the image list; default
	// 2024-01-01T00:00:00Z.
	CreatedAt string

	// The image list's attributes, each with its default: Status
	// "active", Platform "Ubuntu", OSVersion "Ubuntu 22.04 server 64bit",
	// OSType "Linux" ("Windows" for the Windows platform), OSBit "64",
	// MinDisk 40, MinRAM 0, DiskFormat "zvhd2", VirtualEnvType
	// "FusionCompute", EnterpriseProjectID "0", Architecture "x86",
	// ImageSize 2 GiB. FullECS is the list's __whole_image.
	Status              string
	Platform            string
	OSVersion           string
	OSType              string
	OSBit               string
	MinDisk             int
	MinRAM              int
	DiskFormat          string
	VirtualEnvType      string
	Protected           bool
	EnterpriseProjectID string
	Architecture        string
	Description         string
	ImageSize           int64
}

// withDefaults fills in the defaults of the image list's attributes.
func (o ImageOptions) withDefaults(id string) ImageOptions {
	def := func(v *string, d string) {
		if *v == "" {
			*v = d
		}
	}
	def(&o.Name, "image-"+id[:min(8, len(id))])
	def(&o.CreatedAt, imageCreated)
	def(&o.Status, "active")
	def(&o.Platform, "Ubuntu")
	def(&o.OSVersion, "Ubuntu 22.04 server 64bit")
	if o.Platform == "Windows" {
		def(&o.OSType, "Windows")
	}
	def(&o.OSType, "Linux")
	def(&o.OSBit, "64")
	def(&o.DiskFormat, "zvhd2")
	def(&o.VirtualEnvType, "FusionCompute")
	def(&o.EnterpriseProjectID, "0")
	def(&o.Architecture, "x86")
	if o.MinDisk == 0 {
		o.MinDisk = 40
	}
	if o.ImageSize == 0 {
		o.ImageSize = 2 << 30
	}
	return o
}

// SetImage stores an image of projectID with no members and its options;
// SetMembers stores a private image implicitly.
func (s *Server) SetImage(projectID, imageID string, o ImageOptions) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.images[projectID+"/"+imageID]; !ok {
		s.images[projectID+"/"+imageID] = []Member{}
	}
	s.info[imageID] = o
}

// Members returns a copy of an image's members.
func (s *Server) Members(projectID, imageID string) []Member {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.images[projectID+"/"+imageID])
}

// SetMemberStatus changes one member's status behind the provider's back,
// as the recipient would in the console.
func (s *Server) SetMemberStatus(projectID, imageID, memberID, status string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ms := s.images[projectID+"/"+imageID]
	for i := range ms {
		if ms[i].MemberID == memberID {
			ms[i].Status = status
			ms[i].UpdatedAt = s.Now().UTC().Format(time.RFC3339)
		}
	}
}

// DeleteImage removes an image and its members, as deleting it in the
// console would.
func (s *Server) DeleteImage(projectID, imageID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.images, projectID+"/"+imageID)
	delete(s.info, imageID)
}

// SetJobDelay sets how long a job takes: INIT for its first third, then
// RUNNING, then SUCCESS (or FAIL). Its change to the members takes effect
// when it succeeds. Zero finishes jobs at once.
func (s *Server) SetJobDelay(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.jobDelay = d
}

// FailJobs makes every later job that touches the image fail with code and
// reason, changing nothing.
func (s *Server) FailJobs(imageID, code, reason string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failJobs[imageID] = jobFailure{code: code, reason: reason}
}

// BeforeWrite calls f before each later write is served (nil: none), for
// tests that change IMS between a refresh and a write: an image deleted
// between the two, say.
func (s *Server) BeforeWrite(f func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.beforeWrite = f
}

// SkipInJobs makes later jobs report SUCCESS without making their change
// for these member IDs (an add that does not add, a remove that does not
// remove, a status that does not change): SUCCESS is not proof.
func (s *Server) SkipInJobs(memberIDs ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, id := range memberIDs {
		s.skips[id] = true
	}
}

// Writes is the number of write requests received (add, remove, status).
func (s *Server) Writes() int { return int(s.writes.Load()) }

// JobPolls is the number of job reads received.
func (s *Server) JobPolls() int { return int(s.jobPolls.Load()) }

type jobFailure struct{ code, reason string }

type job struct {
	id, project, jobType string
	begin                time.Time
	delay                time.Duration
	failure              *jobFailure
	images               []string
	// applied is set once the job's change is made: it reports SUCCESS
	// only then, never in the instant between its delay and its change.
	applied bool
	// partial marks a job that skipped a member (SkipInJobs).
	partial bool
	// manual jobs run until EndJob ends them, which calls apply on
	// success.
	manual bool
	apply  func()
}

// Job types as IMS names them (ShowJob's job_type).
var jobTypes = map[string]string{
	http.MethodPost:   "imsAddImageMembersJob",
	http.MethodDelete: "imsDelImageMembersJob",
	http.MethodPut:    "imsUpdateImageMembersJob",
}

// serveWrite is POST, DELETE and PUT /v1/cloudimages/members: the owner's
// BatchAddMembers and BatchDeleteMembers, the recipient's
// BatchUpdateMembers. Each answers a job id; the change is made when the
// job succeeds.
func (s *Server) serveWrite(w http.ResponseWriter, r request) {
	who, body, reqID := r.who, r.body, r.reqID
	var req struct {
		Images        []string `json:"images"`
		Projects      []string `json:"projects"`
		Domains       []string `json:"domains"`
		Organizations []string `json:"organizations"`
		ProjectID     string   `json:"project_id"`
		Status        string   `json:"status"`
		VaultID       string   `json:"vault_id"`
	}
	s.mu.Lock()
	hook := s.beforeWrite
	s.mu.Unlock()
	if hook != nil {
		hook()
	}
	if err := json.Unmarshal(body, &req); err != nil || len(req.Images) == 0 {
		writeIMSError(w, http.StatusBadRequest, "IMG.0001", "Invalid request body: images is required")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var apply func()
	var code, msg string
	if r.Method == http.MethodPut {
		apply, code, msg = s.planStatus(who, req.Images, req.ProjectID, req.Status, req.VaultID)
	} else {
		if len(req.Projects)+len(req.Domains)+len(req.Organizations) == 0 {
			writeIMSError(w, http.StatusBadRequest, "IMG.0001", "Invalid request body: one of projects, domains and organizations is required")
			return
		}
		apply, code, msg = s.planShare(r.Request, who, r.Method == http.MethodPost, req.Images, req.Projects, req.Domains, req.Organizations)
	}
	var failure *jobFailure
	if code == codeNonMember && s.readings.NonMemberRemoval == NonMemberJobFails {
		failure, code = &jobFailure{code: code, reason: msg}, ""
	}
	if code != "" {
		// The error-code table answers every refusal of a write with 400,
		// IMG.0027 (no such image) included.
		writeIMSError(w, http.StatusBadRequest, code, msg)
		return
	}
	// A job belongs to the project that started it (X-Project-Id, as the
	// SDKs send it; else the caller's first project), and is read there.
	project := r.Header.Get("X-Project-Id")
	if p := s.projectByID(project); p == nil || p.DomainID != who.domainID {
		project = who.projectFor(s, "")
	}
	j := &job{id: hexID(reqID), project: project, jobType: jobTypes[r.Method], begin: s.Now(), delay: s.jobDelay, images: req.Images}
	for _, img := range req.Images {
		if f, ok := s.failJobs[img]; ok {
			j.failure = &f
		}
	}
	if failure != nil {
		j.failure = failure
	}
	// A job that skips a member still reports SUCCESS, with its images'
	// results marked failed, as a real job's entities may be.
	for _, id := range append(append(append(slices.Clone(req.Projects), req.Domains...), req.Organizations...), req.ProjectID) {
		if s.skips[id] || s.skips[organizationID(id)] {
			j.partial = true
		}
	}
	s.jobs[j.id] = j
	if j.failure == nil {
		if s.manualJobs {
			j.manual, j.apply = true, apply
		} else if j.delay <= 0 {
			apply()
			j.applied = true
		} else {
			time.AfterFunc(j.delay, func() {
				s.mu.Lock()
				defer s.mu.Unlock()
				apply()
				j.applied = true
			})
		}
	}
	writeJSON(w, http.StatusOK, map[string]string{"job_id": j.id})
}

// owner finds the project that owns an image.
func (s *Server) owner(imageID string) (*Project, []Member) {
	for i := range s.projects {
		if ms, ok := s.images[s.projects[i].ID+"/"+imageID]; ok {
			return &s.projects[i], ms
		}
	}
	return nil, nil
}

func (s *Server) projectByID(id string) *Project {
	for i := range s.projects {
		if s.projects[i].ID == id {
			return &s.projects[i]
		}
	}
	return nil
}

// planShare checks an add or remove and returns the change to make when
// its job succeeds, or an IMS error code and message.
func (s *Server) planShare(r *http.Request, who authResult, add bool, images, projects, domains, orgs []string) (func(), string, string) {
	region := hostRegion(r.Host)
	type edit struct {
		memberType, id string
		urn            *string
	}
	type change struct {
		key, image string
		edits      []edit
	}
	var changes []change
	for _, img := range images {
		owner, ms := s.owner(img)
		switch {
		case owner == nil:
			return nil, "IMG.0027", "The image " + img + " does not exist"
		case owner.DomainID != who.domainID:
			return nil, "IMG.0106", "The image " + img + " belongs to another tenant and cannot be shared"
		case s.info[img].Public:
			return nil, "IMG.0089", "The image " + img + " is a public image and cannot be shared"
		case s.info[img].Encrypted:
			return nil, "IMG.0098", "The image " + img + " is encrypted and cannot be shared"
		}
		if region == "" {
			region = owner.Region
		}
		next := slices.Clone(ms)
		now := s.Now()
		c := change{key: owner.ID + "/" + img, image: img}
		for _, p := range projects {
			target := s.projectByID(p)
			switch {
			case p == owner.ID || (target != nil && target.DomainID == owner.DomainID):
				return nil, "IMG.0076", "The image cannot be shared with yourself: " + p
			case add && (target == nil || target.Region != region):
				return nil, "IMG.0108", "The tenant " + p + " does not exist in region " + region
			}
			if !add && s.refusesNonMember(ms, p) {
				return nil, codeNonMember, "The project " + p + " is not a member of image " + img
			}
			next = s.editMembers(next, add, img, "project", p, nil, now)
			c.edits = append(c.edits, edit{"project", p, nil})
		}
		for _, d := range domains {
			if d == owner.DomainID {
				return nil, "IMG.0076", "The image cannot be shared with your own account: " + d
			}
			if !add && s.refusesNonMember(ms, d) {
				return nil, codeNonMember, "The account " + d + " is not a member of image " + img
			}
			next = s.editMembers(next, add, img, "domain", d, nil, now)
			c.edits = append(c.edits, edit{"domain", d, nil})
		}
		for _, urn := range orgs {
			// Every form of BatchAddMembers' example: an organization
			// (…:organization:o-x), its root (…:root:o-x/r-y) or a unit
			// (…:ou:o-x/ou-y, nested units too); a removal may name the
			// bare ID, as the delete page's example does.
			id := organizationID(urn)
			if id == "" {
				return nil, "IMG.0001", "Invalid organization URN " + urn
			}
			var u *string
			if strings.HasPrefix(urn, "organizations::") {
				u = &urn
			}
			if !add && s.refusesNonMember(ms, id) {
				return nil, codeNonMember, "The organization " + urn + " is not a member of image " + img
			}
			if !add && !s.removesOrganization(urn) {
				// The job succeeds and the organization stays.
				continue
			}
			next = s.editMembers(next, add, img, "organization", id, u, now)
			c.edits = append(c.edits, edit{"organization", id, u})
		}
		limit := MaxMembers
		if s.info[img].FullECS {
			limit = MaxMembersFullECS
		}
		if add && len(next) > limit {
			code := "IMG.0088"
			if s.readings.CapCode != "" {
				code = s.readings.CapCode
			}
			return nil, code, fmt.Sprintf("The image %s would be shared with %d tenants, more than the quota of %d", img, len(next), limit)
		}
		changes = append(changes, c)
	}
	// The change applies to the members as they are when the job succeeds,
	// so that changes made meanwhile (by tests, behind the provider's
	// back) are kept.
	return func() {
		for _, c := range changes {
			ms, ok := s.images[c.key]
			if !ok {
				continue
			}
			for _, e := range c.edits {
				if !s.skips[e.id] {
					ms = s.editMembers(ms, add, c.image, e.memberType, e.id, e.urn, s.Now())
				}
			}
			s.images[c.key] = ms
		}
	}, "", ""
}

// organizationID is the member ID of an organization URN (its last
// segment, as IMS lists it), or of a bare ID; "" when it is neither.
func organizationID(v string) string {
	id := v[strings.LastIndexAny(v, ":/")+1:]
	for _, prefix := range []string{"o-", "r-", "ou-"} {
		if strings.HasPrefix(id, prefix) && len(id) > len(prefix) {
			return id
		}
	}
	return ""
}

// editMembers adds (when missing) or removes one member, unless a test
// made the job skip it.
func (s *Server) editMembers(ms []Member, add bool, imageID, memberType, id string, urn *string, now time.Time) []Member {
	i := slices.IndexFunc(ms, func(m Member) bool { return m.MemberID == id })
	switch {
	case add && i < 0:
		m := NewMember(imageID, memberType, "pending", id, now)
		m.MemberID, m.URN, m.UpdatedAt = id, urn, m.CreatedAt
		if s.readings.OmitURN {
			m.URN = nil
		}
		return append(ms, m)
	case !add && i >= 0:
		return slices.DeleteFunc(ms, func(m Member) bool { return m.MemberID == id })
	}
	return ms
}

// planStatus checks a recipient's accept or reject.
func (s *Server) planStatus(who authResult, images []string, projectID, status, vaultID string) (func(), string, string) {
	p := s.projectByID(projectID)
	switch {
	case p == nil || p.DomainID != who.domainID:
		return nil, "IMG.0001", "Invalid project_id " + projectID + ": not a project of the caller"
	case status != "accepted" && status != "rejected":
		return nil, "IMG.0001", "Invalid status " + status + ": must be accepted or rejected"
	}
	var keys []string
	for _, img := range images {
		owner, ms := s.owner(img)
		if owner == nil || !slices.ContainsFunc(ms, func(m Member) bool { return m.MemberID == projectID }) {
			return nil, "IMG.0027", "The image " + img + " is not shared with project " + projectID
		}
		if status == "accepted" && s.info[img].FromCBR && vaultID == "" {
			return nil, "IMG.0001", "vault_id is required to accept the full-ECS image " + img + " created from a CBR backup"
		}
		keys = append(keys, owner.ID+"/"+img)
	}
	return func() {
		if s.skips[projectID] {
			return
		}
		for _, k := range keys {
			ms := s.images[k]
			for i := range ms {
				if ms[i].MemberID == projectID {
					ms[i].Status = status
					ms[i].UpdatedAt = s.Now().UTC().Format(time.RFC3339)
				}
			}
		}
	}, "", ""
}

// projectFor is a project of the caller, for the job's owner: the one in
// region when given, else the first.
func (a authResult) projectFor(s *Server, region string) string {
	for _, p := range s.projects {
		if p.DomainID == a.domainID && (region == "" || p.Region == region) {
			return p.ID
		}
	}
	return ""
}
