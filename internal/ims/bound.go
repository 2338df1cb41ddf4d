package ims

// Bound is the client bound to one target: an IMS endpoint and the
// caller's project, worked out once by the caller, as AWS's region-bound
// clients are. Every call through it goes to that endpoint as that
// project (the path's project_id and X-Project-Id), so a request input
// holds only its operation's own fields.
type Bound struct {
	c                   *Client
	endpoint, projectID string
}

// At binds the client to endpoint, the IMS base URL (such as
// https://ims.cn-north-4.myhuaweicloud.com), and projectID, the caller's
// project. The binding is cheap: it shares the client's connections.
func (c *Client) At(endpoint, projectID string) *Bound {
	return &Bound{c: c, endpoint: endpoint, projectID: projectID}
}

// ProjectID is the project the client is bound to.
func (p *Bound) ProjectID() string { return p.projectID }
