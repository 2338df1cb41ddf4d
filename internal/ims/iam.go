package ims

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/url"
)

// Project is an IAM project; its name is the region it lives in.
type Project struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	DomainID string `json:"domain_id"`
	Enabled  bool   `json:"enabled"`
}

// ListProjectsInput names the IAM base (including /v3) and the project
// name (a region) to look up.
type ListProjectsInput struct {
	AuthURL, Name string
}

// ListProjects calls GET {auth_url}/projects?name={name}.
func (c *Client) ListProjects(ctx context.Context, in ListProjectsInput) ([]Project, error) {
	name := in.Name
	u, err := parseEndpoint(in.AuthURL)
	if err != nil {
		return nil, err
	}
	u = joinPath(u, "projects")
	u.RawQuery = url.Values{"name": {name}}.Encode()
	var body struct {
		Projects *[]Project `json:"projects"`
	}
	err = c.getJSON(ctx, u, func(r io.Reader) error {
		if err := json.NewDecoder(r).Decode(&body); err != nil {
			return err
		}
		if body.Projects == nil {
			return errors.New(`no "projects" array in the response`)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return *body.Projects, nil
}
