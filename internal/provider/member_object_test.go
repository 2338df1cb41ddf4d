package provider

import (
	"context"
	"reflect"
	"slices"
	"sort"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/terraform-ims/terraform-provider-ims/internal/ims"
)

// TestImageMembersDataSource_schemaModelParity checks, as cloudflare's
// ValidateDataSourceModelSchemaIntegrity does, that the schema, the model
// struct and the state builder name the same attributes: a rename in one
// place that misses another fails here, not in a user's plan.
func TestImageMembersDataSource_schemaModelParity(t *testing.T) {
	var resp datasource.SchemaResponse
	newImageMembersDataSource().Schema(context.Background(), datasource.SchemaRequest{}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatal(resp.Diagnostics)
	}
	if diags := resp.Schema.ValidateImplementation(context.Background()); diags.HasError() {
		t.Fatal(diags)
	}
	schemaNames := names(resp.Schema.Attributes)
	for name := range resp.Schema.Blocks {
		schemaNames = append(schemaNames, name)
	}
	sort.Strings(schemaNames)
	if model := tfsdkTags(imageMembersModel{}); !slices.Equal(schemaNames, model) {
		t.Errorf("schema attributes %v, model fields %v", schemaNames, model)
	}

	members, ok := resp.Schema.Attributes["members"].(schema.ListNestedAttribute)
	if !ok {
		t.Fatalf("members is a %T, want a list of nested objects", resp.Schema.Attributes["members"])
	}
	nested := members.NestedObject.Attributes
	want := names(nested)
	var objectType, tfType, value []string
	for name := range memberObjectType.AttrTypes {
		objectType = append(objectType, name)
	}
	for name := range tfMemberType.AttributeTypes {
		tfType = append(tfType, name)
	}
	urn := "urn"
	v := memberValue(&ims.Member{URN: &urn})
	if !v.Type().Equal(tfMemberType) {
		t.Errorf("memberValue has type %s, want %s", v.Type(), tfMemberType)
	}
	var vals map[string]tftypes.Value
	if err := v.As(&vals); err != nil {
		t.Fatal(err)
	}
	for name := range vals {
		value = append(value, name)
	}
	for label, got := range map[string][]string{"memberObjectType": objectType, "tfMemberType": tfType, "memberValue": value} {
		sort.Strings(got)
		if !slices.Equal(got, want) {
			t.Errorf("%s has attributes %v; the schema has %v", label, got, want)
		}
	}
}

func names[T any](m map[string]T) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// tfsdkTags lists the tfsdk tags of a model struct, sorted.
func tfsdkTags(model any) []string {
	rt := reflect.TypeOf(model)
	var out []string
	for i := range rt.NumField() {
		f := rt.Field(i)
		if f.Anonymous {
			// An embedded model's fields are the outer model's.
			out = append(out, tfsdkTags(reflect.Zero(f.Type).Interface())...)
			continue
		}
		if tag := f.Tag.Get("tfsdk"); tag != "" && tag != "-" {
			out = append(out, tag)
		}
	}
	sort.Strings(out)
	return out
}
