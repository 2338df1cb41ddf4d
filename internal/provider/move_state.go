package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/terraform-ims/terraform-provider-ims/internal/ims"
)

// Moving state between ims_image_share and ims_image_share_member (a moved
// block from one to the other) writes nothing to IMS: a share of exactly
// one member and a member resource describe the same sharing. A share of
// several members is refused, with the blocks that split it.

var (
	_ resource.ResourceWithMoveState = (*imageShareResource)(nil)
	_ resource.ResourceWithMoveState = (*imageShareMemberResource)(nil)
)

// schemaOf is a resource's schema, for a StateMover's SourceSchema.
func schemaOf(r resource.Resource) *schema.Schema {
	var resp resource.SchemaResponse
	r.Schema(context.Background(), resource.SchemaRequest{}, &resp)
	return &resp.Schema
}

// ourSource reports a move from this provider's type name.
func ourSource(req resource.MoveStateRequest, typeName string) bool {
	return req.SourceTypeName == typeName && (req.SourceProviderAddress == "" || strings.HasSuffix(req.SourceProviderAddress, "/ims"))
}

// MoveState takes an ims_image_share of one member.
func (r *imageShareMemberResource) MoveState(context.Context) []resource.StateMover {
	return []resource.StateMover{{
		SourceSchema: schemaOf(newImageShareResource()),
		StateMover: func(ctx context.Context, req resource.MoveStateRequest, resp *resource.MoveStateResponse) {
			if !ourSource(req, shareSpec.name) || req.SourceState == nil {
				return
			}
			var src imageShareModel
			if resp.Diagnostics.Append(req.SourceState.Get(ctx, &src)...); resp.Diagnostics.HasError() {
				return
			}
			held, diags := src.wanted(ctx)
			if resp.Diagnostics.Append(diags...); resp.Diagnostics.HasError() {
				return
			}
			imageID := src.ImageID.ValueString()
			if n := len(held[kindProject]) + len(held[kindDomain]) + len(held[kindOrganization]); n != 1 {
				resp.Diagnostics.Append(splitShareDiagnostic(imageID, held, n))
				return
			}
			m := imageShareMemberModel{
				ImageID: src.ImageID, Region: src.Region, OwnerProjectID: src.OwnerProjectID,
				ProjectID: types.StringNull(), DomainID: types.StringNull(), OrganizationURN: types.StringNull(),
				Timeouts: timeoutsNull("create", "delete"),
			}
			kind, spelled := onlyMember(held)
			switch kind {
			case kindProject:
				m.ProjectID = types.StringValue(spelled)
			case kindDomain:
				m.DomainID = types.StringValue(spelled)
			default:
				m.OrganizationURN = types.StringValue(spelled)
			}
			// The member's computed attributes as the share listed it; the
			// refresh that follows the move reads them from IMS again.
			obj := memberObjectFor(ctx, src.Members, kind, spelled)
			m.MemberID = obj.get("member_id", identity(kind, spelled))
			m.MemberType = obj.get("member_type", memberTypes[kind])
			m.Status, m.CreatedAt, m.UpdatedAt = obj.get("status", ""), obj.get("created_at", ""), obj.get("updated_at", "")
			m.ID = types.StringValue(imageID + "/" + m.MemberID.ValueString())
			resp.Diagnostics.Append(resp.TargetState.Set(ctx, &m)...)
			if resp.TargetIdentity != nil {
				// OpenTofu asks for the identity with the moved state.
				resp.Diagnostics.Append(resp.TargetIdentity.Set(ctx, imageShareMemberIdentity{ImageID: m.ImageID, MemberID: m.MemberID, Region: m.Region})...)
			}
		},
	}}
}

// MoveState takes an ims_image_share_member: a share of its one member.
func (r *imageShareResource) MoveState(context.Context) []resource.StateMover {
	return []resource.StateMover{{
		SourceSchema: schemaOf(newImageShareMemberResource()),
		StateMover: func(ctx context.Context, req resource.MoveStateRequest, resp *resource.MoveStateResponse) {
			if !ourSource(req, memberSpec.name) || req.SourceState == nil {
				return
			}
			var src imageShareMemberModel
			if resp.Diagnostics.Append(req.SourceState.Get(ctx, &src)...); resp.Diagnostics.HasError() {
				return
			}
			m := imageShareModel{
				ImageID: src.ImageID, ID: src.ImageID, Region: src.Region, OwnerProjectID: src.OwnerProjectID,
				Projects: stringSetOrNull(nil), Domains: stringSetOrNull(nil), Organizations: stringSetOrNull(nil),
				Timeouts: timeoutsNull(),
			}
			switch {
			case src.ProjectID.ValueString() != "":
				m.Projects = stringSetOrNull([]string{src.ProjectID.ValueString()})
			case src.DomainID.ValueString() != "":
				m.Domains = stringSetOrNull([]string{src.DomainID.ValueString()})
			case src.OrganizationURN.ValueString() != "":
				m.Organizations = stringSetOrNull([]string{src.OrganizationURN.ValueString()})
			default:
				resp.Diagnostics.AddError("Cannot move an ims_image_share_member that names no member",
					fmt.Sprintf("The ims_image_share_member on image %s in state names no project_id, domain_id or organization_urn "+
						"(an import never refreshed). Run terraform apply -refresh-only first, then move it.", src.ImageID.ValueString()))
				return
			}
			list, diags := memberListOf(src)
			resp.Diagnostics.Append(diags...)
			m.Members = list
			resp.Diagnostics.Append(resp.TargetState.Set(ctx, &m)...)
			if resp.TargetIdentity != nil {
				resp.Diagnostics.Append(resp.TargetIdentity.Set(ctx, imageShareIdentity{ImageID: m.ImageID, Region: m.Region})...)
			}
		},
	}}
}

// splitShareDiagnostic refuses moving a share of n members (not one) into
// one member resource, with the blocks that split it instead.
func splitShareDiagnostic(imageID string, held members, n int) diag.Diagnostic {
	var imports strings.Builder
	for x := range held.all() {
		fmt.Fprintf(&imports, "  import {\n    to = %s.<name>\n    id = %q\n  }\n", memberSpec.name, imageID+"/"+identity(x.kind, x.id))
	}
	return diag.NewErrorDiagnostic("Cannot move a share of several members into one ims_image_share_member",
		fmt.Sprintf("The ims_image_share on image %s holds %d members (%s); an ims_image_share_member holds one, so a moved block "+
			"cannot turn one into the other, and nothing was changed. Split it without a write (Terraform >= 1.7, OpenTofu >= 1.7): "+
			"replace the moved block with\n\n  removed {\n    from = <the ims_image_share address>\n    lifecycle {\n      destroy = false\n"+
			"    }\n  }\n\nand one ims_image_share_member resource and import block per member:\n\n%s", imageID, n, held, imports.String()))
}

// onlyMember is the one member of a membership of one, with its kind.
func onlyMember(m members) (int, string) {
	for x := range m.all() {
		return x.kind, x.id
	}
	return kindProject, ""
}

// memberObject is one element of a share's members list, by attribute.
type memberObject map[string]types.String

// get is the attribute's value, or def when it is missing or null.
func (o memberObject) get(name, def string) types.String {
	if v, ok := o[name]; ok && !v.IsNull() && !v.IsUnknown() {
		return v
	}
	return types.StringValue(def)
}

// memberObjectFor is the element of list that lists the member (kind,
// spelled), or an empty object.
func memberObjectFor(ctx context.Context, list types.List, kind int, spelled string) memberObject {
	var objs []types.Object
	if list.IsNull() || list.IsUnknown() || list.ElementsAs(ctx, &objs, false).HasError() {
		return memberObject{}
	}
	want := members{}
	want[kind] = []string{spelled}
	for _, obj := range objs {
		o := memberObject{}
		for name, v := range obj.Attributes() {
			if s, ok := v.(basetypes.StringValue); ok {
				o[name] = s
			}
		}
		id := o.get("member_id", "").ValueString()
		if urn := o.get("urn", "").ValueString(); urn != "" {
			id = urn
		}
		if want.has(kind, id) {
			return o
		}
	}
	return memberObject{}
}

// memberListOf is the members list of a share of the member resource's
// one member, as its state has it.
func memberListOf(src imageShareMemberModel) (types.List, diag.Diagnostics) {
	m := ims.Member{ImageID: src.ImageID.ValueString(), MemberID: src.MemberID.ValueString(), MemberType: src.MemberType.ValueString(),
		Status: src.Status.ValueString(), CreatedAt: src.CreatedAt.ValueString(), UpdatedAt: src.UpdatedAt.ValueString()}
	if urn := src.OrganizationURN.ValueString(); urn != "" {
		m.URN = &urn
	}
	return memberList([]ims.Member{m})
}
