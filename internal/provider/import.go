package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// importByImageID imports a share resource by its image ID (terraform
// import, import blocks with id) or by its identity's image_id and region.
func importByImageID(ctx context.Context, spec *typeSpec, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if req.ID != "" {
		if !uuidPattern.MatchString(req.ID) {
			resp.Diagnostics.AddError("Invalid import ID",
				fmt.Sprintf("%q is not an image ID. Import %s by the ID of its image, a UUID such as 370befec-a369-475e-a224-44a45927a8fe.",
					redact(req.ID, nil), spec.name))
			return
		}
		if refuseUpperCase(req.ID, spec, &resp.Diagnostics) {
			return
		}
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("image_id"), req.ID)...)
		return
	}
	var imageID, region types.String
	resp.Diagnostics.Append(req.Identity.GetAttribute(ctx, path.Root("image_id"), &imageID)...)
	resp.Diagnostics.Append(req.Identity.GetAttribute(ctx, path.Root("region"), &region)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if refuseUpperCase(imageID.ValueString(), spec, &resp.Diagnostics) {
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("image_id"), imageID)...)
	if !region.IsNull() && region.ValueString() != "" {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("region"), region)...)
	}
}

// refuseUpperCase refuses an import ID in upper case: IMS lists IDs in
// lower case, so the read after the import would find nothing and
// Terraform would say only "non-existent remote object".
func refuseUpperCase(id string, spec *typeSpec, diags *diag.Diagnostics) bool {
	if id == strings.ToLower(id) {
		return false
	}
	diags.AddError("Import ID not in lower case",
		fmt.Sprintf("%q has upper-case letters, but IMS lists image and member IDs in lower case. Import %s with id = %q, and write "+
			"image_id in lower case in the configuration too.", redact(id, nil), spec.name, strings.ToLower(redact(id, nil))))
	return true
}

// ownerProjectAttribute is owner_project_id of the resources on an image of
// the provider's project.
func ownerProjectAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		Computed: true,
		MarkdownDescription: "The project that owns the image and that this resource was recorded for. A provider that works as " +
			"another project (a changed `project_id` or credentials) is refused, instead of taking the image for gone.",
		PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
	}
}

// timeoutsNull is an unset timeouts block with the given attributes
// (default: create, update and delete, as the share resources have), for
// states built without a plan (import, lists).
func timeoutsNull(names ...string) timeouts.Value {
	if len(names) == 0 {
		names = []string{"create", "update", "delete"}
	}
	attrs := make(map[string]attr.Type, len(names))
	for _, n := range names {
		attrs[n] = types.StringType
	}
	return timeouts.Value{Object: types.ObjectNull(attrs)}
}
