package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	resourceschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/terraform-ims/terraform-provider-ims/internal/ims"
)

// memberAttribute is one attribute of the member object that the data
// source (and the resources after it) expose. memberAttributes is the one
// description of that object: its schema, its framework and
// terraform-plugin-go types and its values are all derived from it.
type memberAttribute struct {
	name        string
	description string
	// value reads the attribute from a member; nil is null.
	value func(m *ims.Member) *string
}

var memberAttributes = []memberAttribute{
	{"member_id", "ID of the member: a project ID, an account (domain) ID, or an organization unit ID such as `ou-5x1bvygwrplokk622i9gbn3f5ftfb2l9`.",
		func(m *ims.Member) *string { return &m.MemberID }},
	{"member_type", "`project`, `domain` or `organization`.", func(m *ims.Member) *string { return &m.MemberType }},
	{"status", "`accepted`, `rejected` or `pending`.", func(m *ims.Member) *string { return &m.Status }},
	{"urn", "URN of an organization member; null for other types.", func(m *ims.Member) *string { return m.URN }},
	{"image_id", "ID of the image.", func(m *ims.Member) *string { return &m.ImageID }},
	{"schema", "Schema of the member, e.g. `/v2/schemas/member`.", func(m *ims.Member) *string { return &m.Schema }},
	{"created_at", "When the image was shared with the member, e.g. `2023-08-23T04:07:52Z`.", func(m *ims.Member) *string { return &m.CreatedAt }},
	{"updated_at", "When the member's status last changed, e.g. `2023-08-23T04:07:52Z`.", func(m *ims.Member) *string { return &m.UpdatedAt }},
}

var (
	memberTypes    = []string{"project", "domain", "organization"}
	memberStatuses = []string{"accepted", "pending", "rejected"}

	// memberObjectType is the member object in the framework's terms.
	memberObjectType = func() types.ObjectType {
		m := make(map[string]attr.Type, len(memberAttributes))
		for _, a := range memberAttributes {
			m[a.name] = types.StringType
		}
		return types.ObjectType{AttrTypes: m}
	}()
	// tfMemberType is the member object in terraform-plugin-go's terms,
	// for building large lists without the framework's reflection.
	tfMemberType = func() tftypes.Object {
		m := make(map[string]tftypes.Type, len(memberAttributes))
		for _, a := range memberAttributes {
			m[a.name] = tftypes.String
		}
		return tftypes.Object{AttributeTypes: m}
	}()
)

// memberDataSourceAttributes is the nested object's schema for a data
// source.
func memberDataSourceAttributes() map[string]schema.Attribute {
	out := make(map[string]schema.Attribute, len(memberAttributes))
	for _, a := range memberAttributes {
		out[a.name] = schema.StringAttribute{Computed: true, MarkdownDescription: a.description}
	}
	return out
}

// memberValue is one member as a terraform-plugin-go value of tfMemberType.
func memberValue(m *ims.Member) tftypes.Value {
	vals := make(map[string]tftypes.Value, len(memberAttributes))
	for _, a := range memberAttributes {
		if p := a.value(m); p != nil {
			vals[a.name] = tftypes.NewValue(tftypes.String, *p)
		} else {
			vals[a.name] = tftypes.NewValue(tftypes.String, nil)
		}
	}
	return tftypes.NewValue(tfMemberType, vals)
}

// memberResourceAttributes is the nested object's schema for a resource.
func memberResourceAttributes() map[string]resourceschema.Attribute {
	out := make(map[string]resourceschema.Attribute, len(memberAttributes))
	for _, a := range memberAttributes {
		out[a.name] = resourceschema.StringAttribute{Computed: true, MarkdownDescription: a.description}
	}
	return out
}

// memberList is members as a framework list of member objects, for
// resources (whose lists are short: IMS shares an image with at most 256).
func memberList(members []ims.Member) (types.List, diag.Diagnostics) {
	var diags diag.Diagnostics
	elems := make([]attr.Value, 0, len(members))
	for i := range members {
		m := &members[i]
		vals := make(map[string]attr.Value, len(memberAttributes))
		for _, a := range memberAttributes {
			vals[a.name] = types.StringPointerValue(a.value(m))
		}
		obj, d := types.ObjectValue(memberObjectType.AttrTypes, vals)
		diags.Append(d...)
		elems = append(elems, obj)
	}
	list, d := types.ListValue(memberObjectType, elems)
	diags.Append(d...)
	return list, diags
}
