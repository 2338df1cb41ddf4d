package emulator

import (
	"encoding/json"
	"reflect"
	"testing"
)

// TestStateRoundTrip: the world in the fixtures format loads back into
// the same world; SetState replaces it and Reset goes back to the world at
// Start.
func TestStateRoundTrip(t *testing.T) {
	emu := startDemo(t)
	before := emu.State()
	if len(before.Accounts) != 3 || len(before.Images) != 5 {
		t.Fatalf("demo state: %d accounts, %d images", len(before.Accounts), len(before.Images))
	}
	if m := before.Images[0].Members; len(m) == 0 || m[0].CreatedAt == "" || m[0].Status == "" {
		t.Errorf("members lack status or created_at: %+v", m)
	}
	b, err := json.Marshal(before)
	if err != nil {
		t.Fatal(err)
	}
	var again FixtureFile
	if err := json.Unmarshal(b, &again); err != nil {
		t.Fatal(err)
	}
	if err := emu.SetState(again); err != nil {
		t.Fatal(err)
	}
	if after := emu.State(); !reflect.DeepEqual(before, after) {
		t.Errorf("state changed by a round trip:\n%+v\n%+v", before, after)
	}
	emu.SetMemberStatus(DemoProjectID, DemoOfferedImageID, DemoAllowedProjects[0], "accepted")
	if err := emu.SetState(FixtureFile{Accounts: []FixtureAccount{{DomainID: "d"}}}); err == nil {
		t.Error("an account without projects was accepted")
	}
	if got := emu.Members(DemoProjectID, DemoOfferedImageID)[0].Status; got != "accepted" {
		t.Errorf("a refused SetState changed the world: status %s", got)
	}
	if err := emu.Reset(); err != nil {
		t.Fatal(err)
	}
	if got := emu.Members(DemoProjectID, DemoOfferedImageID)[0].Status; got != "pending" {
		t.Errorf("after Reset: status %s, want pending", got)
	}
}
