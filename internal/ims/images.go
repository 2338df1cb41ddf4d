package ims

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strconv"
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
}

// ListImagesInput selects images (GET /v2/cloudimages).
type ListImagesInput struct {
	Endpoint string
	// ProjectID is the caller's project, sent as X-Project-Id.
	ProjectID string
	// ImageType is "private" (the project's own), "shared" (shared with
	// it) or "gold" (public).
	ImageType string
	// MemberStatus selects shared images by the caller's status:
	// accepted, rejected or pending.
	MemberStatus string
	// PageSize is the limit asked for; zero means DefaultPageSize.
	PageSize int
}

// MaxImages bounds the images one listing accepts, so that a server that
// never stops paging ends the listing with an error.
const MaxImages = 100_000

// ListImages pages through the image list, marker by marker (the ID of the
// last image of a page), and hands each page to page as it arrives, so that
// the caller can start working before the last page. It stops at the first
// page shorter than the limit, or when page returns an error.
func (c *Client) ListImages(ctx context.Context, in ListImagesInput, page func([]Image) error) error {
	u, err := parseEndpoint(in.Endpoint)
	if err != nil {
		return err
	}
	u = joinPath(u, "v2", "cloudimages")
	size := in.PageSize
	if size <= 0 {
		size = DefaultPageSize
	}
	marker, total, seen := "", 0, map[string]bool{}
	for n := 1; ; n++ {
		q := url.Values{"limit": {strconv.Itoa(size)}}
		if in.ImageType != "" {
			q.Set("__imagetype", in.ImageType)
		}
		if in.MemberStatus != "" {
			q.Set("member_status", in.MemberStatus)
		}
		if marker != "" {
			q.Set("marker", marker)
		}
		pu := *u
		pu.RawQuery = q.Encode()
		var body struct {
			Images *[]Image `json:"images"`
		}
		err := c.send(ctx, "GET", &pu, in.ProjectID, nil, func(r io.Reader) error {
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
		case len(images) > size:
			return &ImagePagingError{Page: n, Problem: fmt.Sprintf("the page has %d images, more than the limit of %d that was asked for", len(images), size)}
		case total > MaxImages:
			return &ImagePagingError{Page: n, Problem: fmt.Sprintf("more than %d images", MaxImages)}
		}
		if len(images) > 0 {
			if err := page(images); err != nil {
				return err
			}
		}
		if len(images) < size {
			return nil
		}
		next := images[len(images)-1].ID
		if next == "" || seen[next] {
			return &ImagePagingError{Page: n, Problem: "the last image of a full page has no new ID to continue from"}
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
