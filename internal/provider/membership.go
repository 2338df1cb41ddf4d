package provider

import (
	"context"
	"fmt"
	"iter"
	"slices"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-ims/terraform-provider-ims/internal/ims"
)

// The kinds of member IMS shares an image with, in the order the share
// resources' arguments and messages list them.
const (
	kindProject = iota
	kindDomain
	kindOrganization
)

// kindWords name the kinds in messages.
var kindWords = [...]string{"project", "account", "organization"}

// members is a membership by kind, each member as spelled: in the
// configuration, or as IMS lists it (organizations by URN where known).
// Two spellings of one member are the same member (see identity).
type members [3][]string

// identity is what two spellings of one member share: a project or account
// ID in lower case; an organization's last URN segment (its member_id, as
// IMS lists it), whichever of the URN or the bare ID was given.
func identity(kind int, v string) string {
	v = strings.ToLower(strings.TrimSpace(v))
	if kind == kindOrganization {
		return v[strings.LastIndexAny(v, ":/")+1:]
	}
	return v
}

// memberIDOf is a member's ID as this provider records it: IMS's
// member_id, except that an organization's is the last segment of its
// URN whether IMS lists the bare ID or the whole URN (the reference shows
// only the first; a plain ID also keeps import IDs and identities
// <image_id>/<member_id>).
func memberIDOf(m ims.Member) string {
	if kindOf(m) == kindOrganization {
		return m.MemberID[strings.LastIndexAny(m.MemberID, ":/")+1:]
	}
	return m.MemberID
}

// sameMemberID reports whether id names member m: a project or account ID
// in any case, an organization by its bare ID or URN.
func sameMemberID(m ims.Member, id string) bool {
	k := kindOf(m)
	return identity(k, id) == identity(k, m.MemberID)
}

// member is one member as a value: its kind and its spelling.
type member struct {
	kind int
	id   string
}

// String names the member for a message: "project X".
func (x member) String() string { return kindWords[x.kind] + " " + displayText(x.id, nil) }

// all is every member of m, kind by kind, each as spelled.
func (m members) all() iter.Seq[member] {
	return func(yield func(member) bool) {
		for k := range m {
			for _, v := range m[k] {
				if !yield(member{kind: k, id: v}) {
					return
				}
			}
		}
	}
}

// add puts x into m.
func (m *members) add(x member) { m[x.kind] = append(m[x.kind], x.id) }

// kindOf is the kind of a member as IMS lists it.
func kindOf(m ims.Member) int {
	switch strings.ToLower(m.MemberType) {
	case "domain":
		return kindDomain
	case "organization":
		return kindOrganization
	}
	return kindProject
}

// has reports whether m holds a member of kind with v's identity.
func (m members) has(kind int, v string) bool {
	id := identity(kind, v)
	return slices.ContainsFunc(m[kind], func(x string) bool { return identity(kind, x) == id })
}

// spelling is how m spells the member of kind with v's identity, or "".
func (m members) spelling(kind int, v string) string {
	id := identity(kind, v)
	for _, x := range m[kind] {
		if identity(kind, x) == id {
			return x
		}
	}
	return ""
}

// minus is what a has and b does not, by identity.
func (a members) minus(b members) members {
	var out members
	for x := range a.all() {
		if !b.has(x.kind, x.id) {
			out.add(x)
		}
	}
	return out
}

// common is what a has that b has too, by identity, spelled as a spells
// it.
func (a members) common(b members) members { return a.minus(a.minus(b)) }

// union is what a or b has, each member once, spelled as a spells it.
func (a members) union(b members) members {
	var out members
	for k := range a {
		out[k] = slices.Clone(a[k])
	}
	for x := range b.all() {
		if !out.has(x.kind, x.id) {
			out.add(x)
		}
	}
	return out
}

// empty reports a membership with no member.
func (m members) empty() bool { return len(m[0])+len(m[1])+len(m[2]) == 0 }

// request is m as a share request for one image.
func (m members) request(imageID string) ims.ShareRequest {
	return ims.ShareRequest{Images: []string{imageID}, Projects: m[kindProject], Domains: m[kindDomain], Organizations: m[kindOrganization]}
}

// String lists the members for a message: "project X, account Y".
func (m members) String() string {
	var parts []string
	for x := range m.all() {
		// IDs may come from a server: one bounded line each.
		parts = append(parts, x.String())
	}
	return strings.Join(parts, ", ")
}

// wanted is the membership a share resource's model declares.
func (m imageShareModel) wanted(ctx context.Context) (members, diag.Diagnostics) {
	return membersOf(ctx, m.Projects, m.Domains, m.Organizations)
}

// membersOf is the membership that the projects, domains and
// organizations sets of a configuration declare.
func membersOf(ctx context.Context, projects, domains, organizations types.Set) (members, diag.Diagnostics) {
	var w members
	var diags diag.Diagnostics
	for _, s := range []struct {
		kind int
		set  types.Set
	}{{kindProject, projects}, {kindDomain, domains}, {kindOrganization, organizations}} {
		if !s.set.IsNull() && !s.set.IsUnknown() {
			diags.Append(s.set.ElementsAs(ctx, &w[s.kind], false)...)
		}
		sort.Strings(w[s.kind])
	}
	return w, diags
}

// wantedIf is wanted, added to diags, when ok (the opening succeeded);
// ok stays false when either fails.
func (m imageShareModel) wantedIf(ctx context.Context, ok bool, diags *diag.Diagnostics) (members, bool) {
	if !ok {
		return members{}, false
	}
	w, more := m.wanted(ctx)
	diags.Append(more...)
	return w, !diags.HasError()
}

// heldMembers is what IMS lists for an image: the members, each once, and
// their membership spelled as prefer spells them where it names the same
// member (so that an organization listed without its urn, or an ID in
// another case, matches the configuration instead of showing as drift).
// A member IMS lists twice is kept once, with a warning naming it.
func heldMembers(imageID string, list []ims.Member, prefer members) (members, []ims.Member, diag.Diagnostics) {
	var h members
	var diags diag.Diagnostics
	unique := make([]ims.Member, 0, len(list))
	for _, m := range list {
		k := kindOf(m)
		v := m.MemberID
		if k == kindOrganization && m.URN != nil && *m.URN != "" {
			v = *m.URN
		}
		if h.has(k, v) {
			diags.AddWarning("IMS lists a member twice",
				fmt.Sprintf("IMS lists %s %s twice among the members of image %s; the provider counts it once. If it persists, report it "+
					"to Huawei Cloud support.", kindWords[k], displayText(m.MemberID, nil), imageID))
			continue
		}
		if s := prefer.spelling(k, v); s != "" {
			v = s
		}
		h[k] = append(h[k], v)
		unique = append(unique, m)
	}
	for k := range h {
		sort.Strings(h[k])
	}
	return h, unique, diags
}

// memberKey names a membership by its members' identities, whatever their
// spelling or order.
func memberKey(m members) string {
	var parts []string
	for k := range m {
		ids := make([]string, 0, len(m[k]))
		for _, v := range m[k] {
			ids = append(ids, identity(k, v))
		}
		sort.Strings(ids)
		parts = append(parts, strings.Join(ids, ","))
	}
	return strings.Join(parts, "|")
}
