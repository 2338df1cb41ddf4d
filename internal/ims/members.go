package ims

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"strconv"
)

// Member is one image sharing member as IMS returns it.
type Member struct {
	MemberID   string `json:"member_id"`
	MemberType string `json:"member_type"`
	Status     string `json:"status"`
	// URN is returned for organization members only.
	URN       *string `json:"urn,omitempty"`
	ImageID   string  `json:"image_id"`
	Schema    string  `json:"schema"`
	CreatedAt string  `json:"created_at"`
	UpdatedAt string  `json:"updated_at"`
}

// MembersPage is one answer of the members API.
type MembersPage struct {
	Members  *[]Member `json:"members"`
	Schema   string    `json:"schema"`
	PageInfo *PageInfo `json:"page_info,omitempty"`
}

// PageInfo carries the marker of the next page.
type PageInfo struct {
	NextMarker   string `json:"next_marker,omitempty"`
	CurrentCount int    `json:"current_count"`
}

// MemberList is every member of an image, across all pages, in API order.
type MemberList struct {
	Schema  string
	Members []Member
	Pages   int
}

// ListImageMembersInput names the image and where to find it.
type ListImageMembersInput struct {
	ImageID string
	// PageSize is the limit asked for; zero means DefaultPageSize.
	PageSize int
}

// MaxImageMembers bounds the members of one image that a read accepts, far
// above what IMS lets an image be shared with (256 tenants for a system or
// data disk image), so that a server that never stops paging ends the read
// with an error instead of filling memory.
const MaxImageMembers = 100_000

// ListImageMembers follows page_info.next_marker until the last page and
// returns every member. Paging that cannot end is an error, not a loop: a
// marker seen twice, an empty page that names a next one, a page longer
// than the limit asked for, or more than MaxImageMembers in all.
func (p *Bound) ListImageMembers(ctx context.Context, in ListImageMembersInput) (*MemberList, error) {
	base, err := MembersURL(p.endpoint, p.projectID, in.ImageID)
	if err != nil {
		return nil, err
	}
	size := in.PageSize
	if size <= 0 {
		size = DefaultPageSize
	}
	out := &MemberList{}
	seen := map[string]bool{}
	marker := ""
	for {
		u := *base
		q := url.Values{"limit": {strconv.Itoa(size)}}
		if marker != "" {
			q.Set("marker", markerParam(marker))
		}
		u.RawQuery = q.Encode()
		var page MembersPage
		err := p.c.getJSON(ctx, &u, func(r io.Reader) error { return decodeMembersPage(r, &page) })
		if err != nil {
			return nil, err
		}
		out.Pages++
		if out.Pages == 1 {
			out.Schema = page.Schema
			if out.Members == nil {
				out.Members = make([]Member, 0, len(*page.Members))
			}
		}
		next := ""
		if page.PageInfo != nil {
			next = page.PageInfo.NextMarker
		}
		n := len(*page.Members)
		fail := func(problem string) (*MemberList, error) {
			return nil, &PagingError{ImageID: in.ImageID, Marker: next, Page: out.Pages, Problem: problem}
		}
		switch {
		case n > size:
			return fail(fmt.Sprintf("the page has %d members, more than the limit of %d that was asked for", n, size))
		case n == 0 && next != "":
			return fail("the page is empty but names a next page")
		case len(out.Members)+n > MaxImageMembers:
			return fail(fmt.Sprintf("the image has more than %d members, the most this provider reads (IMS shares an image with at most 256 tenants)", MaxImageMembers))
		}
		out.Members = append(out.Members, *page.Members...)
		if p.c.cfg.OnPage != nil {
			p.c.cfg.OnPage(ctx, Page{ImageID: in.ImageID, Page: out.Pages, Count: len(*page.Members), Total: len(out.Members), More: next != ""})
		}
		if next == "" {
			return out, nil
		}
		if seen[next] || next == marker {
			return fail("IMS returned a next_marker it had returned before")
		}
		seen[next] = true
		marker = next
	}
}

// markerParam is a next_marker as the marker parameter takes it.
// ims_03_0661 requires the marker to be Base64 while it describes
// page_info.next_marker as an ID: a next_marker that is not the Base64 of
// an ID (letters, digits and punctuation, such as a member ID or an
// organization URN) is taken for the ID itself and encoded. A 32-digit
// hex ID is Base64 too, but decodes to bytes that are not an ID's.
func markerParam(next string) string {
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding} {
		if b, err := enc.DecodeString(next); err == nil && len(b) > 0 && printableID(b) {
			return next
		}
	}
	return base64.StdEncoding.EncodeToString([]byte(next))
}

// printableID reports bytes that could be an ID: printable ASCII, no
// space.
func printableID(b []byte) bool {
	for _, c := range b {
		if c <= ' ' || c > '~' {
			return false
		}
	}
	return true
}

var idPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]*$`)

// maxIDLen bounds an id taken into a path or a message: IMS's ids are UUIDs
// and 32-character hex strings; a server that answers with a job id of
// 200 kB must not have it echoed back.
const maxIDLen = 128

// plainID reports an id that is safe as one path segment and short.
func plainID(s string) bool { return len(s) <= maxIDLen && idPattern.MatchString(s) }

// PlainID reports an id that the client takes into a path: letters,
// digits, '-', '_' and '.', at most 128 characters.
func PlainID(s string) bool { return plainID(s) }

// decodeMembersPage decodes in one pass and checks the shape. The SDK's
// ListImageMembersResponse marks members omitempty, so IMS may leave the
// key out of an image with no members: an object that has schema or
// page_info and no members is an empty page. Any other body without a
// members array is an error, never an empty result.
func decodeMembersPage(r io.Reader, page *MembersPage) error {
	dec := json.NewDecoder(r)
	if err := dec.Decode(page); err != nil {
		if errors.Is(err, io.EOF) {
			return errors.New("empty body")
		}
		return err
	}
	if page.Members == nil && (page.Schema != "" || page.PageInfo != nil) {
		page.Members = &[]Member{}
	}
	if page.Members == nil {
		return errors.New(`no "members" array in the response`)
	}
	for i, m := range *page.Members {
		if m.MemberID == "" {
			return fmt.Errorf("member %d has no member_id", i)
		}
	}
	return nil
}
