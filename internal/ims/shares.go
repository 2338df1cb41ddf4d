package ims

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
)

// MaxShareMembers is the most tenants IMS shares a system or data disk
// image with (a full-ECS image: 10).
const MaxShareMembers = 256

// ShareRequest names images and the members to add to or remove from each
// (POST and DELETE /v1/cloudimages/members, one body for both, as the SDK's
// BatchAddMembersRequestBody). Organizations are URNs, as the SDK sends
// them on both. As that body marshals, "projects" is always present (null
// when there is none) and domains and organizations only when set.
type ShareRequest struct {
	Images        []string `json:"images"`
	Projects      []string `json:"projects"`
	Domains       []string `json:"domains,omitempty"`
	Organizations []string `json:"organizations,omitempty"`
}

// Empty reports whether the request names no member.
func (r ShareRequest) Empty() bool {
	return len(r.Projects)+len(r.Domains)+len(r.Organizations) == 0
}

// StatusRequest is the recipient's acceptance or rejection
// (PUT /v1/cloudimages/members).
type StatusRequest struct {
	Images []string `json:"images"`
	// ProjectID is the project whose status changes: the caller's (the
	// bound project), filled in by UpdateMemberStatus.
	ProjectID string `json:"project_id"`
	Status    string `json:"status"`
	VaultID   string `json:"vault_id,omitempty"`
}

// AddImageMembers shares images with members; it returns the job id.
func (p *Bound) AddImageMembers(ctx context.Context, req ShareRequest) (string, error) {
	return p.c.startJob(ctx, http.MethodPost, p.endpoint, p.projectID, req)
}

// RemoveImageMembers stops sharing images with members; it returns the job id.
func (p *Bound) RemoveImageMembers(ctx context.Context, req ShareRequest) (string, error) {
	return p.c.startJob(ctx, http.MethodDelete, p.endpoint, p.projectID, req)
}

// UpdateMemberStatus accepts or rejects images shared with the caller's
// project; it returns the job id.
func (p *Bound) UpdateMemberStatus(ctx context.Context, req StatusRequest) (string, error) {
	req.ProjectID = p.projectID
	return p.c.startJob(ctx, http.MethodPut, p.endpoint, p.projectID, req)
}

func (c *Client) startJob(ctx context.Context, method, endpoint, projectID string, body any) (string, error) {
	u, err := parseEndpoint(endpoint)
	if err != nil {
		return "", err
	}
	u = joinPath(u, "v1", "cloudimages", "members")
	var out struct {
		JobID string `json:"job_id"`
	}
	err = c.send(ctx, method, u, projectID, body, func(r io.Reader) error {
		if err := json.NewDecoder(r).Decode(&out); err != nil {
			return err
		}
		if out.JobID == "" {
			return errors.New(`no "job_id" in the response`)
		}
		if !plainID(out.JobID) {
			return fmt.Errorf("the job_id %q is not a plain id of at most %d characters", snippet([]byte(out.JobID)), maxIDLen)
		}
		return nil
	})
	return out.JobID, err
}

// GetImageMemberInput names one member of an image and where to read it.
type GetImageMemberInput struct {
	ImageID, MemberID string
}

// GetImageMember reads one member of an image
// (GET /v1/{project_id}/cloudimages/{image_id}/members/{member_id}). The
// owner may read any member; a recipient only itself, with its own project
// as both project_id and member_id.
func (p *Bound) GetImageMember(ctx context.Context, in GetImageMemberInput) (*Member, error) {
	memberID := in.MemberID
	base, err := MembersURL(p.endpoint, p.projectID, in.ImageID)
	if err != nil {
		return nil, err
	}
	if !plainID(memberID) {
		return nil, fmt.Errorf("ims: member id %q must be a plain id of at most %d characters", snippet([]byte(memberID)), maxIDLen)
	}
	u := base.JoinPath(url.PathEscape(memberID))
	var m Member
	err = p.c.getJSON(ctx, u, func(r io.Reader) error {
		if err := json.NewDecoder(r).Decode(&m); err != nil {
			return err
		}
		if m.MemberID == "" {
			return errors.New(`no "member_id" in the response`)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &m, nil
}
