package emulator

import (
	"net/http"
	"slices"
	"strings"
)

// Readings choose, where the IMS reference can be read more than one way,
// which reading the emulator follows, so that the provider is tested under
// each. The zero value is the default reading.
type Readings struct {
	// NotFound is how an image that does not exist is answered on its
	// own members paths.
	NotFound NotFoundStyle
	// ImagePageCap, when above zero, caps image-list pages below the
	// limit asked for (ListImages documents a default limit and no
	// maximum).
	ImagePageCap int
	// RecipientRead refuses a recipient's read of its own membership
	// (GET /v1/{project_id}/cloudimages/{image_id}/members/{member_id};
	// ims_03_0660 does not say who may call it) with this status (403,
	// 404, 400, ...) and RecipientReadCode; zero serves it.
	RecipientRead int
	// RecipientReadCode is the IMS code of a refused recipient read;
	// default IMG.0106. The error-code table lists IMG.0114 ("Failed to
	// query the tenant details"), which such a read might answer.
	RecipientReadCode string
	// OmitURN lists organization members without their urn.
	OmitURN bool
	// HidePendingShares leaves an image shared with the caller, and not
	// yet accepted or rejected, out of its image list (__imagetype=shared
	// and the rest), unless it asks for visibility=shared with
	// member_status=pending. The reference does not say whether a
	// pending share is listed; by default it is.
	HidePendingShares bool
	// RecipientMembers is what a recipient gets from the members list
	// (GET /v1/{project_id}/cloudimages/{image_id}/members, with its own
	// project) of an image shared with it; the reference documents the
	// list for the owner only.
	RecipientMembers RecipientMembersReading
	// OrgRemoveBy is which spelling of an organization BatchDeleteMembers
	// removes: ims_03_0623 calls organizations a list of URNs, but its
	// request example sends bare o-, r- and ou- IDs. A removal that names
	// an organization in the other spelling ends in a job that reports
	// SUCCESS and leaves the organization a member. Default: either.
	OrgRemoveBy OrgRemoveReading
	// SharedTypeAcceptedOnly lists an image shared with the caller with
	// __imagetype "shared" only once the caller has accepted it, as
	// ims_03_0602 words __imagetype ("images others share with you and
	// you have accepted"); a pending or rejected share then has no
	// __imagetype and is found by visibility=shared&member_status= (the
	// SDK's wording) only. By default every share is "shared".
	SharedTypeAcceptedOnly bool
	// CapCode is the code an add past one image's tenant cap
	// (MaxMembers; a full-ECS image: MaxMembersFullECS) is refused with.
	// The error-code table words IMG.0088 as "The number of shared images
	// has reached the quota" and no page names the code of the per-image
	// cap. Default: IMG.0088.
	CapCode string
	// OmitEmptyMembers leaves the members key out of a members page with
	// no member, as the SDK's ListImageMembersResponse (members
	// omitempty) would marshal it; by default the page has "members": [].
	OmitEmptyMembers bool
	// OrgMemberIDURN lists an organization member's member_id as its
	// whole URN (where the share named one) instead of the URN's last
	// segment; the reference's examples show only the last segment.
	OrgMemberIDURN bool
	// RawMemberMarker sends a members page's page_info.next_marker as the
	// last member's ID itself, as ims_03_0661 and ims_03_0723 describe the
	// field ("the marker of the next page, an ID"), where the marker
	// query parameter must be Base64 (the same pages). The marker taken
	// in stays Base64 either way. Default: next_marker already Base64.
	RawMemberMarker bool
	// OwnSharedVisible lists the caller's own shared images with
	// visibility "shared" instead of "private", and so also in its
	// visibility=shared queries, whatever member_status asks (the caller
	// is no member of its own image). ims_03_0602 says an image the
	// project shares and one it accepted are both __imagetype shared,
	// told apart by owner; their visibility is not stated. Default:
	// private.
	OwnSharedVisible bool
	// NonMemberRemoval is how BatchDeleteMembers answers a removal that
	// names a project, account or organization the image does not list.
	// The error-code table lists IMG.0113 without a meaning for sharing;
	// ims_03_0623 does not say. Default: ignored (the rest is removed).
	NonMemberRemoval NonMemberRemovalReading
}

// NonMemberRemovalReading is one reading of a removal of a non-member.
type NonMemberRemovalReading int

// The readings of a removal that names a non-member.
const (
	// NonMemberIgnored removes the members named and ignores the rest.
	NonMemberIgnored NonMemberRemovalReading = iota
	// NonMemberRefused refuses the whole request, 400 with IMG.0113.
	NonMemberRefused
	// NonMemberJobFails accepts the request and fails its job with
	// IMG.0113, removing no one.
	NonMemberJobFails
)

// codeNonMember is the code of a refused removal of a non-member.
const codeNonMember = "IMG.0113"

// refusesNonMember reports whether a removal naming id, which ms does not
// list, is refused, by the readings. s.mu is held.
func (s *Server) refusesNonMember(ms []Member, id string) bool {
	return s.readings.NonMemberRemoval != NonMemberIgnored && !slices.ContainsFunc(ms, func(m Member) bool { return m.MemberID == id })
}

// listed is members as the members paths answer them, by the readings.
// s.mu is held.
func (s *Server) listed(ms []Member) []Member {
	if !s.readings.OrgMemberIDURN {
		return ms
	}
	out := make([]Member, len(ms))
	for i, m := range ms {
		if m.MemberType == "organization" && m.URN != nil && *m.URN != "" {
			m.MemberID = *m.URN
		}
		out[i] = m
	}
	return out
}

// OrgRemoveReading is one reading of how a removal names an organization.
type OrgRemoveReading int

// The readings of BatchDeleteMembers' organizations.
const (
	// OrgRemoveEither removes by URN or by bare ID.
	OrgRemoveEither OrgRemoveReading = iota
	// OrgRemoveByURN removes by URN only (the page's field description).
	OrgRemoveByURN
	// OrgRemoveByID removes by bare ID only (the page's example).
	OrgRemoveByID
)

// removesOrganization reports whether a removal that names an
// organization as v removes it, by the readings. s.mu is held.
func (s *Server) removesOrganization(v string) bool {
	urn := strings.HasPrefix(v, "organizations::")
	switch s.readings.OrgRemoveBy {
	case OrgRemoveByURN:
		return urn
	case OrgRemoveByID:
		return !urn
	}
	return true
}

// RecipientMembersReading is one reading of a recipient's members list.
type RecipientMembersReading int

// The readings of a recipient's members list.
const (
	// RecipientMembersNotFound answers as for an image that does not
	// exist (in the NotFound style): the image is not the project's.
	RecipientMembersNotFound RecipientMembersReading = iota
	// RecipientMembersOwn lists the recipient's own membership only.
	RecipientMembersOwn
	// RecipientMembersAll lists every member, as the owner sees them.
	RecipientMembersAll
	// RecipientMembersForbidden answers 403 with IMG.0106.
	RecipientMembersForbidden
)

// NotFoundStyle is one reading of IMS's answer for an image that does not
// exist.
type NotFoundStyle int

// The readings of "no such image".
const (
	// NotFound404 is 404 with IMG.0027 (the members pages list 404).
	NotFound404 NotFoundStyle = iota
	// NotFound400 is 400 with IMG.0027 (the error-code table).
	NotFound400
	// NotFoundBare is 404 with a body that has no IMS code.
	NotFoundBare
)

// SetReadings sets the readings of the reference the emulator follows.
func (s *Server) SetReadings(r Readings) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.readings = r
}

// writeImageNotFound answers an image (or membership) that does not exist,
// in the style the readings ask for.
func (s *Server) writeImageNotFound(w http.ResponseWriter, msg string) {
	switch s.readings.NotFound {
	case NotFound400:
		writeIMSError(w, http.StatusBadRequest, "IMG.0027", msg)
	case NotFoundBare:
		writeJSON(w, http.StatusNotFound, map[string]map[string]string{"error": {"message": msg}})
	default:
		writeIMSError(w, http.StatusNotFound, "IMG.0027", msg)
	}
}
