package provider

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
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

// BenchmarkReadDataSource is the provider's whole side of one read of 20 and
// of 10,000 members through the protocol 6 server: read from the emulator on
// loopback, build state, and encode the response for Terraform.
func BenchmarkReadDataSource(b *testing.B) {
	for _, n := range []int{20, 10000} {
		b.Run(fmt.Sprintf("members=%d", n), func(b *testing.B) { benchmarkReadDataSource(b, n) })
	}
}

func benchmarkReadDataSource(b *testing.B, members int) {
	ctx := context.Background()
	emu := emulator.New()
	emu.LoadDemo()
	emu.SetMembers(emulator.DemoProjectID, testImageBig, emulator.GenerateMembers(testImageBig, members))
	emu.Start()
	defer emu.Close()
	server := providerserver.NewProtocol6(New("bench")())()

	provSchema, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		b.Fatal(err)
	}
	provType, ok := provSchema.Provider.ValueType().(tftypes.Object)
	if !ok {
		b.Fatal("the provider schema is not an object")
	}
	provAttrs := map[string]tftypes.Value{}
	for name, typ := range provType.AttributeTypes {
		provAttrs[name] = tftypes.NewValue(typ, nil)
	}
	for k, v := range map[string]string{"region": emulator.DemoRegion, "project_id": emulator.DemoProjectID, "access_key": emulator.DemoAccessKey,
		"secret_key": emulator.DemoSecretKey, "endpoint": emu.URL()} {
		provAttrs[k] = tftypes.NewValue(tftypes.String, v)
	}
	provConfig, err := tfprotov6.NewDynamicValue(provType, tftypes.NewValue(provType, provAttrs))
	if err != nil {
		b.Fatal(err)
	}
	cresp, err := server.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{Config: &provConfig})
	if err != nil || len(cresp.Diagnostics) > 0 {
		b.Fatal(err, cresp.Diagnostics)
	}
	dsType, ok := provSchema.DataSourceSchemas["ims_image_members"].ValueType().(tftypes.Object)
	if !ok {
		b.Fatal("the data source schema is not an object")
	}
	dsAttrs := map[string]tftypes.Value{}
	for name, typ := range dsType.AttributeTypes {
		dsAttrs[name] = tftypes.NewValue(typ, nil)
	}
	dsAttrs["image_id"] = tftypes.NewValue(tftypes.String, testImageBig)
	dsConfig, err := tfprotov6.NewDynamicValue(dsType, tftypes.NewValue(dsType, dsAttrs))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		resp, err := server.ReadDataSource(ctx, &tfprotov6.ReadDataSourceRequest{TypeName: "ims_image_members", Config: &dsConfig})
		if err != nil || len(resp.Diagnostics) > 0 || resp.State == nil {
			b.Fatal(err, resp.Diagnostics)
		}
	}
}
