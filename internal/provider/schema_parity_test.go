package provider

import (
	"context"
	"slices"
	"sort"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// TestSchemaModelParity checks every resource, identity and list resource
// schema against the model struct that mirrors it (the data source's has
// its own test, with its member object): a renamed attribute fails here,
// not in an acceptance test.
func TestSchemaModelParity(t *testing.T) {
	ctx := context.Background()
	resources := map[string]struct {
		new          func() resource.Resource
		model, ident any
	}{
		"ims_image_share":          {newImageShareResource, imageShareModel{}, imageShareIdentity{}},
		"ims_image_share_accepter": {newImageShareAccepterResource, imageShareAccepterModel{}, imageShareAccepterIdentity{}},
		"ims_image_share_member":   {newImageShareMemberResource, imageShareMemberModel{}, imageShareMemberIdentity{}},
	}
	for name, tc := range resources {
		r := tc.new()
		var sr resource.SchemaResponse
		r.Schema(ctx, resource.SchemaRequest{}, &sr)
		if diags := sr.Schema.ValidateImplementation(ctx); diags.HasError() || sr.Diagnostics.HasError() {
			t.Fatalf("%s: %v %v", name, sr.Diagnostics, diags)
		}
		got := names(sr.Schema.Attributes)
		for b := range sr.Schema.Blocks {
			got = append(got, b)
		}
		sort.Strings(got)
		if want := tfsdkTags(tc.model); !slices.Equal(got, want) {
			t.Errorf("%s: schema %v, model %v", name, got, want)
		}
		withIdentity, ok := r.(resource.ResourceWithIdentity)
		if !ok {
			t.Fatalf("%s has no identity", name)
		}
		var ir resource.IdentitySchemaResponse
		withIdentity.IdentitySchema(ctx, resource.IdentitySchemaRequest{}, &ir)
		if got, want := names(ir.IdentitySchema.Attributes), tfsdkTags(tc.ident); !slices.Equal(got, want) {
			t.Errorf("%s identity: schema %v, model %v", name, got, want)
		}
	}
	lists := map[string]struct {
		new   func() list.ListResource
		model any
	}{
		"ims_image_share":          {newImageShareListResource, imageShareListModel{}},
		"ims_image_share_accepter": {newImageShareAccepterListResource, imageShareAccepterListModel{}},
		"ims_image_share_member":   {newImageShareMemberListResource, imageShareMemberListModel{}},
	}
	p0 := New("test")()
	for name, tc := range lists {
		var lr list.ListResourceSchemaResponse
		tc.new().ListResourceConfigSchema(ctx, list.ListResourceSchemaRequest{}, &lr)
		if got, want := names(lr.Schema.Attributes), tfsdkTags(tc.model); !slices.Equal(got, want) {
			t.Errorf("list %s: schema %v, model %v", name, got, want)
		}
	}
	dataSources := map[string]struct {
		new   func() datasource.DataSource
		model any
		// nested is the object type of images, checked against the
		// schema's nested attributes.
		nested map[string]attr.Type
	}{
		"ims_image_shares":          {newImageSharesDataSource, imageSharesModel{}, sharedImageObjectType.AttrTypes},
		"ims_incoming_image_shares": {newIncomingImageSharesDataSource, incomingImageSharesModel{}, incomingImageObjectType.AttrTypes},
	}
	for name, tc := range dataSources {
		var sr datasource.SchemaResponse
		tc.new().Schema(ctx, datasource.SchemaRequest{}, &sr)
		if diags := sr.Schema.ValidateImplementation(ctx); diags.HasError() || sr.Diagnostics.HasError() {
			t.Fatalf("%s: %v %v", name, sr.Diagnostics, diags)
		}
		got := names(sr.Schema.Attributes)
		for b := range sr.Schema.Blocks {
			got = append(got, b)
		}
		sort.Strings(got)
		if want := tfsdkTags(tc.model); !slices.Equal(got, want) {
			t.Errorf("%s: schema %v, model %v", name, got, want)
		}
		images, ok := sr.Schema.Attributes["images"].(dsschema.ListNestedAttribute)
		if !ok {
			t.Fatalf("%s: images is a %T", name, sr.Schema.Attributes["images"])
		}
		if got, want := names(images.NestedObject.Attributes), names(tc.nested); !slices.Equal(got, want) {
			t.Errorf("%s images: schema %v, object type %v", name, got, want)
		}
	}
	// Every type the provider serves is covered above (and the members
	// data source by its own test).
	if n := len(p0.DataSources(ctx)); n != len(dataSources)+1 {
		t.Errorf("the provider serves %d data sources, the tests check %d", n, len(dataSources)+1)
	}
	p := New("test")()
	if n := len(p.Resources(ctx)); n != len(resources) {
		t.Errorf("the provider serves %d resources, the test checks %d", n, len(resources))
	}
	lp, ok := p.(interface {
		ListResources(context.Context) []func() list.ListResource
	})
	if !ok {
		t.Fatal("the provider serves no list resources")
	}
	if n := len(lp.ListResources(ctx)); n != len(lists) {
		t.Errorf("the provider serves %d list resources, the test checks %d", n, len(lists))
	}
	actions := map[string]struct {
		new   func() action.Action
		model any
	}{
		"ims_share_image":         {newShareImageAction, shareImageModel{}},
		"ims_unshare_image":       {newUnshareImageAction, unshareImageModel{}},
		"ims_accept_image_shares": {newAcceptImageSharesAction, acceptImageSharesModel{}},
	}
	for name, tc := range actions {
		var sr action.SchemaResponse
		tc.new().Schema(ctx, action.SchemaRequest{}, &sr)
		if diags := sr.Schema.ValidateImplementation(ctx); diags.HasError() || sr.Diagnostics.HasError() {
			t.Fatalf("%s: %v %v", name, sr.Diagnostics, diags)
		}
		got := names(sr.Schema.Attributes)
		for b := range sr.Schema.Blocks {
			got = append(got, b)
		}
		sort.Strings(got)
		if want := tfsdkTags(tc.model); !slices.Equal(got, want) {
			t.Errorf("action %s: schema %v, model %v", name, got, want)
		}
	}
	ap, ok := p.(interface {
		Actions(context.Context) []func() action.Action
	})
	if !ok {
		t.Fatal("the provider serves no actions")
	}
	if n := len(ap.Actions(ctx)); n != len(actions) {
		t.Errorf("the provider serves %d actions, the test checks %d", n, len(actions))
	}
}
