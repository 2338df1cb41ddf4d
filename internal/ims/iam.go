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

// ListProjects calls GET {authURL}/projects?name={name}. authURL is the IAM
// base including /v3.
func (c *Client) ListProjects(ctx context.Context, authURL, name string) ([]Project, error) {
	u, err := parseEndpoint(authURL)
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
