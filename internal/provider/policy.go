package provider

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/terraform-ims/terraform-provider-ims/internal/ims"
)

// The sharing policy bounds whom every type of this provider may share an
// image with, and whose images it may accept: the provider block's
// sharing_policy and HW_IMS_SHARING_POLICY, each a source; a member must
// be allowed by every source that is set, so that a configuration can
// narrow a pipeline's policy, never widen it.

// policyEnv is the environment variable that holds a sharing policy as
// JSON.
const policyEnv = "HW_IMS_SHARING_POLICY"

// policyBlock is the provider block's name for the policy.
const policyBlock = "sharing_policy"

// policyList is one list of a policy: its name, the member kind it bounds
// (kindOwner for allowed_owners), what an element must be, and its check.
type policyList struct {
	name  string
	kind  int
	rule  string
	check func(string) bool
	doc   string
}

// kindOwner is the kind of allowed_owners: the projects whose images this
// project may accept.
const kindOwner = 3

var policyLists = []policyList{
	{"allowed_projects", kindProject, "must be a project ID: 32 lower-case hexadecimal characters", memberIDPattern.MatchString,
		"Project IDs that images may be shared with."},
	{"allowed_domains", kindDomain, "must be an account (domain) ID: 32 lower-case hexadecimal characters", memberIDPattern.MatchString,
		"Account (domain) IDs that images may be shared with."},
	{"allowed_organizations", kindOrganization, organizationURNRule, organizationURNPattern.MatchString,
		"Organization URNs that images may be shared with: an organization allows its root and every unit under it, a root the units " +
			"under it, a unit its nested units."},
	{"allowed_owners", kindOwner, "must be a project ID: 32 lower-case hexadecimal characters", memberIDPattern.MatchString,
		"Project IDs whose images this project may accept (`ims_image_share_accepter` with status `accepted`)."},
}

// policySource is one source of the policy; a nil list does not restrict
// its kind, an empty one forbids it.
type policySource struct {
	name  string
	lists [4]*[]string
}

// sharingPolicy is every source that is set.
type sharingPolicy struct {
	sources []policySource
}

// set reports a policy with at least one source.
func (p sharingPolicy) set() bool { return len(p.sources) > 0 }

// policySchemaBlock is the provider block's sharing_policy.
func policySchemaBlock() schema.Block {
	attrs := map[string]schema.Attribute{}
	for _, l := range policyLists {
		attrs[l.name] = schema.SetAttribute{
			Optional:    true,
			ElementType: types.StringType,
			MarkdownDescription: l.doc + " Not set: no bound on this kind; an empty list forbids it. Also in `" + policyEnv +
				"` (a JSON object with the same keys); when both are set, a member must be allowed by both.",
			Validators: []validator.Set{setvalidator.ValueStringsAre(stringvalidator.RegexMatches(regexpOf(l), l.rule))},
		}
	}
	return schema.SingleNestedBlock{
		MarkdownDescription: "Whom every resource and action of this provider may share images with, and whose images it may " +
			"accept: a member outside the policy is refused at plan time, before any request. Removing a member is always " +
			"allowed, and a member outside the policy that already exists is never removed by the policy (the plan warns). " +
			"The variable `" + policyEnv + "` holds the same as JSON, for pipelines; when both are set, a member must be " +
			"allowed by both, so that a configuration can narrow the pipeline's policy, never widen it.",
		Attributes: attrs,
	}
}

// regexpOf is the pattern of a policy list's elements.
func regexpOf(l policyList) *regexp.Regexp {
	if l.kind == kindOrganization {
		return organizationURNPattern
	}
	return memberIDPattern
}

// readPolicy reads both sources: the block from the provider
// configuration and the variable from the environment, validating the
// variable's elements (the block's are validated by the schema). unknown
// reports a block not known until apply.
func readPolicy(config tftypes.Value) (sharingPolicy, bool, diag.Diagnostics) {
	var p sharingPolicy
	var diags diag.Diagnostics
	var attrs map[string]tftypes.Value
	if err := config.As(&attrs); err == nil {
		if v, ok := attrs[policyBlock]; ok {
			if !v.IsFullyKnown() {
				return p, true, nil
			}
			if !v.IsNull() {
				src, more := policyFromHCL(v)
				diags.Append(more...)
				p.sources = append(p.sources, src)
			}
		}
	}
	if raw := strings.TrimSpace(os.Getenv(policyEnv)); raw != "" {
		src, more := policyFromJSON(raw)
		diags.Append(more...)
		p.sources = append(p.sources, src)
	}
	return p, false, diags
}

func policyFromHCL(v tftypes.Value) (policySource, diag.Diagnostics) {
	src := policySource{name: "the provider's " + policyBlock + " block"}
	var diags diag.Diagnostics
	var attrs map[string]tftypes.Value
	if err := v.As(&attrs); err != nil {
		diags.AddAttributeError(path.Root(policyBlock), "Cannot read "+policyBlock, err.Error()+". This is a provider bug.")
		return src, diags
	}
	for i, l := range policyLists {
		a, ok := attrs[l.name]
		if !ok || a.IsNull() {
			continue
		}
		var elems []tftypes.Value
		if err := a.As(&elems); err != nil {
			diags.AddAttributeError(path.Root(policyBlock).AtName(l.name), "Cannot read "+l.name, err.Error()+". This is a provider bug.")
			continue
		}
		list := make([]string, 0, len(elems))
		for _, e := range elems {
			var s string
			if err := e.As(&s); err == nil {
				list = append(list, s)
			}
		}
		src.lists[i] = &list
	}
	return src, diags
}

func policyFromJSON(raw string) (policySource, diag.Diagnostics) {
	src := policySource{name: policyEnv}
	var diags diag.Diagnostics
	var obj map[string][]string
	dec := json.NewDecoder(bytes.NewReader([]byte(raw)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&obj); err != nil {
		diags.AddError("Invalid "+policyEnv,
			fmt.Sprintf("%s must be a JSON object whose keys are allowed_projects, allowed_domains, allowed_organizations and "+
				"allowed_owners, each a list of strings, such as {\"allowed_projects\": [\"05041fffa40025702fcdc009d5a1b3c1\"]}: %s.",
				policyEnv, redact(err.Error(), nil)))
		return src, diags
	}
	for name := range obj {
		if policyListNamed(name) < 0 {
			diags.AddError("Invalid "+policyEnv, fmt.Sprintf("%s has the key %q, which is none of allowed_projects, allowed_domains, "+
				"allowed_organizations and allowed_owners.", policyEnv, displayText(name, nil)))
		}
	}
	for i, l := range policyLists {
		list, ok := obj[l.name]
		if !ok || list == nil {
			// Absent or null: no bound, as an unset argument in HCL.
			continue
		}
		for j, e := range list {
			if !l.check(e) {
				diags.AddError("Invalid "+policyEnv, fmt.Sprintf("%s: %s[%d] = %q %s.", policyEnv, l.name, j, displayText(e, nil), l.rule))
			}
		}
		src.lists[i] = &list
	}
	return src, diags
}

// policyListNamed is the index of the policy list name, or -1.
func policyListNamed(name string) int {
	for i, l := range policyLists {
		if l.name == name {
			return i
		}
	}
	return -1
}

// restricts reports whether a source bounds kind.
func (p sharingPolicy) restricts(kind int) bool {
	for _, src := range p.sources {
		if src.lists[kind] != nil {
			return true
		}
	}
	return false
}

// refusedBy is the source that does not allow the member (kind, v), or ""
// when every source allows it. kind is a member kind or kindOwner.
func (p sharingPolicy) refusedBy(kind int, v string) string {
	for _, src := range p.sources {
		list := src.lists[kind]
		if list == nil {
			continue
		}
		allowed := false
		for _, a := range *list {
			if kind == kindOrganization && organizationAllows(a, v) || kind != kindOrganization && strings.EqualFold(a, v) {
				allowed = true
				break
			}
		}
		if !allowed {
			return src.name
		}
	}
	return ""
}

// orgPath is an organization URN's kind and path of IDs: "organization"
// and [o-x]; "root" and [o-x r-y]; "ou" and [o-x ou-a ou-b].
func orgPath(v string) (string, []string, bool) {
	v = strings.ToLower(strings.TrimSpace(v))
	if !organizationURNPattern.MatchString(v) {
		return "", nil, false
	}
	rest := v[strings.Index(v, ":")+2:] // {account}:{kind}:{path}
	parts := strings.SplitN(rest, ":", 3)
	if len(parts) != 3 {
		return "", nil, false
	}
	return parts[1], strings.Split(parts[2], "/"), true
}

// organizationAllows reports whether the allowed organization URN allows
// the member v (a URN, or the bare ID IMS lists): an organization allows
// itself, its root and every unit; a root itself and every unit of its
// organization; a unit itself and its nested units. A bare ID is allowed
// only when it names an allowed URN's own last segment.
func organizationAllows(allowed, v string) bool {
	akind, apath, ok := orgPath(allowed)
	if !ok {
		return false
	}
	mkind, mpath, ok := orgPath(v)
	if !ok {
		return identity(kindOrganization, allowed) == identity(kindOrganization, v)
	}
	if apath[0] != mpath[0] {
		return false // Another organization.
	}
	switch akind {
	case "organization":
		return true
	case "root":
		return mkind == "ou" || mkind == "root" && mpath[len(mpath)-1] == apath[len(apath)-1]
	}
	if mkind != "ou" || len(mpath) < len(apath) {
		return false
	}
	for i := range apath {
		if apath[i] != mpath[i] {
			return false
		}
	}
	return true
}

// outside is the part of m that the policy does not allow, with the
// source that refuses each.
func (p sharingPolicy) outside(m members) (members, []string) {
	var out members
	var by []string
	for x := range m.all() {
		if src := p.refusedBy(x.kind, x.id); src != "" {
			out.add(x)
			by = append(by, src)
		}
	}
	return out, by
}

// refuseAdded is the error of each member of added outside the policy, on
// the attribute that names it (attrs: the type's attribute of each kind).
func (p sharingPolicy) refuseAdded(added members, spec *typeSpec) diag.Diagnostics {
	typeName, attrs := spec.name, spec.attrs
	var diags diag.Diagnostics
	for x := range added.all() {
		if src := p.refusedBy(x.kind, x.id); src != "" {
			diags.AddAttributeError(path.Root(attrs[x.kind]), "Member outside the sharing policy",
				fmt.Sprintf("%s %s may not share an image with %s: %s does not allow it (%s). Nothing was sent to IMS. Remove "+
					"the member, or have whoever sets %s add it.", typeName, attrs[x.kind], x, src, policyLists[x.kind].name, src))
		}
	}
	return diags
}

// warnHeld is the plan warning for members outside the policy that a
// resource already holds: the policy never removes them.
func (p sharingPolicy) warnHeld(held members, typeName, imageID string) diag.Diagnostics {
	var diags diag.Diagnostics
	if out, by := p.outside(held); !out.empty() {
		diags.AddWarning("Members outside the sharing policy",
			fmt.Sprintf("%s on image %s keeps %s, which %s does not allow. The policy never removes a member that exists: remove "+
				"it from the configuration to stop sharing with it.", typeName, imageID, out, strings.Join(dedupe(by), " and ")))
	}
	return diags
}

// dedupe is v with each string once, in order.
func dedupe(v []string) []string {
	var out []string
	for _, s := range v {
		if !containsFold(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// memberSpelling is a listed member as the policy compares it: an
// organization by its URN where IMS lists one.
func memberSpelling(m ims.Member) string {
	if kindOf(m) == kindOrganization && m.URN != nil && *m.URN != "" {
		return *m.URN
	}
	return m.MemberID
}
