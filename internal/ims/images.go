package ims

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
)

// Image is an image as the image list returns it (the fields the provider
// uses).
type Image struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	Owner      string `json:"owner"`
	ImageType  string `json:"__imagetype"`
	Visibility string `json:"visibility"`
	Status     string `json:"status"`
	CreatedAt  string `json:"created_at"`
	UpdatedAt  string `json:"updated_at"`
	// WholeImage is __whole_image: a full-ECS image (ims_03_0602).
	WholeImage Bool `json:"__whole_image"`
}

// Bool is a JSON boolean that IMS may also write as a string ("true").
type Bool bool

// UnmarshalJSON takes true, false, "true", "false" and null; anything
// else is false, since the field only refines a prediction.
func (b *Bool) UnmarshalJSON(data []byte) error {
	v := strings.Trim(string(data), `"`)
	*b = Bool(strings.EqualFold(v, "true"))
	return nil
}

// ListImagesInput selects images (GET /v2/cloudimages, ListImages). The
// IMS reference's common queries: the project's own shared images are
// ImageType "shared" with Owner the project (an image the project shared
// and one it accepted both have __imagetype shared, told apart by owner);
// images shared with the project are ImageType "shared", Visibility
// "shared" and a MemberStatus (member_status needs visibility=shared).
type ListImagesInput struct {
	// ImageType is __imagetype: "private", "shared" or "gold".
	ImageType string
	// Owner keeps the images of one project.
	Owner string
	// Visibility is "private", "public" or "shared".
	Visibility string
	// MemberStatus selects shared images by the caller's status:
	// accepted, rejected or pending.
	MemberStatus string
	// ID keeps one image.
	ID string
	// EnterpriseProjectID is enterprise_project_id: users authorized for
	// enterprise projects only must pass one ("all_granted_eps" for all
	// they may see).
	EnterpriseProjectID string
	// PageSize is the limit asked for; zero means DefaultImagePageSize.
	PageSize int
}

// DefaultImagePageSize is ListImages' documented default limit; the
// reference gives no maximum, so the provider asks for no more.
const DefaultImagePageSize = 500

// MaxImages bounds the images one listing accepts, so that a server that
// never stops paging ends the listing with an error.
const MaxImages = 100_000

// query is the page request's query string.
func (in ListImagesInput) query(size int, marker string) string {
	q := url.Values{"limit": {strconv.Itoa(size)}}
	for k, v := range map[string]string{"__imagetype": in.ImageType, "owner": in.Owner, "visibility": in.Visibility,
		"member_status": in.MemberStatus, "id": in.ID, "enterprise_project_id": in.EnterpriseProjectID, "marker": marker} {
		if v != "" {
			q.Set(k, v)
		}
	}
	return q.Encode()
}

// ListImages pages through the image list, marker by marker (the ID of the
// last image of a page), and hands each page to page as it arrives, so that
// the caller can start working before the last page. It stops at the first
// empty page, never at a short one: a server may cap its pages below the
// limit asked for. It ends with an error on a page longer than the limit,
// a marker that does not move on, more than MaxImages, or an error of page.
func (p *Bound) ListImages(ctx context.Context, in ListImagesInput, page func([]Image) error) error {
	u, err := parseEndpoint(p.endpoint)
	if err != nil {
		return err
	}
	u = joinPath(u, "v2", "cloudimages")
	size := in.PageSize
	if size <= 0 {
		size = DefaultImagePageSize
	}
	marker, total, seen := "", 0, map[string]bool{}
	for n := 1; ; n++ {
		pu := *u
		pu.RawQuery = in.query(size, marker)
		var body struct {
			Images *[]Image `json:"images"`
		}
		err := p.c.send(ctx, "GET", &pu, p.projectID, nil, func(r io.Reader) error {
			if err := json.NewDecoder(r).Decode(&body); err != nil {
				return err
			}
			if body.Images == nil {
				return errors.New(`no "images" array in the response`)
			}
			return nil
		})
		if err != nil {
			return err
		}
		images := *body.Images
		total += len(images)
		switch {
		case len(images) == 0:
			return nil
		case len(images) > size:
			return &ImagePagingError{Page: n, Problem: fmt.Sprintf("the page has %d images, more than the limit of %d that was asked for", len(images), size)}
		case total > MaxImages:
			return &ImagePagingError{Page: n, Problem: fmt.Sprintf("more than %d images", MaxImages)}
		}
		if err := page(images); err != nil {
			return err
		}
		next := images[len(images)-1].ID
		if next == "" || seen[next] {
			return &ImagePagingError{Page: n, Problem: "the last image of the page has no new ID to continue from"}
		}
		seen[next] = true
		marker = next
	}
}

// ImagePagingError is an image list that would not end.
type ImagePagingError struct {
	Page    int
	Problem string
}

func (e *ImagePagingError) Error() string {
	return fmt.Sprintf("paging the image list stopped at page %d: %s", e.Page, e.Problem)
}
