package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/terraform-ims/terraform-provider-ims/internal/emulator"
	"github.com/terraform-ims/terraform-provider-ims/internal/ims"
)

// BenchmarkMembersToState converts 10,000 members into the data source's
// Terraform state value, as Read does after the last page.
func BenchmarkMembersToState(b *testing.B) {
	ctx := context.Background()
	var sresp datasource.SchemaResponse
	newImageMembersDataSource().Schema(ctx, datasource.SchemaRequest{}, &sresp)
	schema := sresp.Schema
	src := emulator.GenerateMembers(testImage, 10000)
	members := make([]ims.Member, len(src))
	for i, m := range src {
		members[i] = ims.Member{MemberID: m.MemberID, MemberType: m.MemberType, Status: m.Status, URN: m.URN,
			ImageID: m.ImageID, Schema: m.Schema, CreatedAt: m.CreatedAt, UpdatedAt: m.UpdatedAt}
	}
	typ := schema.Type().TerraformType(ctx)
	b.ReportAllocs()
	for b.Loop() {
		state := tfsdk.State{Schema: schema, Raw: tftypes.NewValue(typ, nil)}
		model := imageMembersModel{Timeouts: timeouts.Value{Object: types.ObjectNull(map[string]attr.Type{"read": types.StringType})}}
		model.Members = types.ListNull(memberObjectType)
		model.MemberIDs = types.ListNull(types.StringType)
		if diags := state.Set(ctx, &model); diags.HasError() {
			b.Fatal(diags)
		}
		raw, err := withMembers(state.Raw, members, "", "")
		if err != nil {
			b.Fatal(err)
		}
		state.Raw = raw
		// Read the list back through the framework, as Terraform's
		// serialisation of the response would: the value must be valid.
		var got imageMembersModel
		if diags := state.Get(ctx, &got); diags.HasError() || len(got.MemberIDs.Elements()) != 10000 {
			b.Fatal(diags)
		}
	}
}
