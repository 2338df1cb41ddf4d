package provider

import (
	"reflect"
	"testing"
)

// TestGroupWrites: one write for every distinct membership, whatever its
// spelling or order, naming its images in their order; images that need
// nothing get none.
func TestGroupWrites(t *testing.T) {
	const p, q = "5a5a0000000000000000000000000000", "5a5a0000000000000000000000000001"
	const org = "organizations::0a1b2c3d4e5f4a5b8c7d6e5f4a3b2c1d:organization:o-abc"
	need := map[string]members{
		"a": {kindProject: {p, q}},
		"b": {kindProject: {q, p}},
		"c": {kindProject: {p}},
		"d": {},
		"e": {kindProject: {"5A5A0000000000000000000000000001", p}},
		"f": {kindOrganization: {org}},
		"g": {kindOrganization: {"o-abc"}},
	}
	got := groupWrites([]string{"a", "b", "c", "d", "e", "f", "g", "missing"}, need)
	want := []batchWrite{
		{images: []string{"a", "b", "e"}, members: members{kindProject: {p, q}}},
		{images: []string{"c"}, members: members{kindProject: {p}}},
		{images: []string{"f", "g"}, members: members{kindOrganization: {org}}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("groupWrites = %+v, want %+v", got, want)
	}
}
