package ims

import (
	"fmt"
	"net/url"
	"strings"
)

// MembersURL is {endpoint}/v1/{project_id}/cloudimages/{image_id}/members.
func MembersURL(endpoint, projectID, imageID string) (*url.URL, error) {
	// The ids become path segments: anything but a plain id could walk the
	// path ("..") or add segments ("/"), so it is refused here too, not only
	// at plan time.
	if !plainID(projectID) || !plainID(imageID) {
		return nil, fmt.Errorf("ims: project id %q and image id %q must be plain ids (letters, digits, '-', '_', '.'; at most %d)", snippet([]byte(projectID)), snippet([]byte(imageID)), maxIDLen)
	}
	u, err := parseEndpoint(endpoint)
	if err != nil {
		return nil, err
	}
	return joinPath(u, "v1", projectID, "cloudimages", imageID, "members"), nil
}

// joinPath is url.JoinPath with an absolute result: on an endpoint without
// a path, JoinPath returns "v1/...", which logs and errors would show.
func joinPath(u *url.URL, elem ...string) *url.URL {
	j := u.JoinPath(elem...)
	if !strings.HasPrefix(j.Path, "/") {
		j.Path = "/" + j.Path
	}
	return j
}

func parseEndpoint(endpoint string) (*url.URL, error) {
	u, err := url.Parse(endpoint)
	if err != nil {
		return nil, fmt.Errorf("ims: endpoint %q is not a URL: %w", endpoint, err)
	}
	if (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("ims: endpoint %q must be an http or https URL with a host", endpoint)
	}
	u.RawQuery, u.Fragment = "", ""
	return u, nil
}
