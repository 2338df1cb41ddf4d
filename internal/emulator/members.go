package emulator

import (
	"encoding/base64"
	"net/http"
	"slices"
	"strconv"
)

// serveMembers is GET /v1/{project_id}/cloudimages/{image_id}/members: the
// owner's view of an image's members, paged by a base64 marker (sent
// back raw under Readings.RawMemberMarker, taken in as Base64 only).
func (s *Server) serveMembers(w http.ResponseWriter, r request) {
	projectID, imageID, who, reqID := r.PathValue("project_id"), r.PathValue("image_id"), r.who, r.reqID
	s.mu.Lock()
	var owner *Project
	for i := range s.projects {
		if s.projects[i].ID == projectID {
			owner = &s.projects[i]
		}
	}
	members, found := s.images[projectID+"/"+imageID]
	s.mu.Unlock()
	if region := hostRegion(r.Host); region != "" && owner != nil && owner.Region != region {
		writeGatewayError(w, http.StatusNotFound, "APIGW.0101", "Project "+projectID+" is not in region "+region+" served by "+r.Host, reqID)
		return
	}
	if owner == nil || owner.DomainID != who.domainID {
		writeGatewayError(w, http.StatusForbidden, "APIGW.0302", "The IAM user is not authorized to access project "+projectID, reqID)
		return
	}
	q := r.URL.Query()
	limit := 500
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			writeIMSError(w, http.StatusBadRequest, "IMG.0001", "Invalid parameter limit: must be an integer from 1 to 1000")
			return
		}
		limit = n
	}
	if !found {
		s.mu.Lock()
		members, found = s.recipientMembers(projectID, who.domainID, imageID)
		reading := s.readings.RecipientMembers
		s.mu.Unlock()
		if found && reading == RecipientMembersForbidden {
			writeIMSError(w, http.StatusForbidden, "IMG.0106", "Only the owner of image "+imageID+" may list its members")
			return
		}
	}
	if !found {
		s.writeImageNotFound(w, "The image "+imageID+" does not exist or is not owned by project "+projectID)
		return
	}
	start := 0
	if m := q.Get("marker"); m != "" {
		after, err := base64.StdEncoding.DecodeString(m)
		idx := -1
		if err == nil {
			for i := range members {
				if members[i].MemberID == string(after) {
					idx = i
					break
				}
			}
		}
		if idx < 0 {
			writeIMSError(w, http.StatusBadRequest, "IMG.0001", "Invalid parameter marker")
			return
		}
		start = idx + 1
	}
	end := min(start+limit, len(members))
	page := members[start:end]
	type pageInfo struct {
		NextMarker   string `json:"next_marker,omitempty"`
		CurrentCount int    `json:"current_count"`
	}
	out := struct {
		Members  *[]Member `json:"members,omitempty"`
		Schema   string    `json:"schema"`
		PageInfo pageInfo  `json:"page_info"`
	}{Members: &page, Schema: "/v2/schemas/members", PageInfo: pageInfo{CurrentCount: len(page)}}
	s.mu.Lock()
	if len(page) == 0 && s.readings.OmitEmptyMembers {
		out.Members = nil
	} else {
		page = s.listed(page)
		out.Members = &page
	}
	s.mu.Unlock()
	if end < len(members) {
		out.PageInfo.NextMarker = base64.StdEncoding.EncodeToString([]byte(members[end-1].MemberID))
		s.mu.Lock()
		if s.readings.RawMemberMarker {
			out.PageInfo.NextMarker = members[end-1].MemberID
		}
		s.mu.Unlock()
	}
	writeJSON(w, http.StatusOK, out)
}

// serveMember is GET /v1/{project_id}/cloudimages/{image_id}/members/{member_id}
// (ShowImageMember): the owner may read any member; a recipient only
// itself, unless the readings refuse it.
func (s *Server) serveMember(w http.ResponseWriter, r request) {
	projectID, imageID, memberID, who, reqID := r.PathValue("project_id"), r.PathValue("image_id"), r.PathValue("member_id"), r.who, r.reqID
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.projectByID(projectID)
	if p == nil || p.DomainID != who.domainID {
		writeGatewayError(w, http.StatusForbidden, "APIGW.0302", "The IAM user is not authorized to access project "+projectID, reqID)
		return
	}
	owner, ms := s.owner(imageID)
	if owner != nil && owner.ID != projectID && s.readings.RecipientRead != 0 {
		code := "IMG.0106"
		if s.readings.RecipientReadCode != "" {
			code = s.readings.RecipientReadCode
		}
		writeIMSError(w, s.readings.RecipientRead, code, "Only the owner of image "+imageID+" may read its members")
		return
	}
	if owner == nil || (owner.ID != projectID && memberID != projectID) {
		s.writeImageNotFound(w, "The image "+imageID+" does not exist or is not shared with project "+projectID)
		return
	}
	for _, m := range ms {
		if m.MemberID == memberID {
			writeJSON(w, http.StatusOK, s.listed([]Member{m})[0])
			return
		}
	}
	s.writeImageNotFound(w, "The image "+imageID+" is not shared with "+memberID)
}

// recipientMembers is what a recipient's members list of an image shared
// with it holds, by the readings: nothing (not found), its own membership,
// or every member. found is false when the image is not shared with the
// project (or its account), or the reading is "not found". s.mu is held.
func (s *Server) recipientMembers(projectID, domainID, imageID string) ([]Member, bool) {
	owner, ms := s.owner(imageID)
	if owner == nil {
		return nil, false
	}
	i := slices.IndexFunc(ms, func(m Member) bool { return m.MemberID == projectID || m.MemberID == domainID })
	if i < 0 {
		return nil, false
	}
	switch s.readings.RecipientMembers {
	case RecipientMembersOwn:
		return []Member{ms[i]}, true
	case RecipientMembersAll:
		return slices.Clone(ms), true
	case RecipientMembersForbidden:
		return nil, true
	}
	return nil, false
}
